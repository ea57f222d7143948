// The wizard's one store: navigation, plus a slice per half of the wizard (setup, changes).
// Secrets never enter it: passwords go straight to main and only handles come back.
import { create, type StateCreator } from 'zustand';
import type { AppInfo, IpcError } from '../src/shared/contract';
import { createSetupSlice, type SetupSlice } from './slices/setup';
import { createChangesSlice, type ChangesSlice } from './slices/changes';

export const STEPS = [
  { id: 'welcome', title: 'Welcome', summary: 'This Mac, the job, and where the 1E servers are' },
  { id: 'ca', title: 'CA certificates', summary: "Trust your organisation's certificate authorities" },
  { id: 'client', title: 'Client certificate', summary: 'A certificate for this Mac that meets every 1E requirement' },
  // Install comes first: the identity's key is granted to the 1E Client binary, which must be on the Mac by then.
  { id: 'install', title: 'Install', summary: 'Install and configure the 1E Client' },
  {
    id: 'identity',
    title: 'Trust & identity',
    summary: "Put the CAs and this Mac's identity into the System keychain for the 1E Client",
  },
  { id: 'verify', title: 'Verify', summary: 'Prove the Mac connects, as the Switch judges it' },
  { id: 'summary', title: 'Summary', summary: 'What changed, and the report for the ticket' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];

export type Loadable<T> =
  { state: 'idle' } | { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: IpcError };

export interface NavSlice {
  step: StepId;
  app: Loadable<AppInfo>;
  goTo(step: StepId): void;
  next(): void;
  back(): void;
  setApp(app: Loadable<AppInfo>): void;
}

export type WizardState = NavSlice & SetupSlice & ChangesSlice;
/** How each slice file declares its creator. */
export type SliceCreator<T> = StateCreator<WizardState, [], [], T>;

const order = STEPS.map((s) => s.id);

const createNavSlice: SliceCreator<NavSlice> = (set, get) => ({
  step: 'welcome',
  app: { state: 'idle' },
  goTo: (step) => set({ step }),
  next: () => {
    const i = order.indexOf(get().step);
    if (i < order.length - 1) set({ step: order[i + 1]! });
  },
  back: () => {
    const i = order.indexOf(get().step);
    if (i > 0) set({ step: order[i - 1]! });
  },
  setApp: (app) => set({ app }),
});

export const useWizard = create<WizardState>()((...a) => ({
  ...createNavSlice(...a),
  ...createSetupSlice(...a),
  ...createChangesSlice(...a),
}));

export function stepIndex(step: StepId): number {
  return order.indexOf(step);
}
