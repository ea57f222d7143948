// Revocation as OpenSSL on the Switch judges it: fetch each CRL of the client certificate and
// its CAs, check who signed it, when it is valid, and whether it lists the certificate.
import type { X509Certificate } from 'node:crypto';
import { OnboardError, describeError, isOnboardError } from '../errors';
import {
  Asn1Error,
  TAG,
  children,
  contents,
  expectTag,
  parseStrictDer,
  readAlgorithm,
  readIntegerHex,
  readTime,
  whole,
  type Tlv,
} from '../pki/der';
import { signatureVerifies } from '../pki/signature';
import { buildChain } from '../pki/chain';
import { certificateDetails, isSelfSigned } from '../pki/inspect';
import { nameLabel } from '../pki/names';
import { boundedGet, type BoundedGetOptions } from './http-fetch';
import { finding, type VerifyFinding } from './findings';

export interface ParsedCrl {
  /** DER of the issuer Name, compared byte for byte with the CA's subject. */
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Revoked serials (lower-case hex, no leading zero octets) and their revocation dates. */
  revoked: Map<string, Date>;
  signatureAlgorithm: string;
  /** The exact signed bytes and the signature over them. */
  tbs: Buffer;
  signature: Buffer;
  /** Parameters of the signature algorithm (RSASSA-PSS carries its hash and salt there). */
  signatureParams?: Buffer;
}

/** Reads a CRL in DER or PEM. Throws OnboardError 'crl-malformed' for anything else. */
export function parseCrl(data: Buffer): ParsedCrl {
  const der = pemToDer(data);
  try {
    const top = children(expectTag(parseStrictDer(der), TAG.SEQUENCE, 'a certificate revocation list'));
    const [tbsTlv, algTlv, sigTlv] = top;
    expectTag(tbsTlv, TAG.SEQUENCE, 'the signed part of the CRL');
    expectTag(algTlv, TAG.SEQUENCE, 'the signature algorithm');
    const sigContent = contents(expectTag(sigTlv, TAG.BIT_STRING, 'the signature'));
    const alg = readAlgorithm(algTlv!);
    const signatureParams = alg.params && alg.params.tag !== TAG.NULL ? bytes(whole(alg.params)) : undefined;
    if (sigContent[0] !== 0) throw new Asn1Error('the CRL signature has unused bits');

    const fields = children(tbsTlv!);
    let i = fields[0]?.tag === TAG.INTEGER ? 1 : 0; // optional version
    i += 1; // inner signature algorithm, must repeat the outer one; OpenSSL checks that too
    const issuerDer = bytes(whole(expectTag(fields[i++], TAG.SEQUENCE, 'the CRL issuer')));
    const thisTlv = fields[i++];
    if (!isTime(thisTlv)) throw new Asn1Error('the CRL has no thisUpdate time');
    const thisUpdate = readTime(thisTlv!);
    let nextUpdate: Date | undefined;
    if (isTime(fields[i])) nextUpdate = readTime(fields[i++]!);
    const revoked = new Map<string, Date>();
    if (fields[i]?.tag === TAG.SEQUENCE) {
      for (const entry of children(fields[i++]!)) {
        const [serial, date] = children(entry);
        revoked.set(readIntegerHex(serial!), readTime(date!));
      }
    }
    return {
      issuerDer,
      thisUpdate,
      nextUpdate,
      revoked,
      signatureAlgorithm: alg.oid,
      tbs: bytes(whole(tbsTlv!)),
      signature: bytes(sigContent.subarray(1)),
      signatureParams,
    };
  } catch (e) {
    throw new OnboardError(
      'crl-malformed',
      `This is not a readable certificate revocation list (${describeError(e)})`,
      'Check that the distribution point serves the CRL file itself (DER or PEM), not a web page.',
    );
  }
}

const isTime = (t: Tlv | undefined): boolean =>
  t !== undefined && (t.tag === TAG.UTC_TIME || t.tag === TAG.GENERALIZED_TIME);

/** A view of the CRL's own bytes (no copy), so the signature is checked over exactly what was fetched. */
const bytes = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

