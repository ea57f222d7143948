// Specification: verify reports of many Macs become one view: newest report per Mac, worst first, unreadable files listed.
import { describe, expect, it } from 'vitest';
import { mergeFleet, readFleetReport, renderFleetCsv, type ReadResult } from '../../../../src/core/mdm/fleet';
import { buildReport, renderReportJson } from '../../../../src/core/verify/report';
import type { VerifyFinding } from '../../../../src/core/verify/findings';
import { version } from '../../../../src/core/version';

const pass = (id: string): VerifyFinding => ({ id, status: 'pass', title: `${id} works`, detail: 'ok', fix: '' });
const fail = (id: string, fix = `Fix ${id}.`): VerifyFinding => ({
  id,
  status: 'fail',
  title: `${id} broke`,
  detail: 'no',
  fix,
});
const warn = (id: string): VerifyFinding => ({ id, status: 'warn', title: `${id} odd`, detail: 'hmm', fix: 'Look.' });

/** A real report JSON, as `onboard verify --report X.json` writes it, for a Mac of this name. */
function reportText(
  host: string,
  findings: VerifyFinding[],
  generatedAt: string,
  extra: Record<string, unknown> = {},
): string {
  const report = buildReport({
    result: {
      startedAt: generatedAt,
      finishedAt: generatedAt,
      findings,
      ok: !findings.some((f) => f.status === 'fail'),
      switchAddress: 'tachyon.acme.local:4000',
      machine: [
        { label: 'Name 1E expects in the certificate', value: host },
        { label: '1E Client', value: '25.1.0.12' },
      ],
    },
    generatedAt: new Date(generatedAt),
  });
  return JSON.stringify({ simulated: false, ...JSON.parse(renderReportJson(report)), ...extra });
}

const read = (file: string, text: string): { file: string } & ReadResult => ({ file, ...readFleetReport(text, file) });

