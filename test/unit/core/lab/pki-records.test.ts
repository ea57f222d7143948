// The lab's records: damaged lab.json/index.json named as such, lab names checked, CRL numbers never reused, and an
// intermediate swap finished by the next command after a kill.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile, writeFile, cp, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { initLab, openLab, issueDevices, revoke, unlockCa, writeCrls, type Lab } from '../../../../src/core/lab/pki';
import { encryptKey, labPaths, serialOf } from '../../../../src/core/lab/pki/folder';
import { stageAndCommit } from '../../../../src/core/lab/pki/intermediate-change';
import { buildCertificate } from '../../../../src/core/pki/build';
import { OnboardError } from '../../../../src/core/errors';

const CA_PW = 'records pw';
let work: string;
let lab: Lab;

async function errorOf(p: Promise<unknown>): Promise<OnboardError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OnboardError) return e;
    throw e;
  }
  throw new Error('no error');
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onboard-lab-records-'));
  lab = await initLab({
    dir: join(work, 'lab'),
    name: 'Records Lab',
    intermediate: true,
    crlBaseUrl: 'http://127.0.0.1:8080/crl',
    caPassword: CA_PW,
  });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function copyWith(file: 'lab.json' | 'index.json', text: string | null): Promise<string> {
  const dir = join(work, `damaged-${Math.random().toString(36).slice(2)}`);
  await cp(lab.dir, dir, { recursive: true });
  if (text === null) await rm(join(dir, file));
  else await writeFile(join(dir, file), text);
  return dir;
}

describe('a damaged lab', () => {
  const config = () => JSON.parse(JSON.stringify(lab.config)) as Record<string, unknown>;
  const cases: [string, 'lab.json' | 'index.json', () => string | null, RegExp][] = [
    ['lab.json {}', 'lab.json', () => '{}', /unknown format/],
    ['lab.json []', 'lab.json', () => '[]', /does not hold an object/],
    ['lab.json null', 'lab.json', () => 'null', /does not hold an object/],
    ['no crlBaseUrl', 'lab.json', () => JSON.stringify({ ...config(), crlBaseUrl: undefined }), /no crlBaseUrl/],
    ['a crlBaseUrl of 5', 'lab.json', () => JSON.stringify({ ...config(), crlBaseUrl: 5 }), /no crlBaseUrl/],
    ['index.json {}', 'index.json', () => '{}', /no crlNumbers/],
    ['index.json null', 'index.json', () => 'null', /does not hold an object/],
    ['index.json []', 'index.json', () => '[]', /does not hold an object/],
    ['no issued list', 'index.json', () => '{"crlNumbers":{}}', /no list of issued/],
    [
      'a record without serial',
      'index.json',
      () => '{"crlNumbers":{},"issued":[{}]}',
      /issued\[0\] has no usable serial/,
    ],
    ['a missing index', 'index.json', () => null, /index\.json is missing/],
  ];
  for (const [what, file, text, why] of cases) {
    it(`names ${what} as damage, never a TypeError`, async () => {
      const e = await errorOf(openLab(await copyWith(file, text())));
      expect(e.code).toBe('not-a-lab');
      expect(e.message).toMatch(why);
    });
  }

  it('refuses a CA key that does not belong to its certificate', async () => {
    const dir = await copyWith('index.json', await readFile(labPaths(lab.dir).index, 'utf8'));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(labPaths(dir).key('intermediate'), encryptKey(privateKey, CA_PW));
    const e = await errorOf(unlockCa(await openLab(dir), 'intermediate', CA_PW));
    expect(e.message).toMatch(/does not belong to intermediate\.pem/);
  });
});

