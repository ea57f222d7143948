// "Can I go on?" for each step: pure functions of the store, never state of their own.
import type { StepId, WizardState } from './store';

export type Proceed = { ok: true } | { ok: false; reason: string };

export function canProceed(_state: WizardState, _step: StepId): Proceed {
  return { ok: true };
}