describe('reading one report', () => {
  it('takes the verdict, failing and warning ids, host, client version and time from the report', () => {
    const r = readFleetReport(
      reportText(
        'MAC01.local',
        [pass('switch-tcp'), warn('crl-1'), fail('switch-client-auth')],
        '2025-03-01T10:00:00.000Z',
      ),
      'a.json',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.mac).toMatchObject({
      host: 'MAC01.local',
      verdict: 'fail',
      failing: ['switch-client-auth'],
      warnings: ['crl-1'],
      clientVersion: '25.1.0.12',
      reportTime: '2025-03-01T10:00:00.000Z',
      format: 'onboard-report/1',
      simulated: false,
    });
    expect(r.mac.problems.map((p) => p.fix)).toEqual(['Fix switch-client-auth.', 'Look.']);
  });

  it('says why a file is unreadable: not JSON, not a report, no verification, no time', () => {
    expect(readFleetReport('<html>', 'x')).toEqual({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    expect(readFleetReport('[1,2]', 'x')).toEqual({
      ok: false,
      reason: expect.stringMatching(/not an Onboard report/),
    });
    expect(readFleetReport('{"format":"something/1"}', 'x')).toEqual({
      ok: false,
      reason: expect.stringMatching(/no "format"/),
    });
    expect(readFleetReport('{"format":"onboard-report/1"}', 'x')).toEqual({
      ok: false,
      reason: expect.stringMatching(/without its verification/),
    });
    expect(readFleetReport('{"format":"onboard-report/1","verification":{}}', 'x')).toEqual({
      ok: false,
      reason: expect.stringMatching(/without the time/),
    });
  });

  it('reads a newer format by the fields it knows, and fails a report that says it did not pass even without findings', () => {
    const r = readFleetReport(
      JSON.stringify({
        format: 'onboard-report/2',
        generatedAt: '2026-01-01T00:00:00Z',
        verification: { ok: false, shiny: 1 },
        findings: 'changed',
      }),
      'MAC09.json',
    );
    expect(r).toMatchObject({
      ok: true,
      mac: { verdict: 'fail', host: 'MAC09', format: 'onboard-report/2', failing: [] },
    });
  });

  it('a report without the stamp (written before it existed) is neither simulated nor real, and is counted', () => {
    const text = JSON.parse(reportText('OLD.local', [pass('a')], '2025-03-01T10:00:00.000Z'));
    delete text.simulated;
    const r = readFleetReport(JSON.stringify(text), 'old.json');
    expect(r).toMatchObject({ ok: true, mac: { simulated: null } });
    const view = mergeFleet([{ file: 'old.json', ...r }]);
    expect(view.unstamped).toBe(1);
    expect(view.notes.join(' ')).toMatch(/predates the SIMULATED stamp/);
    expect(renderFleetCsv(view)).toMatch(/,unknown,/);
  });

  it('shows the SIMULATED stamp', () => {
    const r = readFleetReport(
      reportText('SIM.local', [pass('a')], '2025-03-01T10:00:00.000Z', { simulated: true }),
      's.json',
    );
    expect(r).toMatchObject({ ok: true, mac: { simulated: true } });
    const view = mergeFleet([{ file: 's.json', ...r }]);
    expect(view.simulated).toBe(1);
    expect(view.notes.join(' ')).toMatch(/simulated Mac/);
  });
});

describe('merging', () => {
  const files = [
    read('old-mac01.json', reportText('MAC01.local', [fail('mac-daemon')], '2025-03-01T10:00:00.000Z')),
    read('mac02.json', reportText('MAC02.local', [pass('a'), warn('crl-1')], '2025-03-02T10:00:00.000Z')),
    read('mac03.json', reportText('MAC03.local', [fail('switch-tcp'), fail('crl-1')], '2025-03-02T10:00:00.000Z')),
    read('new-mac01.json', reportText('mac01.local', [pass('mac-daemon')], '2025-03-05T10:00:00.000Z')),
    read('mac04.json', reportText('MAC04.local', [pass('a')], '2025-03-02T10:00:00.000Z')),
    read('junk.json', 'not json at all'),
  ];

  it('keeps the newest report of each Mac (any case) and lists the one it replaced', () => {
    const view = mergeFleet(files);
    expect(view.macs.map((m) => m.host)).toEqual(['MAC03.local', 'MAC02.local', 'mac01.local', 'MAC04.local']);
    expect(view.superseded).toEqual([
      { file: 'old-mac01.json', host: 'MAC01.local', reportTime: '2025-03-01T10:00:00.000Z', newer: 'new-mac01.json' },
    ]);
    expect(view.unreadable).toEqual([{ file: 'junk.json', reason: expect.stringMatching(/^not JSON/) }]);
    expect(view.counts).toEqual({ fail: 1, warn: 1, pass: 2 });
  });

  it('an older report given after a newer one does not replace it', () => {
    const view = mergeFleet([files[3]!, files[0]!]);
    expect(view.macs[0]!.file).toBe('new-mac01.json');
    expect(view.superseded[0]!.file).toBe('old-mac01.json');
  });

  it('notes reports from several Onboard versions', () => {
    const other = read(
      'v.json',
      reportText('MAC05.local', [pass('a')], '2025-03-02T10:00:00.000Z', {
        tool: { name: 'onboard', version: '0.0.9' },
      }),
    );
    expect(mergeFleet([files[1]!, other]).notes.join(' ')).toMatch(/several Onboard versions \(.*0\.0\.9: 1/);
  });

  it('CSV: a header and one row per Mac, worst first, formulas defused and commas quoted', () => {
    const evil = read('e.json', reportText('=cmd|calc,x', [pass('a')], '2025-03-02T10:00:00.000Z'));
    const csv = renderFleetCsv(mergeFleet([...files, evil]));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'host,verdict,failing_checks,warning_checks,certificate_expiry,client_version,report_time,simulated,onboard_version,file',
    );
    expect(lines[1]).toBe(
      `MAC03.local,fail,switch-tcp crl-1,,,25.1.0.12,2025-03-02T10:00:00.000Z,no,${version},mac03.json`,
    );
    expect(lines).toHaveLength(6);
    expect(csv).toContain(`"'=cmd|calc,x",pass`);
  });
});
