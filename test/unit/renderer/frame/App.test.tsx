// The frame: the sidebar marks a step done only when its work is done (never merely passed), the steps and their
// names follow the job, and the footer offers the step's own action until its work lets the technician on.
import { describe, it, expect, beforeEach } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import { App } from '../../../../renderer/App';
import { useWizard } from '../../../../renderer/state/store';
import { action, facts, installFakeApi, ok, outcome, plan, resetStore, trustPlan } from '../fake-api';

beforeEach(() => resetStore());

const sidebar = () => within(screen.getByRole('navigation', { name: 'Onboarding steps' }));
const labels = () =>
  sidebar()
    .getAllByRole('button')
    .map((b) => b.getAttribute('aria-label') ?? b.textContent);

function start() {
  installFakeApi({
    getAppInfo: () => ok({ version: '1.0.0', shell: 'preview', simulated: true, platform: 'linux' }),
    getMacFacts: () => ok(facts({ client: { version: '24.1.0.5', installedAt: null } })),
    getChangeSummary: () => ok({ records: [], verification: null }),
    planTrustIdentity: () => ok(trustPlan([plan('client-identity', 'Import', [action('identity-import')])])),
  });
  render(<App />);
}

describe('the sidebar', () => {
  it('says "not done" of every step passed without its work, however far the technician jumped', async () => {
    start();
    act(() => useWizard.getState().goTo('summary'));
    await screen.findByRole('heading', { level: 1, name: 'Summary' });
    expect(labels().slice(0, -1)).toEqual([
      'Welcome: not done',
      'CA certificates: not done',
      'Client certificate: not done',
      'Install: not done',
      'Trust & identity: not done',
      'Verify: not done',
    ]);
  });

  it('marks a step done once its work is, and one that failed as needing attention', async () => {
    start();
    const p = trustPlan([plan('client-identity', 'Import', [action('identity-import')])]);
    act(() =>
      useWizard.setState((s) => ({
        step: 'verify',
        trust: {
          ...s.trust,
          plan: { state: 'ready', value: p },
          run: { state: 'done', value: outcome(p.planId, 'trust'), progress: {} },
        },
        install: {
          ...s.install,
          run: { state: 'done', value: outcome('install-1', 'install', { ok: false }), progress: {} },
        },
      })),
    );
    await screen.findByRole('heading', { level: 1, name: 'Verify' });
    expect(sidebar().getByRole('button', { name: 'Trust & identity: done' })).toBeTruthy();
    expect(sidebar().getByRole('button', { name: 'Install: needs attention' })).toBeTruthy();
  });

  it('shows the three steps of an uninstall, and the steps of a replacement without Install', async () => {
    start();
    act(() => useWizard.setState({ mode: 'uninstall' }));
    expect(
      sidebar()
        .getAllByRole('button')
        .map((b) => b.querySelector('.step-title')?.textContent),
    ).toEqual(['Welcome', 'Uninstall', 'Summary']);
    act(() => useWizard.setState({ mode: 'replace-certificate' }));
    expect(sidebar().queryByText('Install')).toBeNull();
    expect(sidebar().getByText('New certificate')).toBeTruthy();
    expect(screen.getByText('Step 1 of 6')).toBeTruthy();
  });
});

describe('the footer', () => {
  it("offers the step's own action, named as on the page, until its work is done", async () => {
    start();
    act(() => useWizard.getState().goTo('identity'));
    const footer = within(screen.getByRole('contentinfo'));
    expect(await footer.findByRole('button', { name: 'Import into the keychain' })).toBeTruthy();
    expect(footer.queryByRole('button', { name: 'Continue' })).toBeNull();
    expect(footer.getByText("The CAs and this Mac's identity are not in the System keychain yet.")).toBeTruthy();
  });
});
