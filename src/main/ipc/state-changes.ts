// What the changes half keeps in main-process memory for one window: prepared plans (with
// their private workspace) until applied, what this run changed, and the last verification.
import type { Plan } from '../../core/macos/action';
import type { PrivilegedRunner } from '../../core/macos/execute';
import type { Command } from '../../core/macos/types';
import type { PlanWorkspace } from '../../core/macos/workspace';
import type { VerifyResult } from '../../core/verify/verify';
import type { ChangePurpose } from '../../shared/contract';

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

export interface ChangesState {
  prepared: Map<string, PreparedEntry>;
  changes: ChangeRecord[];
  /** The last verification in full (with the machine facts), for the summary and the report. */
  verification: VerifyResult | null;
  /** Runs root actions behind one administrator prompt per call; made on first use. */
  privileged: PrivilegedRunner | null;
  /** An apply is running: a second one waits for nothing and is refused. */
  applying: boolean;
}

export function createChangesState(): ChangesState {
  return { prepared: new Map(), changes: [], verification: null, privileged: null, applying: false };
}

/** Removes every prepared plan's workspace (on replacement, and when the window goes). */
export async function disposePrepared(state: ChangesState, purpose?: ChangePurpose): Promise<void> {
  for (const [id, entry] of state.prepared) {
    if (purpose && entry.purpose !== purpose) continue;
    state.prepared.delete(id);
    await entry.workspace?.dispose();
  }
}
