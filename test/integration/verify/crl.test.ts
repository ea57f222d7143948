import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { X509Certificate } from 'node:crypto';
import { makeTestPki, type IssuedCert, type TestPki } from '../../support/openssl';
import { checkRevocation, parseCrl } from '../../../src/core/verify/crl';
import type { VerifyFinding } from '../../../src/core/verify/findings';
import { cert, inTurn, startFileServer, type FileServer } from './peers';

let web: FileServer;
let pki: TestPki;
let impostor: TestPki;
let foreign: TestPki;
let ecPki: TestPki;
let device: IssuedCert;
let revoked: IssuedCert;
let ecDevice: IssuedCert;
let cas: X509Certificate[];
const crl: Record<string, Buffer> = {};

const ts = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
const byId = (fs: VerifyFinding[], id: string) => {
  const f = fs.find((x) => x.id === id);
  if (!f) throw new Error(`no finding ${id} in ${JSON.stringify(fs, null, 1)}`);
  return f;
};
const check = (leaf: IssuedCert, extra: Partial<Parameters<typeof checkRevocation>[0]> = {}) =>
  checkRevocation({
    leaf: cert(leaf.certPem),
    chain: [cert(pki.intermediate!.certPem)],
    caCertificates: cas,
    timeoutMs: 3000,
    ...extra,
  });

beforeAll(async () => {
  web = await startFileServer();
  [pki, impostor, foreign, ecPki] = await Promise.all([
    makeTestPki({ intermediate: true, crlBaseUrl: web.base }),
    // Same names as the real PKI's root, different key: its CRLs carry the right issuer name but a wrong signature.
    makeTestPki({ crlBaseUrl: web.base }),
    makeTestPki({ name: 'Foreign', crlBaseUrl: web.base }),
    makeTestPki({ keyType: 'ec', name: 'EC Lab', crlBaseUrl: `${web.base}/ec` }),
  ]);
  [[device, revoked], [ecDevice]] = await Promise.all([
    inTurn([
      () => pki.issuer.issue('device', { cn: 'MAC01.local' }),
      () => pki.issuer.issue('revoked', { cn: 'MAC02.local' }),
    ]),
    inTurn([() => ecPki.issuer.issue('ec-device', { cn: 'MAC03.local', keyType: 'ec' })]),
  ]);
  cas = [cert(pki.root.certPem), cert(pki.intermediate!.certPem)];
  const fresh = async (ca: typeof pki.root) => readFile((await ca.crl()).derPath);
  crl.rootFresh = await fresh(pki.root);
  crl.intFresh = await fresh(pki.intermediate!);
  crl.intFreshPem = await readFile(`${pki.intermediate!.dir}/intermediate.crl.pem`);
  const past = Date.now() - 30 * 86400_000;
  crl.intExpired = await readFile(
    (await pki.intermediate!.crl({ lastUpdate: ts(new Date(past)), nextUpdate: ts(new Date(past + 7 * 86400_000)) }))
      .derPath,
  );
  crl.intFuture = await readFile(
    (
      await pki.intermediate!.crl({
        lastUpdate: ts(new Date(Date.now() + 86400_000)),
        nextUpdate: ts(new Date(Date.now() + 8 * 86400_000)),
      })
    ).derPath,
  );
  crl.intSoon = await readFile(
    (
      await pki.intermediate!.crl({
        lastUpdate: ts(new Date(Date.now() - 3600_000)),
        nextUpdate: ts(new Date(Date.now() + 3600_000)),
      })
    ).derPath,
  );
  await pki.intermediate!.revoke(revoked.certPath);
  crl.intRevoking = await fresh(pki.intermediate!);
  crl.impostorRoot = await fresh(impostor.root);
  crl.foreignRoot = await fresh(foreign.root);
  crl.ecRoot = await fresh(ecPki.root);
  crl.intPss = await readFile((await pki.intermediate!.crl({ pss: true })).derPath);
});

afterAll(async () => {
  await web?.stop();
  await Promise.all([pki, impostor, foreign, ecPki].map((p) => p?.cleanup()));
});

