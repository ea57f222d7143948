// Builds a certificate's path to a root from any pile of CA certificates, and says what is wrong with it.
import type { X509Certificate } from 'node:crypto';
import { formatName } from './names';
import { certificateDetails, certificateLabel, isSelfSigned, verifiesWith } from './inspect';

export interface ChainProblem {
  /** Stable code: issuer-missing, signature-invalid, root-not-trusted, not-a-ca, ca-key-usage, path-length, ca-expired, ca-not-yet-valid. */
  code: string;
  message: string;
  /** Label of the certificate concerned, "CN=... (serial ...)". */
  certificate?: string;
}

export interface ChainResult {
  /** Leaf first, then each issuer up to the root (or as far as the pool allowed). */
  chain: X509Certificate[];
  /** The path reaches a self-signed root. */
  complete: boolean;
  /** The root, when it is one of the trust anchors. */
  trustedRoot: X509Certificate | null;
  problems: ChainProblem[];
}

export interface BuildChainOptions {
  /** Time to judge CA validity at; default now. */
  at?: Date;
  /** Roots to trust. Default: every self-signed certificate in the pool. */
  trustAnchors?: X509Certificate[];
}

// Verifying a signature costs far more than everything else here, and the same
// intermediate is checked against the same root for every device of a site.
const signatureCache = new WeakMap<X509Certificate, Map<string, boolean>>();

/** `cert` carries a valid signature made by `issuer`'s key (cached per pair of objects). */
export function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  let m = signatureCache.get(cert);
  if (!m) signatureCache.set(cert, (m = new Map()));
  const k = issuer.fingerprint256;
  let v = m.get(k);
  if (v === undefined) {
    v = verifiesWith(cert, issuer.publicKey);
    m.set(k, v);
  }
  return v;
}

function nameKey(der: Buffer): string {
  return der.toString('base64');
}

/** Could `candidate` be the issuer of `cert` by name? (Exact DER first; then case-insensitive text, as OpenSSL canonicalises.) */
function namesMatch(cert: X509Certificate, candidate: X509Certificate): boolean {
  const c = certificateDetails(cert);
  const i = certificateDetails(candidate);
  if (c.issuerDer.equals(i.subjectDer)) return true;
  return formatName(c.issuerAttributes).toLowerCase() === formatName(i.subjectAttributes).toLowerCase();
}

function validAt(cert: X509Certificate, at: Date): boolean {
  const d = certificateDetails(cert);
  return d.notBefore.getTime() <= at.getTime() && at.getTime() <= d.notAfter.getTime();
}

export function buildChain(leaf: X509Certificate, pool: X509Certificate[], opts: BuildChainOptions = {}): ChainResult {
  const at = opts.at ?? new Date();
  const anchors = opts.trustAnchors ?? pool.filter((c) => isSelfSigned(c));
  const anchorPrints = new Set(anchors.map((c) => c.fingerprint256));
  const bySubject = new Map<string, X509Certificate[]>();
  const seen = new Set<string>([leaf.fingerprint256]);
  const all: X509Certificate[] = [];
  for (const c of [...pool, ...anchors]) {
    if (seen.has(c.fingerprint256)) continue;
    seen.add(c.fingerprint256);
    all.push(c);
    const k = nameKey(certificateDetails(c).subjectDer);
    const list = bySubject.get(k);
    if (list) list.push(c);
    else bySubject.set(k, [c]);
  }

  const problems: ChainProblem[] = [];
  const chain: X509Certificate[] = [leaf];
  const used = new Set<string>([leaf.fingerprint256]);
  let complete = false;
  let current = leaf;
  for (let step = 0; step <= all.length; step++) {
    if (isSelfSigned(current)) {
      complete = true;
      break;
    }
    const cd = certificateDetails(current);
    const byName = (bySubject.get(nameKey(cd.issuerDer)) ?? all.filter((c) => namesMatch(current, c))).filter(
      (c) => !used.has(c.fingerprint256),
    );
    if (byName.length === 0) {
      problems.push({
        code: 'issuer-missing',
        message: `The issuer of ${certificateLabel(current)}, "${formatName(cd.issuerAttributes)}", is not among the CA certificates given.`,
        certificate: certificateLabel(current),
      });
      break;
    }
    const signers = byName.filter((c) => signedBy(current, c));
    if (signers.length === 0) {
      problems.push({
        code: 'signature-invalid',
        message: `${certificateLabel(current)} names "${formatName(cd.issuerAttributes)}" as its issuer, but its signature does not verify with the key of any CA certificate of that name: it was signed by a different CA (or altered).`,
        certificate: certificateLabel(current),
      });
      break;
    }
    // Several renewals of one CA may share a name: prefer the one whose key id matches, that is valid now, and that is trusted.
    const score = (c: X509Certificate) => {
      const d = certificateDetails(c);
      return (
        (cd.authorityKeyId && d.subjectKeyId === cd.authorityKeyId ? 4 : 0) +
        (validAt(c, at) ? 2 : 0) +
        (anchorPrints.has(c.fingerprint256) ? 1 : 0)
      );
    };
    const best = signers.reduce((a, b) => (score(b) > score(a) ? b : a));
    chain.push(best);
    used.add(best.fingerprint256);
    current = best;
  }

  let trustedRoot: X509Certificate | null = null;
  if (complete) {
    const root = chain[chain.length - 1]!;
    if (anchorPrints.has(root.fingerprint256)) trustedRoot = root;
    else if (chain.length > 1) {
      problems.push({
        code: 'root-not-trusted',
        message: `The chain ends at the root ${certificateLabel(root)}, which is not one of the trusted CA certificates.`,
        certificate: certificateLabel(root),
      });
    }
  }

  for (let i = 1; i < chain.length; i++) {
    const ca = chain[i]!;
    const d = certificateDetails(ca);
    const label = certificateLabel(ca);
    const isRoot = i === chain.length - 1 && complete;
    // OpenSSL still accepts version 1 self-signed roots as trust anchors; nothing else may lack the CA flag.
    if (!d.basicConstraints?.ca && !(isRoot && d.version === 1)) {
      problems.push({
        code: 'not-a-ca',
        message: `${label} signed the certificate below it but is not marked as a CA (basic constraints CA:TRUE missing).`,
        certificate: label,
      });
    }
    if (d.keyUsage && !d.keyUsage.includes('keyCertSign')) {
      problems.push({
        code: 'ca-key-usage',
        message: `${label} is not allowed to sign certificates: its key usage lacks keyCertSign.`,
        certificate: label,
      });
    }
    const below = i - 1; // CA certificates between this one and the leaf
    if (d.basicConstraints?.pathLength !== undefined && below > d.basicConstraints.pathLength) {
      problems.push({
        code: 'path-length',
        message: `${label} allows at most ${d.basicConstraints.pathLength} CA certificate(s) below it, but the chain has ${below}.`,
        certificate: label,
      });
    }
    if (at.getTime() > d.notAfter.getTime()) {
      problems.push({
        code: 'ca-expired',
        message: `The CA certificate ${label} expired on ${d.notAfter.toISOString()}.`,
        certificate: label,
      });
    } else if (at.getTime() < d.notBefore.getTime()) {
      problems.push({
        code: 'ca-not-yet-valid',
        message: `The CA certificate ${label} is not valid until ${d.notBefore.toISOString()}.`,
        certificate: label,
      });
    }
  }
  return { chain, complete, trustedRoot, problems };
}
