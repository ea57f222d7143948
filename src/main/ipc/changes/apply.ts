// Applying a prepared change: progress per action, rollback on failure, and a record of what
// changed (with how to undo it) for the summary, undo and the report.
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { Action, Plan, StepName } from '../../../core/macos/action';
import {
  executePlan,
  type ActionResult,
  type PlanResult,
  type ProgressEvent as PlanProgress,
} from '../../../core/macos/execute';
import type { Command } from '../../../core/macos/types';
import { PlanWorkspace } from '../../../core/macos/workspace';
import { OnboardError } from '../../../core/errors';
import type { HandlerContext } from '../router';
import type { Session } from '../session';
import type { ChangeRecord, KeptFile, PreparedEntry } from '../state-changes';
import type { ActionOutcome, ApplyOutcome, ChangePurpose, PreparedChanges } from '../../../shared/contract';
import type { ProgressUpdate } from '../../../shared/contract';
import { asOnePlan, keepPrepared, privilegedRunner } from './prepared';

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
  if (result.failure) outcome.failure = { message: result.failure.message, hint: result.failure.hint };
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

async function recordChanges(session: Session, entry: PreparedEntry, plan: Plan, result: PlanResult): Promise<void> {
  const at = new Date().toISOString();
  const byId = new Map(plan.actions.map((a) => [a.id, a] as const));
  if (entry.purpose === 'undo') {
    // An undo action's id names the record it reverses; a record is undone when all its commands ran.
    const failedRecords = new Set(
      result.actions.filter((r) => r.outcome !== 'done').map((r) => recordOfUndoAction(session, r.id)),
    );
    for (const id of entry.undoes ?? []) {
      const record = session.changes.changes.find((c) => c.id === id);
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
    session.changes.changes.push({
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

export async function applyChanges(req: { planId: string }, ctx: HandlerContext<Session>): Promise<ApplyOutcome> {
  const { session } = ctx;
  const entry = session.changes.prepared.get(req.planId);
  if (!entry) {
    throw new OnboardError(
      'plan-not-current',
      'This plan is no longer current: it was applied already or replaced by a newer one.',
      'Make the plan again ("Check this Mac again"), read it, then apply it.',
    );
  }
  if (session.changes.applying) {
    throw new OnboardError(
      'busy',
      'Other changes are being applied to this Mac right now.',
      'Wait until they finish, then try again.',
    );
  }
  session.changes.applying = true;
  session.changes.prepared.delete(req.planId);
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
    session.changes.applying = false;
    await entry.workspace?.dispose();
  }
}

// Records are only ever appended, so a record's position names it for the life of the session.
function undoActionId(recordIndex: number, k: number): string {
  return `undo-${recordIndex}-${k}`;
}

function recordOfUndoAction(session: Session, actionId: string): string {
  const m = /^undo-(\d+)-\d+$/.exec(actionId);
  return m ? (session.changes.changes[Number(m[1])]?.id ?? '') : '';
}

/** Reverses the chosen changes of this run, newest first, with the commands recorded when they were made. */
export async function planUndo(session: Session, changeIds: string[]): Promise<PreparedChanges> {
  const chosen = session.changes.changes
    .map((record, index) => ({ record, index }))
    .filter(({ record }) => changeIds.includes(record.id));
  const missing = changeIds.filter((id) => !chosen.some((c) => c.record.id === id));
  if (missing.length > 0)
    throw new OnboardError(
      'unknown-change',
      'One of the chosen changes is not a change of this session.',
      'Reload the summary and choose again.',
    );
  const notUndoable = chosen.find(({ record }) => record.status !== 'done' || record.undo.length === 0);
  if (notUndoable) {
    throw new OnboardError(
      'cannot-undo',
      `"${notUndoable.record.title}" cannot be undone${notUndoable.record.status === 'undone' ? ': it was undone already' : ''}.`,
      'Untick it and undo the others.',
    );
  }
  const workspace = chosen.some(({ record }) => record.files.length > 0) ? await PlanWorkspace.create() : null;
  try {
    const actions: Action[] = [];
    chosen.sort((a, b) => b.index - a.index);
    for (const { record, index } of chosen) {
      const moved = new Map<string, string>();
      for (const f of record.files)
        moved.set(f.path, await workspace!.writeFile(`${index}-${basename(f.path)}`, f.content));
      record.undo.forEach((c, k) => {
        actions.push({
          id: undoActionId(index, k),
          title: `Undo: ${record.title}${record.undo.length > 1 ? ` (${k + 1} of ${record.undo.length})` : ''}`,
          detail: `Made at ${record.at}.`,
          command: { ...c, args: c.args.map((a) => moved.get(a) ?? a) },
          root: record.root,
          status: 'pending',
        });
      });
    }
    const plan: Plan = {
      step: 'configure-client',
      title: 'Undo changes made by Onboard',
      actions,
      warnings: [],
      cleanup: [],
      files: [],
    };
    return await keepPrepared(session, 'undo', [plan], workspace, { undoes: chosen.map((c) => c.record.id) });
  } catch (e) {
    await workspace?.dispose();
    throw e;
  }
}
