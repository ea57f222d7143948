// OCSP responses (RFC 6960 section 4.2) on the one DER codec: reading what a responder sent, and writing the lab responder's answers.
import { X509Certificate, sign, type KeyObject } from 'node:crypto';
import {
  Asn1Error,
  TAG,
  children,
  contents,
  der,
  expectTag,
  parseStrictDer,
  readAlgorithm,
  readEnumerated,
  readOctets,
  readOid,
  readTime,
  whole,
  type Tlv,
} from './der';
import { signatureAlgorithm } from './build';
import {
  OCSP_OIDS,
  encodeCertId,
  encodeExtension,
  keyHash,
  readCertId,
  readExtensionList,
  type CertId,
  type OcspExtension,
} from './ocsp';

/** OCSPResponseStatus (RFC 6960 4.2.1); 4 is not used. */
export const RESPONSE_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;

/** A response carries the responder's certificate and perhaps its chain: more than this is not an OCSP answer. */
const MAX_RESPONSE_CERTS = 10;
const MAX_SINGLE_RESPONSES = 100;

export type CertStatus = 'good' | 'revoked' | 'unknown';

export interface SingleResponse {
  certId: CertId;
  status: CertStatus;
  revokedAt?: Date;
  /** CRLReason code, when the responder gave one. */
  reason?: number;
  thisUpdate: Date;
  nextUpdate?: Date;
}

export type ResponderId = { byName: Buffer } | { byKey: Buffer };

export interface BasicOcspResponse {
  /** The exact signed bytes (ResponseData) and the signature over them. */
  tbs: Buffer;
  responderId: ResponderId;
  producedAt: Date;
  responses: SingleResponse[];
  extensions: Map<string, OcspExtension>;
  signatureAlgorithm: { oid: string; params?: Buffer };
  signature: Buffer;
  /** Certificates sent to help verify the signature (a delegated responder's certificate). */
  certs: X509Certificate[];
}

export interface ParsedOcspResponse {
  /** OCSPResponseStatus: 0 successful, else why the responder could not answer. */
  status: number;
  /** The response type's OID when the responder sent one. */
  responseType?: string;
  /** Present for a successful id-pkix-ocsp-basic response. */
  basic?: BasicOcspResponse;
}

/** Reads an OCSPResponse in strict DER (its signature covers the exact bytes). Throws Asn1Error. */
export function parseOcspResponse(bytes: Uint8Array): ParsedOcspResponse {
  const top = children(expectTag(parseStrictDer(bytes), TAG.SEQUENCE, 'OCSPResponse'));
  const status = readEnumerated(expectTag(top[0], TAG.ENUMERATED, 'responseStatus'));
  const bytesT = top[1];
  if (!bytesT) return { status };
  if (bytesT.tag !== 0xa0) throw new Asn1Error('responseBytes: unexpected structure');
  const [typeT, responseT] = children(expectTag(children(bytesT)[0], TAG.SEQUENCE, 'ResponseBytes'));
  const responseType = readOid(typeT!);
  if (responseType !== OCSP_OIDS.basicResponse) return { status, responseType };
  const inner = readOctets(expectTag(responseT, TAG.OCTET_STRING, 'response'));
  return { status, responseType, basic: parseBasicResponse(inner) };
}

function parseBasicResponse(bytes: Buffer): BasicOcspResponse {
  const [tbsT, algT, sigT, certsT] = children(expectTag(parseStrictDer(bytes), TAG.SEQUENCE, 'BasicOCSPResponse'));
  const fields = children(expectTag(tbsT, TAG.SEQUENCE, 'ResponseData'));
  let i = 0;
  if (fields[i]?.tag === 0xa0) i++; // version, v1 by default
  const idT = fields[i++];
  let responderId: ResponderId;
  if (idT?.tag === 0xa1)
    responderId = { byName: Buffer.from(whole(expectTag(children(idT)[0], TAG.SEQUENCE, 'responder name'))) };
  else if (idT?.tag === 0xa2)
    responderId = { byKey: readOctets(expectTag(children(idT)[0], TAG.OCTET_STRING, 'responder key hash')) };
  else throw new Asn1Error('responderID: unexpected structure');
  const producedAt = readTime(expectTag(fields[i++], TAG.GENERALIZED_TIME, 'producedAt'));
  const list = children(expectTag(fields[i++], TAG.SEQUENCE, 'responses'));
  if (list.length > MAX_SINGLE_RESPONSES)
    throw new Asn1Error(`more than ${MAX_SINGLE_RESPONSES} answers in one response`);
  const extensions =
    fields[i]?.tag === 0xa1 ? readExtensionList(children(fields[i]!)[0]!) : new Map<string, OcspExtension>();
  const alg = readAlgorithm(expectTag(algT, TAG.SEQUENCE, 'signatureAlgorithm'));
  const sig = contents(expectTag(sigT, TAG.BIT_STRING, 'signature'));
  if (sig[0] !== 0) throw new Asn1Error('the signature has unused bits');
  const certs: X509Certificate[] = [];
  if (certsT) {
    const list = children(expectTag(children(expectTag(certsT, 0xa0, 'certs'))[0], TAG.SEQUENCE, 'certs'));
    if (list.length > MAX_RESPONSE_CERTS)
      throw new Asn1Error(`more than ${MAX_RESPONSE_CERTS} certificates in one response`);
    for (const c of list) {
      try {
        certs.push(new X509Certificate(whole(c)));
      } catch {
        throw new Asn1Error('a certificate in the response is damaged');
      }
    }
  }
  return {
    tbs: Buffer.from(whole(tbsT!)),
    responderId,
    producedAt,
    responses: list.map(readSingleResponse),
    extensions,
    signatureAlgorithm:
      alg.params && alg.params.tag !== TAG.NULL
        ? { oid: alg.oid, params: Buffer.from(whole(alg.params)) }
        : { oid: alg.oid },
    signature: Buffer.from(sig.subarray(1)),
    certs,
  };
}

