// runVerification against a lab that answers OCSP: the device and its intermediate judged "good" through the lab's
// delegated responders, a revocation caught by OCSP at once (before any new CRL is signed, while the Switch still
// lets the device in), and the OCSP findings in the report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import { initLab, issueDevices, issuerChain, revoke, type Lab } from '../../../src/core/lab/pki';
import { startLabServer, type LabServer } from '../../../src/core/lab/serve';
import { readPfx } from '../../../src/core/pki/pkcs12';
import { runVerification, type ClientIdentity } from '../../../src/core/verify/verify';
import { buildReport, renderReportHtml } from '../../../src/core/verify/report';
import { freePort } from './peers';

const CA_PW = 'lab-ca-password';
const PFX_PW = 'device-pfx-password';
let dir: string;
let lab: Lab;
let server: LabServer;
let switchAddress: string;
let ocspUrl: string;
let cas: X509Certificate[];
const ids: Record<string, ClientIdentity> = {};

async function identity(pfxPath: string): Promise<ClientIdentity> {
  const c = readPfx(await readFile(pfxPath), PFX_PW);
  return { key: c.key!, certificate: c.certificates[0]!, chain: c.certificates.slice(1) };
}

const verify = (who: string) =>
  runVerification({ switchAddress, identity: ids[who]!, caCertificates: cas, timeoutMs: 5000 });
const byId = (r: Awaited<ReturnType<typeof verify>>, id: string) => r.findings.find((f) => f.id === id);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-verify-lab-ocsp-'));
  const [httpPort, switchPort] = [await freePort(), await freePort()];
  ocspUrl = `http://127.0.0.1:${httpPort}/ocsp`;
  lab = await initLab({
    dir: join(dir, 'lab'),
    name: 'OCSP Verify Lab',
    intermediate: true,
    crlBaseUrl: `http://127.0.0.1:${httpPort}/crl`,
    ocspUrl,
    caPassword: CA_PW,
  });
  const devices = await issueDevices(lab, {
    hosts: ['MAC01.local', 'MAC02.local'],
    outDir: join(dir, 'devices'),
    caPassword: CA_PW,
    pfxPassword: PFX_PW,
    concurrency: 2,
  });
  ids.good = await identity(devices[0]!.pfxPath);
  ids.later = await identity(devices[1]!.pfxPath);
  server = await startLabServer({ dir: lab.dir, httpPort, switchPort, caPassword: CA_PW });
  switchAddress = `127.0.0.1:${switchPort}`;
  cas = issuerChain(lab);
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('runVerification asks the lab OCSP responder of every certificate in the chain', () => {
  it('finds the device and its intermediate good, each answer signed by a responder its CA authorised', async () => {
    const r = await verify('good');
    expect(byId(r, 'ocsp-1')).toMatchObject({
      status: 'pass',
      title: `MAC01.local is not revoked (OCSP at ${ocspUrl})`,
    });
    expect(byId(r, 'ocsp-1')!.detail).toMatch(/Signed by the responder .*OCSP Responder.*authorised/);
    expect(byId(r, 'ocsp-1')!.detail).toContain('the nonce sent was echoed');
    expect(byId(r, 'ocsp-2')).toMatchObject({ status: 'pass' });
    expect(byId(r, 'ocsp-2')!.title).toContain('Issuing CA');
    expect(r.ok).toBe(true);
    const html = renderReportHtml(buildReport({ result: r, clientCertificate: ids.good!.certificate, secrets: [] }));
    expect(html).toContain('>ocsp-1<');
    expect(html).toContain('>ocsp-2<');
  });

  it('catches a revocation at once by OCSP, before any new CRL is signed and while the Switch still accepts', async () => {
    expect(byId(await verify('later'), 'ocsp-1')!.status).toBe('pass');
    await revoke(lab, { certificate: ids.later!.certificate });
    const r = await verify('later');
    expect(byId(r, 'ocsp-1')).toMatchObject({ status: 'fail', title: 'MAC02.local is revoked' });
    expect(byId(r, 'ocsp-1')!.detail).toMatch(/was revoked on \d{4}-\d\d-\d\dT/);
    // The CRL still predates the revocation: only OCSP knows, and the verdict says so.
    expect(byId(r, 'crl-1')!.status).toBe('pass');
    expect(byId(r, 'switch-client-auth')!.status).toBe('pass');
    expect(r.ok).toBe(false);
    expect(byId(await verify('good'), 'ocsp-1')!.status).toBe('pass');
  });
});
