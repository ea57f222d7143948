// Summary: the job's verdict first, then what ends it: save the report for the ticket, Done, or onboard another Mac
// (which starts afresh and reads the Mac again); below, what this job changed, with undo for what can be undone.
import { useEffect, useState } from 'react';
import type { ChangePurpose, ChangeRecordView, ChangeSummary } from '../../../src/shared/contract';
import { useWizard } from '../../state/store';
import { stepAction } from '../../state/selectors';
import { ErrorBox } from '../../ui/ErrorBox';
import { Busy } from '../../ui/Busy';
import { StatusBadge, type Tone } from '../../ui/StatusBadge';
import { MdmExport } from '../../ui/MdmExport';
import { PlanSummary, StepActionButton } from '../../ui/PlanSummary';
import { FocusResult } from '../../ui/FocusResult';
import { clockTime } from '../../ui/format';

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

  return (
    <>
      <section className="card" aria-labelledby="summary-outcome-heading">
        {changes.state === 'loading' && <Busy>Gathering what changed…</Busy>}
        {changes.state === 'error' && <ErrorBox error={changes.error} title="Cannot show the summary." />}
        {value && <Outcome uninstall={mode === 'uninstall'} value={value} />}
        {value && <Finish value={value} />}
      </section>
      <section className="card" aria-labelledby="summary-changes-heading">
        <h2 id="summary-changes-heading">{mode === 'uninstall' ? 'What was removed' : 'What changed on this Mac'}</h2>
        {value && value.records.length === 0 && (
          <p className="muted">Onboard has not changed anything on this Mac in this session.</p>
        )}
        {value && value.records.length > 0 && <ChangeList records={value.records} />}
      </section>
      {mode !== 'uninstall' && <MdmExport />}
    </>
  );
}

/** The verdict on the job, as a heading and a sentence. */
function Outcome({ uninstall, value }: { uninstall: boolean; value: ChangeSummary }) {
  const made = value.records.filter((r) => r.status === 'done').length;
  const madeText = `${made} change${made === 1 ? '' : 's'} made.`;
  let tone = '';
  let heading: string;
  let text: React.ReactNode;
  if (uninstall) {
    const removed = value.records.some((r) => r.purpose === 'uninstall' && r.status === 'done');
    const failed = value.records.some((r) => r.purpose === 'uninstall' && r.status === 'failed');
    tone = failed ? 'fail' : removed ? 'pass' : '';
    heading = failed ? 'Uninstall incomplete' : removed ? 'Removed' : 'Not removed yet';
    text = failed
      ? 'The uninstall stopped part-way: see the failed change below, and the Uninstall step for why.'
      : removed
        ? 'The 1E Client is no longer on this Mac.'
        : 'The 1E Client has not been removed: go back to Uninstall to review and apply the plan.';
  } else {
    const v = value.verification;
    tone = v ? (v.ok ? 'pass' : 'fail') : '';
    heading = v ? (v.ok ? 'All green' : 'Not yet') : 'Not verified';
    text = v ? (
      v.ok ? (
        <>
          This Mac is onboarded: every check passed at {clockTime(v.at)}. {madeText}
        </>
      ) : (
        <>The last verification found problems: go back to Verify for what to do. {madeText}</>
      )
    ) : (
      <>The checks have not run yet: go back to Verify. {madeText}</>
    );
  }
  return (
    <FocusResult id="summary-outcome">
      <h2 id="summary-outcome-heading">{heading}</h2>
      <p className={`result ${tone}`}>{text}</p>
    </FocusResult>
  );
}

/** What ends the job: the report for the ticket first, then Done, or a fresh start for another Mac. */
function Finish({ value }: { value: ChangeSummary }) {
  const state = useWizard();
  const { report } = state.summary;
  const [confirming, setConfirming] = useState(false);
  const action = stepAction(state, 'summary');
  const canReport = value.verification !== null;
  const saved = report.state === 'ready' ? report.value : null;
  const startOver = () => {
    setConfirming(false);
    void state.startOver();
  };
  return (
    <div className="finish">
      {canReport && !saved && (
        <p className="muted">
          The report holds the checks, what changed and this Mac's details, for the ticket. No password or private key
          is in it.
        </p>
      )}
      <div className="apply-row">
        {action && <StepActionButton action={action} />}
        {canReport && (
          <button
            type="button"
            className="secondary"
            onClick={() => void state.saveReport('json')}
            disabled={report.state === 'loading'}
          >
            Save as JSON
          </button>
        )}
        {action && action.label !== 'Done' && !state.finished && (
          <button type="button" className="secondary" onClick={state.finish}>
            Done
          </button>
        )}
        <button
          type="button"
          className="secondary"
          onClick={() => (canReport && !saved && !state.finished ? setConfirming(true) : startOver())}
        >
          Onboard another Mac
        </button>
      </div>
      <FocusResult id="summary-report">
        {saved && <p className="muted">Saved {saved} to your downloads.</p>}
        {report.state === 'error' && <ErrorBox error={report.error} title="Could not make the report." />}
      </FocusResult>
      {confirming && (
        <div className="note warn-text" role="alert">
          <p>The report for this Mac has not been saved. Start afresh anyway? Everything this job knew is forgotten.</p>
          <div className="apply-row">
            <button type="button" className="danger" onClick={startOver}>
              Start afresh
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Keep this job
            </button>
          </div>
        </div>
      )}
      {state.finished && (
        <FocusResult id="summary-finished" className="finished">
          <p className="result pass">
            <StatusBadge status="pass">Finished</StatusBadge> This job is done. You can close Onboard, or onboard
            another Mac.
          </p>
        </FocusResult>
      )}
    </div>
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
                {PURPOSE_TEXT[r.purpose]}, {clockTime(r.at)}
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
      {undo.plan.state === 'error' && (
        <FocusResult id="undo-plan">
          <ErrorBox error={undo.plan.error} title="Cannot plan the undo." />
        </FocusResult>
      )}
      {undo.plan.state !== 'error' && plan && (
        <PlanSummary
          id="undo-plan"
          heading={undo.run.state === 'done' && undo.run.value.ok ? 'Put back as it was' : 'Undo'}
          prepared={plan}
          run={undo.run}
          action={
            running
              ? { label: 'Undoing…', busy: true, danger: true, run: () => undefined }
              : undo.run.state === 'idle'
                ? { label: 'Undo these changes', busy: false, danger: true, run: () => void applyUndo() }
                : null
          }
          doneText="Put back as it was"
        />
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
