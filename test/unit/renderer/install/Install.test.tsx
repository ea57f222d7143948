// The Install screen: the installers found, the configuration as a diff, one press to install, and the plan made
// again when an address changes.
import { describe, it, expect, beforeEach } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Install } from '../../../../renderer/steps/install/Install';
import { useWizard } from '../../../../renderer/state/store';
import { canProceed } from '../../../../renderer/state/selectors';
import type { InstallPlan } from '../../../../src/shared/contract';
import { action, installFakeApi, ok, err, outcome, plan, prepared, resetStore } from '../fake-api';

beforeEach(() => resetStore());

function installPlan(over: Partial<InstallPlan> = {}): InstallPlan {
  return {
    ...prepared('install', [
      plan('rosetta', 'Install Rosetta 2 (Apple Silicon only)', [
        action('rosetta-install', { title: 'Install Rosetta 2 and accept its licence' }),
      ]),
      plan('install-client', 'Install the 1E Client', [
        action('client-install', { title: 'Upgrade the 1E Client from 23.7.0.1 to 24.1.0.5' }),
      ]),
    ]),
    purpose: 'install',
    mac: { arch: 'arm64', rosettaNeeded: true, installedVersion: '23.7.0.1' },
    installer: { path: '/Users/t/Downloads/1EClient.v24.1.0.5.pkg', kind: 'pkg' },
    upgrade: true,
    confPath: '/Library/Application Support/1E/Client/1E.Client.conf',
    confBase: 'kept-through-upgrade',
    configuration: [
      { key: 'Switch', before: 'old.acme.local:4000', after: 'tachyon.acme.local:4000', change: 'changed' },
      { key: 'ConnectionTimeout', before: '45', after: '45', change: 'same' },
      { key: 'BackgroundChannelUrl', after: 'https://tachyon.acme.local/Background/', change: 'added' },
    ],
    ...over,
  };
}

