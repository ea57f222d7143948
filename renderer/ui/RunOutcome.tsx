// How a run ended, in the plan's own terms: what was made, what failed and what was put back or kept.
import type { ApplyOutcome, PreparedChanges } from '../../src/shared/contract';
import { ErrorBox } from './ErrorBox';
import { StatusBadge } from './StatusBadge';

/** The ids of the actions the plan will run (not those it found done already). */
function pendingIds(prepared: PreparedChanges): string[] {
  return prepared.plans.flatMap((p) => p.actions.filter((a) => a.status === 'pending').map((a) => a.id));
}

/**
 * The result in the plan's own terms, so it agrees with the count shown before the run: of the
 * changes planned, how many were made and how many the run found already in place (an earlier
 * action, such as the package's own installer, had done them).
 */
export function summariseOutcome(o: ApplyOutcome, prepared: PreparedChanges): string {
  const planned = new Set(pendingIds(prepared));
  const done = o.actions.filter((a) => a.status === 'done').length;
  const foundDone = o.actions.filter((a) => a.status === 'skipped' && planned.has(a.id)).length;
  const made = `${done} change${done === 1 ? '' : 's'} made`;
  if (foundDone === 0) return made;
  return `${made} of the ${planned.size} planned; ${foundDone} ${foundDone === 1 ? 'was' : 'were'} already in place when ${foundDone === 1 ? 'it' : 'they'} ran`;
}

export function FailedOutcome({ outcome, prepared }: { outcome: ApplyOutcome; prepared: PreparedChanges }) {
  const failed = outcome.actions.find((a) => a.status === 'failed');
  const notRun = outcome.actions.filter((a) => a.status === 'not-run');
  const kept = outcome.kept ?? [];
  const undoFailed = outcome.rolledBack.some((r) => r.status === 'failed');
  const irreversible = new Set(prepared.plans.flatMap((p) => p.actions.filter((a) => a.irreversible).map((a) => a.id)));
  const pointOfNoReturn = kept.some((k) => irreversible.has(k.id));
  return (
    <div className="failed-outcome">
      <ErrorBox
        title="The step stopped."
        error={
          outcome.failure ?? {
            message: failed
              ? `"${failed.title}" failed${failed.detail ? `: ${failed.detail}` : '.'}`
              : 'An action failed.',
            hint: '',
          }
        }
      />
      {outcome.rolledBack.length > 0 && (
        <div className="rollback">
          <h3>{undoFailed ? 'Not everything could be put back' : 'Put back as it was'}</h3>
          <p className="muted">
            {undoFailed
              ? 'Onboard undid what it could of this step, newest first; the line marked "Undo failed" says what is left and what to do.'
              : `Onboard undid what this step had already changed, newest first${kept.length === 0 ? ', so the Mac is as it was before this step ran' : ''}.`}
          </p>
          <ul>
            {outcome.rolledBack.map((r) => (
              <li key={r.id}>
                <StatusBadge status={r.status === 'undone' ? 'warn' : 'fail'}>
                  {r.status === 'undone' ? 'Undone' : 'Undo failed'}
                </StatusBadge>{' '}
                {r.title}
                {r.detail && <span className="muted"> — {r.detail}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {kept.length > 0 && (
        <div className="kept">
          <h3>Kept on this Mac</h3>
          <p className="muted">
            {pointOfNoReturn
              ? 'One of these cannot be undone, so what ran up to it was kept rather than half put back. The Mac is consistent: fix the problem shown and make a fresh plan to finish the step.'
              : 'These have no undo of their own and stay done. Fix the problem shown and make a fresh plan to finish the step.'}
          </p>
          <ul>
            {kept.map((k) => (
              <li key={k.id}>
                <StatusBadge status="pass">Done</StatusBadge> {k.title}
              </li>
            ))}
          </ul>
        </div>
      )}
      {outcome.rolledBack.length === 0 && kept.length === 0 && (
        <p className="muted">Nothing had been changed before the failure, so there was nothing to undo.</p>
      )}
      {notRun.length > 0 && (
        <p className="muted">
          {notRun.length} later action{notRun.length === 1 ? ' was' : 's were'} not run.
        </p>
      )}
    </div>
  );
}
