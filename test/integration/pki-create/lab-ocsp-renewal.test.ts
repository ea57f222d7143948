// The lab's OCSP responder after `lab intermediate`: the retired intermediate still answers for its devices through
// a responder of its own, the root says it is revoked, and the new intermediate answers for the devices issued again.
// OpenSSL verifies every answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openssl } from '../../support/openssl';
import { freeLoopbackPort } from '../../support/net';
import { initLab, issueDevices, openLab, renewIntermediate, revoke, type Lab } from '../../../src/core/lab/pki';
import { startLabServer, type LabServer } from '../../../src/core/lab/serve';

const CA_PW = 'lab-ca-password';
let work: string;
let server: LabServer;
let ocspUrl: string;
const pem: Record<string, string> = {};

async function ask(issuer: string, cert: string): Promise<{ code: number; text: string }> {
  const r = await openssl([
    'ocsp',
    ...['-url', ocspUrl, '-CAfile', pem.cas!, '-issuer', pem[issuer]!, '-cert', pem[cert]!],
  ]);
  return { code: r.code, text: r.stdout + r.stderr };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onboard-lab-ocsp-renewal-'));
  const port = await freeLoopbackPort();
  ocspUrl = `http://127.0.0.1:${port}/ocsp`;
  const dir = join(work, 'lab');
  let lab: Lab = await initLab({
    dir,
    name: 'Renewal Lab',
    intermediate: true,
    crlBaseUrl: `http://127.0.0.1:${port}/pki`,
    ocspUrl,
    caPassword: CA_PW,
  });
  const issue = async (out: string) =>
    (
      await issueDevices(lab, { hosts: ['MAC01.local'], outDir: join(work, out), caPassword: CA_PW, pfxPassword: 'x' })
    )[0]!;
  const before = await issue('before');
  const oldIntermediate = lab.intermediate!.toString();
  await revoke(lab, { certificate: lab.intermediate! });
  await renewIntermediate(lab, CA_PW);
  lab = await openLab(dir);
  const after = await issue('after');
  Object.assign(pem, {
    root: join(dir, 'root.pem'),
    old: join(work, 'old-intermediate.pem'),
    new: join(dir, 'intermediate.pem'),
    before: join(work, 'before', 'MAC01.local.pem'),
    after: join(work, 'after', 'MAC01.local.pem'),
    cas: join(work, 'cas.pem'),
  });
  expect(before.pemPath).toBe(pem.before);
  expect(after.pemPath).toBe(pem.after);
  await writeFile(pem.old!, oldIntermediate);
  await writeFile(pem.cas!, [lab.root.toString(), oldIntermediate, lab.intermediate!.toString()].join(''));
  server = await startLabServer({ dir, httpPort: port, switchPort: 0, caPassword: CA_PW });
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('OCSP across a new intermediate', () => {
  it('the root answers that the old intermediate is revoked and the new one good', async () => {
    const old = await ask('root', 'old');
    expect(old.text).toContain('Response verify OK');
    expect(old.text).toMatch(/old-intermediate\.pem: revoked/);
    const now = await ask('root', 'new');
    expect(now.text).toMatch(/intermediate\.pem: good/);
  });

  it('the retired intermediate still answers for its own device, through a responder of its own', async () => {
    const r = await ask('old', 'before');
    expect(r.text).toContain('Response verify OK');
    expect(r.text).toMatch(/MAC01\.local\.pem: good/);
  });

  it('the new intermediate answers for the device issued again, and not for the old one', async () => {
    expect((await ask('new', 'after')).text).toMatch(/MAC01\.local\.pem: good/);
    // -serial: a CertID naming the new intermediate (name and key) with the serial the old one issued. The records
    // say which CA key issued each serial, so the new one does not vouch for it.
    const serial = (await openssl(['x509', '-in', pem.before!, '-noout', '-serial'])).stdout.trim().split('=')[1]!;
    const r = await openssl([
      'ocsp',
      ...['-url', ocspUrl, '-CAfile', pem.cas!, '-issuer', pem.new!, '-serial', `0x${serial}`],
    ]);
    expect(r.stdout + r.stderr).toContain('Response verify OK');
    expect(r.stdout).toMatch(/: unknown/);
  });
});
