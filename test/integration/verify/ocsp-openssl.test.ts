// Onboard's OCSP client against OpenSSL's own responder (`openssl ocsp -index ... -port ...`): good, revoked and
// unknown certificates, responders signed by the wrong key or not authorised, stale answers, answers about another
// certificate, nonces not echoed, and a responder reached only by GET.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import { makeKey, makeTestPki, opensslOk, type IssuedCert, type TestPki } from '../../support/openssl';
import { freeLoopbackPort } from '../../support/net';
import { queryOcsp, type OcspOutcome } from '../../../src/core/verify/ocsp';
import { checkOcsp } from '../../../src/core/verify/ocsp-check';
import { cert, inTurn } from './peers';
import { startOpensslResponder, startRelay, type OpensslResponder, type Relay } from './ocsp-peers';

let pki: TestPki;
let foreign: TestPki;
let ocspUrl: string;
const issued: Record<string, IssuedCert> = {};
const responders: Record<string, OpensslResponder> = {};
let relay: Relay;
let issuer: X509Certificate;
const requests: Record<string, Buffer> = {};

const ask = (who: string, url = ocspUrl, now?: Date): Promise<OcspOutcome> =>
  queryOcsp({ url, certificate: cert(issued[who]!.certPem), issuer, timeoutMs: 5000, ...(now ? { now } : {}) });
const answerOf = (o: OcspOutcome) => {
  if (!o.ok) throw new Error(`expected an answer, got ${o.problem}: ${o.detail}`);
  return o.answer;
};

beforeAll(async () => {
  [pki, foreign] = await Promise.all([makeTestPki({ intermediate: true }), makeTestPki({ name: 'Foreign' })]);
  const port = await freeLoopbackPort();
  ocspUrl = `http://127.0.0.1:${port}/ocsp`;
  const int = pki.intermediate!;
  const responderExt = { eku: 'OCSPSigning', ku: 'critical,digitalSignature', cdp: '' };
  const [device, revoked, unknown, other, responder, notSigner] = await inTurn([
    () => int.issue('device', { cn: 'MAC01.local', ocsp: ocspUrl }),
    () => int.issue('revoked', { cn: 'MAC02.local', ocsp: ocspUrl }),
    () => int.issue('unknown', { cn: 'MAC03.local', ocsp: ocspUrl }),
    () => int.issue('other', { cn: 'MAC04.local', ocsp: ocspUrl }),
    () => int.issue('responder', { cn: 'Onboard Test OCSP Responder', ...responderExt, extra: ['noCheck = ignored'] }),
    () => int.issue('not-signer', { cn: 'Not An OCSP Responder', eku: 'clientAuth', cdp: '' }),
  ]);
  Object.assign(issued, { device, revoked, unknown, other, responder, notSigner });
  issued.foreignResponder = await foreign.root.issue('foreign-responder', {
    cn: 'Foreign OCSP Responder',
    ...responderExt,
  });
  await int.revoke(revoked.certPath, 'keyCompromise');
  // The responder's database lacks MAC03: OpenSSL answers "unknown" for a serial it has no line for.
  const index = await readFile(join(int.dir, 'index.txt'), 'utf8');
  const known = join(int.dir, 'known-index.txt');
  await writeFile(
    known,
    index
      .split('\n')
      .filter((l) => !l.includes(`\t${unknown.serialHex.toUpperCase()}\t`))
      .join('\n'),
  );
  // Same subject as the issuing CA, another key: a responder naming the CA but unable to sign as it.
  const impostorKey = join(int.dir, 'impostor.key');
  await makeKey(impostorKey);
  const impostor = join(int.dir, 'impostor.pem');
  await opensslOk(['x509', '-in', int.certPath, '-signkey', impostorKey, '-out', impostor]);
  for (const [name, who, nonce] of [
    ['other', 'other', '-no_nonce'],
    ['deviceNoNonce', 'device', '-no_nonce'],
    ['deviceOtherNonce', 'device', '-nonce'],
  ] as const) {
    const out = join(int.dir, `${name}.req`);
    await opensslOk(['ocsp', '-issuer', int.certPath, '-cert', issued[who]!.certPath, nonce, '-reqout', out]);
    requests[name] = await readFile(out);
  }

  const base = { index: known, ca: int.certPath };
  const ports = await Promise.all(Array.from({ length: 6 }, () => freeLoopbackPort()));
  const started = await Promise.all([
    startOpensslResponder({
      ...base,
      port,
      rsigner: responder.certPath,
      rkey: responder.keyPath,
      extra: ['-nmin', '1'],
    }),
    startOpensslResponder({ ...base, port: ports[0]!, rsigner: int.certPath, rkey: int.keyPath }),
    startOpensslResponder({
      ...base,
      port: ports[1]!,
      rsigner: responder.certPath,
      rkey: responder.keyPath,
      extra: ['-resp_key_id'],
    }),
    startOpensslResponder({ ...base, port: ports[2]!, rsigner: impostor, rkey: impostorKey }),
    startOpensslResponder({
      ...base,
      port: ports[3]!,
      rsigner: issued.foreignResponder.certPath,
      rkey: issued.foreignResponder.keyPath,
    }),
    startOpensslResponder({ ...base, port: ports[4]!, rsigner: notSigner.certPath, rkey: notSigner.keyPath }),
  ]);
  [responders.main, responders.issuerSigned, responders.keyId, responders.impostor, responders.foreign] = started;
  responders.notSigner = started[5]!;
  relay = await startRelay(ocspUrl);
  issuer = cert(int.certPem);
});

