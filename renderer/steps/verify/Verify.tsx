// Verify: every check, as the Switch and the 1E Client would judge this Mac, counted against the known total while
// it runs; then the verdict first, failures and warnings named and shown, the passes folded; debug logging only when
// something failed. The report for the ticket is saved on the Summary.
import type { Finding } from '../../../src/shared/contract';
import type { ProgressItem } from '../../state/types';
import { useWizard } from '../../state/store';
import { stepAction } from '../../state/selectors';
import { Findings } from '../../ui/Findings';
import { ErrorBox } from '../../ui/ErrorBox';
import { Busy } from '../../ui/Busy';
import { StatusBadge, type Tone } from '../../ui/StatusBadge';
import { FocusResult } from '../../ui/FocusResult';
import { PlanSummary, StepActionButton } from '../../ui/PlanSummary';

const LIVE_TEXT: Record<ProgressItem['status'], { tone: Tone; text: string }> = {
  waiting: { tone: 'muted', text: 'Waiting' },
  running: { tone: 'info', text: 'Checking' },
  done: { tone: 'pass', text: 'Checked' },
  failed: { tone: 'fail', text: 'Problem' },
  skipped: { tone: 'muted', text: 'Skipped' },
  undone: { tone: 'muted', text: 'Undone' },
  info: { tone: 'info', text: 'Note' },
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function Verify() {
  const state = useWizard();
  const run = state.verify.run;
  const cancel = state.cancelVerification;
  const running = run.state === 'running';
  const live = run.state === 'idle' ? [] : Object.entries(run.progress);
  const finished = live.filter(([, p]) => p.status !== 'running' && p.status !== 'waiting').length;
  const action = stepAction(state, 'verify');

  return (
    <>
      <section className="card" aria-labelledby="checks-heading" aria-busy={running}>
        <FocusResult id="verify-verdict">
          <h2 id="checks-heading">
            {run.state === 'done' ? (run.value.ok ? 'All green' : 'Not yet') : running ? 'Checking…' : 'Checks'}
          </h2>
          {run.state === 'idle' && (
            <p className="muted">
              Onboard checks the 1E Client service, connects to the Switch with this Mac's certificate (as the client
              does), fetches from the Background Channel, checks the CRLs, looks for the identity and CAs in the
              keychain, and reads the client's logs.
            </p>
          )}
          {running && (
            <Busy announced>
              {finished} of {plural(Math.max(live.length, 1), 'check')} finished.
            </Busy>
          )}
          {run.state === 'done' && <Verdict findings={run.value.findings} ok={run.value.ok} />}
          {run.state === 'error' && (
            <ErrorBox
              error={run.error}
              title={
                run.error.code === 'cancelled' || run.error.code === 'verify-cancelled'
                  ? 'Checks cancelled.'
                  : 'The checks could not run.'
              }
            />
          )}
        </FocusResult>
        <div className="apply-row">
          {running ? (
            <button type="button" className="secondary" onClick={() => void cancel()}>
              Cancel
            </button>
          ) : action ? (
            <StepActionButton action={action} />
          ) : (
            <button type="button" className="secondary" onClick={() => void state.runVerification()}>
              Run the checks again
            </button>
          )}
        </div>
        {running && live.length > 0 && (
          <ul className="live-checks" aria-label="The checks, in order">
            {live.map(([id, p]) => (
              <li key={id}>
                <StatusBadge status={LIVE_TEXT[p.status].tone} busy={p.status === 'running'}>
                  {LIVE_TEXT[p.status].text}
                </StatusBadge>{' '}
                {p.label ?? id}
                {p.detail && <span className="muted"> — {p.detail}</span>}
              </li>
            ))}
          </ul>
        )}
        {run.state === 'done' && <CheckList findings={run.value.findings} green={run.value.ok} />}
      </section>
      {run.state === 'done' && !run.value.ok && <DebugLogging />}
    </>
  );
}

/** The verdict in a sentence, naming what failed and what to look at. */
function Verdict({ findings, ok }: { findings: Finding[]; ok: boolean }) {
  const fails = findings.filter((f) => f.status === 'fail');
  const warns = findings.filter((f) => f.status === 'warn');
  const passes = findings.filter((f) => f.status === 'pass').length;
  return (
    <p className={`result ${ok ? 'pass' : 'fail'}`}>
      {ok ? (
        <>
          This Mac meets every check: {passes} passed
          {warns.length > 0
            ? `; ${plural(warns.length, 'warning')} to read: ${warns.map((w) => w.title).join('; ')}`
            : ''}
          .
        </>
      ) : (
        <>
          {plural(fails.length, 'check')} failed: {fails.map((f) => f.title).join('; ')}.
          {warns.length > 0 && ` ${warns.length} to look at.`} Each says what to do.
        </>
      )}
    </p>
  );
}

/** Failures and warnings first, shown; passes and notes folded. A green run gives no advice to act on. */
function CheckList({ findings, green }: { findings: Finding[]; green: boolean }) {
  const first = findings.filter((f) => f.status === 'fail' || f.status === 'warn');
  const rest = findings.filter((f) => f.status === 'pass' || f.status === 'info');
  const notes = rest.filter((f) => f.status === 'info').length;
  // Notes carry advice for a Mac that does not connect; on a green run it would only be a to-do with no reason.
  const folded = green ? rest.map((f) => (f.status === 'info' ? { ...f, fix: '' } : f)) : rest;
  return (
    <>
      {first.length > 0 && <Findings findings={first} kind="checks" />}
      {rest.length > 0 && (
        <details className="all-checks">
          <summary>
            Show all checks ({rest.length - notes} passed{notes ? `, ${plural(notes, 'note')}` : ''})
          </summary>
          <Findings findings={folded} kind="checks" />
        </details>
      )}
    </>
  );
}

function DebugLogging() {
  const debug = useWizard((s) => s.verify.debug);
  const prepare = useWizard((s) => s.prepareDebugLogging);
  const apply = useWizard((s) => s.applyDebugLogging);
  const plan = debug.plan.state === 'ready' ? debug.plan.value : null;
  const running = debug.run.state === 'running';
  const applied = debug.run.state === 'done' && debug.run.value.ok;
  const action =
    plan && !applied && plan.pendingCount > 0 && debug.run.state === 'idle'
      ? { label: 'Turn on debug logging and restart', busy: false, run: () => void apply() }
      : running
        ? { label: 'Applying…', busy: true, run: () => undefined }
        : null;
  return (
    <section className="card" aria-labelledby="debug-heading" aria-busy={debug.plan.state === 'loading' || running}>
      <h2 id="debug-heading">When a check fails for a reason you cannot see</h2>
      <p className="muted">
        Debug logging makes the 1E Client write exactly what it tried into its log. Set it back afterwards: debug logs
        grow fast.
      </p>
      {debug.plan.state === 'idle' && (
        <button type="button" className="secondary" onClick={() => void prepare()}>
          Plan debug logging
        </button>
      )}
      {debug.plan.state === 'loading' && <Busy>Reading the configuration…</Busy>}
      {debug.plan.state === 'error' && (
        <FocusResult id="debug-plan">
          <ErrorBox error={debug.plan.error} title="Cannot plan debug logging." />
        </FocusResult>
      )}
      {plan && (
        <PlanSummary
          id="debug-plan"
          heading={applied ? 'Debug logging is on' : 'Debug logging'}
          prepared={plan}
          run={debug.run}
          action={action}
          doneText="Debug logging is on and the client restarted: run the checks again"
        />
      )}
    </section>
  );
}
