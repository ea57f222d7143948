// Uninstall, the one step of an uninstall job: the removal's verdict with its one action at the top, the commands
// folded, applied behind one administrator prompt; the Mac is read again afterwards.
import { useEffect } from 'react';
import { useWizard } from '../../state/store';
import { stepAction } from '../../state/selectors';
import { PlanSummary } from '../../ui/PlanSummary';
import { ErrorBox } from '../../ui/ErrorBox';
import { Busy } from '../../ui/Busy';
import { FocusResult } from '../../ui/FocusResult';

export function Uninstall() {
  const state = useWizard();
  const { uninstall, prepareUninstall: prepare } = state;

  useEffect(() => {
    if (uninstall.plan.state === 'idle') void prepare();
  }, [uninstall.plan.state, prepare]);

  const running = uninstall.run.state === 'running';
  const plan = uninstall.plan.state === 'ready' ? uninstall.plan.value : null;
  const removed = uninstall.run.state === 'done' && uninstall.run.value.ok;

  return (
    <>
      {uninstall.plan.state === 'loading' && (
        <section className="card" aria-busy="true">
          <Busy>Reading the package receipt…</Busy>
        </section>
      )}
      {uninstall.plan.state === 'error' && (
        <section className="card">
          <FocusResult id="uninstall-plan">
            <ErrorBox error={uninstall.plan.error} title="Cannot make the uninstall plan." />
          </FocusResult>
        </section>
      )}
      {plan && (
        <PlanSummary
          id="uninstall-plan"
          heading="Uninstall the 1E Client"
          prepared={plan}
          run={uninstall.run}
          action={stepAction(state, 'uninstall')}
          doneText="The 1E Client is removed from this Mac"
        >
          {!removed && (
            <p className="muted">
              Onboard stops the client and removes exactly the files its package installed, as the package receipt lists
              them, then forgets the receipt. The certificates in the System keychain stay.
            </p>
          )}
        </PlanSummary>
      )}
      {!running && !removed && (
        <p className="muted">
          <button
            type="button"
            className="secondary small"
            onClick={() => void prepare()}
            disabled={uninstall.plan.state === 'loading'}
          >
            Check this Mac again
          </button>
        </p>
      )}
    </>
  );
}
