// The wizard's one store: where the technician is, plus one slice per step (steps/<step>/slice.ts).
// Secrets never enter it: passwords go straight to main and only handles come back.
import { create } from 'zustand';
import type { NavSlice, SliceCreator, StepId, WizardState } from './types';
import { positionOf, stepsFor } from './journey';
import { call } from '../api';
import { createWelcomeSlice } from '../steps/welcome/slice';
import { createCaSlice } from '../steps/ca/slice';
import { createClientSlice } from '../steps/client/slice';
import { createInstallSlice } from '../steps/install/slice';
import { createTrustSlice } from '../steps/trust/slice';
import { createVerifySlice } from '../steps/verify/slice';
import { createSummarySlice } from '../steps/summary/slice';

const createNavSlice: SliceCreator<NavSlice> = (set, get) => {
  /** Moves to a step of the current job, remembering where the technician has been. */
  const moveTo = (step: StepId) =>
    set((s) => ({ step, visited: s.visited.includes(step) ? s.visited : [...s.visited, step], focus: null }));
  const neighbour = (by: number) => {
    const { mode, step } = get();
    const steps = stepsFor(mode);
    const next = steps[positionOf(mode, step) + by];
    if (next) moveTo(next.id);
  };
  return {
    step: 'welcome',
    app: { state: 'idle' },
    visited: ['welcome'],
    focus: null,
    announcement: { text: '', seq: 0 },
    finished: false,
    goTo: moveTo,
    next: () => neighbour(1),
    back: () => neighbour(-1),
    setApp: (app) => set({ app }),
    resultReady: (target, text) =>
      set((s) => {
        const seq = s.announcement.seq + 1;
        return { focus: { target, announcement: text, seq }, announcement: { text, seq } };
      }),
    focusTaken: (seq) => set((s) => (s.focus?.seq === seq ? { focus: null } : {})),
    finish: () => {
      set({ finished: true });
      get().resultReady('summary-finished', 'Finished. You can close Onboard.');
    },
    async startOver() {
      const r = await call('startOver', {});
      if (!r.ok) {
        set((s) => ({ summary: { ...s.summary, report: { state: 'error', error: r.error } } }));
        return;
      }
      // Everything this job knew goes: the store starts as the app does, keeping only what the app is.
      const app = get().app;
      useWizard.setState(initialState(), true);
      set({ app });
      await get().loadFacts(true);
      get().resultReady('welcome-facts', 'Starting afresh: this Mac was read again.');
    },
  };
};

/** Every slice, fresh: the store as the app starts (and as "Onboard another Mac" starts it again). */
const allSlices: SliceCreator<WizardState> = (...a) => ({
  ...createNavSlice(...a),
  ...createWelcomeSlice(...a),
  ...createCaSlice(...a),
  ...createClientSlice(...a),
  ...createInstallSlice(...a),
  ...createTrustSlice(...a),
  ...createVerifySlice(...a),
  ...createSummarySlice(...a),
});

const initialState = (): WizardState => allSlices(useWizard.setState, useWizard.getState, useWizard);

export const useWizard = create<WizardState>()(allSlices);
