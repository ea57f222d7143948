// Specification: the fleet page is self-contained, worst first, sortable by its own (hash-allowed) script, and shows each Mac's fixes.
import { createHash } from 'node:crypto';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import type { FleetMac, FleetView } from '../../../../src/core/mdm/fleet';
import { mergeFleet } from '../../../../src/core/mdm/fleet';
import { renderFleetHtml } from '../../../../src/core/mdm/fleet-html';

const NOW = new Date('2025-06-01T00:00:00Z');

function mac(host: string, over: Partial<FleetMac> = {}): FleetMac {
  return {
    host,
    verdict: 'pass',
    failing: [],
    warnings: [],
    problems: [],
    counts: { pass: 5, warn: 0, fail: 0, info: 0 },
    certificateSubject: `CN=${host}`,
    certificateExpiry: '2026-01-01T00:00:00.000Z',
    clientVersion: '25.1',
    reportTime: '2025-05-30T08:00:00.000Z',
    simulated: false,
    format: 'onboard-report/1',
    onboardVersion: '0.1.0',
    file: `${host}.json`,
    ...over,
  };
}

function view(): FleetView {
  const macs = [
    mac('b-pass.local', { certificateExpiry: '2025-06-11T00:00:00.000Z' }),
    mac('a-fail.local', {
      verdict: 'fail',
      failing: ['switch-client-auth'],
      problems: [
        {
          id: 'switch-client-auth',
          status: 'fail',
          title: 'Refused <b>',
          detail: 'alert 44',
          fix: 'Request a new certificate.',
        },
      ],
      certificateExpiry: '2025-05-01T00:00:00.000Z',
    }),
    mac('c-sim.local', { simulated: true }),
  ];
  const v = mergeFleet([]);
  return {
    ...v,
    macs: [macs[1]!, macs[0]!, macs[2]!],
    counts: { fail: 1, warn: 0, pass: 2 },
    simulated: 1,
    unreadable: [{ file: 'junk.json', reason: 'not JSON' }],
  };
}

describe('the fleet page', () => {
  const html = renderFleetHtml(view(), NOW);

  it('loads nothing from anywhere, and its one script is allowed by its hash alone', () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=/i);
    expect(html).not.toMatch(/url\(/i);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toContain("default-src 'none'");
  });

  it('lists Macs worst first, escapes what the reports say, and gives each failing Mac its fixes', () => {
    const doc = new JSDOM(html).window.document;
    const hosts = [...doc.querySelectorAll<HTMLTableRowElement>('table.sortable tbody tr')].map(
      (r) => r.cells[0]!.textContent,
    );
    expect(hosts).toEqual(['a-fail.local', 'b-pass.local', 'c-sim.localSIMULATED']);
    expect(doc.querySelector('section.mac h3')!.textContent).toBe('a-fail.local');
    expect(doc.querySelector('section.mac')!.textContent).toContain('Refused <b>');
    expect(doc.querySelector('section.mac')!.textContent).toContain('Fix: Request a new certificate.');
    expect(doc.querySelector('[role=status]')!.textContent).toMatch(
      /3 Macs: 1 failing, 0 with warnings, 2 passing \(1 SIMULATED\); 1 file could not be read/,
    );
    expect(doc.body.textContent).toContain('junk.json: not JSON');
  });

  it('shows certificate expiry soonest first, expired ones marked', () => {
    const doc = new JSDOM(html).window.document;
    const rows = [...doc.querySelectorAll('h2 + table:not(.sortable) tbody tr')].map((r) => r.textContent);
    expect(rows[0]).toMatch(/^a-fail\.local2025-05-01 \(expired 31 days ago\)/);
    expect(rows[1]).toMatch(/^b-pass\.local2025-06-11 \(in 10 days\)/);
  });

  it('sorts by a column when its header button is pressed, and back the other way', () => {
    const dom = new JSDOM(html, { runScripts: 'dangerously' });
    const doc = dom.window.document;
    const order = () =>
      [...doc.querySelectorAll<HTMLTableRowElement>('table.sortable tbody tr')].map((r) =>
        r.cells[0]!.getAttribute('data-sort'),
      );
    const macHead = doc.querySelectorAll('table.sortable th')[0]!;
    macHead.querySelector('button')!.click();
    expect(macHead.getAttribute('aria-sort')).toBe('ascending');
    expect(order()).toEqual(['a-fail.local', 'b-pass.local', 'c-sim.local']);
    macHead.querySelector('button')!.click();
    expect(order()).toEqual(['c-sim.local', 'b-pass.local', 'a-fail.local']);
    const expiry = doc.querySelectorAll('table.sortable th')[3]!;
    expiry.querySelector('button')!.click();
    expect(order()).toEqual(['a-fail.local', 'b-pass.local', 'c-sim.local']);
  });
});
