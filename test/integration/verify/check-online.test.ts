// `onboard check --online` and `--requirements`: the CRLs from a real web server and OpenSSL's OCSP responder asked
// without a Switch, good and revoked certificates judged right, and the two profiles' verdicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestPki, type IssuedCert, type TestPki } from '../../support/openssl';
import { freeLoopbackPort } from '../../support/net';
import { runInMemory } from '../../support/cli-io';
import { run as check, type CheckJson } from '../../../src/cli/check';
import { inTurn, startFileServer, type FileServer } from './peers';
import { startOpensslResponder, type OpensslResponder } from './ocsp-peers';

let web: FileServer;
let pki: TestPki;
let responder: OpensslResponder;
let ocspUrl: string;
const certs: Record<string, IssuedCert> = {};

const run = (args: string[]) => runInMemory(check, args, {}, { cwd: pki.dir });
const checkArgs = (who: string, ...extra: string[]) => [
  '--cert',
  `${who}.pem`,
  '--key',
  `${who}.key`,
  '--hostname',
  'MAC01.local',
  '--ca',
  'cas.pem',
  ...extra,
];
const json = async (who: string, ...extra: string[]) => {
  const r = await run(checkArgs(who, ...extra, '--json'));
  return { code: r.code, out: JSON.parse(r.out) as CheckJson };
};
const byId = (j: CheckJson, id: string) => j.findings.find((f) => f.id === id);

beforeAll(async () => {
  web = await startFileServer();
  pki = await makeTestPki({ intermediate: true, crlBaseUrl: web.base });
  ocspUrl = `http://127.0.0.1:${await freeLoopbackPort()}/ocsp`;
  const int = pki.intermediate!;
  const [good, revoked, ocspOnly, cdpOnly, neither, responderCert] = await inTurn([
    () => int.issue('good', { cn: 'MAC01.local', ocsp: ocspUrl }),
    () => int.issue('revoked', { cn: 'MAC01.local', ocsp: ocspUrl }),
    () => int.issue('ocsp-only', { cn: 'MAC01.local', ocsp: ocspUrl, cdp: '' }),
    () => int.issue('cdp-only', { cn: 'MAC01.local' }),
    () => int.issue('neither', { cn: 'MAC01.local', cdp: '' }),
    () =>
      int.issue('responder', {
        cn: 'Test OCSP Responder',
        eku: 'OCSPSigning',
        ku: 'critical,digitalSignature',
        cdp: '',
      }),
  ]);
  Object.assign(certs, { good, revoked, ocspOnly, cdpOnly, neither });
  await int.revoke(revoked.certPath, 'superseded');
  web.routes.set('/root.crl', { body: await readFile((await pki.root.crl()).derPath) });
  web.routes.set('/intermediate.crl', { body: await readFile((await int.crl()).derPath) });
  responder = await startOpensslResponder({
    port: Number(new URL(ocspUrl).port),
    index: join(int.dir, 'index.txt'),
    ca: int.certPath,
    rsigner: responderCert.certPath,
    rkey: responderCert.keyPath,
  });
  await copyFile(pki.caBundlePath, join(pki.dir, 'cas.pem'));
  for (const [name, c] of Object.entries(certs)) {
    await copyFile(c.certPath, join(pki.dir, `${name}.pem`));
    await copyFile(c.keyPath, join(pki.dir, `${name}.key`));
  }
});

afterAll(async () => {
  await responder?.stop();
  await web?.stop();
  await pki?.cleanup();
});

describe('onboard check --online', () => {
  it('passes a good certificate: its CRLs current and OpenSSL\'s responder answering "good"', async () => {
    const r = await run(checkArgs('good', '--online'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Requirements: 1E on premises; CRLs and OCSP responders asked now');
    expect(r.out).toMatch(/✓ crl-1: MAC01\.local is not revoked/);
    expect(r.out).toContain(`✓ ocsp-1: MAC01.local is not revoked (OCSP at ${ocspUrl})`);
    expect(r.out).toContain('    From: 1E 23.11 documentation, "Certificate requirements"');
  });

  it('fails a revoked certificate by its CRL and by OCSP, with the reason, and exits 1', async () => {
    const { code, out } = await json('revoked', '--online');
    expect(code).toBe(1);
    expect(out).toMatchObject({ online: true, requirements: 'on-prem' });
    expect(byId(out, 'crl-1')).toMatchObject({ status: 'fail', title: 'MAC01.local is revoked' });
    expect(byId(out, 'ocsp-1')).toMatchObject({ status: 'fail', title: 'MAC01.local is revoked' });
    expect(byId(out, 'ocsp-1')!.detail).toContain('(reason: superseded)');
  });

  it('stays offline without --online: a revoked certificate passes its file checks and nothing is fetched', async () => {
    web.requests.length = 0;
    const { code, out } = await json('revoked');
    expect(code).toBe(0);
    expect(out.online).toBe(false);
    expect(out.findings.some((f) => /^(crl|ocsp)-/.test(f.id))).toBe(false);
    expect(web.requests).toEqual([]);
  });

  it('with saas, passes an OCSP-only certificate whose responder answers; on-prem fails it for want of a CDP', async () => {
    const saas = await json('ocspOnly', '--requirements', 'saas', '--online');
    expect(saas.code).toBe(0);
    expect(byId(saas.out, 'revocation-saas')).toMatchObject({ status: 'pass' });
    expect(byId(saas.out, 'revocation-online')).toMatchObject({
      status: 'pass',
      detail: `OCSP responder ${ocspUrl} answered.`,
    });
    const onPrem = await json('ocspOnly');
    expect(onPrem.code).toBe(1);
    expect(byId(onPrem.out, 'revocation-http')!.status).toBe('fail');
  });

  it('with saas online, fails when no endpoint of the certificate answers', async () => {
    web.routes.set('/intermediate.crl', { status: 503, body: 'down' });
    try {
      const { code, out } = await json('cdpOnly', '--requirements', 'saas', '--online', '--timeout', '3000');
      expect(code).toBe(1);
      expect(byId(out, 'revocation-saas')!.status).toBe('pass');
      expect(byId(out, 'revocation-online')).toMatchObject({ status: 'fail', source: expect.stringContaining('SaaS') });
    } finally {
      web.routes.set('/intermediate.crl', { body: await readFile(join(pki.intermediate!.dir, 'intermediate.crl')) });
    }
  });

  it('fails a certificate with neither under both profiles', async () => {
    expect(byId((await json('neither')).out, 'revocation-http')!.status).toBe('fail');
    expect(byId((await json('neither', '--requirements', 'saas')).out, 'revocation-saas')!.status).toBe('fail');
  });

  it('refuses an unknown profile, --online with --at, and --timeout without --online', async () => {
    expect(await run(checkArgs('good', '--requirements', 'cloud'))).toMatchObject({
      code: 2,
      err: expect.stringContaining('the profiles are on-prem'),
    });
    expect((await run(checkArgs('good', '--online', '--at', '2026-01-01'))).err).toContain(
      'cannot judge at another time',
    );
    expect((await run(checkArgs('good', '--timeout', '3000'))).err).toContain('--timeout goes with --online');
  });
});
