// Verify's slice: the checks' run with live progress per check (counted against the checks main said it will run),
// and debug logging (a plan, then its run) for a check that fails for reasons unseen.
import type { ApplyOutcome, VerificationResult } from '../../../src/shared/contract';
import type { Proceed, SliceCreator, VerifySlice, WizardState } from '../../state/types';
import { call } from '../../api';
import { idle, loaded, outcomeWords, track, type RunSlot } from '../../state/requests';
import { planLine } from '../../ui/plan-words';

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
    const r = await track(set, get, verifyRun, (id) => call('runVerification', {}, id));
    set((s) => ({ summary: { ...s.summary, changes: idle, report: idle } }));
    if (r) get().resultReady('verify-verdict', r.ok ? verdictWords(r.value) : r.error.message);
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
    get().resultReady('debug-plan', r.ok ? `The plan is ready: ${planLine(r.value)}.` : r.error.message);
  },
  async applyDebugLogging() {
    const plan = get().verify.debug.plan;
    if (plan.state !== 'ready') return;
    const r = await track(set, get, debugRun, (id) => call('applyChanges', { planId: plan.value.planId }, id));
    set((s) => ({ summary: { ...s.summary, changes: idle } }));
    if (r) get().resultReady('debug-plan', outcomeWords(r, 'Debug logging is on and the client restarted.'));
    await get().loadFacts(true);
  },
});

/** The verdict in words, failures and warnings named first, as the live region says it. */
export function verdictWords(v: VerificationResult): string {
  const c = v.counts;
  const problems = v.findings.filter((f) => f.status === 'fail').map((f) => f.title);
  if (!v.ok)
    return `Not yet: ${c.fail} check${c.fail === 1 ? '' : 's'} failed: ${problems.join('; ')}.${c.warn ? ` ${c.warn} to look at.` : ''}`;
  return `All green: this Mac meets every check (${c.pass} passed${c.warn ? `, ${c.warn} to look at` : ''}).`;
}

export function canProceedVerify(state: WizardState): Proceed {
  if (state.verify.run.state === 'running')
    return { ok: false, reason: 'Wait for the checks to finish, or cancel them.' };
  // A failed verification still leads on: the summary holds the report for the ticket.
  if (state.verify.run.state === 'done') return { ok: true };
  return { ok: false, reason: 'Run the checks first.' };
}
