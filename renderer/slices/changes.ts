// The changes half's slice: trust & identity, install, verify, summary (and uninstall).
// Runs live here, not in the screens, so a technician can step away mid-run and come back
// to the same progress. Nothing secret is kept: main holds the plans; we hold their views.
import type {
  ApplyOutcome,
  ChangeSummary,
  InstallPlan,
  InstallerCandidate,
  PreparedChanges,
  ProgressEvent,
  ReportFile,
  TrustPlan,
  VerificationResult,
  MethodName,
  RequestOf,
  ResultOf,
  OnboardApi,
} from '../../src/shared/contract';
import type { Loadable, SliceCreator, StepId, WizardState } from '../store';
import type { Proceed } from '../selectors';
import { getApi, newRequestId } from '../api';
import { currentEndpointCheck } from './setup';

/** The contract's answer shapes, derived from the contract (the renderer may import nothing else). */
export type IpcError = Extract<Awaited<ReturnType<OnboardApi['getAppInfo']>>, { ok: false }>['error'];
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** Live progress of one action or check, as the last event said. */
export interface ProgressItem {
  status: ProgressEvent['status'];
  label?: string;
  detail?: string;
}

/** One apply (or verification) in flight or finished. */
export type Run<T> =
  | { state: 'idle' }
  | { state: 'running'; requestId: string; progress: Record<string, ProgressItem> }
  | { state: 'done'; value: T; progress: Record<string, ProgressItem> }
  | { state: 'error'; error: IpcError; progress: Record<string, ProgressItem> };

export interface InstallChoices {
  installerPath: string;
  /** Empty: keep what the Mac has (or the client's default). */
  loggingLevel: string;
}

export interface ChangesSlice {
  /** removeOld: the technician's choice about older identities for this Mac's name; null until chosen (main decides by mode). */
  trust: { allowAnyApp: boolean; removeOld: boolean | null; plan: Loadable<TrustPlan>; run: Run<ApplyOutcome> };
  install: {
    choices: InstallChoices;
    candidates: Loadable<InstallerCandidate[]>;
    plan: Loadable<InstallPlan>;
    run: Run<ApplyOutcome>;
  };
  verify: { run: Run<VerificationResult>; debug: { plan: Loadable<PreparedChanges>; run: Run<ApplyOutcome> } };
  summary: {
    changes: Loadable<ChangeSummary>;
    selected: string[];
    undo: { plan: Loadable<PreparedChanges>; run: Run<ApplyOutcome> };
  };
  uninstall: { plan: Loadable<PreparedChanges>; run: Run<ApplyOutcome> };

  setAllowAnyApp(on: boolean): void;
  setRemoveOldIdentities(on: boolean): void;
  prepareTrust(): Promise<void>;
  applyTrust(): Promise<void>;

  setInstallChoices(patch: Partial<InstallChoices>): void;
  findInstallers(): Promise<void>;
  prepareInstall(): Promise<void>;
  applyInstall(): Promise<void>;

  runVerification(): Promise<void>;
  cancelVerification(): Promise<void>;
  prepareDebugLogging(): Promise<void>;
  applyDebugLogging(): Promise<void>;

  loadSummary(): Promise<void>;
  toggleUndoSelection(changeId: string): void;
  prepareUndo(): Promise<void>;
  applyUndo(): Promise<void>;
  /** Asks main for the report; the screen turns it into a download. */
  fetchReport(format: 'html' | 'json'): Promise<IpcResult<ReportFile>>;

  prepareUninstall(): Promise<void>;
  applyUninstall(): Promise<void>;
}

const idle = { state: 'idle' } as const;

function toLoadable<T>(r: IpcResult<T>): Loadable<T> {
  return r.ok ? { state: 'ready', value: r.value } : { state: 'error', error: r.error };
}

async function call<M extends MethodName>(
  method: M,
  request: RequestOf<M>,
  requestId?: string,
): Promise<IpcResult<ResultOf<M>>> {
  const fn = getApi()[method] as (r: RequestOf<M>, id?: string) => Promise<IpcResult<ResultOf<M>>>;
  return fn(request, requestId);
}

type RunKey = 'trust' | 'install' | 'verify' | 'debug' | 'undo' | 'uninstall';

/** Where each run lives in the slice, so one helper can drive all of them. */
function readRun(s: WizardState, key: RunKey): Run<unknown> {
  switch (key) {
    case 'trust':
      return s.trust.run;
    case 'install':
      return s.install.run;
    case 'verify':
      return s.verify.run;
    case 'debug':
      return s.verify.debug.run;
    case 'undo':
      return s.summary.undo.run;
    case 'uninstall':
      return s.uninstall.run;
  }
}

