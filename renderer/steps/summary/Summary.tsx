// Summary: what this run changed on the Mac, undo for what can be undone, and the report.
import { useEffect } from 'react';
import type { ChangePurpose, ChangeRecordView } from '../../../src/shared/contract';
import { useWizard } from '../../state/store';
import { ErrorBox } from '../../ui/ErrorBox';
import { Busy } from '../../ui/Busy';
import { StatusBadge, type Tone } from '../../ui/StatusBadge';
import { PlanList, RunStatus } from '../../ui/PlanView';
import { ReportButtons } from '../../ui/ReportButtons';
import { MdmExport } from '../../ui/MdmExport';

const PURPOSE_TEXT: Record<ChangePurpose, string> = {
  trust: 'Trust & identity',
  install: 'Install',
  'debug-logging': 'Debug logging',
  uninstall: 'Uninstall',
  undo: 'Undo',
};

const STATUS_TEXT: Record<ChangeRecordView['status'], { tone: Tone; text: string }> = {
  done: { tone: 'pass', text: 'Changed' },
  failed: { tone: 'fail', text: 'Failed' },
  undone: { tone: 'muted', text: 'Undone' },
};

export function Summary() {
  const mode = useWizard((s) => s.mode);
  const changes = useWizard((s) => s.summary.changes);
  const loadSummary = useWizard((s) => s.loadSummary);

  useEffect(() => {
    if (changes.state === 'idle') void loadSummary();
  }, [changes.state, loadSummary]);

  const value = changes.state === 'ready' ? changes.value : null;
  const made = value ? value.records.filter((r) => r.status === 'done').length : 0;

  return (
    <>
      <section className="card" aria-labelledby="summary-outcome-heading">
        <h2 id="summary-outcome-heading">{mode === 'uninstall' ? 'Uninstall' : 'Outcome'}</h2>
        {changes.state === 'loading' && <Busy>Gathering what changed…</Busy>}
        {changes.state === 'error' && <ErrorBox error={changes.error} title="Cannot show the summary." />}
        {value && <Outcome uninstall={mode === 'uninstall'} made={made} value={value} />}
      </section>
      <section className="card" aria-labelledby="summary-changes-heading">
        <h2 id="summary-changes-heading">What changed on this Mac</h2>
        {value && value.records.length === 0 && (
          <p className="muted">Onboard has not changed anything on this Mac in this session.</p>
        )}
        {value && value.records.length > 0 && <ChangeList records={value.records} />}
      </section>
      <section className="card" aria-labelledby="summary-report-heading">
        <h2 id="summary-report-heading">Report</h2>
        <p className="muted">
          Attach it to the ticket: the checks, the changes above, and this Mac's details. No password or private key is
          in it.
        </p>
        <ReportButtons />
      </section>
      {mode !== 'uninstall' && <MdmExport />}
    </>
  );
}

function Outcome({
  uninstall,
  made,
  value,
}: {
  uninstall: boolean;
  made: number;
  value: { verification: { ok: boolean; at: string } | null; records: ChangeRecordView[] };
}) {
  if (uninstall) {
    const removed = value.records.some((r) => r.purpose === 'uninstall' && r.status === 'done');
    const failed = value.records.some((r) => r.purpose === 'uninstall' && r.status === 'failed');
    return (
      <p className={`result ${failed ? 'fail' : removed ? 'pass' : ''}`}>
        {failed ? (
          <>
            <StatusBadge status="fail">Incomplete</StatusBadge> The uninstall stopped part-way: see the failed change
            below and the Install step for why.
          </>
        ) : removed ? (
          <>
            <StatusBadge status="pass">Removed</StatusBadge> The 1E Client is no longer on this Mac.
          </>
        ) : (
          'The 1E Client has not been removed: go back to Install to review and apply the uninstall plan.'
        )}
      </p>
    );
  }
  const v = value.verification;
  return (
    <p className={`result ${v ? (v.ok ? 'pass' : 'fail') : ''}`}>
      {v ? (
        v.ok ? (
          <>
            <StatusBadge status="pass">All green</StatusBadge> This Mac is onboarded: every check passed at{' '}
            {new Date(v.at).toLocaleTimeString()}.
          </>
        ) : (
          <>
            <StatusBadge status="fail">Not yet</StatusBadge> The last verification found problems: go back to Verify for
            what to do.
          </>
        )
      ) : (
        'The checks have not run yet: go back to Verify.'
      )}{' '}
      {made} change{made === 1 ? '' : 's'} made.
    </p>
  );
}

function ChangeList({ records }: { records: ChangeRecordView[] }) {
  const selected = useWizard((s) => s.summary.selected);
  const toggle = useWizard((s) => s.toggleUndoSelection);
  const undo = useWizard((s) => s.summary.undo);
  const prepareUndo = useWizard((s) => s.prepareUndo);
  const applyUndo = useWizard((s) => s.applyUndo);
  const running = undo.run.state === 'running';
  const anyUndoable = records.some((r) => r.undoable);
  const plan = undo.plan.state === 'ready' ? undo.plan.value : null;

  return (
    <>
      <ul className="change-list">
        {records.map((r) => {
          const body = (
            <span className="change-body">
              <StatusBadge status={STATUS_TEXT[r.status].tone}>{STATUS_TEXT[r.status].text}</StatusBadge> {r.title}
              <span className="muted change-meta">
                {PURPOSE_TEXT[r.purpose]}, {new Date(r.at).toLocaleTimeString()}
                {r.status === 'done' && !r.undoable ? ', cannot be undone by Onboard' : ''}
              </span>
            </span>
          );
          return (
            <li key={r.id}>
              {r.undoable ? (
                <label className="change-row">
                  <input
                    type="checkbox"
                    checked={selected.includes(r.id)}
                    onChange={() => toggle(r.id)}
                    disabled={running}
                  />
                  {body}
                </label>
              ) : (
                <div className="change-row">
                  <span aria-hidden="true" />
                  {body}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {anyUndoable && (
        <div className="apply-row">
          <button
            type="button"
            className="secondary"
            disabled={selected.length === 0 || running || undo.plan.state === 'loading'}
            onClick={() => void prepareUndo()}
          >
            Plan undo of {selected.length || 'the ticked'} change{selected.length === 1 ? '' : 's'}
          </button>
          <span className="muted">
            Tick what to put back as it was; you see the exact commands before anything runs.
          </span>
        </div>
      )}
      {undo.plan.state === 'error' && <ErrorBox error={undo.plan.error} title="Cannot plan the undo." />}
      {plan && (
        <div className="undo-plan" aria-busy={running}>
          <PlanList prepared={plan} run={undo.run} />
          <div className="apply-row">
            <button
              type="button"
              className="danger"
              onClick={() => void applyUndo()}
              disabled={running || undo.run.state === 'done'}
            >
              {running ? 'Undoing…' : 'Undo these changes'}
            </button>
          </div>
          <RunStatus prepared={plan} run={undo.run} doneText="Put back as it was" />
        </div>
      )}
      {!plan && undo.run.state === 'done' && <RunStatusAfterUndo />}
    </>
  );
}

function RunStatusAfterUndo() {
  const run = useWizard((s) => s.summary.undo.run);
  if (run.state !== 'done') return null;
  return run.value.ok ? (
    <p role="status" className="result pass">
      <StatusBadge status="pass">Done</StatusBadge> The chosen changes were undone.
    </p>
  ) : (
    <ErrorBox error={run.value.failure ?? { message: 'The undo did not complete.', hint: '' }} title="Undo failed." />
  );
}
