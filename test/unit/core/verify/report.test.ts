import { describe, expect, it } from 'vitest';
import {
  buildReport,
  redactSecrets,
  renderReportHtml,
  renderReportJson,
  localTime,
  type ReportChange,
} from '../../../../src/core/verify/report';
import type { VerifyResult } from '../../../../src/core/verify/verify';
import { version } from '../../../../src/core/version';

const KEY_BLOCK =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----';

function result(over: Partial<VerifyResult> = {}): VerifyResult {
  return {
    startedAt: '2025-03-01T10:00:00.000Z',
    finishedAt: '2025-03-01T10:00:02.000Z',
    ok: false,
    switchAddress: 'tachyon.acme.local:4000',
    backgroundUrl: 'https://tachyon.acme.local/Background/',
    tlsProtocol: 'TLSv1.3',
    findings: [
      {
        id: 'switch-tcp',
        status: 'pass',
        title: 'TCP connection to tachyon.acme.local:4000 works',
        detail: 'Connected.',
        fix: '',
      },
      { id: 'crl-1', status: 'warn', title: 'CRL expires within a day', detail: 'Soon.', fix: 'Publish.' },
      {
        id: 'switch-client-auth',
        status: 'fail',
        title: 'The Switch refused "MAC01.local": certificate revoked',
        detail: 'TLS alert 44 <script>alert(1)</script>',
        fix: 'Request a new certificate.',
      },
      { id: 'ocsp-1', status: 'info', title: 'OCSP responder', detail: 'http://ocsp.acme.test/', fix: '' },
    ],
    machine: [
      { label: 'macOS', value: 'macOS 14.4.1 (23E224)' },
      { label: 'Local host name', value: 'MAC01.local' },
    ],
    ...over,
  };
}

const changes: ReportChange[] = [
  { step: 'ca-certificates', title: 'Trust Acme Root CA in the System keychain', status: 'done' },
  {
    step: 'client-identity',
    title: 'Import MAC01.local with access for the 1E Client',
    status: 'failed',
    detail: 'MAC verification failed',
  },
];

describe('the HTML report', () => {
  const html = renderReportHtml(
    buildReport({ result: result(), changes, generatedAt: new Date('2025-03-01T10:00:03Z') }),
  );

  it('is one self-contained page: no script, no external resource, a CSP that forbids loading any', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/url\(|@import/);
    expect(html).toContain("default-src 'none'");
  });

  it('labels every check with text as well as colour', () => {
    expect(html).toContain('✓ PASS</span>');
    expect(html).toContain('! WARN</span>');
    expect(html).toContain('✗ FAIL</span>');
    expect(html).toContain('i INFO</span>');
    expect(html).toContain('NOT WORKING YET: 1 check failed');
  });

  it('has print rules that keep colours and rows whole', () => {
    expect(html).toContain('@media print');
    expect(html).toContain('print-color-adjust: exact');
    expect(html).toContain('break-inside: avoid');
  });

  it('shows time stamps, tool version, machine facts, the TLS version and what the run changed', () => {
    for (const s of [
      localTime('2025-03-01T10:00:00.000Z'),
      localTime('2025-03-01T10:00:02.000Z'),
      localTime('2025-03-01T10:00:03.000Z'),
      `onboard ${version}`,
      'macOS 14.4.1 (23E224)',
      'TLS 1.3',
      'Trust Acme Root CA in the System keychain',
      'FAILED',
    ]) {
      expect(html).toContain(s);
    }
  });

  it('escapes text from the network so it cannot inject markup', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('says the Mac is verified when nothing failed, counting warnings', () => {
    const ok = renderReportHtml(
      buildReport({ result: result({ ok: true, findings: result().findings.filter((f) => f.status !== 'fail') }) }),
    );
    expect(ok).toContain('VERIFIED: this Mac connects to the 1E platform (1 warning to read)');
    expect(ok).toContain('This run changed nothing on the Mac');
  });
});

