// Contract methods of the summary: what this run changed on the Mac, and undoing what can be undone.
import { z } from 'zod';
import { type } from './type';
import type { ChangePurpose, PreparedChanges } from './plans';

/** One change this run made (or tried), as the summary lists it. */
export interface ChangeRecordView {
  id: string;
  purpose: ChangePurpose;
  title: string;
  status: 'done' | 'failed' | 'undone';
  at: string;
  /** An undo command exists and has not run yet. */
  undoable: boolean;
}

export interface ChangeSummary {
  records: ChangeRecordView[];
  verification: { ok: boolean; at: string } | null;
}

export const summaryMethods = {
  getChangeSummary: { request: z.object({}).strict(), result: type<ChangeSummary>() },
  /** Reverses the given changes of this run (newest first). */
  planUndo: {
    request: z.object({ changeIds: z.array(z.string().min(1).max(200)).min(1).max(200) }).strict(),
    result: type<PreparedChanges>(),
  },
} as const;
