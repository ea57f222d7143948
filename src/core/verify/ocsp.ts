// Asking an OCSP responder about one certificate (RFC 6960): the request with a nonce, POST with GET as the
// fallback, and every check of the answer (signer, CertID, freshness, nonce) before its status is believed.
import { randomBytes, type X509Certificate } from 'node:crypto';
import { describeError, isOnboardError } from '../errors';
import { certificateDetails } from '../pki/inspect';
import { signatureVerifies } from '../pki/signature';
import {
  OCSP_OIDS,
  NONCE_BYTES,
  certIdFor,
  encodeOcspRequest,
  keyHash,
  nonceValue,
  sameCertId,
  type CertId,
} from '../pki/ocsp';
import {
  RESPONSE_STATUS,
  parseOcspResponse,
  type BasicOcspResponse,
  type CertStatus,
  type ParsedOcspResponse,
  type SingleResponse,
} from '../pki/ocsp-response';
import { nameLabel } from '../pki/names';
import { boundedGet, boundedPost, type BoundedGetOptions, type BoundedGetResult } from './http-fetch';

/** OpenSSL's own OCSP client refuses answers longer than this (OCSP_MAX_RESP_LENGTH, 100 KB). */
export const OCSP_MAX_BYTES = 100 * 1024;
/** Clock difference allowed on thisUpdate and nextUpdate: the default of `openssl ocsp -validity_period` (300 s). */
export const OCSP_SKEW_MS = 5 * 60_000;

export interface OcspQuery {
  url: string;
  certificate: X509Certificate;
  issuer: X509Certificate;
  /** One deadline for the POST and the GET fallback together. Default 10 s. */
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
  now?: Date;
  /** Send a nonce (default true). */
  nonce?: boolean;
}

export interface OcspSigner {
  kind: 'issuer' | 'delegated';
  label: string;
  /** A delegated responder marked id-pkix-ocsp-nocheck: its own revocation need not be checked. */
  noCheck: boolean;
}

export interface OcspAnswer {
  status: CertStatus;
  revokedAt?: Date;
  reason?: number;
  thisUpdate: Date;
  nextUpdate?: Date;
  producedAt: Date;
  signer: OcspSigner;
  nonce: 'echoed' | 'not-echoed' | 'not-sent';
  method: 'POST' | 'GET';
}

export type OcspProblem =
  | 'unreachable'
  | 'http-status'
  | 'not-ocsp'
  | 'responder-error'
  | 'not-basic'
  | 'other-certificate'
  | 'unauthorised-signer'
  | 'bad-signature'
  | 'not-yet-valid'
  | 'expired'
  | 'nonce-mismatch'
  | 'critical-extension';

export type OcspOutcome =
  { ok: true; answer: OcspAnswer } | { ok: false; problem: OcspProblem; title: string; detail: string; fix: string };

const STATUS_WORDS: Record<number, string> = {
  [RESPONSE_STATUS.malformedRequest]: 'malformedRequest: it could not read the request',
  [RESPONSE_STATUS.internalError]: 'internalError: it failed inside',
  [RESPONSE_STATUS.tryLater]: 'tryLater: it is busy or not ready',
  [RESPONSE_STATUS.sigRequired]: 'sigRequired: it only answers signed requests',
  [RESPONSE_STATUS.unauthorized]: 'unauthorized: it does not answer for this CA',
};

const iso = (d: Date) => d.toISOString();

/**
 * Asks `url` about `certificate` and checks the answer. Network trouble and bad answers come back as
 * a problem with words for a technician; only cancellation throws (OnboardError fetch-cancelled).
 */