afterAll(async () => {
  await relay?.stop();
  await Promise.all(Object.values(responders).map((r) => r.stop()));
  await Promise.all([pki, foreign].map((p) => p?.cleanup()));
});

describe('Onboard asking OpenSSL as the OCSP responder', () => {
  it('believes a "good" answer signed by a delegated responder the CA issued, with the nonce echoed', async () => {
    const a = answerOf(await ask('device'));
    expect(a).toMatchObject({ status: 'good', nonce: 'echoed', method: 'POST' });
    expect(a.signer).toEqual({ kind: 'delegated', label: 'Onboard Test OCSP Responder', noCheck: true });
    expect(a.nextUpdate!.getTime() - a.thisUpdate.getTime()).toBe(60_000);
  });

  it('reports a revoked certificate with its revocation time and reason', async () => {
    const a = answerOf(await ask('revoked'));
    expect(a.status).toBe('revoked');
    expect(a.reason).toBe(1); // keyCompromise
    expect(Math.abs(a.revokedAt!.getTime() - Date.now())).toBeLessThan(10 * 60_000);
  });

  it('reports "unknown" for a serial the responder has no record of', async () => {
    expect(answerOf(await ask('unknown')).status).toBe('unknown');
  });

  it('accepts an answer signed by the issuing CA itself, and one naming its responder by key hash', async () => {
    const byCa = answerOf(await ask('device', responders.issuerSigned!.url));
    expect(byCa.signer).toEqual({ kind: 'issuer', label: 'Onboard Test Issuing CA', noCheck: false });
    expect(byCa.nextUpdate).toBeUndefined();
    expect(answerOf(await ask('device', responders.keyId!.url)).signer.kind).toBe('delegated');
  });

  it('refuses an answer whose signature was not made with the key of the CA it names', async () => {
    const o = await ask('device', responders.impostor!.url);
    expect(o).toMatchObject({ ok: false, problem: 'bad-signature' });
  });

  it('refuses a responder another CA certified, and one the CA certified without OCSP Signing', async () => {
    const foreignAnswer = await ask('device', responders.foreign!.url);
    expect(foreignAnswer).toMatchObject({ ok: false, problem: 'unauthorised-signer' });
    expect(!foreignAnswer.ok && foreignAnswer.detail).toContain(
      'Foreign OCSP Responder, which Onboard Test Issuing CA did not issue',
    );
    const notSigner = await ask('device', responders.notSigner!.url);
    expect(notSigner).toMatchObject({ ok: false, problem: 'unauthorised-signer' });
    expect(!notSigner.ok && notSigner.detail).toContain('without the OCSP Signing extended key usage');
  });

  it('refuses an answer past its next update, and one not valid yet, beyond five minutes of clock skew', async () => {
    const later = await ask('device', ocspUrl, new Date(Date.now() + 10 * 60_000));
    expect(later).toMatchObject({ ok: false, problem: 'expired', title: expect.stringContaining('has expired') });
    const earlier = await ask('device', ocspUrl, new Date(Date.now() - 10 * 60_000));
    expect(earlier).toMatchObject({ ok: false, problem: 'not-yet-valid' });
    expect(answerOf(await ask('device', ocspUrl, new Date(Date.now() + 3 * 60_000))).status).toBe('good');
  });

  it('refuses an answer about another certificate', async () => {
    relay.mode = { replaceRequest: requests.other };
    const o = await ask('device', relay.url);
    expect(o).toMatchObject({ ok: false, problem: 'other-certificate' });
  });

  it('says when the responder does not echo the nonce, and still believes a verified answer', async () => {
    relay.mode = { replaceRequest: requests.deviceNoNonce };
    expect(answerOf(await ask('device', relay.url))).toMatchObject({ status: 'good', nonce: 'not-echoed' });
  });

  it('refuses an answer carrying the nonce of another request', async () => {
    relay.mode = { replaceRequest: requests.deviceOtherNonce };
    expect(await ask('device', relay.url)).toMatchObject({ ok: false, problem: 'nonce-mismatch' });
  });

  it('asks again with GET when the responder refuses POST', async () => {
    relay.mode = { refusePost: true };
    relay.methods.length = 0;
    expect(answerOf(await ask('revoked', relay.url))).toMatchObject({ status: 'revoked', method: 'GET' });
    expect(relay.methods).toEqual(['POST', 'GET']);
  });

  it('asks the responder named in the certificate and words the findings', async () => {
    const check = (who: string) =>
      checkOcsp({ leaf: cert(issued[who]!.certPem), chain: [issuer], caCertificates: [cert(pki.root.certPem)] });
    const [good] = await check('device');
    expect(good).toMatchObject({
      id: 'ocsp-1',
      status: 'pass',
      title: `MAC01.local is not revoked (OCSP at ${ocspUrl})`,
    });
    expect(good!.detail).toContain('the nonce sent was echoed');
    const [revoked] = await check('revoked');
    expect(revoked).toMatchObject({ id: 'ocsp-1', status: 'fail', title: 'MAC02.local is revoked' });
    expect(revoked!.detail).toContain('(reason: keyCompromise)');
    const [unknown] = await check('unknown');
    expect(unknown).toMatchObject({
      status: 'fail',
      title: `The OCSP responder at ${ocspUrl} does not know MAC03.local`,
    });
  });
});
