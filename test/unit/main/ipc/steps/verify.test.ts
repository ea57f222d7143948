// Verify through the real router: progress counted against the known total, and the report needs a verification
// first.
import { describe, it, expect } from 'vitest';
import { SimulatedMac } from '../../../../../src/core/macos/executors/simulated';
import { changesBench } from './support';
import { CHECK_LABELS, stageProgress } from '../../../../../src/main/ipc/steps/verify';
import type { ProgressUpdate } from '../../../../../src/shared/contract';

const bench = changesBench();
const { readySession, failure } = bench;

describe('the report', () => {
  it('is refused before any verification, with the way to get one', async () => {
    const e = await failure(readySession(new SimulatedMac()), 'exportReport', { format: 'json' });
    expect(e.code).toBe('no-verification');
    expect(e.hint).toMatch(/Verify/);
  });
});

describe('the report from the wizard', () => {
  it('is stamped SIMULATED in its name, title, verdict and JSON when the Mac side is the simulated Mac', async () => {
    const session = readySession(new SimulatedMac({ localHostName: 'MAC01' }));
    session.welcome.facts = undefined;
    session.verify.result = {
      startedAt: '2025-03-01T10:00:00.000Z',
      finishedAt: '2025-03-01T10:00:02.000Z',
      ok: true,
      switchAddress: 'tachyon.acme.local:4000',
      findings: [{ id: 'switch-tcp', status: 'pass', title: 'TCP works', detail: 'Connected.', fix: '' }],
      machine: [{ label: 'Local host name', value: 'MAC01.local' }],
    };
    expect(session.simulated).toBe(true);
    const html = await bench.call<{ fileName: string; content: string }>(session, 'exportReport', { format: 'html' });
    expect(html.fileName).toMatch(/^onboard-report-mac-.*-SIMULATED\.html$/);
    expect(html.content).toContain('<title>SIMULATED 1E onboarding report: MAC01.local</title>');
    expect(html.content).not.toContain('VERIFIED');
    const json = await bench.call<{ content: string }>(session, 'exportReport', { format: 'json' });
    expect(JSON.parse(json.content)).toMatchObject({ simulated: true, macName: 'MAC01.local' });
    expect(JSON.parse(json.content).verdict).toMatch(/^SIMULATED: /);
  });
});

describe('the progress of a verification', () => {
  it('names every stage as waiting before the first runs, so the screen counts against the known total', () => {
    const events: ProgressUpdate[] = [];
    const progress = stageProgress((e) => events.push(e));
    progress.start();
    expect(events.map((e) => [e.id, e.status])).toEqual(Object.keys(CHECK_LABELS).map((id) => [id, 'waiting']));
    progress.onProgress({ id: 'switch', status: 'running' });
    progress.onProgress({
      id: 'switch-tcp',
      status: 'done',
      check: 'switch',
      finding: { id: 'switch-tcp', status: 'pass', title: 'TCP works', detail: '', fix: '' },
    });
    progress.finish();
    expect(events.slice(-2)).toMatchObject([
      { id: 'switch', status: 'running' },
      { id: 'switch', status: 'done', detail: '1 passed' },
    ]);
  });
});
