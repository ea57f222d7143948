import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';
import { spawn } from 'node:child_process';
import WebSocket from 'ws';
import { openssl } from '../../support/openssl';
import { main } from '../../../src/cli/main';
import { runInMemory } from '../../support/cli-io';
import { startLabServer, type LabServer, type LabServerEvent } from '../../../src/core/lab/serve';
import { openLab, unlockCa, caCertificate, crlUrlFor } from '../../../src/core/lab/pki';
import { buildCertificate } from '../../../src/core/pki/build';
import { readPfx } from '../../../src/core/pki/pkcs12';
import { checkClientCertificate } from '../../../src/core/pki/requirements';
import { generateKeyPairSync } from 'node:crypto';

const env = { CA_PW: 'lab ca secret', PFX_PW: 'device-pfx-pw' };

const cli = (argv: string[]) => runInMemory(main, argv, env, { cwd: tmpdir() });

let work: string;
let labDir: string;
let outDir: string;
let caFile: string;

/** Extracts cert+key PEM from a lab PFX with OpenSSL (the way a technician would for s_client). */
async function identityPem(host: string): Promise<string> {
  const p = join(work, `${host}.identity.pem`);
  const r = await openssl(
    ['pkcs12', '-in', join(outDir, `${host}.pfx`), '-nodes', '-passin', 'env:PFX_PW', '-out', p],
    { env },
  );
  expect(r.code, r.stderr).toBe(0);
  return p;
}

async function crlPemFile(): Promise<string> {
  const parts: string[] = [];
  for (const ca of ['root', 'intermediate']) {
    const r = await openssl(['crl', '-inform', 'DER', '-in', join(labDir, 'crl', `${ca}.crl`)]);
    expect(r.code, r.stderr).toBe(0);
    parts.push(r.stdout);
  }
  const p = join(work, `crls-${Date.now()}.pem`);
  await writeFile(p, parts.join(''));
  return p;
}

