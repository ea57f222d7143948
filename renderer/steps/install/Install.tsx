// Install (Upgrade, in an upgrade): choose the installer, then the plan's verdict with its one action at the top
// (Rosetta when this Mac needs it, the package, the configuration, the start), the configuration as a diff, and the
// commands folded. An upgrade on a Mac without a client goes no further than saying so.
import { useEffect, useId } from 'react';
import type { InstallPlan } from '../../../src/shared/contract';
import { useWizard } from '../../state/store';
import { canPickFilePaths, pickedFilePath } from '../../api';
import { stepAction } from '../../state/selectors';
import { PlanSummary } from '../../ui/PlanSummary';
import { ErrorBox } from '../../ui/ErrorBox';
import { Busy } from '../../ui/Busy';
import { FocusResult } from '../../ui/FocusResult';
import { Breakable } from '../../ui/Breakable';
import { useRequired } from '../../ui/required';
import { ConfDiff } from './ConfDiff';
import { endpointsChangedSincePlan, packageChanges } from './slice';
import { missingClient } from '../welcome/slice';

const LOGGING_LEVELS = ['fatal', 'error', 'warning', 'info', 'debug', 'trace'];

export function Install() {
  const mode = useWizard((s) => s.mode);
  const noClient = useWizard((s) => s.welcome.facts.state === 'ready' && !missingClient(s).ok);
  if (mode === 'upgrade' && noClient) return <NothingToUpgrade />;
  return <InstallClient />;
}

/** An upgrade needs a client to upgrade: it never turns into a new installation unasked. */
function NothingToUpgrade() {
  const goTo = useWizard((s) => s.goTo);
  return (
    <section className="card warn-card" aria-labelledby="install-none-heading">
      <h2 id="install-none-heading">No 1E Client to upgrade</h2>
      <p>
        This Mac has no 1E Client installed, so there is nothing to upgrade. To install it, choose{' '}
        <strong>New setup</strong> on Welcome.
      </p>
      <button type="button" className="secondary" onClick={() => goTo('welcome')}>
        Back to Welcome
      </button>
    </section>
  );
}

function InstallerForm({ compact }: { compact: boolean }) {
  const install = useWizard((s) => s.install);
  const setChoices = useWizard((s) => s.setInstallChoices);
  const prepareInstall = useWizard((s) => s.prepareInstall);
  const pathId = useId();
  const levelId = useId();
  const running = install.run.state === 'running';
  const { choices } = install;
  const required = useRequired(choices.installerPath, 'Type the full path of the 1E Client installer on this Mac.');

  const form = (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (choices.installerPath.trim()) void prepareInstall();
        else required.insist();
      }}
      aria-describedby="installer-help"
      noValidate
    >
      <p id="installer-help" className="muted">
        A <code>.dmg</code> (1E Client 5.x), a <code>.zip</code> (23.x and later) or the <code>.pkg</code> itself, on
        this Mac.
      </p>
      {install.candidates.state === 'loading' && <Busy>Looking for installers in Downloads and on mounted disks…</Busy>}
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
                {c.name}{' '}
                <span className="muted mono">
                  <Breakable text={c.path} />
                </span>
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
        placeholder="e.g. /Users/you/Downloads/1EClient-Non-Windows.v24.1.0.zip"
        value={choices.installerPath}
        {...required.inputProps}
        onChange={(e) => setChoices({ installerPath: e.currentTarget.value })}
      />
      {required.message}
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
          className={compact ? 'secondary' : 'primary'}
          disabled={running || install.plan.state === 'loading'}
        >
          {compact ? 'Review again' : 'Review the changes'}
        </button>
      </div>
    </form>
  );

  if (!compact)
    return (
      <section className="card" aria-labelledby="installer-heading">
        <h2 id="installer-heading">The 1E Client installer</h2>
        {form}
      </section>
    );
  return (
    <details className="card installer-details">
      <summary>
        Installer: <Breakable text={choices.installerPath} />
        {choices.loggingLevel ? ` · logging level ${choices.loggingLevel}` : ''} <span className="muted">(change)</span>
      </summary>
      {form}
    </details>
  );
}

