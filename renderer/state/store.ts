// The wizard's one store: where the technician is, plus one slice per step (steps/<step>/slice.ts).
// Secrets never enter it: passwords go straight to main and only handles come back.
import { create } from 'zustand';
import type { NavSlice, SliceCreator, StepId, WizardState } from './types';
import { createWelcomeSlice } from '../steps/welcome/slice';
import { createCaSlice } from '../steps/ca/slice';
import { createClientSlice } from '../steps/client/slice';
import { createInstallSlice } from '../steps/install/slice';
import { createTrustSlice } from '../steps/trust/slice';
import { createVerifySlice } from '../steps/verify/slice';
import { createSummarySlice } from '../steps/summary/slice';

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
] as const satisfies readonly { id: StepId; title: string; summary: string }[];

const order: StepId[] = STEPS.map((s) => s.id);

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
  ...createWelcomeSlice(...a),
  ...createCaSlice(...a),
  ...createClientSlice(...a),
  ...createInstallSlice(...a),
  ...createTrustSlice(...a),
  ...createVerifySlice(...a),
  ...createSummarySlice(...a),
}));

export function stepIndex(step: StepId): number {
  return order.indexOf(step);
}
