// The setup half's slice: Welcome, CA certificates, client certificate.
import type { SliceCreator, StepId, WizardState } from '../store';
import type { Proceed } from '../selectors';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SetupSlice {}

export const createSetupSlice: SliceCreator<SetupSlice> = () => ({});

export function canProceedSetup(_state: WizardState, _step: StepId): Proceed {
  return { ok: true };
}
