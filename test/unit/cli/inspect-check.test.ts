import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeTestPki, makePfx, opensslOk, type TestPki, type IssuedCert } from '../../support/openssl';
import { run as inspect } from '../../../src/cli/inspect';
import { run as check, parseAt } from '../../../src/cli/check';
import { runInMemory, type VerbRun } from '../../support/cli-io';
import { FINDING_IDS } from '../../../src/core/pki/requirements';

/** Runs a verb in-process, as the CLI would with a pipe (no TTY) or a TTY that answers `tty`. */
const runVerb = (
  verb: typeof inspect,
  argv: string[],
  cwd: string,
  opts: { env?: NodeJS.ProcessEnv; tty?: string } = {},
): Promise<VerbRun> => runInMemory(verb, argv, opts.env, { cwd, tty: opts.tty });

// Fixtures come from the openssl CLI; on a busy machine a single test may take seconds.
describe('onboard inspect and onboard check, run in-process', { timeout: 60_000 }, () => {
  let pki: TestPki;
  let good: IssuedCert;
  let ecLeaf: IssuedCert;
  let cwd: string;
  const env = { PFX_PW: 'correct horse' };

  beforeAll(async () => {
    pki = await makeTestPki({ intermediate: true });
    cwd = pki.dir;
    good = await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] });
    ecLeaf = await pki.issuer.issue('ec', { cn: 'MAC01.local', keyType: 'ec', ku: 'critical,digitalSignature' });
    await makePfx(join(cwd, 'legacy.pfx'), good.certPath, good.keyPath, env.PFX_PW, {
      legacy: true,
      chainPaths: [pki.intermediate!.certPath],
    });
    await makePfx(join(cwd, 'modern.pfx'), good.certPath, good.keyPath, env.PFX_PW);
    await copyFile(pki.root.certPath, join(cwd, 'root.cer'));
    await copyFile(pki.caBundlePath, join(cwd, 'cas.pem'));
    await copyFile(good.certPath, join(cwd, 'device.pem'));
    await copyFile(good.keyPath, join(cwd, 'device.key'));
    await copyFile(ecLeaf.certPath, join(cwd, 'ec.pem'));
    await copyFile(ecLeaf.keyPath, join(cwd, 'ec.key'));
    await writeFile(join(cwd, 'pw.txt'), env.PFX_PW + '\n');
    await writeFile(join(cwd, 'photo.cer'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), randomBytes(300)]));
    await writeFile(join(cwd, 'empty.cer'), '');
    await opensslOk([
      'pkcs8',
      '-topk8',
      '-in',
      good.keyPath,
      '-out',
      join(cwd, 'enc.key'),
      '-passout',
      `pass:${env.PFX_PW}`,
    ]);
  }, 120_000); // openssl key generation is slow on a busy 2-core machine
  afterAll(() => pki?.cleanup());

  describe('inspect', () => {
    it('lists each certificate with its role, key and fingerprints, and exits 0', async () => {
      const r = await runVerb(inspect, ['cas.pem', 'device.pem'], cwd);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toContain('Certificate 1 of 2: CN=Onboard Test Root CA, O=Onboard Test  [root]');
      expect(r.out).toContain('Certificate 2 of 2: CN=Onboard Test Issuing CA  [intermediate]');
      expect(r.out).toContain('Certificate 1 of 1: CN=MAC01.local  [leaf]');
      expect(r.out).toMatch(/SHA-256: +([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    });

    it('prints JSON with kinds, certificate details, keys matched to certificates and the PFX analysis', async () => {
      const r = await runVerb(inspect, ['legacy.pfx', '--password-env', 'PFX_PW', '--json'], cwd, { env });
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out);
      expect(j.files[0]).toMatchObject({
        path: 'legacy.pfx',
        kinds: ['pkcs12', 'private-key'],
        privateKeys: [{ keyType: 'rsa', keySize: 2048, certificate: 0 }],
        pfx: { macOsCompatible: true, macAlgorithm: 'sha1' },
      });
      expect(j.files[0].certificates.map((c: { role: string }) => c.role)).toEqual(['leaf', 'intermediate']);
    });

    it('reads the password from a file', async () => {
      const r = await runVerb(inspect, ['modern.pfx', '--password-file', 'pw.txt'], cwd);
      expect(r.code).toBe(0);
      expect(r.out).toContain('Every macOS imports it: no');
    });

    it('asks on the terminal, without the password on argv, when a file needs one', async () => {
      const r = await runVerb(inspect, ['enc.key'], cwd, { tty: env.PFX_PW });
      expect(r.code).toBe(0);
      expect(r.err).toContain('Password for enc.key: ');
      expect(r.err).not.toContain(env.PFX_PW);
      expect(r.out).toContain('Private key: RSA 2048');
    });

    it('without a terminal or password option, says a password is needed and exits 2', async () => {
      const r = await runVerb(inspect, ['modern.pfx'], cwd);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        'onboard inspect: modern.pfx is a password-protected PFX.\n  Give the password with --password-env VAR or --password-file FILE; passwords are never taken on the command line.\n',
      );
    });

    it('shows the readable files, names the unreadable ones on stderr, and exits 2', async () => {
      const r = await runVerb(inspect, ['root.cer', 'photo.cer', 'empty.cer', 'missing.cer'], cwd);
      expect(r.code).toBe(2);
      expect(r.out).toContain('CN=Onboard Test Root CA');
      expect(r.err).toContain('onboard inspect: photo.cer is a JPEG image, not a certificate, key or PFX file.');
      expect(r.err).toContain('onboard inspect: empty.cer is empty.');
      expect(r.err).toContain('onboard inspect: missing.cer: no such file.');
      expect(r.err).not.toMatch(/\n\s+at /);
    });

    it('says the PFX password is wrong, as a usage-level error (exit 2)', async () => {
      const r = await runVerb(inspect, ['legacy.pfx', '--password-env', 'PFX_PW'], cwd, { env: { PFX_PW: 'nope' } });
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/legacy\.pfx: the password is wrong/);
    });

    it('refuses an unknown option, both password options at once, and no file at all with exit 2', async () => {
      expect((await runVerb(inspect, ['--password', 'x', 'a.pfx'], cwd)).code).toBe(2);
      expect((await runVerb(inspect, ['a.pfx', '--password-env', 'A', '--password-file', 'B'], cwd)).err).toMatch(
        /either --password-env or --password-file/,
      );
      expect((await runVerb(inspect, [], cwd)).code).toBe(2);
    });
  });

  describe('check', () => {
    it('exits 0 for a compatible PFX with its CAs, printing a ✓ line per requirement', async () => {
      const r = await runVerb(
        check,
        ['--pfx', 'legacy.pfx', '--hostname', 'MAC01.local', '--ca', 'root.cer', '--password-env', 'PFX_PW'],
        cwd,
        { env },
      );
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      // Every requirement but not-revoked, which needs CRLs.
      for (const id of FINDING_IDS.filter((i) => i !== 'not-revoked')) expect(r.out).toContain(`✓ ${id}: `);
      expect(r.out).not.toContain('not-revoked');
      expect(r.out).toMatch(/Result: 15 passed, 0 warnings, 0 failed, 0 for information/);
    });

    it('exits 1 for an OpenSSL 3 default PFX and gives the re-wrap fix', async () => {
      const r = await runVerb(
        check,
        ['--pfx', 'modern.pfx', '--hostname', 'MAC01.local', '--ca', 'cas.pem', '--password-env', 'PFX_PW'],
        cwd,
        { env },
      );
      expect(r.code).toBe(1);
      expect(r.out).toContain('✗ pfx-macos-compatible: ');
      expect(r.out).toContain(
        '    Fix: re-wrap to the compatible profile: `onboard pfx --rewrap IN --out OUT --password-env VAR`',
      );
    });

    it('checks a certificate with a separate key and CA bundle; a case-only host name difference fails with both spellings', async () => {
      const r = await runVerb(
        check,
        ['--cert', 'device.pem', '--key', 'device.key', '--hostname', 'mac01.local', '--ca', 'cas.pem'],
        cwd,
      );
      expect(r.code).toBe(1);
      expect(r.out).toMatch(
        /✗ subject-hostname: .*\n {4}The certificate says "MAC01.local" \(CN\) but this Mac is "mac01.local"/,
      );
      expect(r.out).toContain('Fix: Request the certificate again with CN exactly "mac01.local"');
      expect(r.out).not.toContain('pfx-macos-compatible');
    });

    it('exits 0 for a good certificate checked without its key, warning that the key could not be checked', async () => {
      const r = await runVerb(check, ['--cert', 'device.pem', '--hostname', 'MAC01.local', '--ca', 'cas.pem'], cwd);
      expect(r.code).toBe(0);
      expect(r.out).toContain('! private-key-present: ');
      expect(r.out).toContain('i private-key-matches: ');
    });

    it('prints JSON with the certificate, the chain leaf first, findings in order and a summary', async () => {
      const r = await runVerb(
        check,
        [
          '--cert',
          'device.pem',
          '--key',
          'device.key',
          '--hostname',
          'MAC01.local',
          '--ca',
          'cas.pem',
          '--json',
          '--at',
          '2030-01-01T00:00:00Z',
        ],
        cwd,
      );
      const j = JSON.parse(r.out);
      expect(j.at).toBe('2030-01-01T00:00:00.000Z');
      expect(j.chain.map((c: { role: string }) => c.role)).toEqual(['leaf', 'intermediate', 'root']);
      expect(j.findings.map((f: { id: string }) => f.id)).toEqual(
        FINDING_IDS.filter((id) => id !== 'pfx-macos-compatible' && id !== 'not-revoked'),
      );
      // In 2030 the device certificate and its one-year issuing CA have both expired.
      expect(
        j.findings.filter((f: { status: string }) => f.status === 'fail').map((f: { id: string }) => f.id),
      ).toEqual(['chain-trusted', 'validity']);
      expect(j.summary).toMatchObject({ fail: 2, ok: false });
      expect(r.code).toBe(1);
    });

    it('fails an EC device certificate on key-rsa and ku-key-encipherment without crashing', async () => {
      const r = await runVerb(
        check,
        ['--cert', 'ec.pem', '--key', 'ec.key', '--hostname', 'MAC01.local', '--ca', 'cas.pem'],
        cwd,
      );
      expect(r.code).toBe(1);
      expect(r.out).toContain('✗ key-rsa: ');
      expect(r.out).toContain('✗ ku-key-encipherment: ');
      expect(r.err).toBe('');
    });

    it('refuses usage errors with exit 2 and one clear line', async () => {
      const cases: [string[], RegExp][] = [
        [['--pfx', 'legacy.pfx'], /--hostname is required/],
        [['--hostname', 'MAC01.local'], /Say what to check/],
        [['--pfx', 'a', '--cert', 'b', '--hostname', 'h'], /either --pfx or --cert/],
        [['--pfx', 'a', '--key', 'b', '--hostname', 'h'], /--key goes with --cert/],
        [
          ['--cert', 'device.pem', '--hostname', 'h', '--at', 'tomorrow'],
          /--at "tomorrow" is not an ISO-8601 date or date-time/,
        ],
        [
          ['--cert', 'device.pem', '--hostname', 'h', '--at', '2025-02-30'],
          /--at "2025-02-30" is not a real date: February 2025 has 28 days/,
        ],
        [['--cert', 'device.pem', '--hostname', 'h', '--password', 'secret'], /Unknown option '--password'/],
      ];
      for (const [argv, msg] of cases) {
        const r = await runVerb(check, argv, cwd);
        expect(r.code, argv.join(' ')).toBe(2);
        expect(r.err).toMatch(msg);
        expect(r.err.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
      }
    });

    it('exits 2 with a clear line when the certificate file is unreadable', async () => {
      const r = await runVerb(check, ['--cert', 'photo.cer', '--hostname', 'MAC01.local'], cwd);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^onboard check: photo\.cer is a JPEG image/);
    });
  });
});

