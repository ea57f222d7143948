// The RFC 5280 §6 rules a built path must obey, each as OpenSSL 3 enforces it for a client (or a TLS server's) certificate: CA flags, key usage and purpose, path length, validity, critical extensions, usable keys, name constraints.
import type { X509Certificate } from 'node:crypto';
import { EKU, certificateDetails, certificateLabel, ekuName, keyUnusable } from './inspect';
import { describeViolation, violatesConstraints, type ConstraintFailure } from './name-constraints';
import { pathFacts } from './path-facts';

export type ChainProblemCode =
  | 'issuer-missing'
  | 'chain-too-long'
  | 'signature-invalid'
  | 'root-not-trusted'
  | 'not-a-ca'
  | 'ca-key-usage'
  | 'ca-purpose'
  | 'leaf-purpose'
  | 'path-length'
  | 'ca-expired'
  | 'ca-not-yet-valid'
  | 'critical-extension'
  | 'invalid-extension'
  | 'name-constraints'
  | 'key-unusable';

export interface ChainProblem {
  code: ChainProblemCode;
  /** Which certificate breaks which rule, in a technician's words. */
  message: string;
  /** Label of the certificate concerned, "CN=... (serial ...)". */
  certificate?: string;
  /** What the PKI team must change; empty where the fix depends on who reads it (a missing or untrusted CA). */
  fix: string;
  /** Position of that certificate in the chain (0 = leaf), where the rule is about one certificate of it. */
  depth?: number;
  /** For 'name-constraints': which way the name broke the constraint (OpenSSL reports each way differently). */
  constraintFailure?: ConstraintFailure;
}

/**
 * What the path is checked for, as OpenSSL's X509_PURPOSE (crypto/x509/v3_purp.c): a device's client
 * certificate (check_purpose_ssl_client; the leaf's own purpose is left to the 1E requirements) or the
 * certificate a TLS server presents (check_purpose_ssl_server, the leaf included).
 */
export type ChainPurpose = 'client' | 'server';

// Netscape's and Microsoft's Server Gated Crypto: OpenSSL lets either stand in for serverAuth (XKU_SGC).
const SGC = ['2.16.840.1.113730.4.1', '1.3.6.1.4.1.311.10.3.3'];
const allowsPurpose = (ekus: string[], purpose: ChainPurpose) =>
  purpose === 'client' ? ekus.includes(EKU.clientAuth) : ekus.some((e) => e === EKU.serverAuth || SGC.includes(e));

const REISSUE = (label: string, what: string) => `Ask your PKI team to issue ${label} again ${what}.`;

/**
 * Every rule `chain` (leaf first) breaks. `complete` says the last certificate is a self-signed root,
 * which OpenSSL treats as the trust anchor: it is still checked like any CA, except that a root without
 * basic constraints passes when it is version 1 or has a key usage (OpenSSL's check_ca).
 */
