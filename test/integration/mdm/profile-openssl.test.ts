// Reference readers of `onboard profile`'s output: openssl cms verifies signed profiles and returns them byte for byte, Python's plistlib reads the XML, openssl pkcs12 opens the identity payload.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { buildProfile } from '../../../src/core/mdm/profile';
import { loadFile } from '../../../src/core/pki/load';
import { isPlistDict, parsePlist } from '../../../src/core/plist';
import { runInMemory } from '../../support/cli-io';
import { makePfx, makeTestPki, openssl, type TestPki } from '../../support/openssl';

const env = { PW: 'device pw', SIGN_PW: 'signer pw' };
let pki: TestPki;
let ecPki: TestPki;
const cli = (argv: string[]) => runInMemory(main, ['profile', ...argv], env, { cwd: pki.dir });

function python(script: string, file: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', script, file], { encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code === 'ENOENT' ? -1 : 1) : 0, out: stdout + stderr }),
    );
  });
}

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Acme' });
  ecPki = await makeTestPki({ keyType: 'ec', name: 'Acme EC' });
  const signer = await pki.issuer.issue('signer', { cn: 'Acme Profile Signer', eku: '', ku: 'digitalSignature' });
  await makePfx(join(pki.dir, 'signer.pfx'), signer.certPath, signer.keyPath, env.SIGN_PW, {
    chainPaths: [pki.intermediate!.certPath],
  });
  const ecSigner = await ecPki.issuer.issue('ec-signer', {
    cn: 'EC Signer',
    eku: '',
    ku: 'digitalSignature',
    keyType: 'ec',
  });
  await makePfx(join(pki.dir, 'ec-signer.pfx'), ecSigner.certPath, ecSigner.keyPath, env.SIGN_PW);
  const device = await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] });
  await makePfx(join(pki.dir, 'device.pfx'), device.certPath, device.keyPath, env.PW);
}, 120_000);
afterAll(async () => {
  await pki?.cleanup();
  await ecPki?.cleanup();
});

/** The XML profile `onboard profile` signs for these CA files: building it is deterministic for CA certificates. */
async function expectedXml(): Promise<string> {
  return buildProfile({ caCertificates: (await loadFile(pki.caBundlePath)).certificates }).xml;
}

describe('signed profiles, verified by openssl cms', { timeout: 60_000 }, () => {
  it('verifies against the root alone (the signer carries its chain) and gives back the exact profile', async () => {
    const r = await cli([
      '--ca',
      pki.caBundlePath,
      '--sign-pfx',
      'signer.pfx',
      '--sign-password-env',
      'SIGN_PW',
      '--out',
      'rsa.mobileconfig',
    ]);
    expect(r.code, r.err).toBe(0);
    const v = await openssl(
      ['cms', '-verify', '-inform', 'DER', '-in', 'rsa.mobileconfig', '-CAfile', pki.root.certPath, '-out', 'rsa.out'],
      { cwd: pki.dir },
    );
    expect(v.code, v.stderr).toBe(0);
    expect(v.stderr).toContain('Verification successful');
    expect((await readFile(join(pki.dir, 'rsa.out'))).equals(Buffer.from(await expectedXml()))).toBe(true);
    const printed = await openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'rsa.mobileconfig'], {
      cwd: pki.dir,
    });
    expect(printed.stdout).toMatch(/signingTime/);
    expect(printed.stdout.match(/d\.certificate:/g)?.length).toBe(2);
  });

  it('an EC signer verifies too', async () => {
    const r = await cli([
      '--ca',
      pki.caBundlePath,
      '--sign-pfx',
      'ec-signer.pfx',
      '--sign-password-env',
      'SIGN_PW',
      '--out',
      'ec.mobileconfig',
    ]);
    expect(r.code, r.err).toBe(0);
    const v = await openssl(
      ['cms', '-verify', '-inform', 'DER', '-in', 'ec.mobileconfig', '-CAfile', ecPki.root.certPath, '-out', 'ec.out'],
      { cwd: pki.dir },
    );
    expect(v.code, v.stderr).toBe(0);
    expect((await readFile(join(pki.dir, 'ec.out'))).equals(Buffer.from(await expectedXml()))).toBe(true);
  });

  it('a changed byte in the signed content fails verification', async () => {
    const signed = await readFile(join(pki.dir, 'rsa.mobileconfig'));
    const at = signed.indexOf(Buffer.from('PayloadScope'));
    signed[at] = 'Q'.charCodeAt(0);
    await writeFile(join(pki.dir, 'tampered.mobileconfig'), signed);
    const v = await openssl(
      [
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        'tampered.mobileconfig',
        '-CAfile',
        pki.root.certPath,
        '-out',
        'tampered.out',
      ],
      { cwd: pki.dir },
    );
    expect(v.code).not.toBe(0);
    expect(v.stderr).toMatch(/digest failure|verification failure/i);
  });
});

