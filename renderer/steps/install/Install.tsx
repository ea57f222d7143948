// Install: Rosetta when this Mac needs it, the installer, the configuration as a diff, then
// one press that installs, configures and starts the 1E Client. Uninstall mode: the removal;
// replace-certificate mode: nothing (Trust & identity imports the certificate and restarts the client).
import { useEffect, useId } from 'react';
import { useWizard } from '../../state/store';
import { canPickFilePaths, pickedFilePath } from '../../api';
import { ApplyButton, PlanList, RunStatus } from '../../ui/PlanView';
import { ErrorBox } from '../../ui/ErrorBox';
import { Busy } from '../../ui/Busy';
import { ConfDiff } from './ConfDiff';
import { Uninstall } from './Uninstall';
import { endpointsChangedSincePlan, noClientToReplace } from './slice';

const LOGGING_LEVELS = ['fatal', 'error', 'warning', 'info', 'debug', 'trace'];

export function Install() {
  const mode = useWizard((s) => s.mode);
  if (mode === 'uninstall') return <Uninstall />;
  if (mode === 'replace-certificate') return <NothingToInstall />;
  return <InstallClient />;
}

function NothingToInstall() {
  const noClient = useWizard(noClientToReplace);
  const goTo = useWizard((s) => s.goTo);
  if (noClient) {
    return (
      <section className="card warn-card" aria-labelledby="install-none-heading">
        <h2 id="install-none-heading">No 1E Client to give the new certificate to</h2>
        <p>
          This Mac has no 1E Client installed, so there is no certificate to replace. Choose <strong>New setup</strong>{' '}
          on Welcome: it installs the client and then imports the certificate.
        </p>
        <button type="button" className="secondary" onClick={() => goTo('welcome')}>
          Back to Welcome
        </button>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="install-none-heading">
      <h2 id="install-none-heading">Nothing to install when replacing the certificate</h2>
      <p>
        The 1E Client and its configuration stay as they are. The next step imports the new certificate and restarts the
        client so that it uses it.
      </p>
    </section>
  );
}

function InstallClient() {
  const install = useWizard((s) => s.install);
  const findInstallers = useWizard((s) => s.findInstallers);
  const setChoices = useWizard((s) => s.setInstallChoices);
  const prepareInstall = useWizard((s) => s.prepareInstall);
  const applyInstall = useWizard((s) => s.applyInstall);
  const pathId = useId();
  const levelId = useId();

  useEffect(() => {
    if (install.candidates.state === 'idle') void findInstallers();
  }, [install.candidates.state, findInstallers]);

  // The addresses changed on Welcome after this plan was made: the configuration shown is no longer what was asked for.
  const stale = useWizard(endpointsChangedSincePlan);
  useEffect(() => {
    if (stale && install.run.state !== 'running') void prepareInstall('addresses-changed');
  }, [stale, install.run.state, prepareInstall]);

  const running = install.run.state === 'running';
  const plan = install.plan.state === 'ready' ? install.plan.value : null;
  // False when the installer is the version already there: only the configuration is written.
  const packageChanges =
    plan?.plans.some((p) => p.actions.some((a) => a.id === 'client-install' && a.status === 'pending')) ?? false;
  const { choices } = install;

  return (
    <>
      <section className="card" aria-labelledby="installer-heading">
        <h2 id="installer-heading">The 1E Client installer</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void prepareInstall();
          }}
          aria-describedby="installer-help"
        >
          <p id="installer-help" className="muted">
            A <code>.dmg</code> (1E Client 5.x), a <code>.zip</code> (23.x and later) or the <code>.pkg</code> itself,
            on this Mac.
          </p>
          {install.candidates.state === 'loading' && (
            <Busy>Looking for installers in Downloads and on mounted disks…</Busy>
          )}
          {install.candidates.state === 'error' && (
            <ErrorBox error={install.candidates.error} title="Could not look for installers." />
          )}
          {install.candidates.state === 'ready' && install.candidates.value.length > 0 && (
            <fieldset className="option" disabled={running}>
              <legend>Installers found on this Mac</legend>
              {install.candidates.value.map((c) => (
                <label key={c.path} className="radio">
                  <input
                    type="radio"
                    name="installer"
                    value={c.path}
                    checked={choices.installerPath === c.path}
                    onChange={() => setChoices({ installerPath: c.path })}
                  />
                  <span>
                    {c.name} <span className="muted mono">{c.path}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          )}
          {install.candidates.state === 'ready' && install.candidates.value.length === 0 && (
            <p className="muted">No installer found in Downloads or on a mounted disk: type its full path below.</p>
          )}
          <label htmlFor={pathId}>Installer file on this Mac</label>
          <input
            id={pathId}
            type="text"
            spellCheck={false}
            autoComplete="off"
            disabled={running}
            placeholder="/Users/you/Downloads/1EClient-Non-Windows.v24.1.0.zip"
            value={choices.installerPath}
            onChange={(e) => setChoices({ installerPath: e.currentTarget.value })}
          />
          {canPickFilePaths() && (
            <div className="pick-row">
              <label className="secondary file-pick">
                Choose the installer…
                <input
                  type="file"
                  accept=".dmg,.pkg,.zip"
                  className="visually-hidden"
                  disabled={running}
                  onChange={(e) => {
                    const file = e.currentTarget.files?.[0];
                    const path = file ? pickedFilePath(file) : null;
                    if (path) setChoices({ installerPath: path });
                    e.currentTarget.value = '';
                  }}
                />
              </label>
            </div>
          )}
          <label htmlFor={levelId}>Logging level</label>
          <select
            id={levelId}
            value={choices.loggingLevel}
            disabled={running}
            onChange={(e) => setChoices({ loggingLevel: e.currentTarget.value })}
          >
            <option value="">Keep what this Mac has (or the client's default)</option>
            {LOGGING_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
          <div className="apply-row">
            <button
              type="submit"
              className="secondary"
              disabled={running || !choices.installerPath.trim() || install.plan.state === 'loading'}
            >
              Review the changes
            </button>
          </div>
        </form>
      </section>

      {install.plan.state === 'loading' && (
        <section className="card" aria-busy="true">
          <Busy>Reading this Mac and the installer…</Busy>
        </section>
      )}
      {install.plan.state === 'error' && (
        <section className="card">
          <ErrorBox error={install.plan.error} title="Cannot plan the installation." />
        </section>
      )}
      {plan && (
        <>
          <section className="card" aria-labelledby="install-mac-heading">
            <h2 id="install-mac-heading">This Mac</h2>
            <dl className="facts">
              <dt>Processor</dt>
              <dd>{plan.mac.arch === 'arm64' ? 'Apple Silicon' : plan.mac.arch === 'x86_64' ? 'Intel' : 'unknown'}</dd>
              {plan.mac.arch === 'arm64' && (
                <>
                  <dt>Rosetta 2</dt>
                  <dd>
                    {plan.mac.rosettaNeeded
                      ? 'Not installed: the 1E Client is Intel code, so Rosetta is installed first.'
                      : 'Installed'}
                  </dd>
                </>
              )}
              <dt>1E Client now</dt>
              <dd>
                {!plan.mac.installedVersion
                  ? 'not installed'
                  : packageChanges
                    ? `version ${plan.mac.installedVersion}: this is an upgrade, existing settings are kept unless changed below`
                    : `version ${plan.mac.installedVersion}, the installer's version: the package stays, only the configuration below is written`}
              </dd>
              <dt>Installer</dt>
              <dd className="mono">{plan.installer.path}</dd>
            </dl>
          </section>

          <section className="card" aria-labelledby="install-conf-heading">
            <h2 id="install-conf-heading">Configuration</h2>
            <ConfDiff
              lines={plan.configuration}
              path={plan.confPath}
              base={plan.confBase}
              existed={plan.upgrade || plan.configuration.some((l) => l.before !== undefined)}
            />
          </section>

          <section className="card" aria-labelledby="install-plan-heading" aria-busy={running}>
            <h2 id="install-plan-heading">The plan</h2>
            {install.replanned && (
              <p className="note" role="status">
                Made again because the Switch or Background Channel address changed on Welcome: apply it so that the
                client uses the new one.
              </p>
            )}
            <PlanList prepared={plan} run={install.run} />
            <ApplyButton
              prepared={plan}
              run={install.run}
              busyLabel={packageChanges ? 'Installing…' : 'Applying…'}
              doneLabel={packageChanges ? 'Installed' : 'Applied'}
              label={
                !packageChanges ? 'Configure and restart' : plan.upgrade ? 'Upgrade and start' : 'Install and start'
              }
              onApply={() => void applyInstall()}
              onReplan={() => void prepareInstall()}
            />
            <RunStatus
              prepared={plan}
              run={install.run}
              doneText={
                packageChanges
                  ? 'The 1E Client is installed, configured and started'
                  : 'The 1E Client is configured and running'
              }
            />
          </section>
        </>
      )}
    </>
  );
}
