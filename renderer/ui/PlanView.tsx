// A prepared change shown before and while it runs: each action with its exact command
// (secrets already masked by main), why it is skipped, how it is undone, and live progress.
import type {
  ActionOutcome,
  ActionView,
  ApplyOutcome,
  PlanView as Plan,
  PreparedChanges,
} from '../../src/shared/contract';
import type { ProgressItem, Run } from '../state/types';
import { ErrorBox } from './ErrorBox';
import { StatusBadge, type Tone } from './StatusBadge';
import { Busy } from './Busy';

type Shown = { tone: Tone; text: string; busy?: boolean };

const OUTCOME_TEXT: Record<ActionOutcome['status'], Shown> = {
  done: { tone: 'pass', text: 'Done' },
  skipped: { tone: 'muted', text: 'Already done' },
  failed: { tone: 'fail', text: 'Failed' },
  undone: { tone: 'warn', text: 'Undone' },
  'not-run': { tone: 'muted', text: 'Not run' },
};

const PROGRESS_TEXT: Record<ProgressItem['status'], Shown> = {
  running: { tone: 'info', text: 'Running', busy: true },
  done: { tone: 'pass', text: 'Done' },
  failed: { tone: 'fail', text: 'Failed' },
  skipped: { tone: 'muted', text: 'Already done' },
  undone: { tone: 'warn', text: 'Undone' },
  info: { tone: 'info', text: 'Note' },
};

function progressOf(run: Run<ApplyOutcome>): Record<string, ProgressItem> {
  return run.state === 'idle' ? {} : run.progress;
}

/** The latest word on an action: the final outcome, else live progress, else what the plan says. */
export function actionState(action: ActionView, run: Run<ApplyOutcome>): Shown {
  if (run.state === 'done') {
    const rolled = run.value.rolledBack.find((r) => r.id === action.id);
    if (rolled) return rolled.status === 'undone' ? OUTCOME_TEXT.undone : { tone: 'fail', text: 'Undo failed' };
    const out = run.value.actions.find((a) => a.id === action.id);
    if (out) return OUTCOME_TEXT[out.status];
  }
  const live = progressOf(run)[action.id];
  if (live) return PROGRESS_TEXT[live.status];
  if (action.status === 'skip') return { tone: 'muted', text: 'Already done' };
  return { tone: 'info', text: run.state === 'running' ? 'Waiting' : 'Will run' };
}

function ActionItem({ action, run }: { action: ActionView; run: Run<ApplyOutcome> }) {
  const shown = actionState(action, run);
  const live = progressOf(run)[action.id];
  const outcome = run.state === 'done' ? run.value.actions.find((a) => a.id === action.id) : undefined;
  // Only what explains a failure, or what is happening now; "already done" is said by the badge.
  const detail =
    shown.tone === 'fail' ? (outcome?.detail ?? live?.detail) : live?.status === 'running' ? live.detail : undefined;
  return (
    <li className={`action ${action.status === 'skip' ? 'skipped' : ''}`} aria-busy={shown.busy ? true : undefined}>
      <div className="action-head">
        <StatusBadge status={shown.tone} busy={shown.busy}>
          {shown.text}
        </StatusBadge>
        <span className="action-title">{action.title}</span>
        {action.root && action.status !== 'skip' && <span className="tag">as administrator</span>}
        {action.irreversible && action.status !== 'skip' && <StatusBadge status="warn">cannot be undone</StatusBadge>}
      </div>
      {action.detail && <p className="action-detail muted">{action.detail}</p>}
      {action.status === 'skip' && <p className="action-detail">Skipped: {action.reason ?? 'already done'}.</p>}
      <code className="command">{action.command.line}</code>
      {detail && <p className={`action-detail ${shown.tone === 'fail' ? 'field-error' : 'muted'}`}>{detail}</p>}
      {action.undo.length > 0 && (
        <details className="undo">
          <summary>How this is undone</summary>
          {action.undo.map((u, i) => (
            <code key={i} className="command">
              {u.line}
            </code>
          ))}
        </details>
      )}
    </li>
  );
}

function PlanSection({ plan, run }: { plan: Plan; run: Run<ApplyOutcome> }) {
  const pending = plan.actions.filter((a) => a.status === 'pending');
  return (
    <section className="plan" aria-label={plan.title}>
      <h3>{plan.title}</h3>
      {pending.length === 0 && <p className="muted">Nothing to do here: this Mac already has it.</p>}
      {plan.warnings.length > 0 && (
        <ul className="plan-warnings">
          {plan.warnings.map((w, i) => (
            <li key={i}>
              <StatusBadge status="warn">Note</StatusBadge> {w}
            </li>
          ))}
        </ul>
      )}
      <ol className="actions">
        {plan.actions.map((a) => (
          <ActionItem key={a.id} action={a} run={run} />
        ))}
      </ol>
      {plan.cleanup.length > 0 && (
        <details className="undo">
          <summary>Afterwards, always</summary>
          {plan.cleanup.map((c, i) => (
            <code key={i} className="command">
              {c.line}
            </code>
          ))}
        </details>
      )}
    </section>
  );
}

