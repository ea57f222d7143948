// Prepared changes and applying them, for every step that changes the Mac: plans are kept in main under a fresh id
// (shown masked, applied exactly as shown: the root actions as one batch behind one administrator prompt, each admin
// trust change as the user behind its own macOS dialog), progress is reported per action, a failure rolls back, and
// each change is recorded (with how to undo it) for the summary and the report.
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { countPrompts, viewPlan, type Action, type Plan, type StepName } from '../../core/macos/action';
import {
  executePlan,
  InProcessPrivilegedRunner,
  type ActionResult,
  type PlanResult,
  type PrivilegedRunner,
  type ProgressEvent as PlanProgress,
} from '../../core/macos/execute';
import type { Command, Executor } from '../../core/macos/types';
import type { PlanWorkspace } from '../../core/macos/workspace';
import { OnboardError } from '../../core/errors';
import type { HandlerContext, Handlers } from './router';
import type {
  ActionOutcome,
  ApplyOutcome,
  ChangePurpose,
  PreparedChanges,
  ProgressUpdate,
} from '../../shared/contract';
import type { planMethods } from '../../shared/contract/plans';

/** Plans shown to the technician and waiting for Apply: exactly these run, nothing rebuilt. */
export interface PreparedEntry {
  planId: string;
  purpose: ChangePurpose;
  /** As shown, one per part (e.g. CA import, identity import). */
  plans: Plan[];
  /** Holds the plans' files (CA PEMs, the re-wrapped identity, the merged conf); removed after apply. */
  workspace: PlanWorkspace | null;
  /** For undo plans: the records they reverse. */
  undoes?: string[];
}

/** A non-secret file an undo command names, kept so the undo still works after the workspace is gone. */
export interface KeptFile {
  path: string;
  content: Buffer;
}

/** One change this onboarding run made (or tried), for the summary, undo and the report. */
export interface ChangeRecord {
  id: string;
  purpose: ChangePurpose;
  title: string;
  status: 'done' | 'failed' | 'undone';
  at: string;
  /** The commands that reverse it (empty: cannot be undone, e.g. a package install). */
  undo: Command[];
  root: boolean;
  /** Files the undo commands name (CA certificates for remove-trusted-cert). */
  files: KeptFile[];
}

/** What the steps that change the Mac keep for one window: prepared plans until applied, and what this run changed. */
export interface PlansState {
  prepared: Map<string, PreparedEntry>;
  /** What this run changed, in the order it happened; only ever appended. */
  records: ChangeRecord[];
  /** Runs root actions behind one administrator prompt per call; made on first use. */
  privileged: PrivilegedRunner | null;
  /** An apply is running: a second one waits for nothing and is refused. */
  applying: boolean;
}

export function createPlansState(): PlansState {
  return { prepared: new Map(), records: [], privileged: null, applying: false };
}

/** The part of a session prepared changes live in, and the Mac they run on. */
export interface PlansSession {
  executor: Executor;
  plans: PlansState;
}

/** Removes every prepared plan's workspace (on replacement, and when the window goes). */
export async function disposePrepared(state: PlansState, purpose?: ChangePurpose): Promise<void> {
  for (const [id, entry] of state.prepared) {
    if (purpose && entry.purpose !== purpose) continue;
    state.prepared.delete(id);
    await entry.workspace?.dispose();
  }
}

/**
 * Keeps `plans` as the one prepared change of its purpose (an older one is dropped with its
 * workspace) and returns what the technician reads.
 */
export async function keepPrepared(
  session: PlansSession,
  purpose: ChangePurpose,
  plans: Plan[],
  workspace: PlanWorkspace | null,
  extra: Partial<PreparedEntry> = {},
): Promise<PreparedChanges> {
  await disposePrepared(session.plans, purpose);
  const planId = `${purpose}-${randomBytes(8).toString('hex')}`;
  session.plans.prepared.set(planId, { planId, purpose, plans, workspace, ...extra });
  return describePrepared(planId, purpose, plans);
}

export function describePrepared(planId: string, purpose: ChangePurpose, plans: Plan[]): PreparedChanges {
  const pending = plans.flatMap((p) => p.actions.filter((a) => a.status === 'pending'));
  // The plans run as one (asOnePlan), so the prompts are counted over all their actions in order.
  const prompts = countPrompts(pending);
  return {
    planId,
    purpose,
    plans: plans.map(viewPlan),
    pendingCount: pending.length,
    needsAdmin: pending.some((a) => a.root),
    adminPrompts: prompts.adminPrompts,
    trustDialogs: prompts.trustDialogs,
  };
}

