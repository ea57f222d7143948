// Specification: `onboard profile` writes the CA profile, says what it holds, and refuses an identity without eyes open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { parsePlist } from '../../../src/core/plist';
import { runInMemory } from '../../support/cli-io';
import { makePfx, makeTestPki, type IssuedCert, type TestPki } from '../../support/openssl';

const env = { PW: 'device pw', SIGN_PW: 'signer pw' };
let pki: TestPki;
let device: IssuedCert;
const cli = (argv: string[]) => runInMemory(main, ['profile', ...argv], env, { cwd: pki.dir });

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Acme' });
  device = await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] });
  await makePfx(join(pki.dir, 'device.pfx'), device.certPath, device.keyPath, env.PW);
  const signer = await pki.issuer.issue('signer', { cn: 'Acme Profile Signer', eku: '', ku: 'digitalSignature' });
  await makePfx(join(pki.dir, 'signer.pfx'), signer.certPath, signer.keyPath, env.SIGN_PW, {
    chainPaths: [pki.intermediate!.certPath],
  });
});
afterAll(() => pki?.cleanup());

describe('onboard profile', { timeout: 60_000 }, () => {
  it('writes the CA profile as XML and lists each payload with its fingerprint', async () => {
    const r = await cli(['--ca', pki.caBundlePath, '--organization', 'Acme Ltd', '--out', 'ca.mobileconfig']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/com\.apple\.security\.root: Acme Root CA \(SHA-256 [0-9A-F]{64}, until \d{4}-\d{2}-\d{2}\)/);
    expect(r.out).toMatch(/com\.apple\.security\.pkcs1: Acme Issuing CA/);
    expect(r.out).toContain('Not signed (XML)');
    const text = await readFile(join(pki.dir, 'ca.mobileconfig'), 'utf8');
    expect(parsePlist(text)).toMatchObject({ PayloadScope: 'System', PayloadOrganization: 'Acme Ltd' });
    expect((await stat(join(pki.dir, 'ca.mobileconfig'))).mode & 0o777).toBe(0o644);
  });

  it('refuses to replace an existing file unless --force, before reading anything', async () => {
    await writeFile(join(pki.dir, 'exists.mobileconfig'), 'keep me');
    const r = await cli(['--ca', 'missing.pem', '--out', 'exists.mobileconfig']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('already exists');
    expect(await readFile(join(pki.dir, 'exists.mobileconfig'), 'utf8')).toBe('keep me');
    expect((await cli(['--ca', pki.caBundlePath, '--out', 'exists.mobileconfig', '--force'])).code).toBe(0);
  });

  it('refuses --identity without --allow-all-apps, saying both facts, and writes nothing', async () => {
    const r = await cli([
      '--ca',
      pki.caBundlePath,
      '--identity',
      'device.pfx',
      '--password-env',
      'PW',
      '--out',
      'id.mobileconfig',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/usable by every app on the Mac/);
    expect(r.err).toMatch(/only obfuscates its password/);
    expect(r.err).toContain('--allow-all-apps');
    await expect(stat(join(pki.dir, 'id.mobileconfig'))).rejects.toThrow();
  });

  it('with --allow-all-apps writes the identity payload in a private file and says both facts', async () => {
    const r = await cli([
      '--ca',
      pki.caBundlePath,
      '--identity',
      'device.pfx',
      '--password-env',
      'PW',
      '--allow-all-apps',
      '--out',
      'id.mobileconfig',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.payloads.map((p: { type: string }) => p.type)).toEqual([
      'com.apple.security.root',
      'com.apple.security.pkcs1',
      'com.apple.security.pkcs12',
    ]);
    expect(json.warnings.join('\n')).toMatch(/every app on the Mac[\s\S]*only obfuscates/);
    expect((await stat(join(pki.dir, 'id.mobileconfig'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(pki.dir, 'id.mobileconfig'), 'utf8')).not.toContain(env.PW);
  });

  it('signs with --sign-pfx: DER output, and says who signed it', async () => {
    const r = await cli([
      '--ca',
      pki.caBundlePath,
      '--sign-pfx',
      'signer.pfx',
      '--sign-password-env',
      'SIGN_PW',
      '--out',
      'signed.mobileconfig',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Signed \(CMS, DER\) by CN=Acme Profile Signer/);
    expect((await readFile(join(pki.dir, 'signed.mobileconfig')))[0]).toBe(0x30);
  });

  it('bad input is one message and exit 2: a device certificate as CA, a wrong signing password, a stray option', async () => {
    const dev = await cli(['--ca', device.certPath, '--ca', pki.caBundlePath, '--out', 'x.mobileconfig']);
    expect(dev.code).toBe(2);
    expect(dev.err).toMatch(/CN=MAC01\.local .* is a device \(end-entity\) certificate/);
    const pw = await cli([
      '--ca',
      pki.caBundlePath,
      '--sign-pfx',
      'signer.pfx',
      '--sign-password-env',
      'PW',
      '--out',
      'x.mobileconfig',
    ]);
    expect(pw.code).toBe(2);
    expect(pw.err).toMatch(/password/i);
    expect((await cli(['--ca', pki.caBundlePath, '--allow-all-apps', '--out', 'x.mobileconfig'])).code).toBe(2);
    for (const r of [dev, pw]) expect(r.err).not.toMatch(/\n\s+at /);
    await expect(stat(join(pki.dir, 'x.mobileconfig'))).rejects.toThrow();
  });
});
