// Revocation of every certificate of a path judged from CRLs already in hand, as `openssl verify -crl_check_all` judges it (x509_vfy.c: get_crl_score, check_crl, cert_crl), for files and fetched lists alike.
import type { X509Certificate } from 'node:crypto';
import { REMOVE_FROM_CRL, reasonName, type Crl, type CrlEntry } from './crl';
import { sameGeneralName } from './general-names';
import { certificateDetails, certificateLabel, publicKeyOf } from './inspect';
import { ALL_REASONS, akidAllows, pathFacts, type DistributionPointName } from './path-facts';
import { signatureVerifies } from './signature';

export type RevocationStatus =
  | 'good'
  | 'revoked'
  | 'no-crl'
  | 'partial-reasons'
  | 'crl-sign'
  | 'crl-scope'
  | 'crl-not-yet-valid'
  | 'crl-expired'
  | 'crl-key-unusable'
  | 'crl-signature'
  | 'crl-critical'
  | 'no-issuer';

export interface CertificateRevocation {
  certificate: X509Certificate;
  status: RevocationStatus;
  /** The CRL judged (the best OpenSSL would pick), when there was one. */
  crl?: Crl;
  /** The certificate whose key signed that CRL. */
  crlIssuer?: X509Certificate;
  /** For 'revoked': the entry that lists the certificate. */
  entry?: CrlEntry;
  /** For 'no-crl': a list in the issuer's name that was passed over (another key signed it, or it cannot be used). */
  namesake?: Crl;
}

// OpenSSL's CRL scores (x509_vfy.c): the best-scoring CRL is used, the newest of equals.
const SCORE = {
  noCritical: 0x100,
  scope: 0x080,
  time: 0x040,
  issuerName: 0x020,
  issuerCert: 0x018,
  samePath: 0x008,
  akid: 0x004,
} as const;

interface Scored {
  crl: Crl;
  score: number;
  reasons: number;
  issuer: X509Certificate;
}

/** thisUpdate at or before `at`, nextUpdate (if any) after it: OpenSSL's X509_cmp_time semantics. */
function timely(crl: Crl, at: Date): boolean {
  return crl.thisUpdate.getTime() <= at.getTime() && (!crl.nextUpdate || crl.nextUpdate.getTime() > at.getTime());
}

function sameDistributionPoint(a: DistributionPointName | undefined, b: DistributionPointName | undefined): boolean {
  if (!a || !b) return true;
  if (a.relative && b.relative) return a.relative.equals(b.relative);
  const rel = a.relative ?? b.relative;
  const full = (a.relative ? b.full : a.full) ?? [];
  if (rel) return full.some((g) => g.kind === 'directory' && g.canonical.equals(rel));
  return (a.full ?? []).some((x) => (b.full ?? []).some((y) => sameGeneralName(x, y)));
}

/** Does the CRL cover `cert` (crl_crldp_check)? Returns the reasons it covers, or null when it is out of scope. */
function scope(cert: X509Certificate, crl: Crl, score: number): number | null {
  const idp = crl.idp;
  if (idp?.onlyAttributes) return null;
  const isCa = certificateDetails(cert).basicConstraints?.ca === true;
  if (isCa ? idp?.onlyUser : idp?.onlyCa) return null;
  const reasons = idp?.reasons ?? ALL_REASONS;
  for (const dp of pathFacts(cert).distributionPoints) {
    const issuerOk = dp.crlIssuer
      ? dp.crlIssuer.some((g) => g.kind === 'directory' && g.canonical.equals(crl.issuerCanonical))
      : (score & SCORE.issuerName) !== 0;
    if (issuerOk && (!idp || sameDistributionPoint(dp.name, idp.name))) return reasons & dp.reasons;
  }
  return (!idp || !idp.name) && (score & SCORE.issuerName) !== 0 ? reasons : null;
}

function scoreCrl(chain: X509Certificate[], i: number, crl: Crl, reasonsSoFar: number, at: Date): Scored | null {
  const cert = chain[i]!;
  // Without OpenSSL's extended CRL support (off in `openssl verify`), indirect and partitioned-by-reason lists are not used.
  if (crl.idpInvalid || crl.invalid.length || crl.idp?.indirect || crl.idp?.reasons !== undefined) return null;
  if (!crl.issuerCanonical.equals(pathFacts(cert).issuerCanonical)) return null;
  let score = SCORE.issuerName;
  if (crl.unprocessedCritical.length === 0) score |= SCORE.noCritical;
  if (timely(crl, at)) score |= SCORE.time;
  // The CRL's signer: the certificate's issuer in the path (the root for the root), else a CA higher up of that name.
  const next = Math.min(i + 1, chain.length - 1);
  let issuer: X509Certificate | undefined;
  if (akidAllows(chain[next]!, crl.akid)) {
    issuer = chain[next]!;
    score |= SCORE.akid | SCORE.issuerCert;
  } else {
    issuer = chain
      .slice(next + 1)
      .find((c) => pathFacts(c).subjectCanonical.equals(crl.issuerCanonical) && akidAllows(c, crl.akid));
    if (!issuer) return null;
    score |= SCORE.akid | SCORE.samePath;
  }
  let reasons = reasonsSoFar;
  const covered = scope(cert, crl, score);
  if (covered !== null) {
    if ((covered & ~reasonsSoFar) === 0) return null;
    reasons |= covered;
    score |= SCORE.scope;
  }
  return { crl, score, reasons, issuer };
}

