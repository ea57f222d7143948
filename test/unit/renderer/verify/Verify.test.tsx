// The Verify screen: live checks, cancelling, the report, and debug logging.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Verify } from '../../../../renderer/steps/verify/Verify';
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
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
    finish();
    await screen.findByText(/1 check failed: each says what to do/);
    expect(screen.getByText('FAIL')).toBeTruthy();
    expect(screen.getByText(/Issue a certificate with Client Authentication/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Run the checks again' })).toBeTruthy();
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

  it('saves the report as a file with the content main made', async () => {
    installFakeApi({
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
    render(<Verify />);
    await user.click(screen.getByRole('button', { name: 'Save the report (HTML)' }));
    await screen.findByText('Saved onboard-report-MAC01.html to your downloads.');
    expect(clicked).toEqual(['onboard-report-MAC01.html']);
    const text = await new Promise<string>((resolve) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result));
      r.readAsText(blobs[0]!);
    });
    expect(text).toBe('<h1>Report</h1>');
    expect(blobs[0]!.type).toBe('text/html');
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
    const user = userEvent.setup();
    render(<Verify />);
    await user.click(screen.getByRole('button', { name: 'Plan debug logging' }));
    expect(await screen.findByText('LoggingLevel: Info → debug')).toBeTruthy();
    expect(api.callsOf('applyChanges')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Turn on debug logging and restart' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Debug logging is on' })).toBeTruthy());
  });
});
