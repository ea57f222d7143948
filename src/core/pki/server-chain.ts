// Judges the certificate chain a TLS server sent against the chosen CAs as OpenSSL 3 verifies it for a TLS client (purpose "ssl_server"), naming its first error.
import type { X509Certificate } from 'node:crypto';
import { MAX_CHAIN_CAS, signedBy } from './chain';
import { pathProblems, type ChainProblem } from './chain-rules';
import { certificateDetails, keyUnusable } from './inspect';
import type { ConstraintFailure } from './name-constraints';
import { akidAllows, pathFacts } from './path-facts';

/**
 * OpenSSL's verification result names (X509_V_ERR_... without the prefix; node's `authorizationError` uses the
 * same names for those it knows), for the errors this judge can give.
 */
export type ServerChainError =
  | 'UNABLE_TO_GET_ISSUER_CERT'
  | 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  | 'DEPTH_ZERO_SELF_SIGNED_CERT'
  | 'SELF_SIGNED_CERT_IN_CHAIN'
  | 'CERT_CHAIN_TOO_LONG'
  | 'UNHANDLED_CRITICAL_EXTENSION'
  | 'INVALID_CA'
  | 'INVALID_PURPOSE'
  | 'PATH_LENGTH_EXCEEDED'
  | 'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY'
  | 'CERT_SIGNATURE_FAILURE'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_HAS_EXPIRED'
  | 'PERMITTED_VIOLATION'
  | 'EXCLUDED_VIOLATION'
  | 'SUBTREE_MINMAX'
  | 'UNSUPPORTED_CONSTRAINT_TYPE'
  | 'UNSUPPORTED_NAME_SYNTAX'
  | 'UNSPECIFIED';

export type ServerChainVerdict =
  | { ok: true; chain: X509Certificate[] }
  | {
      ok: false;
      error: ServerChainError;
      /** Where OpenSSL reports it: 0 is the server's own certificate, 1 its issuer, and so on. */
      depth: number;
      /** The path as far as it was built, leaf first. */
      chain: X509Certificate[];
    };

const CONSTRAINT_ERRORS: Record<ConstraintFailure, ServerChainError> = {
  permitted: 'PERMITTED_VIOLATION',
  excluded: 'EXCLUDED_VIOLATION',
  'min-max': 'SUBTREE_MINMAX',
  'unsupported-type': 'UNSUPPORTED_CONSTRAINT_TYPE',
  'unsupported-syntax': 'UNSUPPORTED_NAME_SYNTAX',
  // NAME_CONSTRAINTS_check gives up on too many name and constraint pairs without a more precise error.
  'too-many': 'UNSPECIFIED',
};

/**
 * The verdict OpenSSL 3 (crypto/x509/x509_vfy.c, verify_chain) gives for `sent` (the server's Certificate
 * message: its certificate first) with only `cas` trusted, at `now`: the FIRST error it meets, which is what a
 * client that refuses untrusted servers (SSL_VERIFY_PEER, as the 1E Client) ends the handshake with, and the
 * first error `openssl verify -purpose sslserver` prints. OpenSSL checks in four passes, and so does this:
 * building the path to a trusted root (build_chain), each certificate's extensions from the leaf up
 * (check_extensions: critical extensions, CA flags, purpose, path length), then signatures and validity dates
 * from the root down (internal_verify), then name constraints. The host name is not judged here.
 */