export async function queryOcsp(q: OcspQuery): Promise<OcspOutcome> {
  const now = q.now ?? new Date();
  const who = nameLabel(q.certificate.subject);
  const ca = nameLabel(q.issuer.subject);
  const problem = (p: OcspProblem, title: string, detail: string, fix: string): OcspOutcome => ({
    ok: false,
    problem: p,
    title,
    detail,
    fix,
  });
  const id = certIdFor(q.certificate, q.issuer);
  const nonce = q.nonce === false ? undefined : nonceValue(randomBytes(NONCE_BYTES));
  const request = encodeOcspRequest([id], nonce);

  const fetched = await fetchAnswer(q, request);
  if ('error' in fetched)
    return problem(
      fetched.status ? 'http-status' : 'unreachable',
      fetched.status
        ? `The OCSP responder for ${who} answered HTTP ${fetched.status}`
        : `The OCSP responder for ${who} cannot be reached`,
      fetched.error,
      fetched.fix,
    );
  const { res, method } = fetched;
  let parsed: ParsedOcspResponse;
  try {
    parsed = parseOcspResponse(res.body);
  } catch (e) {
    const page = /html|text\//i.test(res.contentType)
      ? ` It sent ${res.contentType || 'text'}, not application/ocsp-response.`
      : '';
    return problem(
      'not-ocsp',
      `The answer from ${q.url} is not an OCSP response`,
      `${res.body.length} bytes that do not read as an OCSP response (${describeError(e)}).${page}`,
      'Check that the certificate names the OCSP responder itself, and that no proxy or web page answers in its place.',
    );
  }
  if (parsed.status !== RESPONSE_STATUS.successful)
    return problem(
      'responder-error',
      `The OCSP responder at ${q.url} could not answer`,
      `It answered with status ${STATUS_WORDS[parsed.status] ?? `${parsed.status} (not defined by RFC 6960)`}.`,
      parsed.status === RESPONSE_STATUS.unauthorized
        ? `Check that this responder serves ${ca}: the certificate may name another CA's responder.`
        : 'Try again; if it persists, ask the PKI team to check the OCSP responder.',
    );
  if (!parsed.basic)
    return problem(
      'not-basic',
      `The answer from ${q.url} is not a basic OCSP response`,
      `Its response type is ${parsed.responseType ?? 'missing'}; RFC 6960 responders answer with id-pkix-ocsp-basic.`,
      'Ask the PKI team to check the OCSP responder.',
    );
  return judgeBasic(parsed.basic, { ...q, now, id, nonce, method, who, ca, problem });
}

type Fetched = { res: BoundedGetResult; method: 'POST' | 'GET' } | { error: string; fix: string; status?: number };

/** POST first (RFC 6960 A.1); a responder that refuses it with an HTTP status is asked again with GET. */
async function fetchAnswer(q: OcspQuery, request: Buffer): Promise<Fetched> {
  const deadline = Date.now() + (q.timeoutMs ?? 10_000);
  const opts = (): BoundedGetOptions => ({
    timeoutMs: Math.max(1, deadline - Date.now()),
    maxBytes: q.maxBytes ?? OCSP_MAX_BYTES,
    signal: q.signal,
    what: 'OCSP response',
    accept: 'application/ocsp-response',
  });
  const failed = (e: unknown): Fetched => {
    if (isOnboardError(e) && e.code === 'fetch-cancelled') throw e;
    return {
      error: isOnboardError(e) ? e.message : describeError(e),
      fix: (isOnboardError(e) && e.hint) || 'Check that this Mac can reach the OCSP responder.',
    };
  };
  if (!/^http:\/\//i.test(q.url)) {
    return {
      error: `${q.url} is not an http:// address; OCSP is asked over plain HTTP (RFC 6960 A.1), the answer being signed.`,
      fix: 'Ask the PKI team to publish the OCSP responder at an http:// address.',
    };
  }
  let post: BoundedGetResult;
  try {
    post = await boundedPost(q.url, { body: request, contentType: 'application/ocsp-request' }, opts());
  } catch (e) {
    return failed(e);
  }
  if (post.status === 200) return { res: post, method: 'POST' };
  if (deadline - Date.now() < 50)
    return {
      error: `${q.url} answered the POST with HTTP ${post.status}, and no time was left to try GET.`,
      fix: 'Check the OCSP responder.',
      status: post.status,
    };
  const u = new URL(q.url);
  u.pathname = u.pathname.replace(/\/?$/, '/') + encodeURIComponent(request.toString('base64'));
  let get: BoundedGetResult;
  try {
    get = await boundedGet(u.toString(), opts());
  } catch (e) {
    const f = failed(e);
    if ('error' in f)
      f.error = `${q.url} answered the POST with HTTP ${post.status}; asking again with GET: ${f.error}`;
    return f;
  }
  if (get.status === 200) return { res: get, method: 'GET' };
  return {
    error: `${q.url} answered HTTP ${post.status} to a POST and HTTP ${get.status} to a GET.`,
    fix: 'Check the OCSP address in the certificate and the responder behind it.',
    status: get.status,
  };
}

