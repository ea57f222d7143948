// The changes half's slice: trust & identity, install, verify, summary.
import type { SliceCreator, StepId, WizardState } from '../store';
import type { Proceed } from '../selectors';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ChangesSlice {}

export const createChangesSlice: SliceCreator<ChangesSlice> = () => ({});

export function canProceedChanges(_state: WizardState, _step: StepId): Proceed {
  return { ok: true };
}
