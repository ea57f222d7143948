import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile, readdir, rename, stat, writeFile, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import {
  initLab,
  openLab,
  issueDevices,
  issueServerCert,
  parseHostsCsv,
  renewIntermediate,
  revoke,
  subjectLine,
  unlockCa,
  writeCrls,
  type Lab,
} from '../../../../src/core/lab/pki';
import { readPfx, analysePfx } from '../../../../src/core/pki/pkcs12';
import { checkClientCertificate } from '../../../../src/core/pki/requirements';
import { OnboardError } from '../../../../src/core/errors';

const CA_PW = 'unit ca pw';
let work: string;
let lab: Lab;
let ecLab: Lab;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return e instanceof OnboardError ? e.code : `not an OnboardError: ${String(e)}`;
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onboard-lab-unit-'));
  lab = await initLab({
    dir: join(work, 'rsa'),
    name: 'Unit Lab',
    intermediate: true,
    crlBaseUrl: 'http://127.0.0.1:8080/crl/',
    caPassword: CA_PW,
  });
  ecLab = await initLab({
    dir: join(work, 'ec'),
    name: 'EC Lab',
    intermediate: false,
    crlBaseUrl: 'http://pki.lab.local',
    keyType: 'ec',
    caPassword: CA_PW,
  });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('parseHostsCsv', () => {
  it('takes the first column, skips a header, blank lines and comments, and reports bad lines by number', () => {
    const r = parseHostsCsv(
      'hostname,owner\nMAC01.local,alice\n\n# spare\nmac_02.local,bob\n,carol\nmac01.LOCAL,dave\n"MAC03.local",erin\n',
    );
    expect(r.hosts).toEqual([
      { host: 'MAC01.local', line: 2 },
      { host: 'MAC03.local', line: 8 },
    ]);
    expect(r.problems).toEqual([
      { line: 5, message: expect.stringMatching(/characters other than/) },
      { line: 6, message: 'empty host name' },
      { line: 7, message: '"mac01.LOCAL" is a duplicate of line 2' },
    ]);
  });
});