function writeRun(s: WizardState, key: RunKey, run: Run<unknown>): Partial<WizardState> {
  switch (key) {
    case 'trust':
      return { trust: { ...s.trust, run: run as Run<ApplyOutcome> } };
    case 'install':
      return { install: { ...s.install, run: run as Run<ApplyOutcome> } };
    case 'verify':
      return { verify: { ...s.verify, run: run as Run<VerificationResult> } };
    case 'debug':
      return { verify: { ...s.verify, debug: { ...s.verify.debug, run: run as Run<ApplyOutcome> } } };
    case 'undo':
      return { summary: { ...s.summary, undo: { ...s.summary.undo, run: run as Run<ApplyOutcome> } } };
    case 'uninstall':
      return { uninstall: { ...s.uninstall, run: run as Run<ApplyOutcome> } };
  }
}

export const createChangesSlice: SliceCreator<ChangesSlice> = (set, get) => {
  /**
   * Starts a request whose progress events update the run under `key`; a second start while
   * one is running is ignored (one administrator prompt per press, never two).
   */
  async function track<T>(
    key: RunKey,
    start: (requestId: string) => Promise<IpcResult<T>>,
  ): Promise<IpcResult<T> | null> {
    if (readRun(get(), key).state === 'running') return null;
    const requestId = newRequestId(key);
    set((s) => writeRun(s, key, { state: 'running', requestId, progress: {} }));
    const unsubscribe = getApi().onEvent((e) => {
      if (e.type !== 'progress' || e.requestId !== requestId) return;
      set((s) => {
        const run = readRun(s, key);
        if (run.state !== 'running' || run.requestId !== requestId) return {};
        const item: ProgressItem = { status: e.status };
        if (e.label !== undefined) item.label = e.label;
        if (e.detail !== undefined) item.detail = e.detail;
        return writeRun(s, key, { ...run, progress: { ...run.progress, [e.id]: item } });
      });
    });
    try {
      const r = await start(requestId);
      set((s) => {
        const run = readRun(s, key);
        const progress = run.state === 'idle' ? {} : run.progress;
        return writeRun(
          s,
          key,
          r.ok ? { state: 'done', value: r.value, progress } : { state: 'error', error: r.error, progress },
        );
      });
      return r;
    } finally {
      unsubscribe();
    }
  }

  return {
    trust: { allowAnyApp: false, removeOld: null, plan: idle, run: idle },
    install: { choices: { installerPath: '', loggingLevel: '' }, candidates: idle, plan: idle, run: idle },
    verify: { run: idle, debug: { plan: idle, run: idle } },
    summary: { changes: idle, selected: [], undo: { plan: idle, run: idle } },
    uninstall: { plan: idle, run: idle },

    setAllowAnyApp(on) {
      // The plan on screen must match the choice, so a changed choice asks for a new plan.
      set((s) => ({ trust: { ...s.trust, allowAnyApp: on, plan: idle, run: idle } }));
      void get().prepareTrust();
    },
    setRemoveOldIdentities(on) {
      set((s) => ({ trust: { ...s.trust, removeOld: on, plan: idle, run: idle } }));
      void get().prepareTrust();
    },
    async prepareTrust() {
      // A fresh plan starts a fresh run: the old outcome belonged to the old plan.
      set((s) => ({ trust: { ...s.trust, plan: { state: 'loading' }, run: idle } }));
      const { allowAnyApp, removeOld } = get().trust;
      const r = await call(
        'planTrustIdentity',
        removeOld === null ? { allowAnyApp } : { allowAnyApp, removeOldIdentities: removeOld },
      );
      set((s) => ({ trust: { ...s.trust, plan: toLoadable(r) } }));
    },
    async applyTrust() {
      const plan = get().trust.plan;
      if (plan.state !== 'ready') return;
      await track('trust', (id) => call('applyChanges', { planId: plan.value.planId }, id));
      // What is on the Mac now differs: the verification and the summary are made afresh.
      set((s) => ({ verify: { ...s.verify, run: idle }, summary: { ...s.summary, changes: idle } }));
    },

    setInstallChoices(patch) {
      set((s) => ({ install: { ...s.install, choices: { ...s.install.choices, ...patch }, plan: idle } }));
    },
    async findInstallers() {
      set((s) => ({ install: { ...s.install, candidates: { state: 'loading' } } }));
      const r = await call('findInstallers', {});
      set((s) => {
        const candidates: Loadable<InstallerCandidate[]> = r.ok
          ? { state: 'ready', value: r.value.candidates }
          : { state: 'error', error: r.error };
        // One installer found and nothing chosen yet: choose it, the technician can still change it.
        const only = r.ok && r.value.candidates.length === 1 ? r.value.candidates[0]!.path : null;
        const choices =
          only && !s.install.choices.installerPath ? { ...s.install.choices, installerPath: only } : s.install.choices;
        return { install: { ...s.install, candidates, choices } };
      });
    },
    async prepareInstall() {
      const { choices } = get().install;
      set((s) => ({ install: { ...s.install, plan: { state: 'loading' }, run: idle } }));
      const req: RequestOf<'planInstall'> = { installerPath: choices.installerPath.trim() };
      if (choices.loggingLevel) req.loggingLevel = choices.loggingLevel;
      const r = await call('planInstall', req);
      set((s) => ({ install: { ...s.install, plan: toLoadable(r) } }));
    },
    async applyInstall() {
      const plan = get().install.plan;
      if (plan.state !== 'ready') return;
      await track('install', (id) => call('applyChanges', { planId: plan.value.planId }, id));
      // The trust plan was made against the Mac before the install (an upgrade needs the identity imported again).
      set((s) => ({
        trust: { ...s.trust, plan: s.trust.run.state === 'running' ? s.trust.plan : idle },
        verify: { ...s.verify, run: idle },
        summary: { ...s.summary, changes: idle },
      }));
    },

    async runVerification() {
      await track('verify', (id) => call('runVerification', {}, id));
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
      set((s) => ({ verify: { ...s.verify, debug: { ...s.verify.debug, plan: toLoadable(r) } } }));
    },
    async applyDebugLogging() {
      const plan = get().verify.debug.plan;
      if (plan.state !== 'ready') return;
      await track('debug', (id) => call('applyChanges', { planId: plan.value.planId }, id));
      set((s) => ({ summary: { ...s.summary, changes: idle } }));
    },

    async loadSummary() {
      set((s) => ({ summary: { ...s.summary, changes: { state: 'loading' } } }));
      const r = await call('getChangeSummary', {});
      set((s) => {
        // Keep only selections that can still be undone.
        const undoable = r.ok ? new Set(r.value.records.filter((c) => c.undoable).map((c) => c.id)) : new Set<string>();
        return {
          summary: {
            ...s.summary,
            changes: toLoadable(r),
            selected: s.summary.selected.filter((id) => undoable.has(id)),
          },
        };
      });
    },
    toggleUndoSelection(changeId) {
      set((s) => {
        const has = s.summary.selected.includes(changeId);
        const selected = has ? s.summary.selected.filter((id) => id !== changeId) : [...s.summary.selected, changeId];
        return { summary: { ...s.summary, selected, undo: { plan: idle, run: idle } } };
      });
    },
    async prepareUndo() {
      const selected = get().summary.selected;
      if (selected.length === 0) return;
      set((s) => ({ summary: { ...s.summary, undo: { plan: { state: 'loading' }, run: idle } } }));
      const r = await call('planUndo', { changeIds: selected });
      set((s) => ({ summary: { ...s.summary, undo: { ...s.summary.undo, plan: toLoadable(r) } } }));
    },
    async applyUndo() {
      const plan = get().summary.undo.plan;
      if (plan.state !== 'ready') return;
      await track('undo', (id) => call('applyChanges', { planId: plan.value.planId }, id));
      set((s) => ({ summary: { ...s.summary, selected: [] } }));
      await get().loadSummary();
    },
    fetchReport(format) {
      return call('exportReport', { format });
    },

    async prepareUninstall() {
      set((s) => ({ uninstall: { ...s.uninstall, plan: { state: 'loading' }, run: idle } }));
      const r = await call('planUninstall', {});
      set((s) => ({ uninstall: { ...s.uninstall, plan: toLoadable(r) } }));
    },
    async applyUninstall() {
      const plan = get().uninstall.plan;
      if (plan.state !== 'ready') return;
      await track('uninstall', (id) => call('applyChanges', { planId: plan.value.planId }, id));
      set((s) => ({ summary: { ...s.summary, changes: idle } }));
    },
  };
};