describe('the Install screen', () => {
  it(
    'offers the installers found on the Mac and plans with the chosen one and logging level',
    { timeout: 60_000 },
    async () => {
      const api = installFakeApi({
        findInstallers: () =>
          ok({
            candidates: [
              { path: '/Users/t/Downloads/1EClient.v24.1.0.5.pkg', name: '1EClient.v24.1.0.5.pkg', kind: 'pkg' },
              {
                path: '/Users/t/Downloads/1e.client-macOS_v5.1.2.3.dmg',
                name: '1e.client-macOS_v5.1.2.3.dmg',
                kind: 'dmg',
              },
            ],
          }),
        planInstall: () => ok(installPlan()),
      });
      const user = userEvent.setup();
      render(<Install />);
      await user.click(await screen.findByRole('radio', { name: /1e\.client-macOS_v5\.1\.2\.3\.dmg/ }));
      expect((screen.getByLabelText('Installer file on this Mac') as HTMLInputElement).value).toBe(
        '/Users/t/Downloads/1e.client-macOS_v5.1.2.3.dmg',
      );
      await user.selectOptions(screen.getByLabelText('Logging level'), 'debug');
      await user.click(screen.getByRole('button', { name: 'Review the changes' }));
      expect(api.callsOf('planInstall')).toEqual([
        { installerPath: '/Users/t/Downloads/1e.client-macOS_v5.1.2.3.dmg', loggingLevel: 'debug' },
      ]);
    },
  );

  it('shows the configuration as a diff: what changes, what is added, what is kept', async () => {
    installFakeApi({ findInstallers: () => ok({ candidates: [] }), planInstall: () => ok(installPlan()) });
    const user = userEvent.setup();
    render(<Install />);
    await user.type(screen.getByLabelText('Installer file on this Mac'), '/tmp/1EClient.v24.1.0.5.pkg');
    await user.click(screen.getByRole('button', { name: 'Review the changes' }));
    const table = await screen.findByRole('table');
    const row = (name: string) => within(table).getByRole('rowheader', { name }).closest('tr')!;
    expect(within(row('Switch')).getByText('changed')).toBeTruthy();
    expect(within(row('Switch')).getByText('old.acme.local:4000')).toBeTruthy();
    expect(within(row('ConnectionTimeout')).getByText('kept')).toBeTruthy();
    expect(within(row('BackgroundChannelUrl')).getByText('(not set)')).toBeTruthy();
    expect(within(table).getByText(/2 settings change, everything else is kept/)).toBeTruthy();
    expect(screen.getByText(/Version 23\.7\.0\.1 is on this Mac now: this is an upgrade/)).toBeTruthy();
    // The verdict first: what the plan does, named for the job, with its one action beside it.
    expect(screen.getByRole('heading', { name: 'Ready to upgrade the 1E Client from 23.7.0.1' })).toBeTruthy();
    expect(screen.getByText(/Rosetta is installed first/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Upgrade and start' })).toBeTruthy();
  });

  it('on a new installation, says the package writes the file and that these settings are merged into its defaults', async () => {
    const fresh = installPlan({
      upgrade: false,
      confBase: 'package-defaults',
      mac: { arch: 'x86_64', rosettaNeeded: false, installedVersion: null },
      configuration: [{ key: 'Switch', after: 'tachyon.acme.local:4000', change: 'added' }],
    });
    installFakeApi({ findInstallers: () => ok({ candidates: [] }), planInstall: () => ok(fresh) });
    const user = userEvent.setup();
    render(<Install />);
    await user.type(screen.getByLabelText('Installer file on this Mac'), '/tmp/1EClient.v24.1.0.5.pkg');
    await user.click(screen.getByRole('button', { name: 'Review the changes' }));
    const table = await screen.findByRole('table');
    expect(screen.getByText(/The package writes this file with its defaults when it installs the client/)).toBeTruthy();
    expect(within(table).getByText(/the package's defaults are kept beside them/)).toBeTruthy();
    expect(within(table).getByText('(package default)')).toBeTruthy();
    expect(within(table).queryByText(/a new file/)).toBeNull();
  });

  it('on an upgrade, says the file is kept aside before the package resets it', async () => {
    installFakeApi({ findInstallers: () => ok({ candidates: [] }), planInstall: () => ok(installPlan()) });
    const user = userEvent.setup();
    render(<Install />);
    await user.type(screen.getByLabelText('Installer file on this Mac'), '/tmp/1EClient.v24.1.0.5.pkg');
    await user.click(screen.getByRole('button', { name: 'Review the changes' }));
    expect(
      await screen.findByText(/Onboard keeps a copy of your file just before, merges into that copy/),
    ).toBeTruthy();
  });

  it('keeps what was typed when the technician leaves the step and comes back', async () => {
    installFakeApi({ findInstallers: () => ok({ candidates: [] }) });
    const user = userEvent.setup();
    const { unmount } = render(<Install />);
    await user.type(screen.getByLabelText('Installer file on this Mac'), '/tmp/x.pkg');
    unmount();
    render(<Install />);
    expect((screen.getByLabelText('Installer file on this Mac') as HTMLInputElement).value).toBe('/tmp/x.pkg');
  });

  it('explains an installer main cannot use, with the fix', async () => {
    installFakeApi({
      findInstallers: () => ok({ candidates: [] }),
      planInstall: () =>
        err(
          'installer-unrecognised',
          '/tmp/x.pkg is not a macOS installer package (.pkg), disk image (.dmg) or zip archive.',
          'Give the 1E Client for macOS as downloaded from the 1E Support Portal.',
        ),
    });
    const user = userEvent.setup();
    render(<Install />);
    await user.type(screen.getByLabelText('Installer file on this Mac'), '/tmp/x.pkg');
    await user.click(screen.getByRole('button', { name: 'Review the changes' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('is not a macOS installer package');
    expect(alert.textContent).toContain('1E Support Portal');
  });

  it('installs with one press and reports the result', async () => {
    const p = installPlan();
    const api = installFakeApi({
      findInstallers: () => ok({ candidates: [] }),
      planInstall: () => ok(p),
      applyChanges: () =>
        ok(
          outcome(p.planId, 'install', {
            actions: [
              { id: 'rosetta-install', title: 'r', status: 'done' },
              { id: 'client-install', title: 'c', status: 'done' },
            ],
          }),
        ),
    });
    const user = userEvent.setup();
    render(<Install />);
    await user.type(screen.getByLabelText('Installer file on this Mac'), '/tmp/1EClient.v24.1.0.5.pkg');
    await user.click(screen.getByRole('button', { name: 'Review the changes' }));
    await user.click(await screen.findByRole('button', { name: 'Upgrade and start' }));
    expect(
      await screen.findByRole('heading', { name: 'The 1E Client is upgraded, configured and started' }),
    ).toBeTruthy();
    expect(screen.getByText(/^2 changes made\.$/)).toBeTruthy();
    expect(api.callsOf('applyChanges')).toHaveLength(1);
    // The planned count is not shown beside the result, where it could disagree with it.
    expect(screen.queryByText(/^2 changes ·/)).toBeNull();
    // The Mac changed: it is read again.
    expect(api.callsOf('getMacFacts')).toEqual([{ refresh: true }]);
  });

  it('when the installer is the version already there, says only the configuration is written and offers "Configure and restart"', async () => {
    const same = installPlan({
      plans: [
        plan('install-client', 'Install the 1E Client', [
          action('client-install', {
            title: 'Upgrade the 1E Client from 24.1.0.5 to 24.1.0.5',
            status: 'skip',
            reason: 'this version is already installed',
          }),
        ]),
      ],
      mac: { arch: 'x86_64', rosettaNeeded: false, installedVersion: '24.1.0.5' },
    });
    installFakeApi({ findInstallers: () => ok({ candidates: [] }), planInstall: () => ok(same) });
    const user = userEvent.setup();
    render(<Install />);
    await user.type(screen.getByLabelText('Installer file on this Mac'), '/tmp/1EClient.v24.1.0.5.pkg');
    await user.click(screen.getByRole('button', { name: 'Review the changes' }));
    expect(await screen.findByText(/the package stays, only the configuration below is written/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Configure and restart' })).toBeTruthy();
    expect(screen.queryByText(/this is an upgrade/)).toBeNull();
  });

  it("counts a planned change the run found already done (the package did it) in the plan's own terms", async () => {
    const p = installPlan();
    installFakeApi({
      findInstallers: () => ok({ candidates: [] }),
      planInstall: () => ok(p),
      applyChanges: () =>
        ok(
          outcome(p.planId, 'install', {
            actions: [
              { id: 'rosetta-install', title: 'r', status: 'skipped' },
              { id: 'client-install', title: 'c', status: 'done' },
            ],
          }),
        ),
    });
    const user = userEvent.setup();
    render(<Install />);
    await user.type(screen.getByLabelText('Installer file on this Mac'), '/tmp/1EClient.v24.1.0.5.pkg');
    await user.click(screen.getByRole('button', { name: 'Review the changes' }));
    expect(await screen.findByText(/^2 changes · one administrator prompt/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Upgrade and start' }));
    await screen.findByText(/^1 change made of the 2 planned; 1 was already in place when it ran\.$/);
  });

  it('in the desktop app, fills the path of an installer the technician picks (the page itself never sees paths)', async () => {
    installFakeApi({ findInstallers: () => ok({ candidates: [] }) });
    const picked = new File(['pkg'], '1EClient.v24.1.0.5.pkg');
    (window as unknown as { onboard: unknown }).onboard = {
      pathForFile: (f: File) => (f === picked ? '/Volumes/USB/1EClient.v24.1.0.5.pkg' : ''),
    };
    try {
      const user = userEvent.setup();
      render(<Install />);
      await user.upload(screen.getByLabelText('Choose the installer…'), picked);
      expect((screen.getByLabelText('Installer file on this Mac') as HTMLInputElement).value).toBe(
        '/Volumes/USB/1EClient.v24.1.0.5.pkg',
      );
    } finally {
      delete (window as unknown as { onboard?: unknown }).onboard;
    }
  });

  it('in the preview, offers no file picker, since a browser cannot tell a path', async () => {
    installFakeApi({ findInstallers: () => ok({ candidates: [] }) });
    render(<Install />);
    await screen.findByLabelText('Installer file on this Mac');
    expect(screen.queryByLabelText('Choose the installer…')).toBeNull();
  });
  it('makes the plan again when the Switch address changed on Welcome after it was applied, and holds Continue until then', async () => {
    const endpoints = (switchAddress: string) => {
      const backgroundUrl = 'https://tachyon.acme.local/Background/';
      useWizard.setState((s) => ({
        welcome: {
          ...s.welcome,
          switchAddress,
          backgroundUrl,
          check: {
            state: 'ready',
            value: {
              for: { switchAddress, backgroundUrl },
              result: {
                switchAddress: { ok: true, value: switchAddress },
                backgroundUrl: { ok: true, value: backgroundUrl },
                saved: true,
              },
            },
          },
        },
      }));
    };
    endpoints('tachyon.acme.local:4000');
    const moved = installPlan({
      configuration: [
        { key: 'Switch', after: 'switch2.acme.local:4000', change: 'added' },
        { key: 'BackgroundChannelUrl', after: 'https://tachyon.acme.local/Background/', change: 'added' },
      ],
    });
    const api = installFakeApi({
      findInstallers: () => ok({ candidates: [] }),
      planInstall: () => ok(api.callsOf('planInstall').length > 1 ? moved : installPlan()),
      applyChanges: () => ok(outcome('plan-1', 'install')),
    });
    const user = userEvent.setup();
    render(<Install />);
    await user.type(screen.getByLabelText('Installer file on this Mac'), '/tmp/1EClient.v24.1.0.5.pkg');
    await user.click(screen.getByRole('button', { name: 'Review the changes' }));
    await user.click(await screen.findByRole('button', { name: 'Upgrade and start' }));
    expect(canProceed(useWizard.getState(), 'install')).toEqual({ ok: true });
    // Back on Welcome the technician types another Switch: the applied configuration no longer matches.
    act(() => endpoints('switch2.acme.local:4000'));
    await waitFor(() => expect(api.callsOf('planInstall')).toHaveLength(2));
    const table = await screen.findByRole('table');
    expect(within(table).getByText('switch2.acme.local:4000')).toBeTruthy();
    expect(screen.getByText(/Made again because the Switch or Background Channel address changed/)).toBeTruthy();
    const held = canProceed(useWizard.getState(), 'install');
    expect(held.ok).toBe(false);
  });
});
