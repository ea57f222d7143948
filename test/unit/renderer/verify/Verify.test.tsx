// The Verify screen: live checks counted against the known total, the verdict first with the passes folded,
// cancelling, and debug logging only when something failed.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Verify } from '../../../../renderer/steps/verify/Verify';
import { useWizard } from '../../../../renderer/state/store';
import type { VerificationResult } from '../../../../src/shared/contract';
import { installFakeApi, ok, err, resetStore } from '../fake-api';

beforeEach(() => resetStore());
afterEach(() => vi.restoreAllMocks());

const failing: VerificationResult = {
  ok: false,
  findings: [
    {
      id: 'switch-client-auth',
      status: 'fail',
      title: "The Switch refused this Mac's certificate",
      detail: 'TLS alert 43 (unsupported certificate).',
      fix: 'Issue a certificate with Client Authentication in its Extended Key Usage.',
    },
    { id: 'mac-daemon', status: 'pass', title: 'The 1E Client daemon is running', detail: 'pid 401.', fix: '' },
  ],
  counts: { pass: 1, warn: 0, fail: 1, info: 0 },
  startedAt: '2026-01-01T10:00:00.000Z',
  finishedAt: '2026-01-01T10:00:02.000Z',
};

describe('the Verify screen', () => {
  it('shows each stage live while the checks run, then every finding with its fix', async () => {
    let finish: () => void = () => undefined;
    const api = installFakeApi({
      runVerification: (_payload, requestId) =>
        new Promise((resolve) => {
          // Main says every stage first, as waiting, so the count is against the known total.
          for (const id of ['client-identity', 'switch', 'background'])
            api.emit({ type: 'progress', requestId: requestId!, id, status: 'waiting', label: id });
          api.emit({
            type: 'progress',
            requestId: requestId!,
            id: 'client-identity',
            status: 'done',
            label: "This Mac's identity",
            detail: '1 passed',
          });
          api.emit({
            type: 'progress',
            requestId: requestId!,
            id: 'switch',
            status: 'running',
            label: "The Switch: TLS with this Mac's certificate",
          });
          finish = () => resolve(ok(failing));
        }),
    });
    const user = userEvent.setup();
    render(<Verify />);
    await user.click(screen.getByRole('button', { name: 'Run the checks' }));
    expect(await screen.findByText("The Switch: TLS with this Mac's certificate")).toBeTruthy();
    expect(screen.getByText('Checking')).toBeTruthy();
    expect(screen.getByText('1 of 3 checks finished.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
    finish();
    // The verdict first, naming what failed; failures shown, the passes folded.
    expect(
      await screen.findByText(/^1 check failed: The Switch refused this Mac's certificate\. Each says what to do\.$/),
    ).toBeTruthy();
    expect(screen.getByText('FAIL')).toBeTruthy();
    expect(screen.getByText(/Issue a certificate with Client Authentication/)).toBeTruthy();
    const passes = screen.getByText(/Show all checks \(1 passed\)/).closest('details')!;
    expect(passes.open).toBe(false);
    expect(within(passes).getByText('The 1E Client daemon is running')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Run the checks again' })).toBeTruthy();
    // Something failed: debug logging is offered.
    expect(screen.getByRole('heading', { name: 'When a check fails for a reason you cannot see' })).toBeTruthy();
  });

  it('on a green run shows no advice to act on: no debug logging, no note telling the technician to do something', async () => {
    const green: VerificationResult = {
      ok: true,
      findings: [
        { id: 'mac-daemon', status: 'pass', title: 'The 1E Client daemon is running', detail: 'pid 401.', fix: '' },
        {
          id: 'mac-log',
          status: 'info',
          title: "The 1E Client's log",
          detail: 'No log yet.',
          fix: 'Turn on debug logging to see more.',
        },
      ],
      counts: { pass: 1, warn: 0, fail: 0, info: 1 },
      startedAt: '2026-01-01T10:00:00.000Z',
      finishedAt: '2026-01-01T10:00:02.000Z',
    };
    installFakeApi({ runVerification: () => ok(green) });
    const user = userEvent.setup();
    render(<Verify />);
    await user.click(screen.getByRole('button', { name: 'Run the checks' }));
    expect(await screen.findByRole('heading', { name: 'All green' })).toBeTruthy();
    expect(screen.getByText(/^This Mac meets every check: 1 passed\.$/)).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.id).toBe('verify-verdict'));
    expect(screen.getByText(/Show all checks \(1 passed, 1 note\)/)).toBeTruthy();
    expect(screen.queryByText(/Turn on debug logging/)).toBeNull();
    expect(screen.queryByRole('heading', { name: 'When a check fails for a reason you cannot see' })).toBeNull();
  });

  it('cancels the running checks and says they were cancelled', async () => {
    let stop: () => void = () => undefined;
    const api = installFakeApi({
      runVerification: () =>
        new Promise((resolve) => {
          stop = () => resolve(err('verify-cancelled', 'Verification was cancelled.', 'Start it again when ready.'));
        }),
      cancelRequest: () => {
        stop();
        return ok({ cancelled: true });
      },
    });
    const user = userEvent.setup();
    render(<Verify />);
    await user.click(screen.getByRole('button', { name: 'Run the checks' }));
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Checks cancelled.');
    expect(api.callsOf('cancelRequest')).toHaveLength(1);
  });

  it('plans debug logging first and applies it only when asked', async () => {
    const api = installFakeApi({
      planDebugLogging: () =>
        ok({
          planId: 'debug-logging-0123456789abcdef',
          purpose: 'debug-logging',
          pendingCount: 1,
          needsAdmin: true,
          adminPrompts: 1,
          trustDialogs: 0,
          plans: [
            {
              step: 'configure-client',
              title: 'Configure the 1E Client (1E.Client.conf)',
              warnings: [],
              cleanup: [],
              files: [],
              actions: [
                {
                  id: 'conf-write',
                  title: 'Write 1E.Client.conf',
                  detail: 'LoggingLevel: Info → debug',
                  root: true,
                  status: 'pending',
                  command: { program: '/usr/bin/install', args: [], line: '/usr/bin/install -S …' },
                  undo: [],
                },
              ],
            },
          ],
        }),
      applyChanges: () =>
        ok({
          planId: 'debug-logging-0123456789abcdef',
          purpose: 'debug-logging',
          ok: true,
          actions: [{ id: 'conf-write', title: 'Write', status: 'done' }],
          rolledBack: [],
        }),
    });
    useWizard.setState((s) => ({ verify: { ...s.verify, run: { state: 'done', value: failing, progress: {} } } }));
    const user = userEvent.setup();
    render(<Verify />);
    await user.click(screen.getByRole('button', { name: 'Plan debug logging' }));
    expect(await screen.findByText(/^1 change · one administrator prompt · no undo\.$/)).toBeTruthy();
    expect(screen.getByText('LoggingLevel: Info → debug')).toBeTruthy();
    expect(api.callsOf('applyChanges')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Turn on debug logging and restart' }));
    expect(
      await screen.findByRole('heading', {
        name: 'Debug logging is on and the client restarted: run the checks again',
      }),
    ).toBeTruthy();
  });
});