beforeEach(() => {
  web.routes.clear();
  web.routes.set('/root.crl', { body: crl.rootFresh });
  web.routes.set('/intermediate.crl', { body: crl.intFresh });
});

describe('CRL checks against a real web server', () => {
  it('passes the device certificate and its issuing CA when both CRLs are current and do not list them', async () => {
    const fs = await check(device);
    expect(byId(fs, 'crl-1')).toMatchObject({
      status: 'pass',
      title: expect.stringContaining('MAC01.local is not revoked'),
    });
    expect(byId(fs, 'crl-1').title).toContain(`${web.base}/intermediate.crl`);
    expect(byId(fs, 'crl-2')).toMatchObject({
      status: 'pass',
      title: expect.stringContaining('Onboard Test Issuing CA is not revoked'),
    });
    expect(fs.some((f) => f.id === 'crl-missing')).toBe(false);
  });

  it('reads a CRL served as PEM text', async () => {
    web.routes.set('/intermediate.crl', { body: crl.intFreshPem, contentType: 'text/plain' });
    expect(byId(await check(device), 'crl-1').status).toBe('pass');
  });

  it('fails a certificate its CRL lists as revoked, and still passes the others', async () => {
    web.routes.set('/intermediate.crl', { body: crl.intRevoking });
    const fs = await check(revoked);
    expect(byId(fs, 'crl-1')).toMatchObject({ status: 'fail', title: 'MAC02.local is revoked' });
    expect(byId(fs, 'crl-1').detail).toContain(cert(revoked.certPem).serialNumber);
    expect(byId(await check(device), 'crl-1').status).toBe('pass');
  });

  it('fails an expired CRL, because OpenSSL on the Switch rejects it', async () => {
    web.routes.set('/intermediate.crl', { body: crl.intExpired });
    expect(byId(await check(device), 'crl-1')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('has expired'),
    });
  });

  it('fails a CRL that is not valid yet', async () => {
    web.routes.set('/intermediate.crl', { body: crl.intFuture });
    expect(byId(await check(device), 'crl-1')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('not valid yet'),
    });
  });

  it('warns when the CRL expires within a day', async () => {
    web.routes.set('/intermediate.crl', { body: crl.intSoon });
    expect(byId(await check(device), 'crl-1')).toMatchObject({
      status: 'warn',
      title: expect.stringContaining('expires within a day'),
    });
  });

  it('fails a CRL with the right issuer name but a signature from another key', async () => {
    web.routes.set('/root.crl', { body: crl.impostorRoot });
    expect(byId(await check(device), 'crl-2')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('signature that does not verify'),
    });
  });

  it('fails a CRL published by a different CA', async () => {
    web.routes.set('/root.crl', { body: crl.foreignRoot });
    expect(byId(await check(device), 'crl-2')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('is not issued by Onboard Test Root CA'),
    });
  });

  it('verifies CRLs signed with an EC key', async () => {
    web.routes.set('/ec/root.crl', { body: crl.ecRoot });
    const fs = await checkRevocation({
      leaf: cert(ecDevice.certPem),
      chain: [],
      caCertificates: [cert(ecPki.root.certPem)],
      timeoutMs: 3000,
    });
    expect(byId(fs, 'crl-1')).toMatchObject({
      status: 'pass',
      title: expect.stringContaining('MAC03.local is not revoked'),
    });
  });

  it('verifies CRLs signed with RSASSA-PSS, taking the hash and salt length from the signature parameters', async () => {
    web.routes.set('/intermediate.crl', { body: crl.intPss });
    expect(parseCrl(crl.intPss!).signatureAlgorithm).toBe('1.2.840.113549.1.1.10');
    expect(byId(await check(device), 'crl-1')).toMatchObject({
      status: 'pass',
      title: expect.stringContaining('MAC01.local is not revoked'),
    });
  });

  it('fails when the distribution point answers 404', async () => {
    web.routes.delete('/intermediate.crl');
    expect(byId(await check(device), 'crl-1')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('HTTP 404'),
    });
  });

  it('fails when the distribution point serves a web page instead of a CRL', async () => {
    web.routes.set('/intermediate.crl', { body: '<html><body>Sign in</body></html>', contentType: 'text/html' });
    expect(byId(await check(device), 'crl-1')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('is not a CRL'),
    });
  });

  it('follows up to three redirects to the CRL', async () => {
    web.routes.set('/intermediate.crl', { redirectTo: '/a' });
    web.routes.set('/a', { redirectTo: `${web.base}/b`, status: 301 });
    web.routes.set('/b', { redirectTo: '/c', status: 307 });
    web.routes.set('/c', { body: crl.intFresh });
    expect(byId(await check(device), 'crl-1').status).toBe('pass');
  });

  it('gives up after three redirects', async () => {
    web.routes.set('/intermediate.crl', { redirectTo: '/a' });
    web.routes.set('/a', { redirectTo: '/b' });
    web.routes.set('/b', { redirectTo: '/c' });
    web.routes.set('/c', { redirectTo: '/d' });
    web.routes.set('/d', { body: crl.intFresh });
    const f = byId(await check(device), 'crl-1');
    expect(f.status).toBe('fail');
    expect(f.detail).toContain('redirected more than 3 times');
    expect(web.requests).not.toContain('/d');
  });

  it('gives up on a distribution point that never answers, within the timeout', async () => {
    web.routes.set('/intermediate.crl', { hang: true });
    const f = byId(await check(device, { timeoutMs: 300 }), 'crl-1');
    expect(f).toMatchObject({ status: 'fail', detail: expect.stringContaining('did not answer within 300 ms') });
  });

  it('refuses a download larger than the size cap', async () => {
    web.routes.set('/intermediate.crl', { body: Buffer.alloc(64 * 1024, 0x30) });
    const f = byId(await check(device, { maxBytes: 16 * 1024 }), 'crl-1');
    expect(f).toMatchObject({ status: 'fail', detail: expect.stringContaining('larger than') });
  });

  it('cannot verify a CRL whose issuing CA certificate is missing, and says which one to add', async () => {
    const fs = await checkRevocation({
      leaf: cert(device.certPem),
      chain: [],
      caCertificates: [cert(pki.root.certPem)],
      timeoutMs: 3000,
    });
    expect(byId(fs, 'crl-1')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('issuing CA certificate is missing'),
    });
  });
});