/**
 * The parts of one wizard step run as ONE plan, so its root actions share one administrator
 * prompt (the CA plan puts its trust dialogs first, so they do not split the batch) and a
 * failure anywhere undoes everything the step had done, across its parts.
 */
export function asOnePlan(step: StepName, title: string, plans: Plan[]): Plan {
  const seen = new Set<string>();
  const actions: Action[] = [];
  for (const p of plans) {
    for (const a of p.actions) {
      if (seen.has(a.id)) throw new OnboardError('internal', `Two actions of one step share the id ${a.id}.`);
      seen.add(a.id);
      actions.push(a);
    }
  }
  return {
    step,
    title,
    actions,
    warnings: plans.flatMap((p) => p.warnings),
    cleanup: plans.flatMap((p) => p.cleanup),
    files: plans.flatMap((p) => p.files),
  };
}

/**
 * The runner for root actions: one osascript administrator prompt per batch on a real Mac;
 * the simulated Mac's own runner (which counts its prompts) in the preview and tests.
 */
export function privilegedRunner(session: PlansSession): PrivilegedRunner {
  if (session.plans.privileged) return session.plans.privileged;
  const executor = session.executor as Executor & { privilegedRunner?: () => PrivilegedRunner };
  let runner: PrivilegedRunner;
  if (executor.kind === 'local') {
    const { PrivilegedBatch } =
      require('../../core/macos/executors/privileged-batch') as typeof import('../../core/macos/executors/privileged-batch');
    runner = new PrivilegedBatch({ executor });
  } else if (typeof executor.privilegedRunner === 'function') {
    runner = executor.privilegedRunner();
  } else {
    runner = new InProcessPrivilegedRunner(executor);
  }
  session.plans.privileged = runner;
  return runner;
}

const STEP_OF: Record<ChangePurpose, { step: StepName; title: string }> = {
  trust: { step: 'client-identity', title: 'Trust & identity' },
  install: { step: 'install-client', title: 'Install and start the 1E Client' },
  'debug-logging': { step: 'configure-client', title: 'Debug logging for the 1E Client' },
  uninstall: { step: 'uninstall-client', title: 'Uninstall the 1E Client' },
  undo: { step: 'configure-client', title: 'Undo changes made by Onboard' },
};

function progressUpdate(e: PlanProgress): ProgressUpdate {
  const base = { id: e.actionId, label: e.title };
  switch (e.phase) {
    case 'undoing':
      return { ...base, status: 'running', detail: 'Undoing…' };
    case 'undo-failed':
      return { ...base, status: 'failed', detail: 'Could not be undone.' };
    default:
      return { ...base, status: e.phase };
  }
}

/** The last lines of a command's (already masked) output: enough to say why, short enough to read. */
function tail(output: string | undefined, lines = 3): string | undefined {
  const text = (output ?? '').trim();
  if (!text) return undefined;
  return text.split('\n').slice(-lines).join('\n');
}

function outcomeOf(r: ActionResult): ActionOutcome {
  const status: ActionOutcome['status'] =
    r.outcome === 'undone' ? 'undone' : r.outcome === 'undo-failed' ? 'done' : r.outcome;
  const out: ActionOutcome = { id: r.id, title: r.title, status };
  const detail = r.outcome === 'skipped' ? r.reason : r.outcome === 'failed' ? tail(r.output) : undefined;
  if (detail) out.detail = detail;
  return out;
}

/**
 * An undo that names a secret file of the plan (the one-time identity) can only run within the
 * apply: the file is gone when it ends, so it is neither offered later nor advised by hand.
 */
function undoNeedsSecretFile(action: Action | undefined, plan: Plan | undefined): boolean {
  const secret = new Set((plan?.files ?? []).filter((f) => f.secret).map((f) => f.path));
  return (action?.undo ?? []).some((c) => c.args.some((a) => secret.has(a)));
}

