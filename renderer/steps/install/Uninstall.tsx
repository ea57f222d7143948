// Uninstall (chosen on Welcome): the removal plan, read first, applied with one prompt.
import { useEffect } from 'react';
import { useWizard } from '../../state/store';
import { ApplyButton, PlanList, RunStatus } from '../../ui/PlanView';
import { ErrorBox } from '../../ui/ErrorBox';
import { Busy } from '../../ui/Busy';

export function Uninstall() {
  const uninstall = useWizard((s) => s.uninstall);
  const prepare = useWizard((s) => s.prepareUninstall);
  const apply = useWizard((s) => s.applyUninstall);

  useEffect(() => {
    if (uninstall.plan.state === 'idle') void prepare();
  }, [uninstall.plan.state, prepare]);

  const running = uninstall.run.state === 'running';
  const plan = uninstall.plan.state === 'ready' ? uninstall.plan.value : null;

  return (
    <section
      className="card"
      aria-labelledby="uninstall-heading"
      aria-busy={uninstall.plan.state === 'loading' || running}
    >
      <div className="card-head">
        <h2 id="uninstall-heading">Uninstall the 1E Client</h2>
        <button
          type="button"
          className="secondary small"
          onClick={() => void prepare()}
          disabled={running || uninstall.plan.state === 'loading'}
        >
          Check this Mac again
        </button>
      </div>
      <p>
        Onboard stops the client and removes exactly the files its package installed, as the package receipt lists them,
        then forgets the receipt. The certificates in the System keychain stay.
      </p>
      {uninstall.plan.state === 'loading' && <Busy>Reading the package receipt…</Busy>}
      {uninstall.plan.state === 'error' && (
        <ErrorBox error={uninstall.plan.error} title="Cannot make the uninstall plan." />
      )}
      {plan && <PlanList prepared={plan} run={uninstall.run} />}
      {plan && (
        <ApplyButton
          prepared={plan}
          run={uninstall.run}
          label="Uninstall"
          busyLabel="Uninstalling…"
          doneLabel="Uninstalled"
          danger
          onApply={() => void apply()}
          onReplan={() => void prepare()}
        />
      )}
      {plan && <RunStatus prepared={plan} run={uninstall.run} doneText="The 1E Client is removed from this Mac" />}
    </section>
  );
}
