// The OCSP client against responders that misbehave over real HTTP: web pages, cut-short and oversized answers,
// error statuses, silence, refused connections and answers it must not believe. Every one is a finding, never a crash.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { buildCertificate } from '../../../src/core/pki/build';
import { certIdFor, encodeExtension, parseOcspRequest } from '../../../src/core/pki/ocsp';
import { encodeOcspResponse } from '../../../src/core/pki/ocsp-response';
import { der } from '../../../src/core/pki/der';
import { queryOcsp } from '../../../src/core/verify/ocsp';
import { checkOcsp } from '../../../src/core/verify/ocsp-check';
import { freeLoopbackPort } from '../../support/net';
import { startFileServer, type FileServer } from './peers';

let web: FileServer;
let ca: { cert: X509Certificate; key: KeyObject };
let device: X509Certificate;
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

beforeAll(async () => {
  web = await startFileServer();
  const caKey = rsa();
  const cert = buildCertificate({
    subject: { commonName: 'Bounds CA' },
    publicKey: caKey,
    signer: { key: caKey },
    notAfter: new Date(Date.now() + 86400_000),
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  ca = { cert, key: caKey };
  device = buildCertificate({
    subject: { commonName: 'MAC01.local' },
    publicKey: rsa(),
    signer: { key: caKey, certificate: cert },
    notAfter: new Date(Date.now() + 86400_000),
    ocspUrls: [`${web.base}/ocsp`],
  });
});
afterAll(() => web?.stop());
beforeEach(() => web.routes.clear());

const ask = (extra: { url?: string; timeoutMs?: number; maxBytes?: number } = {}) =>
  queryOcsp({ url: `${web.base}/ocsp`, certificate: device, issuer: ca.cert, timeoutMs: 3000, ...extra });

/** A real answer signed by the CA; `tamper` edits it before it is served. */
function caAnswer(o: { extensions?: Buffer[] } = {}): Buffer {
  const good = encodeOcspResponse({
    answers: [{ certId: certIdFor(device, ca.cert), status: 'good', thisUpdate: new Date() }],
    signer: { certificate: ca.cert, key: ca.key },
    producedAt: new Date(),
  });
  if (!o.extensions) return good;
  // Rebuilt by hand: a response carrying extensions the encoder does not write.
  const tbs = der.seq(
    der.ctx(2, true, der.octets(Buffer.alloc(20))),
    der.generalizedTime(new Date()),
    der.seq(),
    der.ctx(1, true, der.seq(...o.extensions)),
  );
  return der.seq(
    der.enumerated(0),
    der.ctx(
      0,
      true,
      der.seq(
        der.oid('1.3.6.1.5.5.7.48.1.1'),
        der.octets(der.seq(tbs, der.seq(der.oid('1.2.840.113549.1.1.11'), der.null()), der.bits(Buffer.alloc(256)))),
      ),
    ),
  );
}

describe('an OCSP responder that misbehaves', () => {
  it('gets a finding, not a crash, for a web page in place of an answer', async () => {
    web.routes.set('/ocsp', { body: '<html>Sign in</html>', contentType: 'text/html' });
    const o = await ask();
    expect(o).toMatchObject({ ok: false, problem: 'not-ocsp' });
    expect(!o.ok && o.detail).toContain('It sent text/html, not application/ocsp-response.');
  });

  it('refuses a cut-short answer', async () => {
    web.routes.set('/ocsp', { body: caAnswer().subarray(0, 100), contentType: 'application/ocsp-response' });
    expect(await ask()).toMatchObject({ ok: false, problem: 'not-ocsp' });
  });

  it('names the responder status when it cannot answer (tryLater, unauthorized)', async () => {
    web.routes.set('/ocsp', { body: Buffer.from('30030a0103', 'hex') });
    const later = await ask();
    expect(later).toMatchObject({ ok: false, problem: 'responder-error' });
    expect(!later.ok && later.detail).toContain('tryLater');
    web.routes.set('/ocsp', { body: Buffer.from('30030a0106', 'hex') });
    const unauthorised = await ask();
    expect(!unauthorised.ok && unauthorised.fix).toContain('Check that this responder serves Bounds CA');
  });

  it('stops reading an answer larger than the cap', async () => {
    web.routes.set('/ocsp', { body: Buffer.alloc(64 * 1024, 0x30) });
    const o = await ask({ maxBytes: 16 * 1024 });
    expect(o).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(!o.ok && o.detail).toContain('is larger than 16 KB, which no OCSP response should be');
  });

  it('gives up on a responder that never answers, within the time given', async () => {
    web.routes.set('/ocsp', { hang: true });
    const started = Date.now();
    const o = await ask({ timeoutMs: 300 });
    expect(o).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('tries GET after an HTTP error to POST, and reports both statuses', async () => {
    web.requests.length = 0;
    const o = await ask();
    expect(o).toMatchObject({ ok: false, problem: 'http-status', title: expect.stringContaining('answered HTTP 404') });
    expect(!o.ok && o.detail).toContain('HTTP 404 to a POST and HTTP 404 to a GET');
    // The GET carries the DER request itself, base64 and URL-encoded after the responder's path (RFC 6960 A.1).
    const sent = parseOcspRequest(Buffer.from(decodeURIComponent(web.requests[1]!.slice('/ocsp/'.length)), 'base64'));
    expect(sent.certIds[0]!.serial).toBe(device.serialNumber.toLowerCase());
    expect(sent.nonceExtension).toHaveLength(34);
  });

  it('reports a refused connection and an address that is not http://', async () => {
    const closed = `http://127.0.0.1:${await freeLoopbackPort()}/ocsp`;
    expect(await ask({ url: closed })).toMatchObject({ ok: false, problem: 'unreachable' });
    const tls = await ask({ url: 'https://ocsp.example.test/' });
    expect(!tls.ok && tls.detail).toContain('is not an http:// address');
  });

  it('refuses an answer with a critical extension it does not know', async () => {
    const unknownCritical = encodeExtension('1.2.3.4', der.null(), true);
    web.routes.set('/ocsp', { body: caAnswer({ extensions: [unknownCritical] }) });
    expect(await ask()).toMatchObject({ ok: false, problem: 'critical-extension' });
  });

  it('turns each misbehaviour into a failed ocsp finding for the certificate that names it', async () => {
    web.routes.set('/ocsp', { body: caAnswer() });
    const [good] = await checkOcsp({ leaf: device, chain: [], caCertificates: [ca.cert], timeoutMs: 3000 });
    expect(good).toMatchObject({ id: 'ocsp-1', status: 'pass' });
    web.routes.set('/ocsp', { body: 'nope', contentType: 'text/plain' });
    const [bad] = await checkOcsp({ leaf: device, chain: [], caCertificates: [ca.cert], timeoutMs: 3000 });
    expect(bad).toMatchObject({
      id: 'ocsp-1',
      status: 'fail',
      title: `The answer from ${web.base}/ocsp is not an OCSP response`,
    });
    const [orphan] = await checkOcsp({ leaf: device, chain: [], caCertificates: [] });
    expect(orphan).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('its issuing CA certificate is missing'),
    });
  });
});