describe('revocation information in the certificates', () => {
  let noCdp: IssuedCert;
  let ocspOnly: IssuedCert;
  let ldapAndHttp: IssuedCert;
  beforeAll(async () => {
    [noCdp, ocspOnly, ldapAndHttp] = await inTurn([
      () => pki.issuer.issue('no-cdp', { cdp: '' }),
      () => pki.issuer.issue('ocsp-only', { cdp: '', ocsp: 'http://ocsp.acme.test/' }),
      () =>
        pki.issuer.issue('ldap-cdp', { cdp: `ldap://ldap.acme.test/issuing-ca-crl, URI:${web.base}/intermediate.crl` }),
    ]);
  });

  it('fails a client certificate with no CRL distribution point and no OCSP', async () => {
    expect(byId(await check(noCdp), 'crl-missing').status).toBe('fail');
  });

  it('warns when there is only an OCSP responder, and leaves asking it to the OCSP check', async () => {
    const fs = await check(ocspOnly);
    expect(byId(fs, 'crl-missing').status).toBe('warn');
    expect(fs.filter((f) => f.id.startsWith('ocsp-'))).toEqual([]);
  });

  it('reports an LDAP distribution point as not checked and checks the HTTP one', async () => {
    const fs = await check(ldapAndHttp);
    expect(byId(fs, 'crl-1')).toMatchObject({ status: 'info', title: expect.stringContaining('not checked') });
    expect(byId(fs, 'crl-2').status).toBe('pass');
  });

  it('parses the same CRL identically from DER and PEM', () => {
    const a = parseCrl(crl.intRevoking!);
    const b = parseCrl(crl.intFreshPem!);
    expect(a.issuerDer.equals(b.issuerDer)).toBe(true);
    expect(
      a.revoked.has(
        cert(revoked.certPem)
          .serialNumber.toLowerCase()
          .replace(/^(00)+/, ''),
      ),
    ).toBe(true);
  });
});