function pemToDer(data: Buffer): Buffer {
  const head = data.subarray(0, 200).toString('latin1');
  if (!head.includes('-----BEGIN')) return data;
  const m = data.toString('latin1').match(/-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/);
  if (!m)
    throw new OnboardError(
      'crl-malformed',
      'The PEM text holds no "X509 CRL" block.',
      'Check that the distribution point serves the CRL file itself.',
    );
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

/** True when `issuer`'s key made the CRL's signature. RSA (PKCS#1 v1.5 and PSS), ECDSA, EdDSA. */
export function crlSignedBy(crl: ParsedCrl, issuer: X509Certificate): boolean {
  return signatureVerifies(
    { oid: crl.signatureAlgorithm, params: crl.signatureParams },
    crl.tbs,
    crl.signature,
    issuer.publicKey,
  );
}

/** A short name for a certificate in sentences: its CN, else its first subject line. */
export function certificateLabel(cert: X509Certificate): string {
  return nameLabel(cert.subject);
}

const normaliseSerial = (hex: string) => hex.toLowerCase().replace(/^(00)+/, '') || '00';
const day = 86_400_000;

export interface CrlJudgement {
  status: 'pass' | 'warn' | 'fail';
  title: string;
  detail: string;
  fix: string;
}

/**
 * Judges one fetched CRL for `subject`, issued by `issuer`, as OpenSSL's -crl_check would:
 * wrong issuer, bad signature, not yet valid or expired all fail; a listed serial fails.
 */
export function judgeCrl(
  crl: ParsedCrl,
  subject: X509Certificate,
  issuer: X509Certificate,
  url: string,
  now: Date,
): CrlJudgement {
  const who = certificateLabel(subject);
  const ca = certificateLabel(issuer);
  if (!crl.issuerDer.equals(certificateDetails(issuer).subjectDer)) {
    return {
      status: 'fail',
      title: `The CRL at ${url} is not issued by ${ca}`,
      detail: `The list names a different issuer than the CA that issued ${who}, so OpenSSL will not use it for ${who}.`,
      fix: `Publish the CRL of ${ca} at this URL, or reissue the certificate with the right distribution point.`,
    };
  }
  if (!crlSignedBy(crl, issuer)) {
    return {
      status: 'fail',
      title: `The CRL at ${url} has a signature that does not verify`,
      detail: `Its signature was not made with the key of ${ca} (algorithm ${crl.signatureAlgorithm}). OpenSSL rejects such a list, and with CRL checks on the Switch then rejects ${who}.`,
      fix: `Republish the CRL signed by ${ca}; check that the distribution point serves the current CA's list and not an older CA's.`,
    };
  }
  const dates = `This update ${crl.thisUpdate.toISOString()}, next update ${crl.nextUpdate?.toISOString() ?? 'not given'}.`;
  if (crl.thisUpdate.getTime() > now.getTime()) {
    return {
      status: 'fail',
      title: `The CRL at ${url} is not valid yet`,
      detail: `${dates} Either this Mac's clock is behind or the CA's is ahead.`,
      fix: 'Check the date and time on this Mac (System Settings, Date & Time) and on the CA.',
    };
  }
  if (crl.nextUpdate && crl.nextUpdate.getTime() < now.getTime()) {
    return {
      status: 'fail',
      title: `The CRL at ${url} has expired`,
      detail: `${dates} OpenSSL treats an expired CRL as an error, so the Switch rejects ${who} until a fresh list is published.`,
      fix: `Publish a fresh CRL from ${ca} (on a Microsoft CA: certutil -crl), and check the CA's CRL publication schedule.`,
    };
  }
  const revokedAt = crl.revoked.get(normaliseSerial(subject.serialNumber));
  if (revokedAt) {
    return {
      status: 'fail',
      title: `${who} is revoked`,
      detail: `The CRL at ${url} lists serial ${subject.serialNumber} as revoked since ${revokedAt.toISOString()}. The Switch will refuse it.`,
      fix: `Request a new certificate for this Mac from ${ca} and import it.`,
    };
  }
  if (crl.nextUpdate && crl.nextUpdate.getTime() - now.getTime() < day) {
    return {
      status: 'warn',
      title: `${who} is not revoked, but the CRL at ${url} expires within a day`,
      detail: `${dates} If the CA does not publish a new list in time, the Switch will start refusing every client.`,
      fix: `Check that ${ca} publishes its CRL on schedule.`,
    };
  }
  return {
    status: 'pass',
    title: `${who} is not revoked (CRL at ${url})`,
    detail: `Signed by ${ca}; lists ${crl.revoked.size} revoked certificate(s). ${dates}`,
    fix: '',
  };
}

export interface RevocationOptions {
  leaf: X509Certificate;
  /** Certificates sent with the leaf (the PFX's CA certificates). */
  chain: readonly X509Certificate[];
  caCertificates: readonly X509Certificate[];
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
  now?: Date;
}

/** One distribution point fetched for one certificate of the path. */
export interface CrlEndpointResult {
  id: string;
  url: string;
  /** 0 for the client certificate, 1 for its issuing CA, and so on up. */
  depth: number;
  finding: VerifyFinding;
  /** True when a CRL was fetched and judged (whatever the verdict). */
  answered: boolean;
}

/**
 * One finding per distribution point URL (`crl-1`, `crl-2`, ... in path order: the client
 * certificate first, then each CA above it), plus `crl-missing` when the client certificate
 * carries no CRL distribution point. OCSP responders are asked by ocsp-check.ts.
 */
export async function checkRevocation(opts: RevocationOptions): Promise<VerifyFinding[]> {
  const findings: VerifyFinding[] = [];
  const leafUrls = certificateDetails(opts.leaf).crlUrls;
  const leafOcsp = certificateDetails(opts.leaf).ocspUrls;
  if (leafUrls.length === 0) {
    findings.push(
      leafOcsp.length
        ? finding(
            'crl-missing',
            'warn',
            'The client certificate has no CRL distribution point',
            'It has an OCSP responder instead. Older 1E Switch versions require an HTTP CRL distribution point.',
            'Ask the PKI team for a certificate whose template includes an HTTP CRL distribution point.',
          )
        : finding(
            'crl-missing',
            'fail',
            'The client certificate carries no revocation information',
            'It has neither a CRL distribution point nor an OCSP responder; 1E requires an HTTP CRL distribution point.',
            'Ask the PKI team for a certificate whose template includes an HTTP CRL distribution point, then import it.',
          ),
    );
  }
  for (const r of await askCrlDistributionPoints(opts)) findings.push(r.finding);
  return findings;
}

/** Fetches and judges every CRL distribution point of the path, in order; throws only when cancelled. */
export async function askCrlDistributionPoints(opts: RevocationOptions): Promise<CrlEndpointResult[]> {
  // Best effort: the CRLs of every certificate up to where the path stops, whatever else is wrong with it.
  const path = buildChain(opts.leaf, [...opts.chain, ...opts.caCertificates]).chain;
  const out: CrlEndpointResult[] = [];
  let n = 0;
  const fetchOpts: BoundedGetOptions = {
    timeoutMs: opts.timeoutMs,
    maxBytes: opts.maxBytes,
    signal: opts.signal,
    caCertificates: [...opts.caCertificates],
  };
  for (let i = 0; i < path.length; i++) {
    const cert = path[i]!;
    const issuer = path[i + 1] ?? (isSelfSigned(cert) ? cert : undefined);
    for (const url of certificateDetails(cert).crlUrls) {
      n += 1;
      const id = `crl-${n}`;
      const r = await checkOneCrl(id, url, cert, issuer, fetchOpts, opts.now ?? new Date());
      out.push({ id, url, depth: i, ...r });
    }
  }
  return out;
}

async function checkOneCrl(
  id: string,
  url: string,
  cert: X509Certificate,
  issuer: X509Certificate | undefined,
  fetchOpts: BoundedGetOptions,
  now: Date,
): Promise<{ finding: VerifyFinding; answered: boolean }> {
  const no = (f: VerifyFinding) => ({ finding: f, answered: false });
  const who = certificateLabel(cert);
  if (!/^https?:/i.test(url)) {
    return no(
      finding(
        id,
        'info',
        `${who}: distribution point ${url} not checked`,
        'Only http and https distribution points are fetched; the 1E Switch needs an HTTP one.',
        url.toLowerCase().startsWith('ldap:')
          ? 'Make sure the certificate also has an http:// distribution point.'
          : '',
      ),
    );
  }
  if (!issuer) {
    return no(
      finding(
        id,
        'fail',
        `Cannot check the CRL for ${who}: its issuing CA certificate is missing`,
        `The CA certificate that issued ${who} (${cert.issuer.replace(/\n/g, ', ')}) is neither in the PFX nor among the CA certificates given, so the CRL at ${url} cannot be verified.`,
        'Add the issuing CA certificate (--ca FILE in the CLI, or the CA step in the app).',
      ),
    );
  }
  let body: Buffer;
  try {
    const res = await boundedGet(url, fetchOpts);
    if (res.status !== 200) {
      return no(
        finding(
          id,
          'fail',
          `The CRL for ${who} cannot be downloaded (HTTP ${res.status})`,
          `${url} answered HTTP ${res.status}${res.redirects.length ? ` after ${res.redirects.length} redirect(s), at ${res.url}` : ''}. The Switch cannot check revocation of ${who} either.`,
          'Publish the CRL at this URL (check the CDP publication settings of the CA and the web server).',
        ),
      );
    }
    body = res.body;
  } catch (e) {
    if (isOnboardError(e) && e.code === 'fetch-cancelled') throw e;
    const msg = isOnboardError(e) ? e.message : describeError(e);
    const hint = isOnboardError(e) ? e.hint : '';
    return no(
      finding(
        id,
        'fail',
        `The CRL for ${who} cannot be downloaded`,
        msg,
        hint || 'Check that this Mac can reach the distribution point.',
      ),
    );
  }
  let crl: ParsedCrl;
  try {
    crl = parseCrl(body);
  } catch (e) {
    return no(
      finding(id, 'fail', `The file at ${url} is not a CRL`, describeError(e), isOnboardError(e) ? e.hint : ''),
    );
  }
  const j = judgeCrl(crl, cert, issuer, url, now);
  return { finding: finding(id, j.status, j.title, j.detail, j.fix), answered: true };
}