/** True when an apply finished and everything in it went through. */
export function appliedCleanly(run: Run<ApplyOutcome>): boolean {
  return run.state === 'done' && run.value.ok;
}

/** A plan that has nothing left to do counts as applied: the Mac is already as wanted. */
function nothingToDo(plan: Loadable<PreparedChanges>): boolean {
  return plan.state === 'ready' && plan.value.pendingCount === 0;
}

export function canProceedChanges(state: WizardState, step: StepId): Proceed {
  if (state.mode === 'uninstall') return canProceedUninstall(state, step);
  // Replacing the certificate installs nothing: Trust & identity imports it and restarts the client.
  if (state.mode === 'replace-certificate' && step === 'install') {
    return noClientToReplace(state)
      ? { ok: false, reason: 'No 1E Client is installed on this Mac: go back to Welcome and choose New setup.' }
      : { ok: true };
  }
  switch (step) {
    case 'identity':
      if (identityChangedSincePlan(state))
        return { ok: false, reason: 'The client certificate changed since this plan was made: apply the new plan.' };
      if (state.trust.run.state === 'running')
        return { ok: false, reason: 'Wait until the keychain changes have finished.' };
      if (appliedCleanly(state.trust.run) || nothingToDo(state.trust.plan)) return { ok: true };
      if (state.trust.run.state === 'done' || state.trust.run.state === 'error')
        return { ok: false, reason: 'The keychain changes did not complete: fix the problem shown and apply again.' };
      return { ok: false, reason: "Apply the plan to put the CAs and this Mac's identity into the System keychain." };
    case 'install':
      if (state.install.run.state === 'running')
        return { ok: false, reason: 'Wait until the installation has finished.' };
      if (endpointsChangedSincePlan(state))
        return {
          ok: false,
          reason:
            'The Switch or Background Channel address changed since this plan was made: review the new plan and apply it.',
        };
      if (appliedCleanly(state.install.run) || nothingToDo(state.install.plan)) return { ok: true };
      if (state.install.run.state === 'done' || state.install.run.state === 'error')
        return { ok: false, reason: 'The installation did not complete: fix the problem shown and install again.' };
      return { ok: false, reason: 'Choose the installer, review the changes, then install the 1E Client.' };
    case 'verify':
      if (state.verify.run.state === 'running')
        return { ok: false, reason: 'Wait for the checks to finish, or cancel them.' };
      // A failed verification still leads on: the summary holds the report for the ticket.
      if (state.verify.run.state === 'done') return { ok: true };
      return { ok: false, reason: 'Run the checks first.' };
    default:
      return { ok: true };
  }
}