export function PlanList({ prepared, run }: { prepared: PreparedChanges; run: Run<ApplyOutcome> }) {
  return (
    <div className="plans">
      {prepared.plans.map((p) => (
        <PlanSection key={p.step} plan={p} run={run} />
      ))}
    </div>
  );
}

/** The ids of the actions the plan will run (not those it found done already). */
function pendingIds(prepared: PreparedChanges): string[] {
  return prepared.plans.flatMap((p) => p.actions.filter((a) => a.status === 'pending').map((a) => a.id));
}

/** Counts for the progress bar: actions finished (done, skipped or failed) out of all that were due. */
export function runCounts(prepared: PreparedChanges, run: Run<ApplyOutcome>): { finished: number; total: number } {
  const ids = pendingIds(prepared);
  const progress = progressOf(run);
  const finished =
    run.state === 'done' ? ids.length : ids.filter((id) => progress[id] && progress[id]!.status !== 'running').length;
  return { finished, total: ids.length };
}

/**
 * The line that says where a run is, announced to screen readers as it changes, with the
 * result once it is over: what was done, or what failed and what was put back.
 */
export function RunStatus({
  prepared,
  run,
  doneText,
  noun = 'change',
}: {
  prepared: PreparedChanges;
  run: Run<ApplyOutcome>;
  doneText: string;
  noun?: string;
}) {
  const { finished, total } = runCounts(prepared, run);
  return (
    <div className="run-status">
      <div role="status" aria-live="polite">
        {run.state === 'running' && (
          <Busy announced>
            Working… {finished} of {total} {noun}
            {total === 1 ? '' : 's'} finished.
          </Busy>
        )}
        {run.state === 'done' && run.value.ok && (
          <p className="result pass">
            <StatusBadge status="pass">Done</StatusBadge> {doneText} ({summariseOutcome(run.value, prepared)}).
          </p>
        )}
      </div>
      {run.state === 'running' && total > 0 && (
        <progress
          className="run-progress"
          max={total}
          value={finished}
          aria-label={`${noun[0]!.toUpperCase()}${noun.slice(1)}s finished`}
        />
      )}
      {run.state === 'error' && <ErrorBox error={run.error} title="Could not apply." />}
      {run.state === 'done' && !run.value.ok && <FailedOutcome outcome={run.value} prepared={prepared} />}
    </div>
  );
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

function FailedOutcome({ outcome, prepared }: { outcome: ApplyOutcome; prepared: PreparedChanges }) {
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
              : `Onboard undid what this step had already changed, newest first${kept.length === 0 ? ', so the Mac is as it was before you pressed Apply' : ''}.`}
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

/**
 * The one button that moves a change on: apply the plan shown, or (after a failure, when
 * that plan is spent) make a fresh one from the Mac as it is now.
 */
export function ApplyButton({
  prepared,
  run,
  label,
  busyLabel,
  doneLabel,
  onApply,
  onReplan,
  danger,
}: {
  prepared: PreparedChanges;
  run: Run<ApplyOutcome>;
  label: string;
  busyLabel: string;
  doneLabel: string;
  onApply(): void;
  onReplan(): void;
  danger?: boolean;
}) {
  const failed = run.state === 'error' || (run.state === 'done' && !run.value.ok);
  const applied = run.state === 'done' && run.value.ok;
  if (failed) {
    return (
      <div className="apply-row">
        <button type="button" className="primary" onClick={onReplan}>
          Make a fresh plan
        </button>
        <span className="muted">
          Fix the problem shown below, then make a fresh plan from this Mac as it is now, and apply it.
        </span>
      </div>
    );
  }
  const n = prepared.pendingCount;
  const prompts = prepared.adminPrompts;
  // Since macOS 11 each root CA's trust change has a dialog of its own, beside the password prompt.
  const dialogs = prepared.trustDialogs;
  const asks = [
    prompts > 0 ? `asks for an administrator's password ${prompts === 1 ? 'once' : `${prompts} times`}` : '',
    dialogs > 0
      ? `shows ${dialogs} trust dialog${dialogs === 1 ? '' : 's'} of its own (approved at this Mac with an administrator's name and password)`
      : '',
  ]
    .filter(Boolean)
    .join(', and ');
  return (
    <div className="apply-row">
      <button
        type="button"
        className={danger ? 'danger' : 'primary'}
        onClick={onApply}
        disabled={run.state === 'running' || applied || n === 0}
      >
        {run.state === 'running' ? busyLabel : applied ? doneLabel : label}
      </button>
      {/* Once applied, the result below says what was done; the planned count would only compete with it. */}
      {!applied && (
        <span className="muted">
          {n === 0
            ? 'Nothing to change: continue.'
            : `${n} change${n === 1 ? '' : 's'}.${asks ? ` macOS ${asks}.` : ''}`}
        </span>
      )}
    </div>
  );
}
