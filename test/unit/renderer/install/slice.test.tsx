// Install's slice: when the technician may go on (uninstall and replace-certificate modes included), the installers
// found, and why a plan was made again.
import { describe, it, expect, beforeEach } from 'vitest';
import { useWizard } from '../../../../renderer/state/store';
import { canProceed } from '../../../../renderer/state/selectors';
import { action, installFakeApi, ok, outcome, plan, prepared, resetStore } from '../fake-api';

const state = () => useWizard.getState();

beforeEach(() => resetStore());

describe('can the technician go on from Install', () => {
  it('in uninstall mode only the uninstall itself has to be done before going on', async () => {
    const p = prepared('uninstall', [plan('uninstall-client', 'Uninstall', [action('daemon-stop')])]);
    installFakeApi({ planUninstall: () => ok(p), applyChanges: () => ok(outcome(p.planId, 'uninstall')) });
    useWizard.setState({ mode: 'uninstall' });
    expect(canProceed(state(), 'identity')).toEqual({ ok: true });
    expect(canProceed(state(), 'verify')).toEqual({ ok: true });
    await state().prepareUninstall();
    expect(canProceed(state(), 'install').ok).toBe(false);
    await state().applyUninstall();
    expect(canProceed(state(), 'install')).toEqual({ ok: true });
  });
});

describe('replace-certificate mode', () => {
  it('on a Mac without the 1E Client, holds Install with the way out instead of a dead end on Trust & identity', () => {
    useWizard.setState((s) => ({
      mode: 'replace-certificate',
      welcome: { ...s.welcome, facts: { state: 'ready', value: { client: null } as never } },
    }));
    const held = canProceed(state(), 'install');
    expect(held.ok).toBe(false);
    if (!held.ok) expect(held.reason).toMatch(/choose New setup/);
  });

  it('installs nothing: the Install step lets the technician straight on to Trust & identity', () => {
    useWizard.setState({ mode: 'replace-certificate' });
    expect(canProceed(state(), 'install')).toEqual({ ok: true });
    const trust = canProceed(state(), 'identity');
    expect(trust.ok).toBe(false);
    if (!trust.ok) expect(trust.reason).toMatch(/Apply the plan/);
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
