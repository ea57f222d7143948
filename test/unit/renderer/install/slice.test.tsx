// Install's slice: when the technician may go on (uninstall and replace-certificate modes included), the installers
// found, and why a plan was made again.
import { describe, it, expect, beforeEach } from 'vitest';
import { useWizard } from '../../../../renderer/state/store';
import { canProceed } from '../../../../renderer/state/selectors';
import { stepsFor } from '../../../../renderer/state/journey';
import { action, facts, installFakeApi, ok, outcome, plan, prepared, resetStore } from '../fake-api';

const state = () => useWizard.getState();

beforeEach(() => resetStore());

const withFacts = (over: Parameters<typeof facts>[0]) =>
  useWizard.setState((s) => ({ welcome: { ...s.welcome, facts: { state: 'ready', value: facts(over) } } }));

describe('can the technician go on from Uninstall', () => {
  it('holds the technician on Uninstall until the client is removed, then reads the Mac again', async () => {
    const p = prepared('uninstall', [plan('uninstall-client', 'Uninstall', [action('daemon-stop')])]);
    const api = installFakeApi({
      planUninstall: () => ok(p),
      applyChanges: () => ok(outcome(p.planId, 'uninstall')),
      getMacFacts: () => ok(facts({ client: null })),
    });
    useWizard.setState({ mode: 'uninstall' });
    withFacts({});
    await state().prepareUninstall();
    expect(canProceed(state(), 'uninstall').ok).toBe(false);
    await state().applyUninstall();
    expect(canProceed(state(), 'uninstall')).toEqual({ ok: true });
    // The client it removed is not a reason to stop the job it was removed by.
    expect(canProceed(state(), 'welcome')).toEqual({ ok: true });
    expect(api.callsOf('getMacFacts')).toEqual([{ refresh: true }]);
  });
});

describe('replace-certificate mode', () => {
  it('on a Mac without the 1E Client, holds Welcome with the way out instead of a dead end later', () => {
    useWizard.setState({ mode: 'replace-certificate' });
    withFacts({ client: null });
    const held = canProceed(state(), 'welcome');
    expect(held.ok).toBe(false);
    if (!held.ok) expect(held.reason).toMatch(/nothing to give a new certificate\. Choose New setup/);
  });

  it('has no Install step: Trust & identity follows the new certificate', () => {
    useWizard.setState({ mode: 'replace-certificate' });
    expect(stepsFor('replace-certificate').map((s) => s.id)).toEqual([
      'welcome',
      'ca',
      'client',
      'identity',
      'verify',
      'summary',
    ]);
    const trust = canProceed(state(), 'identity');
    expect(trust.ok).toBe(false);
    if (!trust.ok) expect(trust.reason).toMatch(/not in the System keychain yet/);
  });
});

describe('upgrade mode', () => {
  it('on a Mac without the 1E Client, is refused instead of becoming a silent new installation', () => {
    useWizard.setState({ mode: 'upgrade' });
    withFacts({ client: null });
    const held = canProceed(state(), 'install');
    expect(held.ok).toBe(false);
    if (!held.ok) expect(held.reason).toMatch(/nothing to upgrade\. Choose New setup/);
  });
});

describe('the Install slice', () => {
  it("picks the only installer found, and leaves the technician's own choice alone", async () => {
    installFakeApi({
      findInstallers: () =>
        ok({
          candidates: [{ path: '/Users/t/Downloads/1EClient.v24.1.0.zip', name: '1EClient.v24.1.0.zip', kind: 'zip' }],
        }),
    });
    await state().findInstallers();
    expect(state().install.choices.installerPath).toBe('/Users/t/Downloads/1EClient.v24.1.0.zip');
    state().setInstallChoices({ installerPath: '/tmp/other.pkg' });
    await state().findInstallers();
    expect(state().install.choices.installerPath).toBe('/tmp/other.pkg');
  });

  it('remembers that a plan was made again because the addresses changed, until the technician makes one', async () => {
    const p = prepared('install', [plan('install-client', 'Install', [action('client-install')])]);
    installFakeApi({ planInstall: () => ok(p) });
    state().setInstallChoices({ installerPath: '/tmp/1EClient.v24.1.0.5.pkg' });
    await state().prepareInstall('addresses-changed');
    expect(state().install.replanned).toBe(true);
    // The store keeps it, so leaving the step and coming back shows the same note beside the same plan.
    state().goTo('welcome');
    state().goTo('install');
    expect(state().install.replanned).toBe(true);
    await state().prepareInstall();
    expect(state().install.replanned).toBe(false);
  });
});
