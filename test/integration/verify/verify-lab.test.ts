import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import { initLab, issueDevices, issuerChain, revoke, writeCrls, type Lab } from '../../../src/core/lab/pki';
import { startLabServer, type LabServer } from '../../../src/core/lab/serve';
import { readPfx } from '../../../src/core/pki/pkcs12';
import { runVerification, type ClientIdentity, type VerifyProgress } from '../../../src/core/verify/verify';
import { buildReport, renderReportHtml } from '../../../src/core/verify/report';
import { SimulatedMac } from '../../../src/core/macos/executors/simulated';
import { freePort } from './peers';

const CA_PW = 'lab-ca-password';
const PFX_PW = 'device-pfx-password';
let dir: string;
let lab: Lab;
let server: LabServer;
let switchAddress: string;
let cas: X509Certificate[];
const ids: Record<string, ClientIdentity> = {};

async function identity(pfxPath: string): Promise<ClientIdentity> {
  const c = readPfx(await readFile(pfxPath), PFX_PW);
  return { key: c.key!, certificate: c.certificates[0]!, chain: c.certificates.slice(1) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-verify-lab-'));
  const [httpPort, switchPort] = [await freePort(), await freePort()];
  lab = await initLab({
    dir: join(dir, 'lab'),
    name: 'Verify Lab',
    intermediate: true,
    crlBaseUrl: `http://127.0.0.1:${httpPort}/crl`,
    caPassword: CA_PW,
  });
  const devices = await issueDevices(lab, {
    hosts: ['MAC01.local', 'MAC02.local'],
    outDir: join(dir, 'devices'),
    caPassword: CA_PW,
    pfxPassword: PFX_PW,
    concurrency: 2,
  });
  const [ok, gone] = devices;
  ids.accepted = await identity(ok!.pfxPath);
  ids.revoked = await identity(gone!.pfxPath);
  await revoke(lab, { certificate: ids.revoked.certificate });
  await writeCrls(lab, CA_PW);
  server = await startLabServer({ dir: lab.dir, httpPort, switchPort, caPassword: CA_PW });
  switchAddress = `127.0.0.1:${switchPort}`;
  cas = issuerChain(lab);
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('runVerification against the lab Switch stand-in', () => {
  it('verifies a lab device end to end: Switch accepts it, its CRLs are current, progress reported per check', async () => {
    const events: VerifyProgress[] = [];
    const r = await runVerification({
      switchAddress,
      identity: ids.accepted!,
      caCertificates: cas,
      timeoutMs: 5000,
      onProgress: (e) => events.push(e),
    });
    const status = Object.fromEntries(r.findings.map((f) => [f.id, f.status]));
    expect(status).toMatchObject({
      'client-identity': 'pass',
      'switch-tcp': 'pass',
      'switch-server-cert': 'pass',
      'switch-client-auth': 'pass',
      'crl-1': 'pass',
      'crl-2': 'pass',
    });
    expect(r.ok).toBe(true);
    expect(r.switchAnswer).toMatch(/^HTTP\/1\.1 \d{3}/);
    expect(events.filter((e) => e.status === 'running').map((e) => e.id)).toEqual([
      'ca-certificates',
      'client-identity',
      'switch',
      'crl',
      'ocsp',
    ]);
    expect(events.filter((e) => e.status === 'done').map((e) => e.id)).toEqual(r.findings.map((f) => f.id));
  });

  it('never reports the revoked lab device as accepted', async () => {
    const r = await runVerification({ switchAddress, identity: ids.revoked!, caCertificates: cas, timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    expect(r.findings.find((f) => f.id === 'switch-client-auth')!.status).toBe('fail');
    expect(r.findings.find((f) => f.id === 'crl-1')).toMatchObject({ status: 'fail', title: 'MAC02.local is revoked' });
    expect(r.switchAnswer).toBeUndefined();
  });

  it('adds the Mac-side checks and the machine facts when given an executor', async () => {
    const mac = new SimulatedMac({
      localHostName: 'MAC01',
      arch: 'x86_64',
      client: { version: '24.1.0.100', conf: `Switch=${switchAddress}\n`, running: true },
    });
    const events: VerifyProgress[] = [];
    const r = await runVerification({
      switchAddress,
      identity: ids.accepted!,
      caCertificates: cas,
      timeoutMs: 5000,
      executor: mac,
      onProgress: (e) => events.push(e),
    });
    expect(events.filter((e) => e.status === 'running').map((e) => e.id)).toContain('mac');
    expect(r.findings.find((f) => f.id === 'mac-conf')!.status).toBe('pass');
    // Nothing was imported into this simulated keychain, so the Mac side fails while the Switch accepts the PFX.
    expect(r.findings.find((f) => f.id === 'mac-identity')!.status).toBe('fail');
    expect(r.findings.find((f) => f.id === 'switch-client-auth')!.status).toBe('pass');
    expect(r.ok).toBe(false);
    expect(r.machine).toEqual(expect.arrayContaining([{ label: 'Architecture', value: 'Intel (x86_64)' }]));
  });

  it('fails the run when the Switch accepts the device but the Mac does not trust the root CA it holds', async () => {
    const certificates = cas.map((c) => ({ certificate: c }));
    const mac = new SimulatedMac({
      localHostName: 'MAC01',
      arch: 'x86_64',
      certificates,
      client: { version: '24.1.0.100', conf: `Switch=${switchAddress}\n`, running: true },
    });
    const r = await runVerification({
      switchAddress,
      identity: ids.accepted!,
      caCertificates: cas,
      timeoutMs: 5000,
      executor: mac,
    });
    expect(r.findings.find((f) => f.id === 'switch-client-auth')!.status).toBe('pass');
    const ca = r.findings.find((f) => f.id === 'mac-ca-certificates')!;
    expect(ca).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('is in the System keychain but not trusted'),
      fix: expect.stringContaining('add-trusted-cert -d -r trustRoot'),
    });
    expect(r.ok).toBe(false);
  });

  it('makes a report of the run that names the device and every check', async () => {
    const r = await runVerification({ switchAddress, identity: ids.accepted!, caCertificates: cas, timeoutMs: 5000 });
    const html = renderReportHtml(
      buildReport({ result: r, clientCertificate: ids.accepted!.certificate, secrets: [PFX_PW] }),
    );
    expect(html).toContain('VERIFIED');
    for (const f of r.findings) expect(html).toContain(`>${f.id}<`);
    expect(html).toContain('MAC01.local');
  });
});

describe('cancelling a verification', () => {
  let silent: Server;
  let port = 0;
  beforeAll(async () => {
    // Accepts TCP and never says a word: without cancel the probe would wait for its timeout.
    silent = createServer(() => undefined);
    port = await freePort();
    await new Promise<void>((r) => silent.listen(port, '127.0.0.1', r));
  });
  afterAll(async () => {
    silent.close();
  });

  it('stops promptly with a cancellation error when the signal fires', async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 200);
    // The probe's own timeout is far beyond the test's: only the cancel can end this in time.
    await expect(
      runVerification({
        switchAddress: `127.0.0.1:${port}`,
        identity: ids.accepted!,
        caCertificates: cas,
        timeoutMs: 600_000,
        signal: ctl.signal,
      }),
    ).rejects.toMatchObject({ code: 'verify-cancelled' });
  });
});
