// A prepared change in full, behind "Show the commands": each action with its exact command (secrets already masked
// by main), what it is for, why one is already done, how it is undone, and its live state.
import type { ActionView, ApplyOutcome, PlanView as Plan, PreparedChanges } from '../../src/shared/contract';
import type { ProgressItem, Run } from '../state/types';
import { StatusBadge, type Tone } from './StatusBadge';
import { Breakable } from './Breakable';

export type Shown = { tone: Tone; text: string; busy?: boolean };

const OUTCOME_TEXT: Record<ApplyOutcome['actions'][number]['status'], Shown> = {
  done: { tone: 'pass', text: 'Done' },
  skipped: { tone: 'muted', text: 'Already done' },
  failed: { tone: 'fail', text: 'Failed' },
  undone: { tone: 'warn', text: 'Undone' },
  'not-run': { tone: 'muted', text: 'Not run' },
};

const PROGRESS_TEXT: Record<ProgressItem['status'], Shown> = {
  waiting: { tone: 'muted', text: 'Waiting' },
  running: { tone: 'info', text: 'Running', busy: true },
  done: { tone: 'pass', text: 'Done' },
  failed: { tone: 'fail', text: 'Failed' },
  skipped: { tone: 'muted', text: 'Already done' },
  undone: { tone: 'warn', text: 'Undone' },
  info: { tone: 'info', text: 'Note' },
};

export function progressOf(run: Run<ApplyOutcome>): Record<string, ProgressItem> {
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
  return { tone: 'muted', text: run.state === 'running' ? 'Waiting' : 'Will run' };
}

function ActionItem({ action, run }: { action: ActionView; run: Run<ApplyOutcome> }) {
  const shown = actionState(action, run);
  const live = progressOf(run)[action.id];
  const outcome = run.state === 'done' ? run.value.actions.find((a) => a.id === action.id) : undefined;
  // Only what explains a failure, or what is happening now; "already done" is said by the badge and its reason.
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
      {action.status === 'skip' && action.reason && <p className="action-detail muted">{capitalise(action.reason)}.</p>}
      {action.status !== 'skip' && action.detail && (
        <p className="action-detail muted">
          <Breakable text={action.detail} />
        </p>
      )}
      <code className="command">
        <Breakable text={action.command.line} />
      </code>
      {detail && <p className={`action-detail ${shown.tone === 'fail' ? 'field-error' : 'muted'}`}>{detail}</p>}
      {action.undo.length > 0 && (
        <details className="undo">
          <summary>How this is undone</summary>
          {action.undo.map((u, i) => (
            <code key={i} className="command">
              <Breakable text={u.line} />
            </code>
          ))}
        </details>
      )}
    </li>
  );
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function PlanSection({ plan, run }: { plan: Plan; run: Run<ApplyOutcome> }) {
  const pending = plan.actions.filter((a) => a.status === 'pending');
  return (
    <section className="plan" aria-label={plan.title}>
      <h3>{plan.title}</h3>
      {pending.length === 0 && <p className="muted">Nothing to do here: this Mac already has it.</p>}
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
              <Breakable text={c.line} />
            </code>
          ))}
        </details>
      )}
    </section>
  );
}

/** Every part of the prepared change, each action with its command (its notes are said above, in the summary). */
export function PlanList({ prepared, run }: { prepared: PreparedChanges; run: Run<ApplyOutcome> }) {
  return (
    <div className="plans">
      {prepared.plans.map((p) => (
        <PlanSection key={p.step} plan={p} run={run} />
      ))}
    </div>
  );
}

/** The plan in full, folded: the commands, the rows already done and the explanations are there for who wants them. */
export function ShowCommands({ prepared, run }: { prepared: PreparedChanges; run: Run<ApplyOutcome> }) {
  const all = prepared.plans.flatMap((p) => p.actions);
  const already = all.filter((a) => a.status === 'skip').length;
  return (
    <details className="show-commands">
      <summary>
        Show the commands
        {already > 0 && <span className="muted"> ({already} already done on this Mac)</span>}
      </summary>
      <PlanList prepared={prepared} run={run} />
    </details>
  );
}
