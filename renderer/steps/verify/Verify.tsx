// Verify: every check live, as the Switch and the 1E Client would judge this Mac; retry,
// cancel for the network probes, debug logging, and the report for the ticket.
import type { ProgressItem } from '../../state/types';
import { useWizard } from '../../state/store';
import { Findings } from '../../ui/Findings';
import { ErrorBox } from '../../ui/ErrorBox';
import { Busy } from '../../ui/Busy';
import { StatusBadge, type Tone } from '../../ui/StatusBadge';
import { PlanList, RunStatus } from '../../ui/PlanView';
import { ReportButtons } from '../../ui/ReportButtons';

const LIVE_TEXT: Record<ProgressItem['status'], { tone: Tone; text: string }> = {
  running: { tone: 'info', text: 'Checking' },
  done: { tone: 'pass', text: 'Checked' },
  failed: { tone: 'fail', text: 'Problem' },
  skipped: { tone: 'muted', text: 'Skipped' },
  undone: { tone: 'muted', text: 'Undone' },
  info: { tone: 'info', text: 'Note' },
};

export function Verify() {
  const mode = useWizard((s) => s.mode);
  if (mode === 'uninstall') {
    return (
      <section className="card" aria-labelledby="verify-none-heading">
        <h2 id="verify-none-heading">Nothing to verify</h2>
        <p>
          After an uninstall there is no 1E Client to check. Continue to the summary for what was removed and the
          report.
        </p>
      </section>
    );
  }
  return <VerifyChecks />;
}

function VerifyChecks() {
  const run = useWizard((s) => s.verify.run);
  const runVerification = useWizard((s) => s.runVerification);
  const cancel = useWizard((s) => s.cancelVerification);
  const running = run.state === 'running';
  const live = run.state === 'idle' ? [] : Object.entries(run.progress);

  return (
    <>
      <section className="card" aria-labelledby="checks-heading" aria-busy={running}>
        <div className="card-head">
          <h2 id="checks-heading">Checks</h2>
          <div className="apply-row">
            {running ? (
              <button type="button" className="secondary" onClick={() => void cancel()}>
                Cancel
              </button>
            ) : (
              <button type="button" className="primary" onClick={() => void runVerification()}>
                {run.state === 'idle' ? 'Run the checks' : 'Run the checks again'}
              </button>
            )}
          </div>
        </div>
        {run.state === 'idle' && (
          <p className="muted">
            Onboard checks the 1E Client service, connects to the Switch with this Mac's certificate (as the client
            does), fetches from the Background Channel, checks the CRLs, looks for the identity and CAs in the keychain,
            and reads the client's logs.
          </p>
        )}
        <div role="status" aria-live="polite">
          {running && (
            <Busy announced>
              Checking… {live.filter(([, p]) => p.status !== 'running').length} of {Math.max(live.length, 1)} started
              checks finished.
            </Busy>
          )}
          {run.state === 'done' &&
            (run.value.ok ? (
              <p className="result pass">
                <StatusBadge status="pass">All green</StatusBadge> This Mac meets every check: {run.value.counts.pass}{' '}
                passed{run.value.counts.warn ? `, ${run.value.counts.warn} to look at` : ''}.
              </p>
            ) : (
              <p className="result fail">
                <StatusBadge status="fail">Not yet</StatusBadge> {run.value.counts.fail} check
                {run.value.counts.fail === 1 ? '' : 's'} failed: each says what to do.
              </p>
            ))}
        </div>
        {running && live.length > 0 && (
          <ul className="live-checks">
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
        {run.state === 'done' && <Findings findings={run.value.findings} kind="checks" />}
      </section>
      <DebugLogging />
      <section className="card" aria-labelledby="report-heading">
        <h2 id="report-heading">Report</h2>
        <p className="muted">
          The results, what Onboard changed, and this Mac's details, for the ticket. No password or private key is in
          it.
        </p>
        <ReportButtons />
      </section>
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
  return (
    <section className="card" aria-labelledby="debug-heading" aria-busy={debug.plan.state === 'loading' || running}>
      <h2 id="debug-heading">Debug logging</h2>
      <p className="muted">
        When a check fails for a reason you cannot see, set <code>LoggingLevel=debug</code> and restart the client; its
        log (<code>/Library/Logs/1E.Client.log</code>) then says exactly what it tried. Set it back afterwards: debug
        logs grow fast.
      </p>
      {debug.plan.state === 'idle' && (
        <button type="button" className="secondary" onClick={() => void prepare()}>
          Plan debug logging
        </button>
      )}
      {debug.plan.state === 'loading' && <Busy>Reading the configuration…</Busy>}
      {debug.plan.state === 'error' && <ErrorBox error={debug.plan.error} title="Cannot plan debug logging." />}
      {plan && <PlanList prepared={plan} run={debug.run} />}
      {plan && (
        <div className="apply-row">
          <button
            type="button"
            className="secondary"
            onClick={() => void apply()}
            disabled={running || applied || plan.pendingCount === 0}
          >
            {running ? 'Applying…' : applied ? 'Debug logging is on' : 'Turn on debug logging and restart'}
          </button>
        </div>
      )}
      {plan && (
        <RunStatus
          prepared={plan}
          run={debug.run}
          doneText="Debug logging is on and the client restarted: run the checks again"
        />
      )}
    </section>
  );
}
