// "Can I go on?" for each step: pure functions of the store, never state of their own.
import type { StepId, WizardState } from './store';
import { canProceedSetup } from './slices/setup';
import { canProceedChanges } from './slices/changes';

export type Proceed = { ok: true } | { ok: false; reason: string };

const SETUP_STEPS: readonly StepId[] = ['welcome', 'ca', 'client'];

export function canProceed(state: WizardState, step: StepId): Proceed {
  return SETUP_STEPS.includes(step) ? canProceedSetup(state, step) : canProceedChanges(state, step);
}
