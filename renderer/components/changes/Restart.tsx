// Replace-certificate mode: no install, only a restart, because the client reads its identity when it starts.
import { useEffect } from 'react';
import { useWizard } from '../../store';
import { ApplyButton, PlanList, RunStatus } from './PlanView';
import { ErrorBox } from './ErrorBox';

export function Restart() {
  const restart = useWizard((s) => s.restart);
  const prepare = useWizard((s) => s.prepareRestart);
  const apply = useWizard((s) => s.applyRestart);

  useEffect(() => {
    if (restart.plan.state === 'idle') void prepare();
  }, [restart.plan.state, prepare]);

  const plan = restart.plan.state === 'ready' ? restart.plan.value : null;
  return (
    <section className="card" aria-labelledby="restart-heading" aria-busy={restart.plan.state === 'loading' || restart.run.state === 'running'}>
      <h2 id="restart-heading">Restart the 1E Client</h2>
      <p>
        Replacing the certificate needs no new installation. The 1E Client reads its certificate from the System keychain
        only when it starts, so it is restarted to use the new one.
      </p>
      {restart.plan.state === 'loading' && <p role="status"><span className="spinner" aria-hidden="true" /> Asking launchd about the 1E Client…</p>}
      {restart.plan.state === 'error' && <ErrorBox error={restart.plan.error} title="Cannot plan the restart." />}
      {plan && <PlanList prepared={plan} run={restart.run} />}
      {plan && <ApplyButton prepared={plan} run={restart.run} label="Restart the client" busyLabel="Restarting…" doneLabel="Restarted" onApply={() => void apply()} onReplan={() => void prepare()} />}
      {plan && <RunStatus prepared={plan} run={restart.run} doneText="The 1E Client restarted with the new certificate" />}
    </section>
  );
}
