// The summary: what this run changed on the Mac, and which of it can still be undone.
import type { Session } from '../session';
import type { ChangeSummary } from '../../../shared/contract';

export function changeSummary(session: Session): ChangeSummary {
  const v = session.changes.verification;
  return {
    records: session.changes.changes.map((c) => ({
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
