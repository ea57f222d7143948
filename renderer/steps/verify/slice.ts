// Verify's slice: the checks' run with live progress per check, debug logging (a plan, then its run), and the
// report main makes for the ticket.
import type { ApplyOutcome, VerificationResult } from '../../../src/shared/contract';
import type { Proceed, SliceCreator, VerifySlice, WizardState } from '../../state/types';
import { call } from '../../api';
import { idle, loaded, track, type RunSlot } from '../../state/requests';

const verifyRun: RunSlot<VerificationResult> = {
  name: 'verify',
  read: (s) => s.verify.run,
  write: (s, run) => ({ verify: { ...s.verify, run } }),
};

const debugRun: RunSlot<ApplyOutcome> = {
  name: 'debug',
  read: (s) => s.verify.debug.run,
  write: (s, run) => ({ verify: { ...s.verify, debug: { ...s.verify.debug, run } } }),
};

export const createVerifySlice: SliceCreator<VerifySlice> = (set, get) => ({
  verify: { run: idle, debug: { plan: idle, run: idle } },

  async runVerification() {
    await track(set, get, verifyRun, (id) => call('runVerification', {}, id));
    set((s) => ({ summary: { ...s.summary, changes: idle } }));
  },
  async cancelVerification() {
    const run = get().verify.run;
    if (run.state !== 'running') return;
    await call('cancelRequest', { requestId: run.requestId });
  },
  async prepareDebugLogging() {
    set((s) => ({ verify: { ...s.verify, debug: { plan: { state: 'loading' }, run: idle } } }));
    const r = await call('planDebugLogging', {});
    set((s) => ({ verify: { ...s.verify, debug: { ...s.verify.debug, plan: loaded(r) } } }));
  },
  async applyDebugLogging() {
    const plan = get().verify.debug.plan;
    if (plan.state !== 'ready') return;
    await track(set, get, debugRun, (id) => call('applyChanges', { planId: plan.value.planId }, id));
    set((s) => ({ summary: { ...s.summary, changes: idle } }));
  },
  fetchReport(format) {
    return call('exportReport', { format });
  },
});

export function canProceedVerify(state: WizardState): Proceed {
  if (state.mode === 'uninstall') return { ok: true };
  if (state.verify.run.state === 'running')
    return { ok: false, reason: 'Wait for the checks to finish, or cancel them.' };
  // A failed verification still leads on: the summary holds the report for the ticket.
  if (state.verify.run.state === 'done') return { ok: true };
  return { ok: false, reason: 'Run the checks first.' };
}
