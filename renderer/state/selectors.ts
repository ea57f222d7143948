// "Can I go on?", "is this step's work done?" and "what is this step's one action?": pure functions of the store,
// never state of their own; each step owns its rule.
import type { Proceed, StepId, StepProgress, WizardState } from './types';
import { appliedCleanly, nothingToDo } from './requests';
import { canProceedWelcome } from '../steps/welcome/slice';
import { canProceedCa } from '../steps/ca/slice';
import { canProceedClient } from '../steps/client/slice';
import { canProceedInstall, canProceedUninstall, installLabels } from '../steps/install/slice';
import { canProceedTrust, identityChangedSincePlan, trustLabels } from '../steps/trust/slice';
import { canProceedVerify } from '../steps/verify/slice';

const RULES: Record<StepId, (state: WizardState) => Proceed> = {
  welcome: canProceedWelcome,
  ca: canProceedCa,
  client: canProceedClient,
  install: canProceedInstall,
  uninstall: canProceedUninstall,
  identity: canProceedTrust,
  verify: canProceedVerify,
  // The last step: there is nowhere to go on to.
  summary: () => ({ ok: true }),
};

export function canProceed(state: WizardState, step: StepId): Proceed {
  return RULES[step](state);
}

const failedRun = (run: WizardState['install']['run']) =>
  run.state === 'error' || (run.state === 'done' && !run.value.ok);

/**
 * Whether a step's own work is done (not merely passed): a step is done when what it is for has happened, shows a
 * problem when it was tried and failed, and is otherwise not done, however far the technician has gone past it.
 */
export function stepProgress(state: WizardState, step: StepId): StepProgress {
  switch (step) {
    case 'welcome':
      return canProceedWelcome(state).ok ? 'done' : 'not-done';
    case 'ca': {
      const certs = state.ca.view.certificates.length;
      if (certs === 0) return 'not-done';
      return canProceedCa(state).ok ? 'done' : 'problem';
    }
    case 'client':
      return state.client.identity === null ? 'not-done' : state.client.identity.ok ? 'done' : 'problem';
    case 'install':
      if (appliedCleanly(state.install.run) || nothingToDo(state.install.plan)) return 'done';
      return failedRun(state.install.run) ? 'problem' : 'not-done';
    case 'uninstall':
      if (appliedCleanly(state.uninstall.run) || nothingToDo(state.uninstall.plan)) return 'done';
      return failedRun(state.uninstall.run) ? 'problem' : 'not-done';
    case 'identity':
      if (identityChangedSincePlan(state)) return 'not-done';
      if (appliedCleanly(state.trust.run) || nothingToDo(state.trust.plan)) return 'done';
      return failedRun(state.trust.run) ? 'problem' : 'not-done';
    case 'verify':
      if (state.verify.run.state !== 'done') return 'not-done';
      return state.verify.run.value.ok ? 'done' : 'problem';
    case 'summary':
      return state.finished ? 'done' : 'not-done';
  }
}

/** A step's one obvious action, as its screen offers it and the footer mirrors it. */
export interface StepAction {
  label: string;
  /** Shown while it runs instead of the label; the button is then disabled. */
  busy: boolean;
  danger?: boolean;
  run(): void;
}

/**
 * The action that moves this step on, while there is one to take (nothing when the step is done, or when what it
 * needs is a choice on the screen rather than a press).
 */
export function stepAction(state: WizardState, step: StepId): StepAction | null {
  switch (step) {
    case 'install': {
      const { plan, run, choices } = state.install;
      if (run.state === 'running') return { label: installLabels(state).busy, busy: true, run: () => undefined };
      if (failedRun(run)) return { label: 'Make a fresh plan', busy: false, run: () => void state.prepareInstall() };
      if (plan.state === 'ready' && run.state === 'idle' && plan.value.pendingCount > 0)
        return { label: installLabels(state).action, busy: false, run: () => void state.applyInstall() };
      if (plan.state === 'loading') return { label: 'Reviewing…', busy: true, run: () => undefined };
      if (plan.state !== 'ready' && choices.installerPath.trim() !== '')
        return { label: 'Review the changes', busy: false, run: () => void state.prepareInstall() };
      return null;
    }
    case 'uninstall': {
      const { plan, run } = state.uninstall;
      if (run.state === 'running') return { label: 'Uninstalling…', busy: true, danger: true, run: () => undefined };
      if (failedRun(run)) return { label: 'Make a fresh plan', busy: false, run: () => void state.prepareUninstall() };
      if (plan.state === 'ready' && run.state === 'idle' && plan.value.pendingCount > 0)
        return { label: 'Uninstall', busy: false, danger: true, run: () => void state.applyUninstall() };
      return null;
    }
    case 'identity': {
      const { plan, run } = state.trust;
      if (run.state === 'running') return { label: 'Importing…', busy: true, run: () => undefined };
      if (failedRun(run) || identityChangedSincePlan(state))
        return { label: 'Make a fresh plan', busy: false, run: () => void state.prepareTrust(true) };
      if (plan.state === 'ready' && run.state === 'idle' && plan.value.pendingCount > 0)
        return { label: trustLabels(state.mode).action, busy: false, run: () => void state.applyTrust() };
      return null;
    }
    case 'verify': {
      const { run } = state.verify;
      if (run.state === 'running') return { label: 'Checking…', busy: true, run: () => undefined };
      if (run.state !== 'done')
        return { label: 'Run the checks', busy: false, run: () => void state.runVerification() };
      return null;
    }
    case 'summary': {
      if (state.finished) return null;
      const { report, changes } = state.summary;
      const verified = changes.state === 'ready' && changes.value.verification !== null;
      if (report.state === 'loading') return { label: 'Saving…', busy: true, run: () => undefined };
      if (verified && report.state !== 'ready')
        return { label: 'Save the report', busy: false, run: () => void state.saveReport('html') };
      return { label: 'Done', busy: false, run: () => state.finish() };
    }
    default:
      return null;
  }
}
