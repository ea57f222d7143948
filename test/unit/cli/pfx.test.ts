import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, writeFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestPki, makePfx, type TestPki, type IssuedCert } from '../../support/openssl';
import { main } from '../../../src/cli/main';
import { runInMemory } from '../../support/cli-io';
import { readPfx, analysePfx } from '../../../src/core/pki/pkcs12';

const env = { PW: 'pfx password', NEW_PW: 'another one', EMPTY: '' };

const cli = (argv: string[], cwd: string) => runInMemory(main, argv, env, { cwd });

let pki: TestPki;
let other: TestPki;
let device: IssuedCert;
let stranger: IssuedCert;
let dir: string;

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Pfx Cli' });
  other = await makeTestPki({ name: 'Other' });
  dir = pki.dir;
  device = await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] });
  stranger = await other.issuer.issue('MAC99.local');
  await makePfx(join(dir, 'openssl3.pfx'), device.certPath, device.keyPath, env.PW, {
    chainPaths: [pki.caBundlePath],
    name: 'MAC01 device',
  });
});

afterAll(async () => {
  await pki?.cleanup();
  await other?.cleanup();
});

describe('onboard pfx (build)', () => {
  it('builds a compatible .pfx with the chain ordered leaf to root whatever order the files came in', async () => {
    const r = await cli(
      [
        'pfx',
        '--cert',
        device.certPath,
        '--key',
        device.keyPath,
        '--chain',
        pki.root.certPath,
        '--chain',
        pki.intermediate!.certPath,
        '--out',
        'built.pfx',
        '--friendly-name',
        'MAC01',
        '--password-env',
        'PW',
      ],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('macOS: every version imports this file.');
    const c = readPfx(await readFile(join(dir, 'built.pfx')), env.PW);
    expect(c.certificates.map((x) => x.subject)).toEqual([
      'CN=MAC01.local',
      'CN=Pfx Cli Issuing CA',
      'O=Pfx Cli\nCN=Pfx Cli Root CA',
    ]);
    expect(c.friendlyName).toBe('MAC01');
    expect((await stat(join(dir, 'built.pfx'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a key that does not match the certificate, and writes nothing', async () => {
    const r = await cli(
      ['pfx', '--cert', device.certPath, '--key', stranger.keyPath, '--out', 'mismatch.pfx', '--password-env', 'PW'],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/does not belong to the certificate/);
    expect(await readdir(dir)).not.toContain('mismatch.pfx');
  });

  it('refuses a chain file none of whose certificates is in the chain of the certificate', async () => {
    const r = await cli(
      [
        'pfx',
        '--cert',
        device.certPath,
        '--key',
        device.keyPath,
        '--chain',
        other.root.certPath,
        '--out',
        'badchain.pfx',
        '--password-env',
        'PW',
      ],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/None of the CA certificates in .*root\.pem is in the chain of CN=MAC01\.local/);
    expect(await readdir(dir)).not.toContain('badchain.pfx');
  });

  it('takes a whole CA bundle: keeps the chain, leaves out the unrelated certificates with a note on stderr', async () => {
    await writeFile(
      join(dir, 'bundle.pem'),
      [other.root.certPem, pki.root.certPem, stranger.certPem, pki.intermediate!.certPem].join(''),
    );
    const r = await cli(
      [
        'pfx',
        '--cert',
        device.certPath,
        '--key',
        device.keyPath,
        '--chain',
        'bundle.pem',
        '--out',
        'bundle.pfx',
        '--password-env',
        'PW',
      ],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const c = readPfx(await readFile(join(dir, 'bundle.pfx')), env.PW);
    expect(c.certificates.map((x) => x.subject)).toEqual([
      'CN=MAC01.local',
      'CN=Pfx Cli Issuing CA',
      'O=Pfx Cli\nCN=Pfx Cli Root CA',
    ]);
    expect(r.err).toMatch(
      /^note: left out CN=Other Root CA, O=Other \(serial [0-9A-F]+\) from bundle\.pem: it is not in the chain of CN=MAC01\.local\.$/m,
    );
    expect(r.err).toMatch(/^note: left out CN=MAC99\.local .* from bundle\.pem/m);
    expect(r.err.trim().split('\n')).toHaveLength(2);
    expect(r.out).toContain('chain 2: CN=Pfx Cli Root CA, O=Pfx Cli');
  });

  it('lists what it left out of the bundle in JSON', async () => {
    const r = await cli(
      [
        'pfx',
        '--cert',
        device.certPath,
        '--key',
        device.keyPath,
        '--chain',
        'bundle.pem',
        '--out',
        'bundle-json.pfx',
        '--password-env',
        'PW',
        '--json',
      ],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.chain).toEqual(['CN=Pfx Cli Issuing CA', 'CN=Pfx Cli Root CA, O=Pfx Cli']);
    expect(json.leftOut).toEqual([
      {
        subject: 'CN=Other Root CA, O=Other',
        serialNumber: expect.stringMatching(/^[0-9A-F]+$/),
        sha256: expect.any(String),
        file: 'bundle.pem',
      },
      { subject: 'CN=MAC99.local', serialNumber: expect.any(String), sha256: expect.any(String), file: 'bundle.pem' },
    ]);
    expect(r.err).toBe('');
  });

  it('refuses an empty password', async () => {
    const r = await cli(
      ['pfx', '--cert', device.certPath, '--key', device.keyPath, '--out', 'empty.pfx', '--password-env', 'EMPTY'],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/empty/);
  });

  it('refuses to overwrite an existing file unless --force, then replaces it', async () => {
    await writeFile(join(dir, 'taken.pfx'), 'keep me');
    const args = [
      'pfx',
      '--cert',
      device.certPath,
      '--key',
      device.keyPath,
      '--out',
      'taken.pfx',
      '--password-env',
      'PW',
    ];
    const refused = await cli(args, dir);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/already exists.*\n.*--force/);
    expect(await readFile(join(dir, 'taken.pfx'), 'utf8')).toBe('keep me');
    expect((await cli([...args, '--force'], dir)).code).toBe(0);
    expect(readPfx(await readFile(join(dir, 'taken.pfx')), env.PW).key).toBeDefined();
  });

  it('refuses an unknown profile with the choices', async () => {
    const r = await cli(
      [
        'pfx',
        '--cert',
        device.certPath,
        '--key',
        device.keyPath,
        '--out',
        'x.pfx',
        '--password-env',
        'PW',
        '--profile',
        'legacy',
      ],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/"compatible" or "modern"/);
  });
});

describe('onboard pfx --rewrap', () => {
  it('re-wraps an OpenSSL 3 default file so that macOS imports it, keeping the friendly name, and reports JSON', async () => {
    const r = await cli(
      ['pfx', '--rewrap', 'openssl3.pfx', '--out', 'rewrapped.pfx', '--password-env', 'PW', '--json'],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({
      profile: 'compatible',
      subject: 'CN=MAC01.local',
      friendlyName: 'MAC01 device',
      analysis: { macOsCompatible: true },
    });
    expect(json.chain).toHaveLength(2);
    expect(analysePfx(await readFile(join(dir, 'rewrapped.pfx')), env.PW).keyBagAlgorithms).toEqual([
      'pbeWithSHA1And3-KeyTripleDES-CBC',
    ]);
  });

  it('keeps the old password unless a new one is given', async () => {
    expect(
      (
        await cli(
          [
            'pfx',
            '--rewrap',
            'openssl3.pfx',
            '--out',
            'new-pw.pfx',
            '--profile',
            'modern',
            '--password-env',
            'PW',
            '--new-password-env',
            'NEW_PW',
          ],
          dir,
        )
      ).code,
    ).toBe(0);
    expect(readPfx(await readFile(join(dir, 'new-pw.pfx')), env.NEW_PW).certificates).toHaveLength(3);
  });

  it('says the password is wrong, and writes nothing', async () => {
    const r = await cli(['pfx', '--rewrap', 'openssl3.pfx', '--out', 'never.pfx', '--password-env', 'NEW_PW'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/password does not open/);
    expect(r.err).not.toContain(env.NEW_PW);
    expect(await readdir(dir)).not.toContain('never.pfx');
  });

  it('refuses a password on the command line: there is no such option', async () => {
    const r = await cli(['pfx', '--rewrap', 'openssl3.pfx', '--out', 'x.pfx', '--password', 'secret'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Unknown option '--password'/);
  });
});
