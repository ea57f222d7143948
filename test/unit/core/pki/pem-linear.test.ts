// Reading PEM takes time linear in the file's size whatever the file holds: multi-megabyte hostile files, with generous bounds
// (each takes a second or two; the quadratic reader this replaced took minutes for one megabyte and never finished ten).
import { describe, it, expect } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { loadMaterial } from '../../../../src/core/pki/load';
import { buildCertificate } from '../../../../src/core/pki/build';
import { OnboardError } from '../../../../src/core/errors';

const MB = 1024 * 1024;
/** Far above what a linear reader needs for 8 MB even on a loaded machine, far below a quadratic one. */
const GENEROUS_MS = 60_000;

function timed(bytes: string): { ms: number; error?: OnboardError; certificates: number; warnings: string[] } {
  const started = Date.now();
  try {
    const m = loadMaterial(Buffer.from(bytes));
    return { ms: Date.now() - started, certificates: m.certificates.length, warnings: m.warnings };
  } catch (e) {
    if (!(e instanceof OnboardError)) throw e;
    return { ms: Date.now() - started, error: e, certificates: 0, warnings: [] };
  }
}

const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length));

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const certPem = buildCertificate({
  subject: { commonName: 'MAC01.local' },
  publicKey: privateKey,
  signer: { key: privateKey },
  notBefore: new Date(Date.now() - 60_000),
  notAfter: new Date(Date.now() + 86_400_000),
}).toString();

describe('reading PEM', { timeout: 3 * GENEROUS_MS }, () => {
  it('reads 8 MB of empty blocks it does not use, and sums them up in one short warning', () => {
    const r = timed(fill('-----BEGIN X509 CRL-----\n-----END X509 CRL-----\n', 8 * MB));
    expect(r.error?.code).toBe('no-certificates');
    expect(r.error!.hint).toMatch(/^Blocks 1, 2, 3, 4, 5, 6 and \d+ more: a certificate revocation list/);
    expect(r.error!.hint.length).toBeLessThan(300);
    expect(r.ms).toBeLessThan(GENEROUS_MS);
  });

  it('reads 8 MB of -----BEGIN lines without an END once, and calls the file cut short', () => {
    const r = timed(fill('-----BEGIN CERTIFICATE-----\n', 8 * MB));
    expect(r.error?.code).toBe('truncated');
    expect(r.ms).toBeLessThan(GENEROUS_MS);
  });

  it('reads blocks with no line breaks at all, 8 MB of them', () => {
    const r = timed(fill('-----BEGIN FOO----------END FOO-----', 8 * MB));
    expect(r.error?.code).toBe('no-certificates');
    expect(r.ms).toBeLessThan(GENEROUS_MS);
  });

  it('passes over an 8 MB line of stray text before a certificate, and names the line', () => {
    const r = timed(' '.repeat(8 * MB) + 'x\n' + certPem);
    expect(r.certificates).toBe(1);
    expect(r.warnings).toEqual(['Ignored text outside the PEM blocks on line 1.']);
    expect(r.ms).toBeLessThan(GENEROUS_MS);
  });

  it('reads half a megabyte of real certificates, every one of them, with stray lines numbered right', () => {
    const unit = 'noise\n' + certPem;
    const count = Math.ceil(MB / 2 / unit.length);
    const r = timed(unit.repeat(count));
    expect(r.certificates).toBe(count);
    const lines = certPem.split('\n').length; // the PEM ends with a newline: its line count plus the noise line
    expect(r.warnings[0]).toMatch(new RegExp(`^Ignored text outside the PEM blocks on lines 1, ${1 + lines}, `));
    expect(r.ms).toBeLessThan(GENEROUS_MS);
  });
});
