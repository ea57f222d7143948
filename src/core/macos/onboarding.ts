// The whole onboarding as an ordered list of step plans: planned up front for review, or planned and run step by step.
import type { X509Certificate } from 'node:crypto';
import type { Plan, StepName } from './action';
import { pendingActions } from './action';
import { approvalRefusal } from './approval';
import { executePlan, type PlanResult, type PrivilegedRunner, type ProgressEvent } from './execute';
import { FACT_COMMANDS, gatherFacts, parsePkgFiles, type MacFacts } from './facts';
import {
  configureClient,
  importCaCertificates,
  importClientIdentity,
  installClient,
  installRosetta,
  installsPackage,
  PACKAGE_INSTALL_ACTION,
  previousIdentities,
  startClient,
  uninstallClient,
} from './plans';
import type { Identity } from '../pki/identity';
import type { Executor } from './types';
import { OnboardError } from '../errors';
import type { PlanWorkspace } from './workspace';

export interface OnboardingRequest {
  /** Already validated `host:port`. */
  switchAddress: string;
  /** Already validated https URL. */
  backgroundUrl: string;
  loggingLevel?: string;
  /** Further 1E.Client.conf settings. */
  settings?: Record<string, string>;
  caCertificates: readonly X509Certificate[];
  /** The client identity, opened at the input boundary (the CLI opens the PFX once, with openPfx). */
  identity?: Identity;
  /** Where the identity's PFX is on the Mac, for the exported sh script (which re-wraps that file there). */
  pfxPath?: string;
  installerPath?: string;
  allowAnyApp?: boolean;
  /** Delete the older identities for the same host name (previousIdentities) once the new one is in. */
  removeOldIdentities?: boolean;
}

/** The order steps run in: the client must exist before its key access (-T) and its configuration. */
export const ONBOARDING_STEPS: readonly StepName[] = [
  'rosetta',
  'install-client',
  'ca-certificates',
  'client-identity',
  'configure-client',
  'start-client',
];

export function confSettings(req: OnboardingRequest): Record<string, string> {
  return {
    Switch: req.switchAddress,
    BackgroundChannelUrl: req.backgroundUrl,
    ...(req.loggingLevel ? { LoggingLevel: req.loggingLevel } : {}),
    ...(req.settings ?? {}),
  };
}

interface StepContext {
  facts: MacFacts;
  workspace: PlanWorkspace;
  changedBefore: boolean;
  packageInstallBefore: boolean;
  /** The identity is wrapped into the workspace only for plans that run here (see IdentityPlanInput.makeFile). */
  makeIdentityFile: boolean;
}

async function planStep(step: StepName, req: OnboardingRequest, ctx: StepContext): Promise<Plan | null> {
  const { facts, workspace } = ctx;
  switch (step) {
    case 'rosetta':
      return installRosetta(facts);
    case 'install-client':
      return req.installerPath ? installClient({ installerPath: req.installerPath, facts, workspace }) : null;
    case 'ca-certificates':
      return req.caCertificates.length
        ? importCaCertificates({ certificates: req.caCertificates, facts, workspace })
        : null;
    case 'client-identity': {
      if (!req.identity) return null;
      const plan = await importClientIdentity({
        identity: req.identity,
        facts,
        workspace,
        allowAnyApp: req.allowAnyApp ?? false,
        makeFile: ctx.makeIdentityFile,
        ...(req.pfxPath ? { pfxPathForScript: req.pfxPath } : {}),
        ...(req.removeOldIdentities
          ? { removePrevious: previousIdentities(facts, req.identity.certificate).map((o) => o.sha1) }
          : {}),
        // The package is (being) replaced: its new binary has no access to a key imported for the old one.
        regrantAccess: ctx.packageInstallBefore,
      });
      // `security import -T` needs the 1E Client's program on disk: refused here, before the Mac is touched
      // (after the PFX itself was judged, so a bad file is named first).
      if (!req.installerPath && !req.allowAnyApp && facts.known && facts.client === null) {
        throw new OnboardError(
          'client-not-installed',
          "The 1E Client is not installed on this Mac and no installer was given, so its identity cannot be imported: macOS grants the private key to the client's program, which must exist first.",
          'Give the 1E Client installer as well (or install the client first, then run this again).',
        );
      }
      return plan;
    }
    case 'configure-client':
      return configureClient({
        settings: confSettings(req),
        facts,
        workspace,
        packageInstallBefore: ctx.packageInstallBefore,
      });
    case 'start-client': {
      if (!req.installerPath && facts.known && facts.client === null) {
        const plan = startClient(facts);
        plan.actions = [];
        plan.warnings.push(
          'The 1E Client is not installed and no installer was given, so there is nothing to start: add --installer FILE.',
        );
        return plan;
      }
      return startClient(facts, { afterChanges: ctx.changedBefore });
    }
    default:
      return null;
  }
}

