// A prepared change in one line, as the plan's summary and the live region say it: how many changes, how many times
// macOS asks (as the plan counts them), and whether Onboard can undo them.
import type { PreparedChanges } from '../../src/shared/contract';

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const counted = (n: number, one: string, many = `${one}s`) => `${NUMBER_WORDS[n] ?? String(n)} ${n === 1 ? one : many}`;

function pendingActions(p: PreparedChanges) {
  return p.plans.flatMap((plan) => plan.actions.filter((a) => a.status === 'pending'));
}

/** "8 changes", with its first letter as the sentence needs it. */
export function changeCount(p: PreparedChanges): string {
  return `${p.pendingCount} change${p.pendingCount === 1 ? '' : 's'}`;
}

/** What macOS will ask while the plan runs, from the plan's own counts. */
export function promptWords(p: PreparedChanges): string | null {
  const dialogs = p.trustDialogs;
  if (p.adminPrompts === 0 && dialogs === 0) return null;
  const prompts = counted(p.adminPrompts, 'administrator prompt');
  if (dialogs === 0) return prompts;
  const perCa = dialogs === 1 ? 'one macOS dialog for the root CA' : `one macOS dialog per root CA (${dialogs})`;
  return p.adminPrompts === 0 ? perCa : `${prompts}, plus ${perCa}`;
}

/** Whether Onboard can put the Mac back: every change has an undo, some do, or a point of no return is among them. */
export function undoWords(p: PreparedChanges): string {
  const pending = pendingActions(p);
  if (pending.some((a) => a.irreversible)) return 'some changes cannot be undone';
  const undoable = pending.filter((a) => a.undo.length > 0).length;
  if (undoable === pending.length) return 'undo available';
  if (undoable === 0) return 'no undo';
  return `undo available for ${undoable} of ${pending.length}`;
}

/** "8 changes · one administrator prompt, plus one macOS dialog per root CA (2) · undo available". */
export function planLine(p: PreparedChanges): string {
  if (p.pendingCount === 0) return 'Nothing to change: this Mac already has it all';
  return [changeCount(p), promptWords(p), undoWords(p)].filter(Boolean).join(' · ');
}