/** get_crl_sk: the best-scoring CRL, the most recent of equals. */
function bestCrl(
  chain: X509Certificate[],
  i: number,
  crls: readonly Crl[],
  reasonsSoFar: number,
  at: Date,
): Scored | null {
  let best: Scored | null = null;
  for (const crl of crls) {
    const s = scoreCrl(chain, i, crl, reasonsSoFar, at);
    if (!s || (best && s.score < best.score)) continue;
    if (best && s.score === best.score && s.crl.thisUpdate.getTime() <= best.crl.thisUpdate.getTime()) continue;
    best = s;
  }
  return best;
}

const signatureCache = new WeakMap<Crl, Map<string, boolean>>();

function signedBy(crl: Crl, issuer: X509Certificate): boolean {
  let m = signatureCache.get(crl);
  if (!m) signatureCache.set(crl, (m = new Map()));
  let v = m.get(issuer.fingerprint256);
  if (v === undefined) {
    const key = publicKeyOf(issuer);
    v =
      key !== null &&
      crl.algorithmsAgree &&
      crl.signatureWhole &&
      signatureVerifies(
        { oid: crl.signatureAlgorithm.oid, params: crl.signatureAlgorithm.params },
        crl.tbs,
        crl.signature,
        key,
      );
    m.set(issuer.fingerprint256, v);
  }
  return v;
}

/** The entry listing `cert` in `crl` (serial, and issuer name for entries of an indirect list), or undefined. */
function listed(crl: Crl, cert: X509Certificate): CrlEntry | undefined {
  const issuer = pathFacts(cert).issuerCanonical;
  return crl.entries
    .get(pathFacts(cert).serial)
    ?.find((e) =>
      e.issuers
        ? e.issuers.some((g) => g.kind === 'directory' && g.canonical.equals(issuer))
        : crl.issuerCanonical.equals(issuer),
    );
}

/** check_crl then cert_crl for one chosen CRL: the first thing wrong, or 'good'. */
function judge(cert: X509Certificate, s: Scored, at: Date): CertificateRevocation {
  const base = { certificate: cert, crl: s.crl, crlIssuer: s.issuer };
  const isDelta = s.crl.baseCrlNumber !== undefined;
  if (!isDelta) {
    const ku = certificateDetails(s.issuer).keyUsage;
    if (ku && !ku.includes('cRLSign')) return { ...base, status: 'crl-sign' };
    if (!(s.score & SCORE.scope)) return { ...base, status: 'crl-scope' };
  }
  if (!(s.score & SCORE.time)) {
    return { ...base, status: s.crl.thisUpdate.getTime() > at.getTime() ? 'crl-not-yet-valid' : 'crl-expired' };
  }
  if (!publicKeyOf(s.issuer)) return { ...base, status: 'crl-key-unusable' };
  if (!signedBy(s.crl, s.issuer)) return { ...base, status: 'crl-signature' };
  if (s.crl.unprocessedCritical.length) return { ...base, status: 'crl-critical' };
  const entry = listed(s.crl, cert);
  if (entry && entry.reason !== REMOVE_FROM_CRL) return { ...base, status: 'revoked', entry };
  return { ...base, status: 'good' };
}

/**
 * Judges every certificate of `chain` (leaf first, up to and including the root, as -crl_check_all
 * does) against the CRLs given. `complete` says the chain ends at a self-signed root; certificates
 * whose issuer is unknown are 'no-issuer'. A CA found revoked revokes everything below it: the
 * caller reads the first certificate whose status is not 'good'.
 */
export function checkPathRevocation(
  chain: X509Certificate[],
  complete: boolean,
  crls: readonly Crl[],
  at: Date,
): CertificateRevocation[] {
  return chain.map((cert, i) => {
    if (i === chain.length - 1 && !complete) return { certificate: cert, status: 'no-issuer' };
    let reasons = 0;
    let last: CertificateRevocation = { certificate: cert, status: 'no-crl' };
    while (reasons !== ALL_REASONS) {
      const s = bestCrl(chain, i, crls, reasons, at);
      if (!s) {
        if (last.status === 'good') return { ...last, status: 'partial-reasons' };
        const namesake = crls.find((c) => c.issuerCanonical.equals(pathFacts(cert).issuerCanonical));
        return namesake ? { certificate: cert, status: 'no-crl', namesake } : { certificate: cert, status: 'no-crl' };
      }
      last = judge(cert, s, at);
      if (last.status !== 'good') return last;
      if (s.reasons === reasons) return { ...last, status: 'partial-reasons' };
      reasons = s.reasons;
    }
    return last;
  });
}

/** The label of a certificate and, for messages about a CRL, "the CRL of <issuer>". */
export function crlWords(r: CertificateRevocation): { who: string; crlOf: string; reason: string } {
  const issuer = r.crlIssuer ? certificateLabel(r.crlIssuer) : (r.crl?.issuerText ?? 'its issuer');
  return {
    who: certificateLabel(r.certificate),
    crlOf: `the CRL of ${issuer}${r.crl ? ` (${r.crl.source})` : ''}`,
    reason: reasonName(r.entry?.reason),
  };
}