function readSingleResponse(t: Tlv): SingleResponse {
  const [idT, statusT, thisT, ...rest] = children(expectTag(t, TAG.SEQUENCE, 'SingleResponse'));
  const certId = readCertId(idT);
  if (!statusT) throw new Asn1Error('SingleResponse: no certStatus');
  const thisUpdate = readTime(expectTag(thisT, TAG.GENERALIZED_TIME, 'thisUpdate'));
  const out: SingleResponse = { certId, status: 'unknown', thisUpdate };
  if (statusT.tag === 0x80) out.status = 'good';
  else if (statusT.tag === 0x82) out.status = 'unknown';
  else if (statusT.tag === 0xa1) {
    out.status = 'revoked';
    const [timeT, reasonT] = children(statusT);
    out.revokedAt = readTime(expectTag(timeT, TAG.GENERALIZED_TIME, 'revocationTime'));
    if (reasonT) out.reason = readEnumerated(children(expectTag(reasonT, 0xa0, 'revocationReason'))[0]!);
  } else throw new Asn1Error('certStatus: unexpected structure');
  const next = rest.find((r) => r.tag === 0xa0);
  if (next) out.nextUpdate = readTime(expectTag(children(next)[0], TAG.GENERALIZED_TIME, 'nextUpdate'));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing answers (the lab responder)

export interface AnswerSpec {
  certId: CertId;
  status: CertStatus;
  revokedAt?: Date;
  reason?: number;
  thisUpdate: Date;
  nextUpdate?: Date;
}

function encodeSingleResponse(a: AnswerSpec): Buffer {
  let status: Buffer;
  if (a.status === 'good') status = der.tlv(0x80);
  else if (a.status === 'unknown') status = der.tlv(0x82);
  else {
    const reason = a.reason !== undefined ? [der.ctx(0, true, der.enumerated(a.reason))] : [];
    status = der.ctx(1, true, der.generalizedTime(a.revokedAt ?? a.thisUpdate), ...reason);
  }
  const next = a.nextUpdate ? [der.ctx(0, true, der.generalizedTime(a.nextUpdate))] : [];
  return der.seq(encodeCertId(a.certId), status, der.generalizedTime(a.thisUpdate), ...next);
}

/**
 * A successful basic response signed by `signer` (identified by its key hash, sent along so a
 * client can check it was authorised by the issuer), with the request's nonce echoed when given.
 */
export function encodeOcspResponse(o: {
  answers: AnswerSpec[];
  signer: { certificate: X509Certificate; key: KeyObject };
  producedAt: Date;
  nonceExtension?: Buffer;
}): Buffer {
  const exts = o.nonceExtension ? [der.ctx(1, true, der.seq(encodeExtension(OCSP_OIDS.nonce, o.nonceExtension)))] : [];
  const tbs = der.seq(
    der.ctx(2, true, der.octets(keyHash(o.signer.certificate))),
    der.generalizedTime(o.producedAt),
    der.seq(...o.answers.map(encodeSingleResponse)),
    ...exts,
  );
  const alg = signatureAlgorithm(o.signer.key);
  const basic = der.seq(
    tbs,
    alg.algorithmId,
    der.bits(sign(alg.hash, tbs, o.signer.key)),
    der.ctx(0, true, der.seq(o.signer.certificate.raw)),
  );
  return der.seq(
    der.enumerated(RESPONSE_STATUS.successful),
    der.ctx(0, true, der.seq(der.oid(OCSP_OIDS.basicResponse), der.octets(basic))),
  );
}

/** An unsuccessful response: only the status, as RFC 6960 says (no signature, nothing else). */
export function encodeOcspError(status: Exclude<(typeof RESPONSE_STATUS)[keyof typeof RESPONSE_STATUS], 0>): Buffer {
  return der.seq(der.enumerated(status));
}
