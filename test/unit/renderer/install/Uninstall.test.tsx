// The Uninstall screen (the one step of an uninstall job): the verdict with its one action, the commands folded,
// focus on the result, and the Mac read again afterwards; and Install refusing an upgrade with nothing to upgrade.
import { describe, it, expect, beforeEach } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Uninstall } from '../../../../renderer/steps/install/Uninstall';
import { Install } from '../../../../renderer/steps/install/Install';
import { useWizard } from '../../../../renderer/state/store';
import { canProceed } from '../../../../renderer/state/selectors';
import { action, facts, installFakeApi, ok, outcome, plan, prepared, resetStore } from '../fake-api';

beforeEach(() => resetStore());

const removal = () =>
  prepared('uninstall', [
    plan(
      'uninstall-client',
      'Uninstall the 1E Client',
      [action('daemon-stop', { title: 'Stop the 1E Client and unregister its daemon' })],
      ['Removing files cannot be undone.'],
    ),
  ]);

describe('the Uninstall screen', () => {
  it('leads with the removal and its one action, the commands folded', async () => {
    useWizard.setState({ mode: 'uninstall' });
    installFakeApi({ planUninstall: () => ok(removal()) });
    render(<Uninstall />);
    expect(await screen.findByRole('heading', { level: 2, name: 'Uninstall the 1E Client' })).toBeTruthy();
    expect(screen.getByText(/^1 change · one administrator prompt/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Uninstall' })).toBeTruthy();
    expect(screen.getByText('Removing files cannot be undone.')).toBeTruthy();
    // The command is there for who wants it, behind "Show the commands".
    const folded = screen.getByText('Show the commands').closest('details')!;
    expect(folded.open).toBe(false);
    expect(folded.textContent).toContain('Stop the 1E Client and unregister its daemon');
    expect(screen.queryByLabelText('Installer file on this Mac')).toBeNull();
  });

  it('uninstalls with one press, moves focus to the result, says it aloud and reads the Mac again', async () => {
    useWizard.setState({ mode: 'uninstall' });
    const p = removal();
    const api = installFakeApi({
      planUninstall: () => ok(p),
      applyChanges: () =>
        ok(outcome(p.planId, 'uninstall', { actions: [{ id: 'daemon-stop', title: 'x', status: 'done' }] })),
      getMacFacts: () => ok(facts({ client: null })),
    });
    const user = userEvent.setup();
    render(<Uninstall />);
    await user.click(await screen.findByRole('button', { name: 'Uninstall' }));
    expect(await screen.findByRole('heading', { name: 'The 1E Client is removed from this Mac' })).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.id).toBe('uninstall-plan'));
    expect(useWizard.getState().announcement.text).toBe('The 1E Client is removed from this Mac.');
    await waitFor(() => expect(api.callsOf('getMacFacts')).toEqual([{ refresh: true }]));
    expect(canProceed(useWizard.getState(), 'uninstall')).toEqual({ ok: true });
  });
});

describe('Install in an upgrade', () => {
  it('on a Mac without the 1E Client, says there is nothing to upgrade instead of installing it unasked', async () => {
    useWizard.setState((s) => ({
      mode: 'upgrade',
      welcome: { ...s.welcome, facts: { state: 'ready', value: facts({ client: null }) } },
    }));
    const api = installFakeApi({ findInstallers: () => ok({ candidates: [] }) });
    const user = userEvent.setup();
    render(<Install />);
    expect(screen.getByRole('heading', { name: 'No 1E Client to upgrade' })).toBeTruthy();
    expect(screen.queryByLabelText('Installer file on this Mac')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Back to Welcome' }));
    expect(useWizard.getState().step).toBe('welcome');
    expect(api.callsOf('planInstall')).toEqual([]);
  });
});