export function toApplyOutcome(planId: string, purpose: ChangePurpose, result: PlanResult, plan?: Plan): ApplyOutcome {
  const byId = new Map((plan?.actions ?? []).map((a) => [a.id, a] as const));
  const rolledBack = result.actions
    .filter((a) => a.outcome === 'undone' || a.outcome === 'undo-failed')
    .reverse()
    .map((a): ActionOutcome => {
      const o: ActionOutcome = { id: a.id, title: a.title, status: a.outcome === 'undone' ? 'undone' : 'failed' };
      if (a.outcome === 'undo-failed') {
        const why = tail(a.output, 1)?.replace(/[.\s]+$/, '');
        const how = undoNeedsSecretFile(byId.get(a.id), plan)
          ? 'Fix the problem shown, then make a fresh plan on this step: it puts this back.'
          : 'Put it back by hand with the undo command shown in the plan.';
        o.detail = `Could not be undone${why ? `: ${why}` : ''}. ${how}`;
      }
      return o;
    });
  const outcome: ApplyOutcome = { planId, purpose, ok: result.ok, actions: result.actions.map(outcomeOf), rolledBack };
  if (result.failure) {
    const { code, message, hint } = result.failure;
    outcome.failure = { code, message, hint };
  }
  // Done actions of a failed run were kept on purpose: one of them could not be undone.
  const kept = result.ok ? [] : result.actions.filter((a) => a.outcome === 'done').map(outcomeOf);
  if (kept.length > 0) outcome.kept = kept;
  return outcome;
}

/** Copies of the non-secret workspace files that undo commands name, so a later undo can still run. */
async function keepFilesFor(undo: readonly Command[], plan: Plan): Promise<KeptFile[]> {
  const kept: KeptFile[] = [];
  const shareable = new Set(plan.files.filter((f) => !f.secret).map((f) => f.path));
  for (const c of undo) {
    for (const arg of c.args) {
      if (!shareable.has(arg) || kept.some((k) => k.path === arg)) continue;
      kept.push({ path: arg, content: await fs.readFile(arg) });
    }
  }
  return kept;
}

async function recordChanges(
  session: PlansSession,
  entry: PreparedEntry,
  plan: Plan,
  result: PlanResult,
): Promise<void> {
  const at = new Date().toISOString();
  const byId = new Map(plan.actions.map((a) => [a.id, a] as const));
  if (entry.purpose === 'undo') {
    // An undo action's id names the record it reverses; a record is undone when all its commands ran.
    const failedRecords = new Set(
      result.actions.filter((r) => r.outcome !== 'done').map((r) => recordOfUndoAction(session, r.id)),
    );
    for (const id of entry.undoes ?? []) {
      const record = session.plans.records.find((c) => c.id === id);
      if (record && !failedRecords.has(id)) {
        record.status = 'undone';
        record.at = at;
      }
    }
    return;
  }
  for (const r of result.actions) {
    if (r.outcome === 'skipped' || r.outcome === 'not-run') continue;
    const action = byId.get(r.id)!;
    const status: ChangeRecord['status'] =
      r.outcome === 'failed' ? 'failed' : r.outcome === 'undone' ? 'undone' : 'done';
    const undo = status === 'done' && !undoNeedsSecretFile(action, plan) ? [...(action.undo ?? [])] : [];
    session.plans.records.push({
      id: `${entry.planId}/${r.id}`,
      purpose: entry.purpose,
      title: r.title,
      status,
      at,
      undo,
      root: action.root,
      files: await keepFilesFor(undo, plan),
    });
  }
}

export async function applyChanges(req: { planId: string }, ctx: HandlerContext<PlansSession>): Promise<ApplyOutcome> {
  const { session } = ctx;
  const entry = session.plans.prepared.get(req.planId);
  if (!entry) {
    throw new OnboardError(
      'plan-not-current',
      'This plan is no longer current: it was applied already or replaced by a newer one.',
      'Make the plan again ("Check this Mac again"), read it, then apply it.',
    );
  }
  if (session.plans.applying) {
    throw new OnboardError(
      'busy',
      'Other changes are being applied to this Mac right now.',
      'Wait until they finish, then try again.',
    );
  }
  session.plans.applying = true;
  session.plans.prepared.delete(req.planId);
  try {
    const { step, title } = STEP_OF[entry.purpose];
    const plan = asOnePlan(step, title, entry.plans);
    const result = await executePlan(plan, {
      executor: session.executor,
      privileged: privilegedRunner(session),
      onProgress: (e) => ctx.emit(progressUpdate(e)),
    });
    await recordChanges(session, entry, plan, result);
    return toApplyOutcome(entry.planId, entry.purpose, result, plan);
  } finally {
    session.plans.applying = false;
    await entry.workspace?.dispose();
  }
}

// Records are only ever appended, so a record's position names it for the life of the session.
export function undoActionId(recordIndex: number, k: number): string {
  return `undo-${recordIndex}-${k}`;
}

function recordOfUndoAction(session: PlansSession, actionId: string): string {
  const m = /^undo-(\d+)-\d+$/.exec(actionId);
  return m ? (session.plans.records[Number(m[1])]?.id ?? '') : '';
}

export function planHandlers(): Pick<Handlers<PlansSession>, keyof typeof planMethods> {
  return { applyChanges: (req, ctx) => applyChanges(req, ctx) };
}