describe('initLab and openLab', () => {
  it('writes public CA certificates, encrypted 0600 keys in a 0700 folder, an index and first CRLs', async () => {
    expect((await readdir(lab.dir)).sort()).toEqual([
      'crl',
      'index.json',
      'intermediate.pem',
      'lab.json',
      'private',
      'root.pem',
    ]);
    expect((await stat(join(lab.dir, 'private'))).mode & 0o777).toBe(0o700);
    expect((await readdir(join(lab.dir, 'crl'))).sort()).toEqual(['intermediate.crl', 'root.crl']);
    expect(lab.config.crlBaseUrl).toBe('http://127.0.0.1:8080/crl');
    expect(lab.intermediate!.checkIssued(lab.root)).toBe(true);
  });

  it('makes an EC lab whose root signs with ECDSA', () => {
    expect(ecLab.root.publicKey.asymmetricKeyType).toBe('ec');
    expect(ecLab.intermediate).toBeUndefined();
  });

  it('refuses a folder that is not empty, leaving it untouched', async () => {
    const dir = join(work, 'busy');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'mine');
    expect(
      await codeOf(initLab({ dir, name: 'X', intermediate: false, crlBaseUrl: 'http://x', caPassword: CA_PW })),
    ).toBe('lab-dir-not-empty');
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('refuses a non-HTTP CRL base URL and an empty CA password, creating nothing', async () => {
    expect(
      await codeOf(
        initLab({
          dir: join(work, 'l1'),
          name: 'X',
          intermediate: false,
          crlBaseUrl: 'ldap://dc/crl',
          caPassword: CA_PW,
        }),
      ),
    ).toBe('bad-crl-url');
    expect(
      await codeOf(
        initLab({ dir: join(work, 'l2'), name: 'X', intermediate: false, crlBaseUrl: 'http://x', caPassword: '' }),
      ),
    ).toBe('empty-ca-password');
    expect((await readdir(work)).filter((n) => n.startsWith('l') || n.startsWith('.l'))).toEqual([]);
  });

  it('says a folder is not a lab when lab.json is missing', async () => {
    expect(await codeOf(openLab(work))).toBe('not-a-lab');
  });

  it('says the CA password is wrong rather than that the key is damaged', async () => {
    expect(await codeOf(unlockCa(lab, 'root', 'not it'))).toBe('lab-wrong-ca-password');
  });
});

describe('issueDevices', () => {
  let out: string;
  beforeAll(async () => {
    out = join(work, 'devices');
    await issueDevices(lab, {
      hosts: ['MAC01.local', 'MAC02.local'],
      outDir: out,
      caPassword: CA_PW,
      pfxPassword: 'pfx pw',
    });
  });

  it('writes <host>.pfx (0600, macOS-compatible) and <host>.pem that pass every 1E check', async () => {
    const pfx = await readFile(join(out, 'MAC01.local.pfx'));
    expect((await stat(join(out, 'MAC01.local.pfx'))).mode & 0o777).toBe(0o600);
    expect(analysePfx(pfx, 'pfx pw').macOsCompatible).toBe(true);
    const c = readPfx(pfx, 'pfx pw');
    expect(c.friendlyName).toBe('MAC01.local');
    expect(c.certificates.map((x) => x.subject)).toEqual([
      'CN=MAC01.local',
      lab.intermediate!.subject,
      lab.root.subject,
    ]);
    expect(new X509Certificate(await readFile(join(out, 'MAC01.local.pem'))).fingerprint256).toBe(
      c.certificates[0]!.fingerprint256,
    );
    const findings = checkClientCertificate({
      certificate: c.certificates[0]!,
      privateKey: c.key!,
      caCertificates: [lab.root, lab.intermediate!],
      hostname: 'MAC01.local',
    });
    expect(findings.filter((f) => f.status === 'fail' || f.status === 'warn')).toEqual([]);
  });

  it('records each issued certificate in the index with its serial', async () => {
    const index = JSON.parse(await readFile(join(lab.dir, 'index.json'), 'utf8'));
    const serial = new X509Certificate(await readFile(join(out, 'MAC02.local.pem'))).serialNumber.toLowerCase();
    expect(index.issued).toContainEqual(
      expect.objectContaining({ serial, subject: 'MAC02.local', kind: 'device', issuer: 'intermediate' }),
    );
  });

  it('refuses to overwrite existing output unless forced, before issuing anything', async () => {
    const before = (await openLab(lab.dir)).index.issued.length;
    expect(
      await codeOf(
        issueDevices(lab, { hosts: ['MAC09.local', 'MAC01.local'], outDir: out, caPassword: CA_PW, pfxPassword: 'x' }),
      ),
    ).toBe('output-exists');
    expect(await readdir(out)).not.toContain('MAC09.local.pfx');
    expect((await openLab(lab.dir)).index.issued.length).toBe(before);
  });

  it('refuses a wrong CA password without writing files', async () => {
    expect(
      await codeOf(issueDevices(lab, { hosts: ['MAC10.local'], outDir: out, caPassword: 'wrong', pfxPassword: 'x' })),
    ).toBe('lab-wrong-ca-password');
    expect(await readdir(out)).not.toContain('MAC10.local.pfx');
  });

  it('leaves no half-written file when the output folder is not writable', async () => {
    const locked = join(work, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o500);
    try {
      const code = await codeOf(
        issueDevices(lab, { hosts: ['MAC11.local'], outDir: locked, caPassword: CA_PW, pfxPassword: 'x' }),
      );
      expect(code).toBe(process.getuid?.() === 0 ? 'no error' : 'write-failed');
      if (code !== 'no error') expect(await readdir(locked)).toEqual([]);
    } finally {
      await chmod(locked, 0o700);
    }
  });

  it('refuses an invalid or duplicate host name', async () => {
    expect(
      await codeOf(issueDevices(lab, { hosts: ['bad name'], outDir: out, caPassword: CA_PW, pfxPassword: 'x' })),
    ).toBe('bad-hostname');
    expect(
      await codeOf(
        issueDevices(lab, { hosts: ['A.local', 'a.local'], outDir: out, caPassword: CA_PW, pfxPassword: 'x' }),
      ),
    ).toBe('duplicate-host');
  });
});

describe('server certificates, revocation and CRLs', () => {
  it('writes a server certificate with its issuing CA and a 0600 key', async () => {
    const r = await issueServerCert(lab, {
      dnsNames: ['switch.lab.local'],
      ipAddresses: ['127.0.0.1'],
      outDir: join(work, 'srv'),
      caPassword: CA_PW,
    });
    const pem = await readFile(r.certPath, 'utf8');
    expect(pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const cert = new X509Certificate(pem);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.subjectAltName).toBe('DNS:switch.lab.local, IP Address:127.0.0.1');
    expect((await stat(r.keyPath)).mode & 0o777).toBe(0o600);
  });

  it('revokes by serial, says so when already revoked, and refuses unknown serials and the root', async () => {
    const fresh = await openLab(lab.dir);
    const device = fresh.index.issued.find((r) => r.kind === 'device')!;
    expect((await revoke(fresh, { serial: device.serial.toUpperCase() })).alreadyRevoked).toBe(false);
    expect((await revoke(fresh, { serial: device.serial })).alreadyRevoked).toBe(true);
    expect(await codeOf(revoke(fresh, { serial: 'abcdef' }))).toBe('lab-unknown-serial');
    expect(await codeOf(revoke(fresh, { certificate: fresh.root }))).toBe('lab-revoke-root');
  });

  it('numbers each new CRL one higher than the last', async () => {
    const fresh = await openLab(lab.dir);
    const before = fresh.index.crlNumbers.intermediate!;
    await writeCrls(fresh, CA_PW);
    expect((await openLab(lab.dir)).index.crlNumbers.intermediate).toBe(before + 1);
    expect(await codeOf(writeCrls(fresh, 'wrong'))).toBe('lab-wrong-ca-password');
  });
});

describe('subjectLine', () => {
  it('prints stored subjects on one line, most specific first, and bare host names as CN=', () => {
    expect(subjectLine({ subject: 'O=Acme Lab\nCN=Acme Lab Issuing CA' })).toBe('CN=Acme Lab Issuing CA, O=Acme Lab');
    expect(subjectLine({ subject: 'MAC01.local' })).toBe('CN=MAC01.local');
  });
});

describe('a revoked intermediate', () => {
  let rlab: Lab;
  let out: string;
  beforeAll(async () => {
    rlab = await initLab({
      dir: join(work, 'revoked-int'),
      name: 'Rev Lab',
      intermediate: true,
      crlBaseUrl: 'http://127.0.0.1:8080/crl',
      caPassword: CA_PW,
    });
    out = join(work, 'rev-devices');
    await issueDevices(rlab, { hosts: ['OLD01.local'], outDir: out, caPassword: CA_PW, pfxPassword: 'pfx pw' });
    await revoke(rlab, { certificate: rlab.intermediate! });
  }, 120_000);

  it('issues nothing, device or server, and creates no output folder', async () => {
    expect(
      await codeOf(
        issueDevices(rlab, {
          hosts: ['NEW01.local'],
          outDir: join(work, 'never'),
          caPassword: CA_PW,
          pfxPassword: 'x',
        }),
      ),
    ).toBe('lab-issuer-revoked');
    expect(
      await codeOf(issueServerCert(rlab, { dnsNames: ['switch.lab'], outDir: join(work, 'never'), caPassword: CA_PW })),
    ).toBe('lab-issuer-revoked');
    expect(await readdir(work)).not.toContain('never');
  });

  it('leaves the lab as it was when the new intermediate cannot be written', async () => {
    const before = await readFile(join(rlab.dir, 'intermediate.pem'), 'utf8');
    const indexBefore = JSON.parse(await readFile(join(rlab.dir, 'index.json'), 'utf8'));
    // The CRLs are the last thing written: by then the new key and certificate are in place and must be put back.
    await rename(join(rlab.dir, 'crl'), join(rlab.dir, 'crl.aside'));
    await writeFile(join(rlab.dir, 'crl'), 'a file where the CRL folder should be');
    try {
      expect(await codeOf(renewIntermediate(rlab, CA_PW))).toBe('write-failed');
      expect(await readFile(join(rlab.dir, 'intermediate.pem'), 'utf8')).toBe(before);
      const reopened = await openLab(rlab.dir);
      expect(reopened.index.issued).toEqual(indexBefore.issued);
      expect(reopened.retired).toBeUndefined();
      expect(await readdir(join(rlab.dir, 'private'))).toEqual(['intermediate.key', 'root.key']);
      expect(reopened.intermediate!.checkPrivateKey(await unlockCa(reopened, 'intermediate', CA_PW))).toBe(true);
    } finally {
      await rm(join(rlab.dir, 'crl'));
      await rename(join(rlab.dir, 'crl.aside'), join(rlab.dir, 'crl'));
    }
  });

  it('is replaced by a new one from the same root; the old one and its devices stay revocable', async () => {
    const oldInt = rlab.intermediate!;
    const r = await renewIntermediate(rlab, CA_PW);
    const reopened = await openLab(rlab.dir);
    expect(reopened.intermediate!.subject).toBe('O=Rev Lab\nCN=Rev Lab Issuing CA 2');
    expect(reopened.intermediate!.checkIssued(reopened.root)).toBe(true);
    expect(reopened.intermediate!.checkPrivateKey(await unlockCa(reopened, 'intermediate', CA_PW))).toBe(true);
    expect(reopened.retired!.map((c) => c.fingerprint256)).toEqual([oldInt.fingerprint256]);
    expect(r.replaced.serial).toBe(oldInt.serialNumber.toLowerCase().replace(/^(00)+/, ''));
    expect((await stat(join(rlab.dir, 'private', `intermediate-${r.replaced.serial}.key`))).mode & 0o777).toBe(0o600);
    // A device of the old intermediate is still recognised as this lab's.
    const oldDevice = new X509Certificate(await readFile(join(out, 'OLD01.local.pem')));
    expect((await revoke(reopened, { certificate: oldDevice })).alreadyRevoked).toBe(false);
    // And the lab issues again, from the new intermediate, with it in the PFX chain.
    const [dev] = await issueDevices(reopened, {
      hosts: ['NEW01.local'],
      outDir: out,
      caPassword: CA_PW,
      pfxPassword: 'pfx pw',
    });
    const c = readPfx(await readFile(dev!.pfxPath), 'pfx pw');
    expect(c.certificates.map((x) => x.subject)).toEqual([
      'CN=NEW01.local',
      reopened.intermediate!.subject,
      reopened.root.subject,
    ]);
    // Only a revoked intermediate is replaced.
    expect(await codeOf(renewIntermediate(reopened, CA_PW))).toBe('lab-intermediate-not-revoked');
    expect(await codeOf(renewIntermediate(ecLab, CA_PW))).toBe('lab-no-intermediate');
  }, 120_000);
});