export function verifyServerChain(sent: X509Certificate[], cas: X509Certificate[], now: Date): ServerChainVerdict {
  const leaf = sent[0];
  if (!leaf) throw new Error('verifyServerChain needs the server certificate');
  // A certificate whose extensions do not decode is one OpenSSL marks invalid: it neither issues nor is issued.
  if (!readable(leaf)) return { ok: false, error: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', depth: 0, chain: [leaf] };
  const path = fullPath(leaf, sent.slice(1).filter(readable), cas.filter(readable), now);
  const { chain, badSignatures } = path;
  const fail = (error: ServerChainError, depth: number): ServerChainVerdict => ({ ok: false, error, depth, chain });

  // 1. build_chain: the path must reach a self-signed certificate from the trust store.
  if (path.tooLong) return fail('CERT_CHAIN_TOO_LONG', chain.length - 1);
  const trusted = new Set(cas.map((c) => c.fingerprint256));
  // A trusted certificate found on the way ends the search among the sent ones: above it, only the trust store.
  // The server's own certificate counts only as a trusted self-signed one; otherwise its issuer is looked up.
  const firstTrusted = chain.findIndex(
    (c, i) => trusted.has(c.fingerprint256) && (i > 0 || (chain.length === 1 && path.complete)),
  );
  if (firstTrusted < 0) {
    const top = chain.length - 1;
    if (!path.complete) return fail('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', top);
    return fail(top === 0 ? 'DEPTH_ZERO_SELF_SIGNED_CERT' : 'SELF_SIGNED_CERT_IN_CHAIN', top);
  }
  const leftTrust = chain.findIndex((c, i) => i > firstTrusted && !trusted.has(c.fingerprint256));
  if (leftTrust > 0)
    return { ok: false, error: 'UNABLE_TO_GET_ISSUER_CERT', depth: leftTrust - 1, chain: chain.slice(0, leftTrust) };
  if (!path.complete) return fail('UNABLE_TO_GET_ISSUER_CERT', chain.length - 1);

  const problems = pathProblems(chain, true, now, 'server');
  const at = (code: ChainProblem['code'], depth: number) => problems.some((p) => p.code === code && p.depth === depth);

  // 2. check_extensions, from the leaf up.
  for (let i = 0; i < chain.length; i++) {
    if (at('critical-extension', i)) return fail('UNHANDLED_CRITICAL_EXTENSION', i);
    if (at('invalid-extension', i) || at('not-a-ca', i) || at('ca-key-usage', i)) return fail('INVALID_CA', i);
    if (at('leaf-purpose', i) || at('ca-purpose', i)) return fail('INVALID_PURPOSE', i);
    if (at('path-length', i)) return fail('PATH_LENGTH_EXCEEDED', i);
  }

  // 3. internal_verify, from the root down: the issuer's key, the signature, then the certificate's dates.
  for (let n = chain.length - 1; n >= 0; n--) {
    if (n < chain.length - 1) {
      if (at('key-unusable', n + 1)) return fail('UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', n + 1);
      if (badSignatures.has(n)) return fail('CERT_SIGNATURE_FAILURE', n);
    }
    const d = certificateDetails(chain[n]!);
    if (d.notBefore.getTime() > now.getTime()) return fail('CERT_NOT_YET_VALID', n);
    if (d.notAfter.getTime() <= now.getTime()) return fail('CERT_HAS_EXPIRED', n);
  }

  // 4. check_name_constraints (pathProblems lists them in OpenSSL's order: from the top of the chain down).
  const nc = problems.find((p) => p.code === 'name-constraints');
  if (nc) return fail(CONSTRAINT_ERRORS[nc.constraintFailure ?? 'too-many'], nc.depth ?? 0);
  return { ok: true, chain };
}

interface FullPath {
  chain: X509Certificate[];
  complete: boolean;
  tooLong: boolean;
  /** Depths whose certificate does not verify with the key of the one above it. */
  badSignatures: Set<number>;
}

/**
 * The path OpenSSL 3's build_chain takes (trusted first, its default): for each certificate, the issuer is the
 * first CA that check_issued accepts (the right name, key identifier and key type; the signature is NOT
 * checked), looked for among the chosen CAs first, in their order, then among the sent ones, in the order sent;
 * of those, the first valid at `now`, else the one that expired last. Once a chosen CA is on the path, only the
 * chosen CAs are searched above it. A signature that then does not verify is an error internal_verify reports
 * later, so the path and the errors above it still count. Choosing the issuer whose signature verifies instead
 * (buildChain's way) would call a chain good that OpenSSL refuses: an expired copy of the issuing CA among the
 * chosen CAs, or a CA of the same name with another key sent before the real one, is what OpenSSL takes.
 */
function fullPath(leaf: X509Certificate, untrusted: X509Certificate[], cas: X509Certificate[], now: Date): FullPath {
  const badSignatures = new Set<number>();
  const chain = [leaf];
  let aboveTrusted = false;
  for (;;) {
    const top = chain[chain.length - 1]!;
    // X509_self_signed(x, 0): OpenSSL does not check a self-signed certificate's own signature (internal_verify
    // skips it too), so a root whose self-signature is damaged still ends the path, trusted if chosen.
    if (mayIssue(top, top) && !keyUnusable(top)) return { chain, complete: true, tooLong: false, badSignatures };
    // The leaf and MAX_CHAIN_CAS CAs are on the path and still no root: one more would be too many.
    if (chain.length > MAX_CHAIN_CAS + 1) return { chain, complete: false, tooLong: true, badSignatures };
    const onPath = new Set(chain.map((c) => c.fingerprint256));
    const fits = (c: X509Certificate) => !onPath.has(c.fingerprint256) && mayIssue(c, top);
    const trusted = firstValid(cas.filter(fits), now);
    const issuer = trusted ?? (aboveTrusted ? undefined : firstValid(untrusted.filter(fits), now));
    if (!issuer) return { chain, complete: false, tooLong: false, badSignatures };
    if (trusted) aboveTrusted = true;
    if (!signedBy(top, issuer)) badSignatures.add(chain.length - 1);
    chain.push(issuer);
  }
}

/** Read without an error (certificateDetails throws on a damaged extension: here that is a verdict, not a failure). */
function readable(cert: X509Certificate): boolean {
  try {
    certificateDetails(cert);
    pathFacts(cert);
    return true;
  } catch {
    return false;
  }
}

/** OpenSSL's check_issued (x509_likely_issued), without the signature: could `ca` have issued `cert`? Neither may be marked invalid. */
function mayIssue(ca: X509Certificate, cert: X509Certificate): boolean {
  const f = pathFacts(cert);
  if (f.opensslInvalid || pathFacts(ca).opensslInvalid) return false;
  if (!pathFacts(ca).subjectCanonical.equals(f.issuerCanonical) || !akidAllows(ca, f.akid)) return false;
  const family = signatureFamily(certificateDetails(cert).signatureAlgorithmOid);
  return family === undefined || keyFamily(certificateDetails(ca).keyAlgorithmOid) === family;
}

/** find_issuer and X509_STORE_CTX_get1_issuer: the first candidate valid at `now`, else the one that expired last. */
function firstValid(candidates: X509Certificate[], now: Date): X509Certificate | undefined {
  let best: X509Certificate | undefined;
  for (const c of candidates) {
    const d = certificateDetails(c);
    if (d.notBefore.getTime() <= now.getTime() && now.getTime() < d.notAfter.getTime()) return c;
    if (!best || d.notAfter.getTime() > certificateDetails(best).notAfter.getTime()) best = c;
  }
  return best;
}

// check_sig_alg_match: the signature's algorithm must be one the issuer's key type makes.
function signatureFamily(oid: string): string | undefined {
  if (oid.startsWith('1.2.840.113549.1.1.')) return 'rsa';
  if (oid.startsWith('1.2.840.10045.4.')) return 'ec';
  if (oid.startsWith('1.2.840.10040.4.')) return 'dsa';
  if (oid === '1.3.101.112' || oid === '1.3.101.113') return oid;
  const nist = oid.match(/^2\.16\.840\.1\.101\.3\.4\.3\.(\d+)$/);
  if (nist) {
    const n = Number(nist[1]);
    return n <= 8 ? 'dsa' : n <= 12 ? 'ec' : 'rsa';
  }
  return undefined;
}

function keyFamily(oid: string): string | undefined {
  if (oid === '1.2.840.113549.1.1.1' || oid === '1.2.840.113549.1.1.10') return 'rsa';
  if (oid === '1.2.840.10045.2.1') return 'ec';
  if (oid === '1.2.840.10040.4.1') return 'dsa';
  return oid;
}
