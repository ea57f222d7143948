// The Summary screen: the outcome, the finish (the report for the ticket, Done, another Mac), every change of this
// run, and undoing the ticked ones.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Summary } from '../../../../renderer/steps/summary/Summary';
import { useWizard } from '../../../../renderer/state/store';
import type { ChangeRecordView } from '../../../../src/shared/contract';
import { action, facts, installFakeApi, ok, outcome, plan, prepared, resetStore } from '../fake-api';

beforeEach(() => resetStore());
afterEach(() => vi.restoreAllMocks());

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
  it('ends the job: saves the report as a file with the content main made, then Done', async () => {
    installFakeApi({
      getChangeSummary: () => ok({ records, verification: { ok: true, at } }),
      exportReport: (p) =>
        ok({ fileName: `onboard-report-MAC01.${p.format}`, mimeType: 'text/html', content: '<h1>Report</h1>' }),
    });
    const blobs: Blob[] = [];
    const create = vi.fn((b: Blob) => {
      blobs.push(b);
      return 'blob:report';
    });
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: vi.fn() });
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const user = userEvent.setup();
    render(<Summary />);
    // The main button saves the report for the ticket; Done and "Onboard another Mac" follow (before the
    // Export for MDM buttons, which show at once, while these wait for the summary).
    await screen.findByRole('button', { name: 'Save the report' });
    const buttons = screen.getAllByRole('button').map((b) => b.textContent);
    expect(buttons.slice(0, 4)).toEqual(['Save the report', 'Save as JSON', 'Done', 'Onboard another Mac']);
    await user.click(screen.getByRole('button', { name: 'Save the report' }));
    await screen.findByText('Saved onboard-report-MAC01.html to your downloads.');
    await waitFor(() => expect(document.activeElement?.id).toBe('summary-report'));
    expect(clicked).toEqual(['onboard-report-MAC01.html']);
    const text = await new Promise<string>((resolve) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result));
      r.readAsText(blobs[0]!);
    });
    expect(text).toBe('<h1>Report</h1>');
    expect(blobs[0]!.type).toBe('text/html');
    // Saved: Done is now the one action, and pressing it ends the job.
    expect(screen.queryByRole('button', { name: 'Save the report' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(await screen.findByText(/This job is done/)).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.id).toBe('summary-finished'));
    expect(useWizard.getState().finished).toBe(true);
  });

  it('onboards another Mac: asks before forgetting an unsaved report, then starts afresh and reads the Mac again', async () => {
    const api = installFakeApi({
      getChangeSummary: () => ok({ records, verification: { ok: true, at } }),
      startOver: () => ok({ started: true }),
      getMacFacts: () => ok(facts()),
    });
    useWizard.setState((s) => ({
      mode: 'upgrade',
      step: 'summary',
      visited: ['welcome', 'ca', 'summary'],
      welcome: { ...s.welcome, switchAddress: 'tachyon.acme.local:4000' },
    }));
    const user = userEvent.setup();
    render(<Summary />);
    await user.click(await screen.findByRole('button', { name: 'Onboard another Mac' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/has not been saved/);
    expect(api.callsOf('startOver')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Start afresh' }));
    await waitFor(() => expect(api.callsOf('getMacFacts')).toEqual([{ refresh: true }]));
    const s = useWizard.getState();
    expect(api.callsOf('startOver')).toHaveLength(1);
    expect([s.mode, s.step, s.visited, s.welcome.switchAddress]).toEqual(['new', 'welcome', ['welcome'], '']);
    expect(s.announcement.text).toBe('Starting afresh: this Mac was read again.');
  });

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
    expect(await screen.findByText(/^1 change · one administrator prompt/)).toBeTruthy();
    const folded = screen.getByText('Show the commands').closest('details')!;
    expect(within(folded).getByText('Undo: Trust the root CA "Acme Root" for all users (1 of 2)')).toBeTruthy();
    expect(within(folded).getByText('/usr/bin/security undo-0-0')).toBeTruthy();
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
    expect(screen.getByRole('heading', { name: 'Removed' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'What was removed' })).toBeTruthy();
    // Nothing was verified, so there is no report to save: Done is the one action.
    expect(screen.queryByRole('button', { name: 'Save the report' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Done' })).toBeTruthy();
  });
});