describe('check --at reads only real ISO-8601 dates and times', () => {
  it('accepts dates (midnight UTC) and date-times with Z or an offset', () => {
    expect(parseAt('2025-06-01').toISOString()).toBe('2025-06-01T00:00:00.000Z');
    expect(parseAt('2024-02-29').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseAt('2025-06-01T12:00:00Z').toISOString()).toBe('2025-06-01T12:00:00.000Z');
    expect(parseAt('2025-06-01T12:00Z').toISOString()).toBe('2025-06-01T12:00:00.000Z');
    expect(parseAt('2025-06-01T14:00:00+02:00').toISOString()).toBe('2025-06-01T12:00:00.000Z');
    expect(parseAt('2025-06-01T14:00:00+0200').toISOString()).toBe('2025-06-01T12:00:00.000Z');
    expect(parseAt('2025-06-01T12:00:00.250Z').toISOString()).toBe('2025-06-01T12:00:00.250Z');
  });

  it('refuses impossible dates instead of rolling them over into the next month', () => {
    for (const [text, why] of [
      ['2025-02-30', /February 2025 has 28 days/],
      ['2023-02-29', /February 2023 has 28 days/],
      ['2025-04-31', /April 2025 has 30 days/],
      ['2025-13-01', /no month 13/],
      ['2025-00-10', /no month 00/],
      ['2025-06-00', /June 2025 has 30 days/],
    ] as const) {
      expect(() => parseAt(text), text).toThrow(why);
    }
  });

  it('refuses impossible times, offsets and anything that is not ISO-8601, saying the format expected', () => {
    for (const text of [
      '2025-06-01T24:00',
      '2025-06-01T12:60',
      '2025-06-01T12:00:61Z',
      '2025-06-01T12:00+25:00',
      'June 1',
      '1',
      '2025-6-1',
      '01/06/2025',
      '2025-06-01T12',
    ]) {
      let message = '';
      try {
        parseAt(text);
      } catch (e) {
        message = `${(e as Error).message} ${(e as { hint?: string }).hint ?? ''}`;
      }
      expect(message, text).toContain(`--at "${text}"`);
      expect(message, text).toContain('2025-06-01T12:00:00Z');
    }
  });
});