export interface PlanOnboardingOptions {
  /**
   * The plans are exported as an sh script, not run here: the script re-wraps the PFX on the Mac
   * itself, so the identity is not wrapped into a file at plan time.
   */
  forScript?: boolean;
}

/** Every step planned against one set of facts: what `onboard plan` prints and the wizard shows. */
export async function planOnboarding(
  req: OnboardingRequest,
  facts: MacFacts,
  workspace: PlanWorkspace,
  opts: PlanOnboardingOptions = {},
): Promise<Plan[]> {
  return planSteps(req, facts, workspace, !opts.forScript);
}

async function planSteps(
  req: OnboardingRequest,
  facts: MacFacts,
  workspace: PlanWorkspace,
  makeIdentityFile: boolean,
): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const step of ONBOARDING_STEPS) {
    const changedBefore = plans.some((p) => pendingActions(p).length > 0);
    const packageInstallBefore = plans.some(installsPackage);
    const plan = await planStep(step, req, { facts, workspace, changedBefore, packageInstallBefore, makeIdentityFile });
    if (plan) plans.push(plan);
  }
  return plans;
}

export interface OnboardingRunOptions {
  executor: Executor;
  privileged: PrivilegedRunner;
  workspace: PlanWorkspace;
  onProgress?: (e: ProgressEvent) => void;
  /** Called with each step's plan just before it runs. */
  onPlan?: (plan: Plan) => void;
  /** Called once with every step planned against the Mac as it was at the start, before anything runs. */
  onPlanned?: (plans: readonly Plan[]) => void;
}

export interface OnboardingResult {
  ok: boolean;
  facts: MacFacts;
  steps: PlanResult[];
}

/**
 * Plans and runs each step in turn, with facts gathered afresh before each step (so a step
 * sees what the previous one changed), and stops at the first step that fails (that step
 * has undone its own changes).
 */
export async function applyOnboarding(req: OnboardingRequest, opts: OnboardingRunOptions): Promise<OnboardingResult> {
  const first = await gatherFacts(opts.executor);
  // Plan everything once before any change, so a bad input (a damaged installer, an identity for
  // a Mac without the client) is refused while the Mac is still untouched. Nothing runs these
  // plans, so the identity is wrapped only once, by the step that imports it.
  const upFront = await planSteps(req, first, opts.workspace, false);
  // A root to trust with no one able to approve the dialog: refused before the first change,
  // not halfway (after Rosetta and the package), and never remembered as done.
  const refusal = approvalRefusal(
    upFront.flatMap((p) => p.actions),
    first.session,
  );
  if (refusal) throw refusal;
  opts.onPlanned?.(upFront);
  const steps: PlanResult[] = [];
  let changed = false;
  let installChanged = false;
  for (const [i, step] of ONBOARDING_STEPS.entries()) {
    const facts = i === 0 ? first : await gatherFacts(opts.executor);
    // The package (re)wrote 1E.Client.conf: the install step kept the previous file in the workspace for the merge.
    const plan = await planStep(step, req, {
      facts,
      workspace: opts.workspace,
      changedBefore: changed,
      packageInstallBefore: installChanged,
      makeIdentityFile: true,
    });
    if (!plan) continue;
    opts.onPlan?.(plan);
    const result = await executePlan(plan, {
      executor: opts.executor,
      privileged: opts.privileged,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    steps.push(result);
    changed ||= result.changed;
    // Only the package itself counts (mounting or unpacking the installer changes nothing on the Mac that stays).
    if (step === 'install-client')
      installChanged = result.actions.some((a) => a.id === PACKAGE_INSTALL_ACTION && a.outcome === 'done');
    if (!result.ok) return { ok: false, facts: first, steps };
  }
  return { ok: true, facts: first, steps };
}

/** The uninstall plan, from the package receipt on the Mac. */
export async function planUninstall(executor: Executor, facts?: MacFacts): Promise<Plan> {
  const f = facts ?? (await gatherFacts(executor));
  const files = f.client ? await executor.run(FACT_COMMANDS.pkgFiles) : null;
  return uninstallClient({ facts: f, packageFiles: files && files.exitCode === 0 ? parsePkgFiles(files.stdout) : [] });
}