interface JudgeContext extends Omit<OcspQuery, 'nonce'> {
  now: Date;
  id: CertId;
  nonce?: Buffer;
  method: 'POST' | 'GET';
  who: string;
  ca: string;
  problem: (p: OcspProblem, title: string, detail: string, fix: string) => OcspOutcome;
}

function judgeBasic(basic: BasicOcspResponse, c: JudgeContext): OcspOutcome {
  const { who, ca, problem } = c;
  const critical = [...basic.extensions].filter(([oid, e]) => e.critical && oid !== OCSP_OIDS.nonce);
  if (critical.length)
    return problem(
      'critical-extension',
      `The OCSP answer from ${c.url} cannot be understood`,
      `It carries critical extensions Onboard does not know (${critical.map(([oid]) => oid).join(', ')}), so it must not be believed.`,
      'Ask the PKI team which responder software this is.',
    );
  const single = matchingAnswer(basic.responses, c);
  if (!single)
    return problem(
      'other-certificate',
      `The OCSP answer from ${c.url} is about another certificate`,
      `It answers for ${basic.responses.length} certificate(s), none of them serial ${c.certificate.serialNumber} issued by ${ca}.`,
      `Check that this responder serves ${ca}; an answer about another certificate says nothing about ${who}.`,
    );
  const signer = findSigner(basic, c);
  if ('why' in signer)
    return problem(
      'unauthorised-signer',
      `The OCSP answer from ${c.url} is signed by a responder ${ca} did not authorise`,
      signer.why,
      `Ask the PKI team to sign OCSP answers with ${ca}'s key or with a responder certificate ${ca} issued with the OCSP Signing extended key usage.`,
    );
  const signerCert = signer.cert;
  if (!signatureVerifies(basic.signatureAlgorithm, basic.tbs, basic.signature, signerCert.publicKey))
    return problem(
      'bad-signature',
      `The OCSP answer from ${c.url} has a signature that does not verify`,
      `It names ${signer.info.label} as its signer, but its signature (algorithm ${basic.signatureAlgorithm.oid}) was not made with that key.`,
      'The answer was altered or the responder is misconfigured: ask the PKI team to check it.',
    );
  const dates = `This update ${iso(single.thisUpdate)}, next update ${single.nextUpdate ? iso(single.nextUpdate) : 'not given'}.`;
  if (single.thisUpdate.getTime() > c.now.getTime() + OCSP_SKEW_MS)
    return problem(
      'not-yet-valid',
      `The OCSP answer from ${c.url} is not valid yet`,
      `${dates} Either this Mac's clock is behind or the responder's is ahead (more than 5 minutes).`,
      'Check the date and time on this Mac and on the OCSP responder.',
    );
  if (single.nextUpdate && single.nextUpdate.getTime() < c.now.getTime() - OCSP_SKEW_MS)
    return problem(
      'expired',
      `The OCSP answer from ${c.url} has expired`,
      `${dates} An answer past its next update must not be believed.`,
      "Check this Mac's date and time; otherwise the responder serves stale answers: ask the PKI team to check it.",
    );
  const echoed = basic.extensions.get(OCSP_OIDS.nonce)?.value;
  if (c.nonce && echoed && !echoed.equals(c.nonce))
    return problem(
      'nonce-mismatch',
      `The OCSP answer from ${c.url} was made for another request`,
      'Its nonce differs from the one sent, so it may be a replayed old answer.',
      'Try again; if it persists, something between this Mac and the responder replays answers.',
    );
  const answer: OcspAnswer = {
    status: single.status,
    thisUpdate: single.thisUpdate,
    producedAt: basic.producedAt,
    signer: signer.info,
    nonce: !c.nonce ? 'not-sent' : echoed ? 'echoed' : 'not-echoed',
    method: c.method,
  };
  if (single.nextUpdate) answer.nextUpdate = single.nextUpdate;
  if (single.revokedAt) answer.revokedAt = single.revokedAt;
  if (single.reason !== undefined) answer.reason = single.reason;
  return { ok: true, answer };
}

