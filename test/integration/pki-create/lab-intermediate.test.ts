// A lab whose intermediate was revoked: OpenSSL rejects what it issued, the lab refuses to issue more, and a new intermediate from the same root fixes it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openssl } from '../../support/openssl';
import { main } from '../../../src/cli/main';
import { runInMemory } from '../../support/cli-io';

const env = { CA_PW: 'int lab ca', PFX_PW: 'int lab pfx' };
const cli = (argv: string[]) => runInMemory(main, argv, env, { cwd: tmpdir() });

let work: string;
let labDir: string;
let outDir: string;

/** openssl verify as a Switch judges a client: chain to the lab root, every CRL of the chain checked. */
async function verifyClient(certPath: string, intermediatePem: string): Promise<{ code: number; text: string }> {
  const ca = join(work, `ca-${Math.random().toString(36).slice(2)}.pem`);
  await writeFile(ca, (await readFile(join(labDir, 'root.pem'), 'utf8')) + intermediatePem);
  const crls: string[] = [];
  for (const name of ['root', 'intermediate']) {
    const r = await openssl(['crl', '-inform', 'DER', '-in', join(labDir, 'crl', `${name}.crl`)]);
    expect(r.code, r.stderr).toBe(0);
    crls.push(r.stdout);
  }
  const crlFile = join(work, `crls-${Math.random().toString(36).slice(2)}.pem`);
  await writeFile(crlFile, crls.join(''));
  const r = await openssl([
    'verify',
    '-purpose',
    'sslclient',
    '-CAfile',
    ca,
    '-crl_check_all',
    '-CRLfile',
    crlFile,
    certPath,
  ]);
  return { code: r.code, text: r.stdout + r.stderr };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onboard-lab-int-'));
  labDir = join(work, 'lab');
  outDir = join(work, 'devices');
  const init = await cli([
    'lab',
    'init',
    '--dir',
    labDir,
    '--name',
    'Int Lab',
    '--intermediate',
    '--crl-base-url',
    'http://127.0.0.1:18082/pki',
    '--ca-password-env',
    'CA_PW',
  ]);
  expect(init.code, init.err).toBe(0);
  const issue = await cli([
    'lab',
    'issue',
    '--dir',
    labDir,
    '--hostname',
    'MAC01.local',
    '--out',
    outDir,
    '--password-env',
    'PFX_PW',
    '--ca-password-env',
    'CA_PW',
  ]);
  expect(issue.code, issue.err).toBe(0);
  await copyFile(join(outDir, 'MAC01.local.pem'), join(work, 'MAC01-old.pem'));
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('a lab whose intermediate is revoked', () => {
  it('OpenSSL rejects the devices of the revoked intermediate once the root CRL is published', async () => {
    const oldIntermediate = await readFile(join(labDir, 'intermediate.pem'), 'utf8');
    expect((await verifyClient(join(work, 'MAC01-old.pem'), oldIntermediate)).code).toBe(0);
    const rv = await cli(['lab', 'revoke', '--dir', labDir, '--cert', join(labDir, 'intermediate.pem')]);
    expect(rv.code, rv.err).toBe(0);
    expect(rv.out.split('\n')[0]).toMatch(/^Revoked CN=Int Lab Issuing CA, O=Int Lab \(serial [0-9a-f]+\)\.$/);
    const crl = await cli(['lab', 'crl', '--dir', labDir, '--ca-password-env', 'CA_PW']);
    expect(crl.code, crl.err).toBe(0);
    const v = await verifyClient(join(work, 'MAC01-old.pem'), oldIntermediate);
    expect(v.code).not.toBe(0);
    expect(v.text).toMatch(/error 23 at 1 depth lookup: certificate revoked/);
  }, 60_000);

  it('refuses to issue from it, leaving the existing files alone', async () => {
    const before = await readFile(join(outDir, 'MAC01.local.pem'), 'utf8');
    const r = await cli([
      'lab',
      'issue',
      '--dir',
      labDir,
      '--hostname',
      'MAC01.local',
      '--out',
      outDir,
      '--force',
      '--password-env',
      'PFX_PW',
      '--ca-password-env',
      'CA_PW',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('was revoked');
    expect(r.err).toContain('onboard lab intermediate');
    expect(await readFile(join(outDir, 'MAC01.local.pem'), 'utf8')).toBe(before);
  });

  it('issues devices OpenSSL accepts again after `lab intermediate`, with the same root', async () => {
    const rootBefore = await readFile(join(labDir, 'root.pem'), 'utf8');
    const n = await cli(['lab', 'intermediate', '--dir', labDir, '--ca-password-env', 'CA_PW']);
    expect(n.code, n.err).toBe(0);
    expect(n.out).toMatch(/^New issuing CA CN=Int Lab Issuing CA 2, O=Int Lab \(serial [0-9a-f]+\)/);
    expect(await readFile(join(labDir, 'root.pem'), 'utf8')).toBe(rootBefore);
    expect(await readdir(join(labDir, 'retired'))).toHaveLength(1);
    const issue = await cli([
      'lab',
      'issue',
      '--dir',
      labDir,
      '--hostname',
      'MAC01.local',
      '--out',
      outDir,
      '--force',
      '--password-env',
      'PFX_PW',
      '--ca-password-env',
      'CA_PW',
    ]);
    expect(issue.code, issue.err).toBe(0);
    const newIntermediate = await readFile(join(labDir, 'intermediate.pem'), 'utf8');
    const fresh = await verifyClient(join(outDir, 'MAC01.local.pem'), newIntermediate);
    expect(fresh.code, fresh.text).toBe(0);
    // The old device stays rejected: its intermediate is revoked, and no CRL is signed by it any more.
    const [retired] = await readdir(join(labDir, 'retired'));
    const old = await verifyClient(
      join(work, 'MAC01-old.pem'),
      await readFile(join(labDir, 'retired', retired!), 'utf8'),
    );
    expect(old.code).not.toBe(0);
    // The PFX carries the new intermediate, which OpenSSL reads without -legacy.
    const info = await openssl(['pkcs12', '-in', join(outDir, 'MAC01.local.pfx'), '-nokeys', '-passin', 'env:PFX_PW'], {
      env,
    });
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain('subject=O = Int Lab, CN = Int Lab Issuing CA 2');
  }, 120_000);
});
