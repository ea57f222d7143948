// The summary in main: what this run changed on the Mac, which of it can still be undone, and the undo itself.
import { basename } from 'node:path';
import type { Action, Plan } from '../../../core/macos/action';
import { PlanWorkspace } from '../../../core/macos/workspace';
import { OnboardError } from '../../../core/errors';
import type { Handlers } from '../router';
import type { ChangeSummary, PreparedChanges } from '../../../shared/contract';
import type { summaryMethods } from '../../../shared/contract/summary';
import { keepPrepared, undoActionId, type PlansSession } from '../plans';
import type { VerifyState } from './verify';

/** The part of a session the summary reads: the changes of this run, and the last verification. */
export interface SummarySession extends PlansSession {
  verify: VerifyState;
}

export function changeSummary(session: SummarySession): ChangeSummary {
  const v = session.verify.result;
  return {
    records: session.plans.records.map((c) => ({
      id: c.id,
      purpose: c.purpose,
      title: c.title,
      status: c.status,
      at: c.at,
      undoable: c.status === 'done' && c.undo.length > 0,
    })),
    verification: v ? { ok: v.ok, at: v.finishedAt } : null,
  };
}

/** Reverses the chosen changes of this run, newest first, with the commands recorded when they were made. */
export async function planUndo(session: SummarySession, changeIds: string[]): Promise<PreparedChanges> {
  const chosen = session.plans.records
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

export function summaryHandlers(): Pick<Handlers<SummarySession>, keyof typeof summaryMethods> {
  return {
    getChangeSummary: (_req, { session }) => changeSummary(session),
    planUndo: (req, { session }) => planUndo(session, req.changeIds),
  };
}
