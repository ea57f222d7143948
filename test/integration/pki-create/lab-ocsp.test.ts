// The lab's OCSP responder checked by OpenSSL as the client (`openssl ocsp` verifying every answer against the lab's
// CAs), revocations seen at once without a restart, serials the lab never issued answered "unknown", and Onboard's
// own `check --online` judging lab certificates by it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openssl } from '../../support/openssl';
import { freeLoopbackPort } from '../../support/net';
import { memoryIo, runInMemory } from '../../support/cli-io';
import { main } from '../../../src/cli/main';
import { runLab } from '../../../src/cli/lab';
import { run as check } from '../../../src/cli/check';
import { startLabServer, type LabServer, type LabServerEvent } from '../../../src/core/lab/serve';

const env = { CA_PW: 'lab ca secret', PFX_PW: 'device-pfx-pw' };
const cli = (argv: string[]) => runInMemory(main, argv, env, { cwd: tmpdir() });

let work: string;
let labDir: string;
let outDir: string;
let caFile: string;
let ocspUrl: string;
let server: LabServer;
const events: LabServerEvent[] = [];

/** `openssl ocsp` as a Mac's tooling would run it: a nonce, and the answer verified against the lab's CAs. */
async function ask(...what: string[]): Promise<{ code: number; text: string }> {
  const r = await openssl([
    'ocsp',
    '-url',
    ocspUrl,
    '-CAfile',
    caFile,
    '-issuer',
    join(labDir, 'intermediate.pem'),
    ...what,
    '-timeout',
    '10',
  ]);
  return { code: r.code, text: r.stdout + r.stderr };
}
const device = (host: string) => ['-cert', join(outDir, `${host}.pem`)];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onboard-lab-ocsp-'));
  labDir = join(work, 'lab');
  outDir = join(work, 'devices');
  const port = await freeLoopbackPort();
  ocspUrl = `http://127.0.0.1:${port}/ocsp`;
  const init = await cli([
    'lab',
    'init',
    '--dir',
    labDir,
    '--name',
    'OCSP Lab',
    '--intermediate',
    '--crl-base-url',
    `http://127.0.0.1:${port}/pki`,
    '--ocsp-url',
    ocspUrl,
    '--ca-password-env',
    'CA_PW',
  ]);
  expect(init.code, init.err).toBe(0);
  expect(init.out).toContain(`OCSP responder: ${ocspUrl}`);
  const issue = await cli([
    'lab',
    'issue',
    '--dir',
    labDir,
    ...['MAC01.local', 'MAC02.local', 'MAC03.local'].flatMap((h) => ['--hostname', h]),
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
  server = await startLabServer({
    dir: labDir,
    httpPort: port,
    switchPort: 0,
    caPassword: env.CA_PW,
    log: (e) => events.push(e),
  });
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('the lab answers OCSP', () => {
  it('names the responder in the AIA of the devices and of the intermediate', async () => {
    for (const file of [join(outDir, 'MAC01.local.pem'), join(labDir, 'intermediate.pem')]) {
      const r = await openssl(['x509', '-in', file, '-noout', '-ext', 'authorityInfoAccess']);
      expect(r.stdout).toContain(`OCSP - URI:${ocspUrl}`);
    }
    expect(server.ocspUrl).toBe(ocspUrl);
  });

  it('answers "good" for an issued device, verified by openssl ocsp through a delegated responder', async () => {
    const r = await ask(...device('MAC01.local'), '-resp_text');
    expect(r.code, r.text).toBe(0);
    expect(r.text).toContain('Response verify OK');
    expect(r.text).toMatch(/MAC01\.local\.pem: good/);
    // Delegated: an OCSP Signing certificate the intermediate issued, marked ocsp-nocheck, nonce echoed.
    expect(r.text).toContain('OCSP Signing');
    expect(r.text).toContain('OCSP No Check');
    expect(r.text).toMatch(/Responder Id: [0-9A-F]{40}\b/); // by key hash
    expect(r.text).toContain('Subject: O=OCSP Lab, CN=OCSP Lab Issuing CA OCSP Responder');
    expect(r.text).toContain('OCSP Nonce');
    expect(events.some((e) => e.kind === 'ocsp-answered' && /MAC01\.local.*: good/.test(e.message))).toBe(true);
  });

  it("answers the intermediate from the root, signed by the root's own responder", async () => {
    const r = await openssl([
      'ocsp',
      ...['-url', ocspUrl, '-CAfile', caFile, '-issuer', join(labDir, 'root.pem')],
      ...['-cert', join(labDir, 'intermediate.pem')],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr + r.stdout).toContain('Response verify OK');
    expect(r.stdout).toMatch(/intermediate\.pem: good/);
  });

  it('shows a lab revoke at once, without lab crl and without a restart', async () => {
    expect((await ask(...device('MAC02.local'))).text).toMatch(/MAC02\.local\.pem: good/);
    const serial = (await openssl(['x509', '-in', join(outDir, 'MAC02.local.pem'), '-noout', '-serial'])).stdout
      .trim()
      .replace(/^serial=/, '');
    const rv = await cli(['lab', 'revoke', '--dir', labDir, '--serial', serial]);
    expect(rv.code, rv.err).toBe(0);
    expect(rv.out).toContain(`The OCSP responder (${ocspUrl}) answers "revoked" now`);
    const r = await ask(...device('MAC02.local'));
    expect(r.code, r.text).toBe(0);
    expect(r.text).toContain('Response verify OK');
    expect(r.text).toMatch(/MAC02\.local\.pem: revoked/);
    expect(r.text).toMatch(/Revocation Time: /);
    expect((await ask(...device('MAC01.local'))).text).toMatch(/MAC01\.local\.pem: good/);
  });

  it('answers "unknown", never "good", for serials the lab never issued', async () => {
    for (const serial of ['0x1234', '0x' + 'ab'.repeat(16)]) {
      const r = await ask('-serial', serial);
      expect(r.text).toContain('Response verify OK');
      expect(r.text).toMatch(/: unknown/);
      expect(r.text).not.toMatch(/: good/);
    }
    // The root never issued MAC01: asked with the root as issuer, the CertID names another CA.
    const r = await openssl([
      'ocsp',
      ...['-url', ocspUrl, '-CAfile', caFile, '-issuer', join(labDir, 'root.pem')],
      ...device('MAC01.local'),
    ]);
    expect(r.stdout).toMatch(/MAC01\.local\.pem: unknown/);
  });

  it('refuses what is not an OCSP request with malformedRequest', async () => {
    const res = await fetch(ocspUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: 'not DER',
    });
    expect(res.status).toBe(200);
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED malformedRequest(1) }
    expect(Buffer.from(await res.arrayBuffer()).toString('hex')).toBe('30030a0101');
    expect((await fetch(ocspUrl, { method: 'PUT', body: 'x' })).status).toBe(405);
  });

  it('answers GET requests (RFC 6960 A.1) as it answers POST', async () => {
    const req = join(work, 'get.req');
    const made = await openssl([
      'ocsp',
      ...['-issuer', join(labDir, 'intermediate.pem'), ...device('MAC01.local'), '-no_nonce', '-reqout', req],
    ]);
    expect(made.code, made.stderr).toBe(0);
    const b64 = encodeURIComponent((await readFile(req)).toString('base64'));
    const res = await fetch(`${ocspUrl}/${b64}`);
    expect(res.headers.get('content-type')).toBe('application/ocsp-response');
    const resp = join(work, 'get.resp');
    await writeFile(resp, Buffer.from(await res.arrayBuffer()));
    const r = await openssl([
      'ocsp',
      ...['-respin', resp, '-CAfile', caFile, '-issuer', join(labDir, 'intermediate.pem'), ...device('MAC01.local')],
    ]);
    expect(r.stderr + r.stdout).toContain('Response verify OK');
    expect(r.stdout).toMatch(/: good/);
  });

  it('is what onboard check --online judges lab devices by', async () => {
    const args = (host: string) => [
      ...['--pfx', join(outDir, `${host}.pfx`), '--password-env', 'PFX_PW', '--hostname', host],
      ...['--ca', caFile, '--requirements', 'saas', '--online', '--json'],
    ];
    const good = await runInMemory(check, args('MAC01.local'), env);
    const goodJson = JSON.parse(good.out) as { findings: { id: string; status: string }[] };
    expect(goodJson.findings.find((f) => f.id === 'ocsp-1')).toMatchObject({ status: 'pass' });
    expect(goodJson.findings.find((f) => f.id === 'revocation-online')).toMatchObject({ status: 'pass' });
    const revoked = await runInMemory(check, args('MAC02.local'), env);
    expect(revoked.code).toBe(1);
    const revokedJson = JSON.parse(revoked.out) as { findings: { id: string; status: string; title: string }[] };
    expect(revokedJson.findings.find((f) => f.id === 'ocsp-1')).toMatchObject({
      status: 'fail',
      title: 'MAC02.local is revoked',
    });
  });
});

describe('lab serve on the command line', () => {
  it('serves OCSP on a port of its own when asked, and says where', async () => {
    const io = memoryIo(env);
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const running = runLab(
      ['serve', '--dir', labDir, '--port', '0', '--ocsp-port', '0', '--switch-port', '0', '--ca-password-env', 'CA_PW'],
      io,
      () => stopped,
    );
    for (let i = 0; i < 200 && !/Press Ctrl-C/.test(io.out()); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /OCSP: +(\S+)/.exec(io.out())?.[1];
    expect(url, io.out() + io.err()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ocsp$/);
    expect(url).not.toBe(ocspUrl);
    const r = await openssl([
      'ocsp',
      ...['-url', url!, '-CAfile', caFile, '-issuer', join(labDir, 'intermediate.pem'), ...device('MAC01.local')],
    ]);
    expect(r.stdout).toMatch(/MAC01\.local\.pem: good/);
    stop();
    expect(await running).toBe(0);
  });

  it('refuses --ocsp-port for a lab without an OCSP URL, and a non-http OCSP URL at init', async () => {
    const plain = join(work, 'plain');
    const base = ['lab', 'init', '--dir', plain, '--name', 'Plain', '--crl-base-url', 'http://127.0.0.1:1/pki'];
    const bad = await cli([...base, '--ocsp-url', 'https://127.0.0.1/ocsp', '--ca-password-env', 'CA_PW']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('must start with http://');
    expect(bad.err).toContain('Give --ocsp-url the address OCSP is answered at');
    expect((await cli([...base, '--ca-password-env', 'CA_PW'])).code).toBe(0);
    const serve = await cli(['lab', 'serve', '--dir', plain, '--ocsp-port', '0', '--ca-password-env', 'CA_PW']);
    expect(serve.code).toBe(2);
    expect(serve.err).toContain('--ocsp-port applies only to a lab made with --ocsp-url');
  });
});
