// The Summary screen: the outcome, every change of this run, and undoing the ticked ones.
import { describe, it, expect, beforeEach } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Summary } from '../../../../renderer/steps/summary/Summary';
import { useWizard } from '../../../../renderer/state/store';
import type { ChangeRecordView } from '../../../../src/shared/contract';
import { action, installFakeApi, ok, outcome, plan, prepared, resetStore } from '../fake-api';

beforeEach(() => resetStore());

const at = '2026-01-01T10:00:00.000Z';
const records: ChangeRecordView[] = [
  {
    id: 'trust-1/ca-trust-1',
    purpose: 'trust',
    title: 'Trust the root CA "Acme Root" for all users',
    status: 'done',
    at,
    undoable: true,
  },
  {
    id: 'install-1/client-install',
    purpose: 'install',
    title: 'Install the 1E Client 24.1.0.5',
    status: 'done',
    at,
    undoable: false,
  },
  {
    id: 'trust-0/identity-import',
    purpose: 'trust',
    title: 'Import the identity',
    status: 'undone',
    at,
    undoable: false,
  },
];

describe('the Summary screen', () => {
  it('says the Mac is onboarded when the last verification passed, and lists every change', async () => {
    installFakeApi({ getChangeSummary: () => ok({ records, verification: { ok: true, at } }) });
    render(<Summary />);
    expect(await screen.findByText(/This Mac is onboarded/)).toBeTruthy();
    expect(screen.getByText(/2 changes made/)).toBeTruthy();
    expect(screen.getByText(/cannot be undone by Onboard/)).toBeTruthy();
    expect(screen.getByText('Undone')).toBeTruthy();
  });

  it('undoes only the ticked change, after showing the exact commands', async () => {
    const undoPlan = prepared('undo', [
      plan('configure-client', 'Undo changes made by Onboard', [
        action('undo-0-0', { title: 'Undo: Trust the root CA "Acme Root" for all users (1 of 2)' }),
      ]),
    ]);
    const api = installFakeApi({
      getChangeSummary: () => ok({ records, verification: { ok: true, at } }),
      planUndo: () => ok(undoPlan),
      applyChanges: () => ok(outcome(undoPlan.planId, 'undo')),
    });
    const user = userEvent.setup();
    render(<Summary />);
    await user.click(await screen.findByRole('checkbox', { name: /Trust the root CA/ }));
    expect(screen.queryByRole('checkbox', { name: /Install the 1E Client/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: /Plan undo of 1 change/ }));
    expect(await screen.findByText('Undo: Trust the root CA "Acme Root" for all users (1 of 2)')).toBeTruthy();
    expect(api.callsOf('planUndo')).toEqual([{ changeIds: ['trust-1/ca-trust-1'] }]);
    await user.click(screen.getByRole('button', { name: 'Undo these changes' }));
    await screen.findByText(/Put back as it was/);
    expect(api.callsOf('getChangeSummary').length).toBeGreaterThanOrEqual(2);
  });

  it('in uninstall mode says whether the client was removed', async () => {
    useWizard.setState({ mode: 'uninstall' });
    installFakeApi({
      getChangeSummary: () =>
        ok({
          records: [
            {
              id: 'uninstall-1/uninstall-forget',
              purpose: 'uninstall',
              title: 'Forget the 1E Client package receipt',
              status: 'done',
              at,
              undoable: false,
            },
          ],
          verification: null,
        }),
    });
    render(<Summary />);
    expect(await screen.findByText(/The 1E Client is no longer on this Mac/)).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Uninstall' })).toBeTruthy();
  });
});
