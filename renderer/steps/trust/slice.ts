// Trust & identity's slice: the technician's choices (any app may use the key; remove older identities), the plan
// main made from them and the earlier steps, and its run.
import type { ApplyOutcome, SetupModeName } from '../../../src/shared/contract';
import type { Proceed, SliceCreator, TrustSlice, WizardState } from '../../state/types';
import { call } from '../../api';
import { appliedCleanly, idle, loaded, nothingToDo, outcomeWords, track, type RunSlot } from '../../state/requests';
import { planLine } from '../../ui/plan-words';

const trustRun: RunSlot<ApplyOutcome> = {
  name: 'trust',
  read: (s) => s.trust.run,
  write: (s, run) => ({ trust: { ...s.trust, run } }),
};

export const createTrustSlice: SliceCreator<TrustSlice> = (set, get) => ({
  trust: { allowAnyApp: false, removeOld: null, plan: idle, run: idle },

  setAllowAnyApp(on) {
    // The plan on screen must match the choice, so a changed choice asks for a new plan.
    set((s) => ({ trust: { ...s.trust, allowAnyApp: on, plan: idle, run: idle } }));
    void get().prepareTrust();
  },
  setRemoveOldIdentities(on) {
    set((s) => ({ trust: { ...s.trust, removeOld: on, plan: idle, run: idle } }));
    void get().prepareTrust();
  },
  async prepareTrust(asked = false) {
    // A fresh plan starts a fresh run: the old outcome belonged to the old plan.
    set((s) => ({ trust: { ...s.trust, plan: { state: 'loading' }, run: idle } }));
    const { allowAnyApp, removeOld } = get().trust;
    const r = await call(
      'planTrustIdentity',
      removeOld === null ? { allowAnyApp } : { allowAnyApp, removeOldIdentities: removeOld },
    );
    set((s) => ({ trust: { ...s.trust, plan: loaded(r) } }));
    // A plan the technician asked for takes focus; one made on arrival leaves focus on the step's heading.
    if (asked) get().resultReady('trust-plan', r.ok ? `The plan is ready: ${planLine(r.value)}.` : r.error.message);
  },
  async applyTrust() {
    const plan = get().trust.plan;
    if (plan.state !== 'ready') return;
    const r = await track(set, get, trustRun, (id) => call('applyChanges', { planId: plan.value.planId }, id));
    // What is on the Mac now differs: the verification and the summary are made afresh, and the Mac read again.
    set((s) => ({ verify: { ...s.verify, run: idle }, summary: { ...s.summary, changes: idle } }));
    if (r)
      get().resultReady('trust-plan', outcomeWords(r, "The CAs and this Mac's identity are in the System keychain."));
    await get().loadFacts(true);
  },
});

export function canProceedTrust(state: WizardState): Proceed {
  if (identityChangedSincePlan(state))
    return { ok: false, reason: 'The client certificate changed since this plan was made: import the new one.' };
  if (state.trust.run.state === 'running')
    return { ok: false, reason: 'Wait until the keychain changes have finished.' };
  if (appliedCleanly(state.trust.run) || nothingToDo(state.trust.plan)) return { ok: true };
  if (state.trust.run.state === 'done' || state.trust.run.state === 'error')
    return { ok: false, reason: 'The keychain changes did not complete: fix the problem shown and make a fresh plan.' };
  return { ok: false, reason: "The CAs and this Mac's identity are not in the System keychain yet." };
}

/** The technician went back and chose another identity after the trust plan was made (or applied). */
export function identityChangedSincePlan(state: WizardState): boolean {
  const current = state.client.identity?.certificate.sha256;
  return (
    state.trust.plan.state === 'ready' && current !== undefined && state.trust.plan.value.identity.sha256 !== current
  );
}

/** The Trust & identity step's button, named for the job. */
export function trustLabels(mode: SetupModeName): { action: string; done: string } {
  if (mode === 'upgrade') return { action: 'Import the identity again', done: 'Imported' };
  if (mode === 'replace-certificate') return { action: 'Import the new certificate', done: 'Imported' };
  return { action: 'Import into the keychain', done: 'Imported' };
}