function InstallClient() {
  const state = useWizard();
  const { install, mode } = state;
  const findInstallers = state.findInstallers;
  const prepareInstall = state.prepareInstall;

  useEffect(() => {
    if (install.candidates.state === 'idle') void findInstallers();
  }, [install.candidates.state, findInstallers]);

  // The addresses changed on Welcome after this plan was made: the configuration shown is no longer what was asked for.
  const stale = endpointsChangedSincePlan(state);
  useEffect(() => {
    if (stale && install.run.state !== 'running') void prepareInstall('addresses-changed');
  }, [stale, install.run.state, prepareInstall]);

  const plan = install.plan.state === 'ready' ? install.plan.value : null;
  const changesPackage = plan ? packageChanges(plan) : false;
  const upgrade = mode === 'upgrade' || Boolean(plan?.upgrade);
  const applied = install.run.state === 'done' && install.run.value.ok;
  const heading =
    !plan || plan.pendingCount === 0
      ? 'Nothing to install: this Mac already has it'
      : !changesPackage
        ? `The 1E Client ${plan.mac.installedVersion ?? ''} stays: only its configuration is written`.replace('  ', ' ')
        : upgrade
          ? `Ready to upgrade the 1E Client${plan.mac.installedVersion ? ` from ${plan.mac.installedVersion}` : ''}`
          : 'Ready to install the 1E Client';

  return (
    <>
      {install.plan.state === 'loading' && (
        <section className="card" aria-busy="true">
          <Busy>Reading this Mac and the installer…</Busy>
        </section>
      )}
      {install.plan.state === 'error' && (
        <section className="card">
          <FocusResult id="install-plan">
            <ErrorBox error={install.plan.error} title="Cannot plan the installation." />
          </FocusResult>
        </section>
      )}
      {plan && (
        <PlanSummary
          id="install-plan"
          heading={heading}
          prepared={plan}
          run={install.run}
          action={stepAction(state, 'install')}
          doneText={
            !changesPackage
              ? 'The 1E Client is configured and running'
              : upgrade
                ? 'The 1E Client is upgraded, configured and started'
                : 'The 1E Client is installed, configured and started'
          }
        >
          {install.replanned && (
            <p className="note">
              Made again because the Switch or Background Channel address changed on Welcome: apply it so that the
              client uses the new one.
            </p>
          )}
          {!applied && <MacNotes plan={plan} changesPackage={changesPackage} />}
        </PlanSummary>
      )}
      {plan && (
        <section className="card" aria-labelledby="install-conf-heading">
          <h2 id="install-conf-heading">Configuration</h2>
          <ConfDiff
            lines={plan.configuration}
            path={plan.confPath}
            base={plan.confBase}
            existed={plan.upgrade || plan.configuration.some((l) => l.before !== undefined)}
          />
        </section>
      )}
      <InstallerForm compact={plan !== null} />
    </>
  );
}

/** What about this Mac shapes the plan, in a line each: Rosetta first, and what is installed now. */
function MacNotes({ plan, changesPackage }: { plan: InstallPlan; changesPackage: boolean }) {
  const notes: string[] = [];
  if (plan.mac.arch === 'arm64' && plan.mac.rosettaNeeded)
    notes.push('Rosetta 2 is not installed: the 1E Client is Intel code, so Rosetta is installed first.');
  if (plan.mac.installedVersion)
    notes.push(
      changesPackage
        ? `Version ${plan.mac.installedVersion} is on this Mac now: this is an upgrade, and existing settings are kept unless changed below.`
        : `Version ${plan.mac.installedVersion} is on this Mac now, the installer's version: the package stays, only the configuration below is written.`,
    );
  if (notes.length === 0) return null;
  return (
    <ul className="plain-list mac-notes">
      {notes.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ul>
  );
}