/** Uninstalling touches only the Install step (the removal); the other steps have nothing to do. */
function canProceedUninstall(state: WizardState, step: StepId): Proceed {
  if (step !== 'install') return { ok: true };
  if (state.uninstall.run.state === 'running') return { ok: false, reason: 'Wait until the uninstall has finished.' };
  if (appliedCleanly(state.uninstall.run) || nothingToDo(state.uninstall.plan)) return { ok: true };
  if (state.uninstall.run.state === 'done' || state.uninstall.run.state === 'error')
    return { ok: false, reason: 'The uninstall did not complete: fix the problem shown and try again.' };
  return { ok: false, reason: 'Review the uninstall plan, then uninstall.' };
}

/** Replace-certificate mode on a Mac that, as Welcome read it, has no 1E Client to give the certificate to. */
export function noClientToReplace(state: WizardState): boolean {
  return (
    state.mode === 'replace-certificate' &&
    state.welcome.facts.state === 'ready' &&
    state.welcome.facts.value.client === null
  );
}

/**
 * The technician went back to Welcome and changed an address after the install plan was made
 * (or applied): the configuration on screen, or on the Mac, is no longer what was asked for.
 */
export function endpointsChangedSincePlan(state: WizardState): boolean {
  const plan = state.install.plan;
  // Main's own reading of the fields (it normalises them), as the plan was made from it.
  const check = currentEndpointCheck(state.welcome);
  if (plan.state !== 'ready' || !check?.switchAddress?.ok || !check.backgroundUrl?.ok) return false;
  const planned = (key: string) =>
    plan.value.configuration.find((l) => l.key.toLowerCase() === key.toLowerCase())?.after;
  return (
    planned('Switch') !== check.switchAddress.value || planned('BackgroundChannelUrl') !== check.backgroundUrl.value
  );
}

/** The technician went back and chose another identity after the trust plan was made (or applied). */
export function identityChangedSincePlan(state: WizardState): boolean {
  const current = state.client.identity?.certificate.sha256;
  return (
    state.trust.plan.state === 'ready' && current !== undefined && state.trust.plan.value.identity.sha256 !== current
  );
}
