// Install's slice: the installer and logging level chosen, the plan main made from them, and its run; and the
// uninstall (the Uninstall step of an uninstall job). Runs live here, not in the screen, so a technician can step
// away mid-run and come back to the same progress. After every apply the Mac is read again.
import type { ApplyOutcome, InstallPlan, InstallerCandidate, RequestOf } from '../../../src/shared/contract';
import type { InstallSlice, Loadable, Proceed, SliceCreator, WizardState } from '../../state/types';
import { call } from '../../api';
import { appliedCleanly, idle, loaded, nothingToDo, outcomeWords, track, type RunSlot } from '../../state/requests';
import { planLine } from '../../ui/plan-words';
import { currentEndpointCheck, missingClient } from '../welcome/slice';

const installRun: RunSlot<ApplyOutcome> = {
  name: 'install',
  read: (s) => s.install.run,
  write: (s, run) => ({ install: { ...s.install, run } }),
};

const uninstallRun: RunSlot<ApplyOutcome> = {
  name: 'uninstall',
  read: (s) => s.uninstall.run,
  write: (s, run) => ({ uninstall: { ...s.uninstall, run } }),
};

export const createInstallSlice: SliceCreator<InstallSlice> = (set, get) => ({
  install: {
    choices: { installerPath: '', loggingLevel: '' },
    candidates: idle,
    plan: idle,
    replanned: false,
    run: idle,
  },
  uninstall: { plan: idle, run: idle },

  setInstallChoices(patch) {
    set((s) => ({
      install: { ...s.install, choices: { ...s.install.choices, ...patch }, plan: idle, replanned: false },
    }));
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
  async prepareInstall(because) {
    const { choices } = get().install;
    // Why this plan was made travels with it: the screen says so as long as this plan is the one shown.
    const replanned = because === 'addresses-changed';
    set((s) => ({ install: { ...s.install, plan: { state: 'loading' }, replanned, run: idle } }));
    const req: RequestOf<'planInstall'> = { installerPath: choices.installerPath.trim() };
    if (choices.loggingLevel) req.loggingLevel = choices.loggingLevel;
    const r = await call('planInstall', req);
    set((s) => ({ install: { ...s.install, plan: loaded(r) } }));
    // Only a plan the technician asked for takes focus; one remade in the background is announced where it shows.
    if (because === undefined)
      get().resultReady('install-plan', r.ok ? `The plan is ready: ${planLine(r.value)}.` : r.error.message);
  },
  async applyInstall() {
    const plan = get().install.plan;
    if (plan.state !== 'ready') return;
    const r = await track(set, get, installRun, (id) => call('applyChanges', { planId: plan.value.planId }, id));
    // The trust plan was made against the Mac before the install (an upgrade needs the identity imported again).
    set((s) => ({
      trust: { ...s.trust, plan: s.trust.run.state === 'running' ? s.trust.plan : idle },
      verify: { ...s.verify, run: idle },
      summary: { ...s.summary, changes: idle },
    }));
    if (r) get().resultReady('install-plan', outcomeWords(r, 'The 1E Client is installed, configured and started.'));
    // The Mac changed: what Welcome and the later steps know of it is read again.
    await get().loadFacts(true);
  },

  async prepareUninstall() {
    set((s) => ({ uninstall: { ...s.uninstall, plan: { state: 'loading' }, run: idle } }));
    const r = await call('planUninstall', {});
    set((s) => ({ uninstall: { ...s.uninstall, plan: loaded(r) } }));
  },
  async applyUninstall() {
    const plan = get().uninstall.plan;
    if (plan.state !== 'ready') return;
    const r = await track(set, get, uninstallRun, (id) => call('applyChanges', { planId: plan.value.planId }, id));
    set((s) => ({ summary: { ...s.summary, changes: idle } }));
    if (r) get().resultReady('uninstall-plan', outcomeWords(r, 'The 1E Client is removed from this Mac.'));
    await get().loadFacts(true);
  },
});

export function canProceedInstall(state: WizardState): Proceed {
  const client = missingClient(state);
  if (!client.ok) return client;
  if (state.install.run.state === 'running') return { ok: false, reason: 'Wait until the installation has finished.' };
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
}

/** An uninstall is this one step: the removal. */
export function canProceedUninstall(state: WizardState): Proceed {
  if (state.uninstall.run.state === 'running') return { ok: false, reason: 'Wait until the uninstall has finished.' };
  if (appliedCleanly(state.uninstall.run) || nothingToDo(state.uninstall.plan)) return { ok: true };
  if (state.uninstall.run.state === 'done' || state.uninstall.run.state === 'error')
    return { ok: false, reason: 'The uninstall did not complete: fix the problem shown and try again.' };
  return { ok: false, reason: 'Review the uninstall plan, then uninstall.' };
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

/**
 * The plan installs or upgrades the package (false when the installer is the version already there: only the
 * configuration is written and the client restarted).
 */
export function packageChanges(plan: InstallPlan): boolean {
  return plan.plans.some((p) => p.actions.some((a) => a.id === 'client-install' && a.status === 'pending'));
}

/** The Install step's button, named for what the plan will do in this job. */
export function installLabels(state: WizardState): { action: string; busy: string; done: string } {
  const plan = state.install.plan.state === 'ready' ? state.install.plan.value : null;
  if (plan && !packageChanges(plan)) return { action: 'Configure and restart', busy: 'Applying…', done: 'Applied' };
  if (state.mode === 'upgrade' || plan?.upgrade)
    return { action: 'Upgrade and start', busy: 'Upgrading…', done: 'Upgraded' };
  return { action: 'Install and start', busy: 'Installing…', done: 'Installed' };
}