describe('times in the report', () => {
  it("are the reader's local time to the second, with the offset from UTC, never milliseconds", () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Europe/Paris';
      expect(localTime('2025-03-01T10:00:03.456Z')).toBe('2025-03-01 11:00:03 (UTC+01:00)');
      process.env.TZ = 'America/New_York';
      expect(localTime('2025-07-01T10:00:03.000Z')).toBe('2025-07-01 06:00:03 (UTC-04:00)');
      const html = renderReportHtml(buildReport({ result: result(), generatedAt: new Date('2025-03-01T10:00:03Z') }));
      expect(html).toContain('2025-03-01 05:00:00 (UTC-05:00)');
      expect(html).not.toMatch(/\d\d:\d\d:\d\d\.\d{3}/);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

describe("the report's name and landmarks", () => {
  const html = renderReportHtml(buildReport({ result: result() }));

  it("is titled with the Mac's name", () => {
    expect(html).toContain('<title>1E onboarding report: MAC01.local</title>');
    expect(html).toContain('<h1>1E onboarding report: MAC01.local</h1>');
  });

  it('keeps its content in landmarks: one header, one main, one footer', () => {
    for (const tag of ['header', 'main', 'footer']) expect(html.split(`<${tag}>`).length - 1, tag).toBe(1);
    const main = html.slice(html.indexOf('<main>'), html.indexOf('</main>'));
    expect(main).toContain('<h2>Checks</h2>');
  });
});

describe('a report whose Mac side was simulated', () => {
  const passing = result({ ok: true, findings: result().findings.filter((f) => f.status !== 'fail') });
  const report = buildReport({ result: passing, simulated: true });
  const html = renderReportHtml(report);

  it('is stamped SIMULATED in its title, its heading and its verdict, and never says VERIFIED', () => {
    expect(html).toContain('<title>SIMULATED 1E onboarding report: MAC01.local</title>');
    expect(html).toContain('<h1>SIMULATED 1E onboarding report: MAC01.local</h1>');
    expect(html).toMatch(
      /class="banner simulated"[^>]*>⚠ SIMULATED: these checks ran against Onboard&#39;s simulated Mac/,
    );
    expect(html).toContain('proves nothing about a real Mac');
    expect(html).not.toContain('VERIFIED');
  });

  it('says so in the JSON: simulated true and a SIMULATED verdict', () => {
    const json = JSON.parse(renderReportJson(report));
    expect(json.simulated).toBe(true);
    expect(json.verdict).toMatch(/^SIMULATED: .*In the simulation: every check passed \(1 warning\)\.$/);
    expect(json.macName).toBe('MAC01.local');
  });

  it('is not stamped when the Mac side was real', () => {
    const real = JSON.parse(renderReportJson(buildReport({ result: passing })));
    expect(real.simulated).toBe(false);
    expect(real.verdict).toBe('VERIFIED: this Mac connects to the 1E platform (1 warning to read).');
  });
});

describe('secrets in reports', () => {
  const leaky = result({
    findings: [
      {
        id: 'x',
        status: 'fail',
        title: 'Import failed with password Tr0ub4dor&3',
        detail: `key was ${KEY_BLOCK} in the file`,
        fix: '',
      },
    ],
  });

  it('never shows a given password or a private key in HTML or JSON', () => {
    const report = buildReport({ result: leaky, secrets: ['Tr0ub4dor&3'] });
    for (const text of [renderReportHtml(report), renderReportJson(report)]) {
      expect(text).not.toContain('Tr0ub4dor&3');
      expect(text).not.toContain('Tr0ub4dor&amp;3');
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7');
    }
  });

  it('removes private key blocks even from a report built without naming any secret', () => {
    expect(renderReportJson(buildReport({ result: leaky }))).toContain('[private key removed]');
  });

  it('leaves very short secrets alone rather than garbling every word', () => {
    expect(redactSecrets({ a: 'abc def' }, ['abc'])).toEqual({ a: 'abc def' });
    expect(redactSecrets({ a: ['the pass1234 here'] }, ['pass1234'])).toEqual({ a: ['the •••• here'] });
  });
});

describe('the JSON report', () => {
  it('has a versioned shape with counts a ticket system can read', () => {
    const json = JSON.parse(renderReportJson(buildReport({ result: result(), changes })));
    expect(json).toMatchObject({
      format: 'onboard-report/1',
      tool: { name: 'onboard', version },
      verification: {
        ok: false,
        switchAddress: 'tachyon.acme.local:4000',
        counts: { pass: 1, warn: 1, fail: 1, info: 1 },
      },
      changes: [
        { step: 'ca-certificates', status: 'done' },
        { step: 'client-identity', status: 'failed' },
      ],
    });
    expect(json.machine).toEqual(
      expect.arrayContaining([
        { label: 'macOS', value: 'macOS 14.4.1 (23E224)' },
        expect.objectContaining({ label: 'Checked from' }),
      ]),
    );
  });
});