describe('lab names', () => {
  for (const name of ['Evil\u001b]0;pwned\u0007', 'Two\nLines', 'Hidden\u202eRLO', 'x'.repeat(50), 'x'.repeat(65)]) {
    it(`refuses ${JSON.stringify(name).slice(0, 30)}, creating nothing`, async () => {
      const dir = join(work, `named-${Math.random().toString(36).slice(2)}`);
      const e = await errorOf(
        initLab({ dir, name, intermediate: false, crlBaseUrl: 'http://x.test/crl', caPassword: CA_PW }),
      );
      expect(e.code).toBe('bad-lab-name');
      expect(existsSync(dir)).toBe(false);
    });
  }
});

describe('CRL numbers', () => {
  it('are taken before the CRL is written, so a CRL lost midway leaves a gap, never a reuse', async () => {
    const crlNumber = async () =>
      JSON.parse(await readFile(labPaths(lab.dir).index, 'utf8')).crlNumbers.intermediate as number;
    const before = await crlNumber();
    // A CRL that cannot be written (a non-empty folder in its place) fails after its number was taken.
    const target = labPaths(lab.dir).crl('intermediate');
    await rm(target);
    await mkdir(join(target, 'in-the-way'), { recursive: true });
    try {
      await expect(writeCrls(lab, CA_PW)).rejects.toThrow();
    } finally {
      await rm(target, { recursive: true });
    }
    expect(await crlNumber()).toBe(before + 1);
    await writeCrls(lab, CA_PW);
    expect(await crlNumber()).toBe(before + 2);
  });
});

describe('an intermediate swap killed after it was committed', () => {
  it('is finished by the next command: the key matches, the old pair is retired, the new one is recorded', async () => {
    const dir = join(work, 'swap');
    await cp(lab.dir, dir, { recursive: true });
    let l = await openLab(dir);
    const old = l.intermediate!;
    await revoke(l, { certificate: old });
    const rootKey = await unlockCa(l, 'root', CA_PW);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const next = buildCertificate({
      subject: { organization: 'Records Lab', commonName: 'Records Lab Issuing CA 2' },
      publicKey: privateKey,
      signer: { key: rootKey, certificate: l.root },
      notBefore: new Date(Date.now() - 3600_000),
      notAfter: new Date(Date.now() + 86_400_000),
      ca: { pathLength: 0 },
      keyUsage: ['keyCertSign', 'cRLSign'],
    });
    // What `lab intermediate` has done when it is killed right after its commit marker: nothing visible yet.
    await stageAndCommit(
      dir,
      { certPem: next.toString(), encryptedKey: encryptKey(privateKey, CA_PW) },
      { certPem: old.toString(), encryptedKey: await readFile(labPaths(dir).key('intermediate'), 'utf8') },
    );
    await mkdir(join(work, 'swap-out'));
    l = await openLab(dir);
    const [issued] = await issueDevices(l, {
      hosts: ['after.swap.test'],
      outDir: join(work, 'swap-out'),
      caPassword: CA_PW,
      pfxPassword: 'pfx pw',
    });
    const cert = new X509Certificate(await readFile(issued!.pemPath, 'utf8'));
    expect(cert.checkIssued(next)).toBe(true);
    expect(cert.verify(next.publicKey)).toBe(true);
    expect(existsSync(labPaths(dir).retiredCert(serialOf(old.serialNumber)))).toBe(true);
    expect(l.index.issued.some((r) => r.serial === serialOf(next.serialNumber))).toBe(true);
    expect(existsSync(join(dir, 'private', 'intermediate-next'))).toBe(false);
  }, 30_000);

  it('throws away a swap that was never committed', async () => {
    const dir = join(work, 'uncommitted');
    await cp(lab.dir, dir, { recursive: true });
    const staging = join(dir, 'private', 'intermediate-next');
    await mkdir(staging);
    await writeFile(join(staging, 'intermediate.pem'), 'half');
    const l = await openLab(dir);
    const before = l.intermediate!.serialNumber;
    await revoke(l, { serial: '7f' }).catch(() => undefined);
    expect(existsSync(staging)).toBe(false);
    expect((await openLab(dir)).intermediate!.serialNumber).toBe(before);
  });
});
