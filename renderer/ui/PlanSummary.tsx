// A prepared change as a technician decides on it: the verdict first (what it will do, how often macOS asks, whether
// it can be undone), the step's one action beside it, each change moving as it really runs, and the commands folded.
import type { ApplyOutcome, PreparedChanges } from '../../src/shared/contract';
import type { Run } from '../state/types';
import type { StepAction } from '../state/selectors';
import { actionState, progressOf, ShowCommands } from './PlanView';
import { FailedOutcome, summariseOutcome } from './RunOutcome';
import { FocusResult } from './FocusResult';
import { StatusBadge } from './StatusBadge';
import { ErrorBox } from './ErrorBox';
import { Busy } from './Busy';
import { planLine } from './plan-words';

/** The step's one action as a button; the footer shows the same one. */
export function StepActionButton({ action, id }: { action: StepAction; id?: string }) {
  return (
    <button
      id={id}
      type="button"
      className={action.danger ? 'danger' : 'primary'}
      onClick={action.run}
      disabled={action.busy}
      aria-busy={action.busy || undefined}
    >
      {action.label}
    </button>
  );
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The ids of the actions the plan will run (not those it found done already). */
function pendingIds(prepared: PreparedChanges): string[] {
  return prepared.plans.flatMap((p) => p.actions.filter((a) => a.status === 'pending').map((a) => a.id));
}

/** Counts for the progress bar: actions finished (done, skipped or failed) out of all that were due. */
export function runCounts(prepared: PreparedChanges, run: Run<ApplyOutcome>): { finished: number; total: number } {
  const ids = pendingIds(prepared);
  const progress = progressOf(run);
  const finished =
    run.state === 'done'
      ? ids.length
      : ids.filter((id) => progress[id] && !['running', 'waiting'].includes(progress[id]!.status)).length;
  return { finished, total: ids.length };
}

/** The changes due, one line each, with their state as they run: the list that moves. */
function RunList({ prepared, run }: { prepared: PreparedChanges; run: Run<ApplyOutcome> }) {
  const due = prepared.plans.flatMap((p) => p.actions.filter((a) => a.status === 'pending'));
  if (due.length === 0) return null;
  return (
    <ol className="run-list" aria-label="The changes, in the order they run">
      {due.map((a) => {
        const shown = actionState(a, run);
        return (
          <li key={a.id} className={`run-item ${shown.tone}`} aria-current={shown.busy ? 'step' : undefined}>
            <StatusBadge status={shown.tone} busy={shown.busy}>
              {shown.text}
            </StatusBadge>
            <span>{a.title}</span>
          </li>
        );
      })}
    </ol>
  );
}

/**
 * Where a run is, with the result once it is over: what was done, or what failed and what was put back. The
 * running line is in the page's status region only through the store's announcements, so nothing is read twice.
 */
export function RunStatus({
  prepared,
  run,
  noun = 'change',
}: {
  prepared: PreparedChanges;
  run: Run<ApplyOutcome>;
  noun?: string;
}) {
  const { finished, total } = runCounts(prepared, run);
  const running = Object.values(progressOf(run)).find((p) => p.status === 'running');
  return (
    <div className="run-status">
      {run.state === 'running' && (
        <>
          <Busy announced>
            {finished} of {total} {noun}
            {total === 1 ? '' : 's'} finished{running?.label ? `: ${running.label}…` : '…'}
          </Busy>
          {total > 0 && (
            <progress
              className="run-progress"
              max={total}
              value={finished}
              aria-label={`${noun[0]!.toUpperCase()}${noun.slice(1)}s finished`}
            />
          )}
        </>
      )}
      {run.state === 'done' && run.value.ok && (
        <p className="result pass">
          <StatusBadge status="pass">Done</StatusBadge> {capitalise(summariseOutcome(run.value, prepared))}.
        </p>
      )}
      {run.state === 'error' && <ErrorBox error={run.error} title="Could not apply." />}
      {run.state === 'done' && !run.value.ok && <FailedOutcome outcome={run.value} prepared={prepared} />}
    </div>
  );
}

export function PlanSummary({
  id,
  heading,
  prepared,
  run,
  action,
  doneText,
  children,
}: {
  /** Names the card; its result takes focus under this id. */
  id: string;
  /** The verdict before and while it runs (or when it failed). */
  heading: string;
  prepared: PreparedChanges;
  run: Run<ApplyOutcome>;
  action: StepAction | null;
  /** The heading once it went through: what is true of the Mac now. */
  doneText: string;
  /** What the technician should know before pressing (e.g. why the plan was made again). */
  children?: React.ReactNode;
}) {
  const over = run.state === 'done' || run.state === 'error';
  const warnings = prepared.plans.flatMap((p) => p.warnings);
  return (
    <section className="card plan-summary" aria-labelledby={`${id}-heading`} aria-busy={run.state === 'running'}>
      <FocusResult id={id}>
        <h2 id={`${id}-heading`}>{run.state === 'done' && run.value.ok ? doneText : heading}</h2>
        {/* With nothing to change the heading says so already. */}
        {!over && prepared.pendingCount > 0 && <p className="plan-line">{planLine(prepared)}.</p>}
        <RunStatus prepared={prepared} run={run} />
      </FocusResult>
      {!over && warnings.length > 0 && (
        <ul className="plan-warnings">
          {warnings.map((w, i) => (
            <li key={i}>
              <StatusBadge status="warn">Note</StatusBadge> {w}
            </li>
          ))}
        </ul>
      )}
      {children}
      {action && (
        <div className="apply-row">
          <StepActionButton action={action} />
        </div>
      )}
      <RunList prepared={prepared} run={run} />
      <ShowCommands prepared={prepared} run={run} />
    </section>
  );
}