async function verifyClient(host: string): Promise<{ code: number; text: string }> {
  const r = await openssl([
    'verify',
    '-purpose',
    'sslclient',
    '-CAfile',
    caFile,
    '-crl_check_all',
    '-CRLfile',
    await crlPemFile(),
    join(outDir, `${host}.pem`),
  ]);
  return { code: r.code, text: r.stdout + r.stderr };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onboard-lab-it-'));
  labDir = join(work, 'lab');
  outDir = join(work, 'devices');
  const init = await cli([
    'lab',
    'init',
    '--dir',
    labDir,
    '--name',
    'Revocation Lab',
    '--intermediate',
    '--crl-base-url',
    'http://127.0.0.1:18081/pki',
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
    '--hostname',
    'MAC02.local',
    '--hostname',
    'MAC03.local',
    '--out',
    outDir,
    '--password-env',
    'PFX_PW',
    '--ca-password-env',
    'CA_PW',
  ]);
  expect(issue.code, issue.err).toBe(0);
  caFile = join(work, 'ca.pem');
  await writeFile(
    caFile,
    (await readFile(join(labDir, 'root.pem'), 'utf8')) + (await readFile(join(labDir, 'intermediate.pem'), 'utf8')),
  );
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('lab PKI checked by OpenSSL', () => {
  it('lays out the lab directory with public CA certificates, private 0600 CA keys and DER CRLs', async () => {
    expect(new X509Certificate(await readFile(join(labDir, 'root.pem'))).ca).toBe(true);
    expect((await stat(join(labDir, 'private', 'root.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(labDir, 'private', 'intermediate.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(labDir, 'private', 'intermediate.key'), 'utf8')).toContain(
      'BEGIN ENCRYPTED PRIVATE KEY',
    );
    const r = await openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      join(labDir, 'crl', 'intermediate.crl'),
      '-noout',
      '-text',
    ]);
    expect(r.stdout).toMatch(/Last Update:/);
    expect(r.stdout).toMatch(/Next Update:/);
    expect(r.stdout).toMatch(/No Revoked Certificates/);
  });

  it('issues device certificates that openssl verify accepts for client auth with CRL checks', async () => {
    const v = await verifyClient('MAC01.local');
    expect(v.text).toContain(': OK');
    expect(v.code).toBe(0);
  });

  it('points device certificates at URL/intermediate.crl and the intermediate at URL/root.crl', async () => {
    const lab = await openLab(labDir);
    const leaf = new X509Certificate(await readFile(join(outDir, 'MAC01.local.pem')));
    const text = (
      await openssl(['x509', '-in', join(outDir, 'MAC01.local.pem'), '-noout', '-ext', 'crlDistributionPoints'])
    ).stdout;
    expect(text).toContain(crlUrlFor(lab.config, 'intermediate'));
    expect(text).toContain('http://127.0.0.1:18081/pki/intermediate.crl');
    const intText = (
      await openssl(['x509', '-in', join(labDir, 'intermediate.pem'), '-noout', '-ext', 'crlDistributionPoints'])
    ).stdout;
    expect(intText).toContain('http://127.0.0.1:18081/pki/root.crl');
    expect(leaf.subject).toBe('CN=MAC01.local');
  });

  it('issues certificates that pass every 1E requirement check for their host name', async () => {
    const lab = await openLab(labDir);
    const contents = readPfx(await readFile(join(outDir, 'MAC02.local.pfx')), env.PFX_PW);
    const findings = checkClientCertificate({
      certificate: contents.certificates[0]!,
      privateKey: contents.key!,
      caCertificates: [lab.root, lab.intermediate!],
      hostname: 'MAC02.local',
      extraCertificates: contents.certificates.slice(1),
    });
    expect(findings.filter((f) => f.status !== 'pass' && f.status !== 'info')).toEqual([]);
  });

  it('reads every issued PFX with openssl pkcs12 -info without -legacy, as 3DES with a SHA-1 MAC', async () => {
    const r = await openssl(
      ['pkcs12', '-info', '-noout', '-in', join(outDir, 'MAC03.local.pfx'), '-passin', 'env:PFX_PW'],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('MAC: sha1, Iteration 2048');
    expect(r.stderr).toContain('salt length: 8');
    expect(r.stderr).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
  });

  it('fails openssl verify with error 23 after lab revoke and lab crl', async () => {
    const serial = (await openssl(['x509', '-in', join(outDir, 'MAC03.local.pem'), '-noout', '-serial'])).stdout
      .trim()
      .replace(/^serial=/, '');
    const rv = await cli(['lab', 'revoke', '--dir', labDir, '--serial', serial]);
    expect(rv.code, rv.err).toBe(0);
    expect(rv.out).toContain('Revoked CN=MAC03.local (serial');
    // Not yet published: the old CRL still lets it through.
    expect((await verifyClient('MAC03.local')).code).toBe(0);
    const crl = await cli(['lab', 'crl', '--dir', labDir, '--ca-password-env', 'CA_PW']);
    expect(crl.code, crl.err).toBe(0);
    const v = await verifyClient('MAC03.local');
    expect(v.code).not.toBe(0);
    expect(v.text).toMatch(/error 23 at 0 depth lookup: certificate revoked/);
    expect((await verifyClient('MAC01.local')).code).toBe(0);
  });
});

/** Runs openssl s_server as a Switch would be configured, and connects one client to it. */
async function sServerVerdict(identity: string | null): Promise<{ accepted: boolean; serverLog: string }> {
  // s_server -CRL takes one CRL: the issuing CA's, checked for the leaf (-crl_check), as in the issue.
  const crl = join(work, 'issuing-crl.pem');
  const conv = await openssl(['crl', '-inform', 'DER', '-in', join(labDir, 'crl', 'intermediate.crl'), '-out', crl]);
  expect(conv.code, conv.stderr).toBe(0);
  const serverCert = join(work, 'srv');
  const sc = await cli([
    'lab',
    'server-cert',
    '--dir',
    labDir,
    '--dns',
    'localhost',
    '--ip',
    '127.0.0.1',
    '--out',
    serverCert,
    '--force',
    '--ca-password-env',
    'CA_PW',
  ]);
  expect(sc.code, sc.err).toBe(0);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      join(serverCert, 'localhost.pem'),
      '-key',
      join(serverCert, 'localhost.key'),
      '-Verify',
      '1',
      '-verify_return_error',
      '-CAfile',
      caFile,
      '-crl_check',
      '-CRL',
      crl,
      '-rev',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let serverLog = '';
  server.stdout.on('data', (d: Buffer) => (serverLog += d.toString()));
  server.stderr.on('data', (d: Buffer) => (serverLog += d.toString()));
  try {
    for (let i = 0; i < 100 && !serverLog.includes('ACCEPT'); i++) await new Promise((r) => setTimeout(r, 50));
    const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', caFile, '-tls1_2'];
    if (identity) args.push('-cert', identity, '-key', identity);
    const c = await openssl(args, { input: 'hello\n' });
    return { accepted: c.code === 0 && !/alert/.test(c.stderr), serverLog: serverLog + c.stderr };
  } finally {
    server.kill('SIGTERM');
  }
}

describe('openssl s_server configured like a Switch', () => {
  it('accepts an issued device certificate', async () => {
    const v = await sServerVerdict(await identityPem('MAC01.local'));
    expect(v.accepted, v.serverLog).toBe(true);
  });

  it('rejects the revoked device certificate', async () => {
    const v = await sServerVerdict(await identityPem('MAC03.local'));
    expect(v.accepted).toBe(false);
    expect(v.serverLog).toMatch(/certificate revoked/);
  });
});

describe('the Switch stand-in of lab serve', () => {
  let server: LabServer;
  const events: LabServerEvent[] = [];
  let port: number;
  beforeAll(async () => {
    server = await startLabServer({
      dir: labDir,
      httpPort: 0,
      switchPort: 0,
      caPassword: env.CA_PW,
      log: (e) => events.push(e),
    });
    port = Number(new URL(server.switchUrl.replace(/^wss/, 'https')).port);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Connects with a client certificate and waits for the stand-in's first message, or the close. */
  async function wsVerdict(
    identity: { cert: string; key: string } | null,
  ): Promise<{ opened: boolean; message?: string }> {
    const ca = await readFile(caFile, 'utf8');
    return new Promise((resolve) => {
      const ws = new WebSocket(server.switchUrl, { ca, ...(identity ?? {}), handshakeTimeout: 5000 });
      const timer = setTimeout(() => {
        ws.terminate();
        resolve({ opened: false });
      }, 8000);
      ws.on('message', (m) => {
        clearTimeout(timer);
        ws.close();
        resolve({ opened: true, message: m.toString() });
      });
      ws.on('error', () => {
        clearTimeout(timer);
        resolve({ opened: false });
      });
      ws.on('close', () => {
        clearTimeout(timer);
        resolve({ opened: false });
      });
    });
  }

  async function identityOf(host: string): Promise<{ cert: string; key: string }> {
    const c = readPfx(await readFile(join(outDir, `${host}.pfx`)), env.PFX_PW);
    return { cert: c.certificates[0]!.toString(), key: c.key!.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }

  const lastFor = (device: string | undefined) =>
    [...events].reverse().find((e) => (e.kind === 'accepted' || e.kind === 'rejected') && e.device === device);

  it('serves the CRLs over HTTP at the CDP path', async () => {
    const res = await fetch(`${server.crlUrl}/intermediate.crl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(await readFile(join(labDir, 'crl', 'intermediate.crl')));
    expect(server.crlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pki$/);
    expect((await fetch(`${server.crlUrl}/../index.json`)).status).toBe(404);
  });

  it('accepts an issued device over wss and logs it as accepted', async () => {
    const v = await wsVerdict(await identityOf('MAC01.local'));
    expect(v.opened).toBe(true);
    expect(JSON.parse(v.message!)).toMatchObject({ device: 'MAC01.local' });
    expect(lastFor('MAC01.local')?.kind).toBe('accepted');
  });

  it('rejects the revoked device, closes its connection and logs why', async () => {
    const v = await wsVerdict(await identityOf('MAC03.local'));
    expect(v.opened).toBe(false);
    expect(lastFor('MAC03.local')).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/revoked/) });
  });

  it('rejects a device that sends no client certificate', async () => {
    const before = events.length;
    const v = await wsVerdict(null);
    expect(v.opened).toBe(false);
    expect(
      events.slice(before).some((e) => e.kind === 'rejected' && /no client certificate/.test(e.reason ?? '')),
    ).toBe(true);
  });

  it('rejects a lab-signed certificate without Client Authentication as unsuitable', async () => {
    const lab = await openLab(labDir);
    const issuerKey = await unlockCa(lab, 'intermediate', env.CA_PW);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = buildCertificate({
      subject: { commonName: 'NOEKU.local' },
      publicKey: privateKey,
      signer: { key: issuerKey, certificate: caCertificate(lab, 'intermediate') },
      notAfter: new Date(Date.now() + 86400_000),
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['serverAuth'],
      dnsNames: ['NOEKU.local'],
      crlUrls: [crlUrlFor(lab.config, 'intermediate')],
    });
    const v = await wsVerdict({
      cert: cert.toString(),
      key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    expect(v.opened).toBe(false);
    expect(lastFor('NOEKU.local')).toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/client authentication/i),
    });
  });

  it('rejects a certificate from a CA outside the lab', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const self = buildCertificate({
      subject: { commonName: 'ROGUE.local' },
      publicKey: privateKey,
      signer: { key: privateKey },
      notAfter: new Date(Date.now() + 86400_000),
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['clientAuth'],
      dnsNames: ['ROGUE.local'],
    });
    const v = await wsVerdict({
      cert: self.toString(),
      key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    expect(v.opened).toBe(false);
    expect(lastFor('ROGUE.local')?.kind).toBe('rejected');
  });

  it('picks up a newly published CRL without a restart', async () => {
    const serial = new X509Certificate(await readFile(join(outDir, 'MAC02.local.pem'))).serialNumber;
    expect((await wsVerdict(await identityOf('MAC02.local'))).opened).toBe(true);
    expect((await cli(['lab', 'revoke', '--dir', labDir, '--serial', serial])).code).toBe(0);
    expect((await cli(['lab', 'crl', '--dir', labDir, '--ca-password-env', 'CA_PW'])).code).toBe(0);
    expect((await wsVerdict(await identityOf('MAC02.local'))).opened).toBe(false);
    expect(lastFor('MAC02.local')).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/revoked/) });
  });

  it('keeps TLS 1.3 clients waiting for the verdict: a revoked device sees the connection closed after the handshake', async () => {
    const { cert, key } = await identityOf('MAC03.local');
    const ca = await readFile(caFile, 'utf8');
    const outcome = await new Promise<string>((resolve) => {
      const s: TLSSocket = connect({
        host: '127.0.0.1',
        port,
        ca,
        cert,
        key,
        servername: 'localhost',
        minVersion: 'TLSv1.3',
      });
      const timer = setTimeout(() => {
        s.destroy();
        resolve('timeout');
      }, 8000);
      s.on('secureConnect', () => s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      s.on('data', () => {
        clearTimeout(timer);
        s.destroy();
        resolve('answered');
      });
      s.on('error', () => {
        clearTimeout(timer);
        resolve('closed');
      });
      s.on('close', () => {
        clearTimeout(timer);
        resolve('closed');
      });
    });
    expect(outcome).toBe('closed');
  });
});