describe('the XML, read by other readers', { timeout: 60_000 }, () => {
  it("Python's plistlib reads the same values", async () => {
    const r = await cli(['--ca', pki.caBundlePath, '--organization', 'Acme & Co', '--out', 'plain.mobileconfig']);
    expect(r.code, r.err).toBe(0);
    const py = await python(
      'import json,plistlib,sys,base64\nd=plistlib.load(open(sys.argv[1],"rb"))\nprint(json.dumps(d,default=lambda b: base64.b64encode(b).decode()))',
      join(pki.dir, 'plain.mobileconfig'),
    );
    if (py.code === -1) {
      console.warn('SKIPPED: python3 is not on this machine, so plistlib could not read the profile');
      return;
    }
    expect(py.code, py.out).toBe(0);
    const ours = parsePlist(await readFile(join(pki.dir, 'plain.mobileconfig'), 'utf8'));
    if (!isPlistDict(ours)) throw new Error('not a dictionary');
    const theirs = JSON.parse(py.out);
    expect(theirs.PayloadOrganization).toBe('Acme & Co');
    expect(theirs.PayloadVersion).toBe(1);
    expect(theirs.PayloadContent.map((p: { PayloadUUID: string }) => p.PayloadUUID)).toEqual(
      (ours.PayloadContent as { PayloadUUID: string }[]).map((p) => p.PayloadUUID),
    );
    expect(Buffer.from(theirs.PayloadContent[0].PayloadContent, 'base64')).toEqual(
      Buffer.from((ours.PayloadContent as { PayloadContent: Uint8Array }[])[0]!.PayloadContent),
    );
  });

  it("openssl pkcs12 (no -legacy) opens the identity payload's PFX with the payload's Password", async () => {
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
    ]);
    expect(r.code, r.err).toBe(0);
    const top = parsePlist(await readFile(join(pki.dir, 'id.mobileconfig'), 'utf8'));
    if (!isPlistDict(top) || !Array.isArray(top.PayloadContent)) throw new Error('not a profile');
    const p = top.PayloadContent.find((x) => isPlistDict(x) && x.PayloadType === 'com.apple.security.pkcs12');
    if (!isPlistDict(p)) throw new Error('no identity payload');
    await writeFile(join(pki.dir, 'payload.p12'), p.PayloadContent as Uint8Array);
    const o = await openssl(['pkcs12', '-in', 'payload.p12', '-passin', 'env:P12', '-nodes', '-info'], {
      cwd: pki.dir,
      env: { P12: String(p.Password) },
    });
    expect(o.code, o.stderr).toBe(0);
    expect(o.stdout).toContain('subject=CN = MAC01.local');
    expect(o.stdout).toContain('-----BEGIN PRIVATE KEY-----');
    expect(o.stderr).toMatch(/pbeWithSHA1And3-KeyTripleDES-CBC/);
  });
});
