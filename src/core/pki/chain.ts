// Builds a certificate's path to a root from any pile of CA certificates (RFC 5280 §6 as OpenSSL 3 applies it), and says what is wrong with it.
import type { X509Certificate } from 'node:crypto';
import { formatName } from './names';
import { certificateDetails, certificateLabel, isSelfSigned, publicKeyOf, verifiesWith } from './inspect';
import { akidAllows, pathFacts } from './path-facts';
import { pathProblems, type ChainProblem } from './chain-rules';

export type { ChainProblem, ChainProblemCode, ChainPurpose } from './chain-rules';

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

// Looked up for every pool certificate on every chain built: node computes a fingerprint anew each time it is asked.
const prints = new WeakMap<X509Certificate, string>();
function print(c: X509Certificate): string {
  let p = prints.get(c);
  if (p === undefined) prints.set(c, (p = c.fingerprint256));
  return p;
}

// Canonical names are shared buffers (names.ts folds each distinct name once): so is their text as a map key.
const nameKeys = new WeakMap<Buffer, string>();
function nameKey(canonical: Buffer): string {
  let k = nameKeys.get(canonical);
  if (k === undefined) nameKeys.set(canonical, (k = canonical.toString('latin1')));
  return k;
}

// Verifying a signature costs far more than everything else here, and the same
// intermediate is checked against the same root for every device of a site.
const signatureCache = new WeakMap<X509Certificate, Map<string, boolean>>();

/** `cert` carries a valid signature made by `issuer`'s key (cached per pair of objects; false when the key is unusable). */
export function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  let m = signatureCache.get(cert);
  if (!m) signatureCache.set(cert, (m = new Map()));
  const k = print(issuer);
  let v = m.get(k);
  if (v === undefined) {
    const key = publicKeyOf(issuer);
    v = key !== null && verifiesWith(cert, key);
    m.set(k, v);
  }
  return v;
}

function validAt(cert: X509Certificate, at: Date): boolean {
  const d = certificateDetails(cert);
  return d.notBefore.getTime() <= at.getTime() && at.getTime() < d.notAfter.getTime();
}

/**
 * The most CA certificates a path may have above the leaf before its root: OpenSSL 3's default verify depth (100),
 * which the Switch's TLS stack applies too. Beyond it the path is refused, and the work any file can cause is bounded.
 */
export const MAX_CHAIN_CAS = 100;

/**
 * Of the CA certificates with the issuer's name, how many are tried for its signature. A real PKI has one, or a few
 * across key renewals; a file of hundreds of same-named CAs would otherwise cost a signature check for each pair.
 */
export const MAX_ISSUER_CANDIDATES = 32;

export function buildChain(leaf: X509Certificate, pool: X509Certificate[], opts: BuildChainOptions = {}): ChainResult {
  const at = opts.at ?? new Date();
  const anchors = opts.trustAnchors ?? pool.filter((c) => isSelfSigned(c));
  const anchorPrints = new Set(anchors.map((c) => print(c)));
  // Candidates by canonical subject (RFC 5280 §7.1: case and spacing do not matter), each certificate once.
  const bySubject = new Map<string, X509Certificate[]>();
  const seen = new Set<string>();
  // The leaf itself is left out of the pool. Only a certificate of the leaf's subject can be the leaf, so its
  // fingerprint (a hash of each device certificate of a batch) is taken only when one is there.
  const leafSubject = nameKey(pathFacts(leaf).subjectCanonical);
  for (const c of [...pool, ...anchors]) {
    if (seen.has(print(c))) continue;
    seen.add(print(c));
    const k = nameKey(pathFacts(c).subjectCanonical);
    if (k === leafSubject && print(c) === print(leaf)) continue;
    const list = bySubject.get(k);
    if (list) list.push(c);
    else bySubject.set(k, [c]);
  }

  const problems: ChainProblem[] = [];
  const chain: X509Certificate[] = [leaf];
  // The certificates on the path so far (the leaf is in no candidate list: see above).
  const used = new Set<string>();
  let complete = false;
  let current = leaf;
  for (;;) {
    if (isSelfSigned(current)) {
      complete = true;
      break;
    }
    // The leaf and MAX_CHAIN_CAS CAs are on the path and still no root: one more would be too many.
    if (chain.length > MAX_CHAIN_CAS + 1) {
      problems.push({
        code: 'chain-too-long',
        message: `The chain of ${certificateLabel(leaf)} has more than ${MAX_CHAIN_CAS} CA certificates below its root: OpenSSL, and so the Switch, refuses a path that long.`,
        certificate: certificateLabel(leaf),
        fix: 'Issue the certificate from a CA with a short chain (a root and a few intermediates).',
      });
      break;
    }
    const facts = pathFacts(current);
    const issuerName = formatName(certificateDetails(current).issuerAttributes);
    const byName = (bySubject.get(nameKey(facts.issuerCanonical)) ?? []).filter((c) => !used.has(print(c)));
    if (byName.length === 0) {
      problems.push({
        code: 'issuer-missing',
        message: `The issuer of ${certificateLabel(current)}, "${issuerName}", is not among the CA certificates given.`,
        certificate: certificateLabel(current),
        fix: '',
      });
      break;
    }
    const named = byName.filter((c) => akidAllows(c, facts.akid)).slice(0, MAX_ISSUER_CANDIDATES);
    const signers = named.filter((c) => signedBy(current, c));
    // A CA whose key cannot be used (e.g. DSA inheriting its parameters) is still the issuer: say so, and go on above it.
    const unusable = signers.length ? [] : named.filter((c) => publicKeyOf(c) === null);
    const next = pick(signers.length ? signers : unusable, at, anchorPrints);
    if (!next) {
      problems.push({
        code: 'signature-invalid',
        message: `${certificateLabel(current)} names "${issuerName}" as its issuer, but its signature does not verify with the key of any CA certificate of that name: it was signed by a different CA (or altered).`,
        certificate: certificateLabel(current),
        fix: '',
      });
      break;
    }
    chain.push(next);
    used.add(print(next));
    current = next;
  }

  let trustedRoot: X509Certificate | null = null;
  if (complete) {
    const root = chain[chain.length - 1]!;
    if (anchorPrints.has(print(root))) trustedRoot = root;
    else if (chain.length > 1) {
      problems.push({
        code: 'root-not-trusted',
        message: `The chain ends at the root ${certificateLabel(root)}, which is not one of the trusted CA certificates.`,
        certificate: certificateLabel(root),
        fix: '',
      });
    }
  }
  problems.push(...pathProblems(chain, complete, at));
  return { chain, complete, trustedRoot, problems };
}

/** Several renewals of one CA may share a name and key: prefer the one valid at the time, then a trusted one. */
function pick(candidates: X509Certificate[], at: Date, anchors: Set<string>): X509Certificate | undefined {
  const score = (c: X509Certificate) => (validAt(c, at) ? 2 : 0) + (anchors.has(print(c)) ? 1 : 0);
  return candidates.reduce<X509Certificate | undefined>(
    (a, b) => (a === undefined || score(b) > score(a) ? b : a),
    undefined,
  );
}
