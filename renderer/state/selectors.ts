// "Can I go on?" for each step: pure functions of the store, never state of their own; each step owns its rule.
import type { Proceed, StepId, WizardState } from './types';
import { canProceedWelcome } from '../steps/welcome/slice';
import { canProceedCa } from '../steps/ca/slice';
import { canProceedClient } from '../steps/client/slice';
import { canProceedInstall } from '../steps/install/slice';
import { canProceedTrust } from '../steps/trust/slice';
import { canProceedVerify } from '../steps/verify/slice';

const RULES: Record<StepId, (state: WizardState) => Proceed> = {
  welcome: canProceedWelcome,
  ca: canProceedCa,
  client: canProceedClient,
  install: canProceedInstall,
  identity: canProceedTrust,
  verify: canProceedVerify,
  // The last step: there is nowhere to go on to.
  summary: () => ({ ok: true }),
};

export function canProceed(state: WizardState, step: StepId): Proceed {
  return RULES[step](state);
}