export function pathProblems(
  chain: X509Certificate[],
  complete: boolean,
  at: Date,
  purpose: ChainPurpose = 'client',
): ChainProblem[] {
  const out: ChainProblem[] = [];
  // Non-self-issued CA certificates between the one being checked and the leaf (RFC 5280 §6.1.4 (l)).
  let below = 0;
  chain.forEach((cert, i) => {
    const d = certificateDetails(cert);
    const f = pathFacts(cert);
    const label = certificateLabel(cert);
    const add = (code: ChainProblemCode, message: string, fix: string) =>
      out.push({ code, message, certificate: label, fix, depth: i });
    for (const ext of f.unprocessedCritical) {
      add(
        'critical-extension',
        `${label} has a critical extension that OpenSSL does not process, ${ext}; RFC 5280 requires a verifier to refuse such a certificate, and the Switch does.`,
        REISSUE(label, 'without that extension, or with it marked non-critical'),
      );
    }
    if (keyUnusable(cert)) {
      add(
        'key-unusable',
        `${label} has ${d.keyProblem ?? 'a key that cannot be read'}, so no signature made with it can be checked: the Switch refuses the chain.`,
        REISSUE(label, 'with an RSA (2048 bits or more) or EC key, whose certificate carries all of its parameters'),
      );
    }
    if (i === 0) {
      if (purpose === 'server') leafServerProblems(cert, label, add);
      return;
    }
    const isRoot = complete && i === chain.length - 1;
    if (f.invalid.length) {
      add(
        'invalid-extension',
        `${label} cannot act as a CA: ${f.invalid.join('; ')}. OpenSSL refuses such a CA certificate.`,
        REISSUE(label, 'with well-formed extensions'),
      );
    }
    const bc = d.basicConstraints;
    // OpenSSL still accepts a self-signed root with no basic constraints if it is version 1 or has a key usage.
    if (bc ? !bc.ca : !(isRoot && (d.version === 1 || d.keyUsage !== null))) {
      add(
        'not-a-ca',
        `${label} signed the certificate below it but is not marked as a CA (basic constraints CA:TRUE ${bc ? 'is not set' : 'missing'}).`,
        REISSUE(
          label,
          'as a CA certificate (basic constraints CA:TRUE), or issue the certificate below it from a real CA',
        ),
      );
    }
    if (d.keyUsage && !d.keyUsage.includes('keyCertSign')) {
      add(
        'ca-key-usage',
        `${label} is not allowed to sign certificates: its key usage lacks keyCertSign.`,
        REISSUE(label, 'with Certificate Signing (keyCertSign) in its key usage'),
      );
    }
    const ekus = d.extendedKeyUsageOids;
    if (ekus && purpose === 'server' && !allowsPurpose(ekus, purpose)) {
      add(
        'ca-purpose',
        `${label} limits its extended key usage to ${ekus.map(ekuName).join(', ') || 'nothing'}, without Server Authentication; OpenSSL holds every certificate below a CA to the CA's extended key usage, so a TLS client refuses server certificates issued under it.`,
        REISSUE(
          label,
          'with Server Authentication in its extended key usage (or with no extended key usage extension)',
        ),
      );
    } else if (ekus && !allowsPurpose(ekus, purpose)) {
      add(
        'ca-purpose',
        `${label} limits its extended key usage to ${ekus.map(ekuName).join(', ') || 'nothing'}, without Client Authentication; OpenSSL holds every certificate below a CA to the CA's extended key usage, so the Switch refuses client certificates issued under it.`,
        REISSUE(
          label,
          'with Client Authentication in its extended key usage (or with no extended key usage extension)',
        ),
      );
    }
    if (i > 1 && bc?.pathLength !== undefined && bc.pathLength >= 0 && below > bc.pathLength) {
      add(
        'path-length',
        `${label} allows at most ${bc.pathLength} CA certificate(s) below it (its path length constraint), but the chain has ${below} (not counting key rollover certificates, which a CA issues to itself).`,
        `Ask your PKI team to issue the device certificate from a CA closer to ${label}, or to issue ${label} again with a larger path length.`,
      );
    }
    if (!f.selfIssued) below++;
    if (at.getTime() >= d.notAfter.getTime()) {
      add(
        'ca-expired',
        `The CA certificate ${label} expired on ${d.notAfter.toISOString()}.`,
        'Get the renewed CA certificate from your PKI team; if the CA itself was renewed, the device certificate must be issued again under it.',
      );
    } else if (at.getTime() < d.notBefore.getTime()) {
      add(
        'ca-not-yet-valid',
        `The CA certificate ${label} is not valid until ${d.notBefore.toISOString()}.`,
        "Check this Mac's date and time; if they are right, ask your PKI team why the CA certificate starts in the future.",
      );
    }
  });
  out.push(...constraintProblems(chain));
  return out;
}

/** Name constraints of every CA above apply to each certificate below it, self-issued CAs excepted (RFC 5280 §6.1.3 (b)); OpenSSL applies the trust anchor's too. */
function constraintProblems(chain: X509Certificate[]): ChainProblem[] {
  const out: ChainProblem[] = [];
  for (let i = chain.length - 1; i >= 0; i--) {
    const facts = pathFacts(chain[i]!);
    if (i > 0 && facts.selfIssued) continue;
    for (let j = chain.length - 1; j > i; j--) {
      const nc = pathFacts(chain[j]!).nameConstraints;
      if (!nc) continue;
      const v = violatesConstraints(facts, nc, i === 0);
      if (!v) continue;
      const label = certificateLabel(chain[i]!);
      const ca = certificateLabel(chain[j]!);
      out.push({
        code: 'name-constraints',
        message: `${describeViolation(v, label, ca)} The Switch refuses it.`,
        certificate: label,
        depth: i,
        constraintFailure: v.failure,
        fix:
          v.failure === 'permitted' || v.failure === 'excluded'
            ? `Ask your PKI team to issue ${label} again with names ${ca} is allowed to issue, or to issue ${ca} again with name constraints that include them.`
            : `Ask your PKI team to issue ${ca} again with name constraints OpenSSL can check (no minimum or maximum, and only DNS, e-mail, IP, URI or directory names).`,
      });
    }
  }
  return out;
}

/**
 * The server certificate's own purpose (check_purpose_ssl_server): an extended key usage, if present, must allow
 * Server Authentication, and a key usage, if present, one of the uses a TLS server's key is put to.
 */
function leafServerProblems(
  cert: X509Certificate,
  label: string,
  add: (code: ChainProblemCode, message: string, fix: string) => void,
): void {
  const d = certificateDetails(cert);
  const ekus = d.extendedKeyUsageOids;
  if (ekus && !allowsPurpose(ekus, 'server')) {
    add(
      'leaf-purpose',
      `${label} limits its extended key usage to ${ekus.map(ekuName).join(', ') || 'nothing'}, without Server Authentication, so it may not serve TLS.`,
      REISSUE(label, 'with Server Authentication in its extended key usage'),
    );
  } else if (d.keyUsage && !d.keyUsage.some((u) => SERVER_KEY_USES.includes(u))) {
    add(
      'leaf-purpose',
      `${label} has a key usage (${d.keyUsage.join(', ') || 'empty'}) without Digital Signature, Key Encipherment or Key Agreement, so its key may not be used in a TLS handshake.`,
      REISSUE(label, 'with Digital Signature and Key Encipherment in its key usage'),
    );
  }
}

const SERVER_KEY_USES = ['digitalSignature', 'keyEncipherment', 'keyAgreement'];