/** The answer about our certificate: compared in the digest the responder used, as OpenSSL does. */
function matchingAnswer(responses: SingleResponse[], c: JudgeContext): SingleResponse | undefined {
  return responses.find((r) => {
    if (r.certId.hashOid === c.id.hashOid) return sameCertId(c.id, r.certId);
    try {
      return sameCertId(certIdFor(c.certificate, c.issuer, r.certId.hashOid), r.certId);
    } catch {
      return false;
    }
  });
}

/**
 * Who signed (RFC 6960 4.2.2.2): the issuer itself, or a certificate sent with the answer that the
 * issuer issued with id-kp-OCSPSigning and that is valid now. Anything else is not authorised.
 */
function findSigner(
  basic: BasicOcspResponse,
  c: JudgeContext,
): { cert: X509Certificate; info: OcspSigner } | { why: string } {
  const rid = basic.responderId;
  const named = (cert: X509Certificate) =>
    'byName' in rid ? certificateDetails(cert).subjectDer.equals(rid.byName) : keyHash(cert).equals(rid.byKey);
  const described = 'byName' in rid ? 'the name it gives as responder' : 'the key hash it gives as responder';
  if (named(c.issuer)) return { cert: c.issuer, info: { kind: 'issuer', label: c.ca, noCheck: false } };
  const cert = basic.certs.find(named);
  if (!cert)
    return {
      why: `Neither ${c.ca} nor any certificate sent with the answer matches ${described}, so nothing shows ${c.ca} stands behind it.`,
    };
  const label = nameLabel(cert.subject);
  let issued = false;
  try {
    issued = cert.checkIssued(c.issuer) && cert.verify(c.issuer.publicKey);
  } catch {
    issued = false;
  }
  if (!issued)
    return {
      why: `It is signed by ${label}, which ${c.ca} did not issue (issued by ${nameLabel(cert.issuer)}): only ${c.ca} or a responder it certified may answer for its certificates.`,
    };
  const d = certificateDetails(cert);
  if (!d.extendedKeyUsageOids?.includes(OCSP_OIDS.ocspSigning))
    return {
      why: `It is signed by ${label}, issued by ${c.ca} but without the OCSP Signing extended key usage (1.3.6.1.5.5.7.3.9), so it is not an authorised responder.`,
    };
  if (d.notBefore.getTime() > c.now.getTime() + OCSP_SKEW_MS || d.notAfter.getTime() < c.now.getTime() - OCSP_SKEW_MS)
    return {
      why: `It is signed by the responder ${label}, whose certificate is valid only from ${iso(d.notBefore)} to ${iso(d.notAfter)}.`,
    };
  return { cert, info: { kind: 'delegated', label, noCheck: d.extensions.has(OCSP_OIDS.noCheck) } };
}
