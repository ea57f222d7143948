// The 1E requirement findings: their ids, titles, wording and the document each comes from, and the judges of chain, validity, revocation, host name, signature and PFX.
import type { ChainResult } from './chain';
import { matchHostname } from './hostname';
import { certificateDetails, certificateLabel } from './inspect';
import { formatName } from './names';
import type { PfxAnalysis } from './pkcs12';

export type FindingStatus = 'pass' | 'warn' | 'fail' | 'info';

export interface Finding {
  id: string;
  status: FindingStatus;
  title: string;
  detail: string;
  /** What to do, in words that fit every front end (empty for a pass). */
  fix: string;
  /** Where a requirement comes from: the 1E document (or, plainly said, that none asks for it). */
  source?: string;
  /** Which fix `fix` is, for a front end that names its own means of doing it (src/cli/advice.ts, renderer/ui/advice.ts). */
  fixCode?: FixCode;
  /** The fix's parameters by name (an issuer, a host name). */
  details?: Readonly<Record<string, string>>;
}

/** The fixes a front end may word its own way: each names what to do, and the front end says where or with what. */
export const FIX_CODES = [
  'add-ca-certificates',
  'add-chain-certificates',
  'add-issuer',
  'add-root',
  'add-trusted-root',
  'confirm-root',
  'export-with-key',
  'give-key',
  'request-again',
  'request-for-hostname',
  'request-rsa-key',
  'rewrap-pfx',
] as const;

export type FixCode = (typeof FIX_CODES)[number];

/** A fix with its code: what `finding` takes where a front end words the fix its own way. */
export interface Fix {
  text: string;
  code: FixCode;
  details?: Readonly<Record<string, string>>;
}

export const FINDING_IDS = [
  'chain-trusted',
  'chain-complete',
  'not-revoked',
  'not-self-signed',
  'validity',
  'eku-client-auth',
  'ku-digital-signature',
  'ku-key-encipherment',
  'key-rsa',
  'key-size',
  'private-key-present',
  'private-key-matches',
  'revocation-http',
  'subject-hostname',
  'signature-algorithm',
  'pfx-macos-compatible',
] as const;

/** Findings of the requirement profiles other than the default (see requirement-profiles.ts). */
export const PROFILE_FINDING_IDS = ['revocation-saas', 'revocation-online'] as const;

export type FindingId = (typeof FINDING_IDS)[number] | (typeof PROFILE_FINDING_IDS)[number];

export const FINDING_TITLES: Record<FindingId, string> = {
  'chain-trusted': 'Issued by a trusted CA',
  'chain-complete': 'Every CA certificate up to the root is available',
  'not-revoked': 'Not revoked (by the CRLs given)',
  'not-self-signed': 'Not self-signed',
  validity: 'Valid now',
  'eku-client-auth': 'Extended key usage includes Client Authentication',
  'ku-digital-signature': 'Key usage includes Digital Signature',
  'ku-key-encipherment': 'Key usage includes Key Encipherment',
  'key-rsa': 'RSA key',
  'key-size': 'Key size at least 2048 bits',
  'private-key-present': 'Private key present',
  'private-key-matches': 'Private key belongs to the certificate',
  'revocation-http': 'CRL distribution point over HTTP(S)',
  'subject-hostname': 'Names this Mac exactly (CN or SAN DNS)',
  'signature-algorithm': 'Signed with a strong algorithm',
  'pfx-macos-compatible': 'PFX protection that every macOS imports',
  'revocation-saas': 'OCSP responder or CRL distribution point over HTTP(S)',
  'revocation-online': 'A revocation endpoint of the certificate answers',
};

const REQUIREMENTS = '1E 23.11 documentation, "Certificate requirements", client certificates';
/** 1E's SaaS guide is not among the seeds; what it says is recorded in the project's onboarding facts. */
export const SAAS_GUIDE = '1E SaaS deployment guide for macOS (1E 23.7)';
const NOT_1E = 'Not a 1E requirement';

/** The document each requirement comes from, so a technician can tell 1E's rules from Onboard's own checks. */
export const FINDING_SOURCES: Record<FindingId, string> = {
  'chain-trusted': `${REQUIREMENTS}, 1: issued by a trusted CA`,
  'chain-complete': `${REQUIREMENTS}, 1: the issuing and intermediate CA certificates are present`,
  'not-revoked': `${NOT_1E}: the Switch, like OpenSSL with CRL checks, refuses a certificate that its issuer's CRL lists`,
  'not-self-signed': `${REQUIREMENTS}, 1: issued by a trusted CA`,
  validity: `${NOT_1E}: OpenSSL, which the Switch uses, refuses a certificate outside its dates`,
  'eku-client-auth': `${REQUIREMENTS}, 2: Enhanced Key Usage Client Authentication`,
  'ku-digital-signature': `${REQUIREMENTS}, 3: Key Usage Digital Signature`,
  'ku-key-encipherment': `${REQUIREMENTS}, 3: Key Usage Key Encipherment`,
  'key-rsa': `${REQUIREMENTS}, 3: Key Encipherment, which only an RSA key can do`,
  'key-size': `${NOT_1E}: OpenSSL 3 and macOS refuse RSA keys under 2048 bits`,
  'private-key-present': `${REQUIREMENTS}, 4: has a private key, exportable on non-Windows devices`,
  'private-key-matches': `${REQUIREMENTS}, 4: has a private key`,
  'revocation-http': `${REQUIREMENTS}, 5: at least one CRL distribution point that uses HTTP (so says "Deploying 1E Client on macOS" too)`,
  'subject-hostname': `${REQUIREMENTS}, 6: Subject CN or SAN DNS name is the computer's name`,
  'signature-algorithm': `${NOT_1E}: OpenSSL 3 and macOS refuse MD5 and SHA-1 signatures (1E's page only notes SHA-512 on old Windows)`,
  'pfx-macos-compatible': `${NOT_1E}: the PFX protection every macOS version's keychain imports`,
  'revocation-saas': `${SAAS_GUIDE}: revocation information references at least one OCSP endpoint; SaaS onboarding also wants CRL distribution points reachable from the Internet`,
  'revocation-online': `${SAAS_GUIDE}: the revocation endpoints must be reachable from the Internet`,
};

/** Certificates expiring sooner than this get a warning: re-issuing takes a ticket and some days. */
export const EXPIRY_WARNING_DAYS = 30;

export const DAY = 86_400_000;
export const REQUEST_AGAIN: Fix = {
  text: 'Ask your PKI team for a new certificate from a Computer/Workstation-style template (Client Authentication EKU; Digital Signature and Key Encipherment key usage; RSA 2048+; HTTP CDP).',
  code: 'request-again',
};

export const RSA_KEY: Fix = {
  text: 'Request a new certificate with an RSA 2048-bit (or larger) key.',
  code: 'request-rsa-key',
};

export function finding(id: FindingId, status: FindingStatus, detail: string, fix: string | Fix = ''): Finding {
  const source = FINDING_SOURCES[id];
  if (typeof fix === 'string') return { id, status, title: FINDING_TITLES[id], detail, fix, source };
  const details = fix.details ? { details: fix.details } : {};
  return { id, status, title: FINDING_TITLES[id], detail, fix: fix.text, fixCode: fix.code, ...details, source };
}

export function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function chainTrusted(chain: ChainResult, selfSigned: boolean, caGiven: boolean): Finding {
  if (selfSigned) {
    return finding('chain-trusted', 'fail', 'The certificate is self-signed: no CA vouches for it.', REQUEST_AGAIN);
  }
  const missing = chain.problems.find((p) => p.code === 'issuer-missing' || p.code === 'signature-invalid');
  if (missing) {
    return finding(
      'chain-trusted',
      'fail',
      `Trust cannot be established: ${missing.message.charAt(0).toLowerCase()}${missing.message.slice(1)}`,
      caGiven
        ? { text: 'Add every CA certificate of the chain (root and intermediates).', code: 'add-chain-certificates' }
        : {
            text: 'Add the CA certificates (root and intermediates); ask your PKI team for them.',
            code: 'add-ca-certificates',
          },
    );
  }
  if (chain.problems.length) {
    const text = chain.problems.map((p) => p.message).join(' ');
    // Each rule broken says what the PKI team must change; an untrusted root is the technician's to fix first.
    const rootText =
      'Add the root CA certificate your organisation trusts; if it differs from the one the certificate chains to, the certificate came from another PKI.';
    const untrustedRoot = chain.problems.some((p) => p.code === 'root-not-trusted');
    const ruleFixes = [...new Set(chain.problems.map((p) => p.fix).filter(Boolean))];
    const fix: string | Fix =
      untrustedRoot && ruleFixes.length === 0
        ? { text: rootText, code: 'add-trusted-root' }
        : [...(untrustedRoot ? [rootText] : []), ...ruleFixes].join(' ');
    return finding('chain-trusted', 'fail', text, fix);
  }
  const root = chain.trustedRoot;
  if (!root)
    return finding('chain-trusted', 'fail', 'The chain does not end at a trusted root.', {
      text: 'Add the root CA certificate.',
      code: 'add-root',
    });
  if (!caGiven) {
    return finding(
      'chain-trusted',
      'warn',
      `The chain ends at ${certificateLabel(root)}, but that root came with the certificate itself, not from a CA file you chose to trust.`,
      {
        text: 'Add the root CA certificate your organisation trusts to confirm it is the same one.',
        code: 'confirm-root',
      },
    );
  }
  return finding(
    'chain-trusted',
    'pass',
    `Chains to the trusted root ${certificateLabel(root)}; every signature verifies and every CA is valid.`,
  );
}

export function chainComplete(chain: ChainResult, selfSigned: boolean): Finding {
  if (selfSigned)
    return finding(
      'chain-complete',
      'info',
      'A self-signed certificate has no chain to complete (see not-self-signed).',
    );
  const path = chain.chain.map((c) => formatName(certificateDetails(c).subjectAttributes)).join(' → ');
  if (chain.complete) return finding('chain-complete', 'pass', `${chain.chain.length} certificates: ${path}.`);
  const tooLong = chain.problems.find((p) => p.code === 'chain-too-long');
  if (tooLong) return finding('chain-complete', 'fail', tooLong.message, tooLong.fix);
  const missing = chain.problems.find((p) => p.code === 'issuer-missing' || p.code === 'signature-invalid');
  const last = chain.chain[chain.chain.length - 1]!;
  const issuer = formatName(certificateDetails(last).issuerAttributes);
  return finding(
    'chain-complete',
    'fail',
    `${missing?.message ?? 'The chain stops before a root.'} Found so far: ${path}.`,
    {
      text: `Get the CA certificate "${issuer}" (and any above it up to the root) from your PKI team and add it; the Mac needs every one of them.`,
      code: 'add-issuer',
      details: { issuer },
    },
  );
}

export function validity(notBefore: Date, notAfter: Date, at: Date): Finding {
  if (at.getTime() < notBefore.getTime()) {
    return finding(
      'validity',
      'fail',
      `Not valid until ${notBefore.toISOString()} (checked at ${at.toISOString()}).`,
      "Check the Mac's clock; if it is right, wait until the certificate starts, or ask why it was issued with a future start date.",
    );
  }
  if (at.getTime() >= notAfter.getTime()) {
    return finding(
      'validity',
      'fail',
      `Expired on ${notAfter.toISOString()}, ${Math.floor((at.getTime() - notAfter.getTime()) / DAY)} days before ${day(at)}.`,
      'Request a renewed certificate (a new request with the same host name).',
    );
  }
  const left = Math.floor((notAfter.getTime() - at.getTime()) / DAY);
  if (left < EXPIRY_WARNING_DAYS) {
    return finding(
      'validity',
      'warn',
      `Valid until ${notAfter.toISOString()}: only ${left} days left.`,
      'Request a renewed certificate now, before this one expires and the Mac drops off the platform.',
    );
  }
  return finding('validity', 'pass', `Valid from ${day(notBefore)} until ${day(notAfter)} (${left} days left).`);
}

export function revocation(crlUrls: string[], ocspUrls: string[]): Finding {
  const http = crlUrls.filter((u) => /^https?:\/\//i.test(u));
  const ocspNote = ocspUrls.length
    ? ` For information: OCSP responder ${ocspUrls.join(', ')} (newer 1E versions also use it).`
    : '';
  if (http.length) return finding('revocation-http', 'pass', `CRL distribution point: ${http.join(', ')}.${ocspNote}`);
  const seen = crlUrls.length
    ? `The CRL distribution points are ${crlUrls.join(', ')}, none over HTTP(S)`
    : 'The certificate has no CRL distribution point';
  return finding(
    'revocation-http',
    'fail',
    `${seen}; 1E requires one reachable over HTTP(S).${ocspNote}`,
    'Ask your PKI team to add an HTTP CDP to the issuing CA and issue the certificate again (existing certificates keep the old CDP list).',
  );
}

export function subjectHostname(hostname: string, cn: string | null, dns: string[]): Finding {
  const m = matchHostname(hostname, cn, dns);
  const listed = m.names.length
    ? m.names.map((n) => `${n.source} "${n.name}"`).join(', ')
    : 'no CN and no SAN DNS name';
  if (m.status === 'exact')
    return finding('subject-hostname', 'pass', `${m.source} "${m.certificateName}" equals the host name.`);
  if (m.status === 'case-only') {
    return finding(
      'subject-hostname',
      'fail',
      `The certificate says "${m.certificateName}" (${m.source}) but this Mac is "${hostname}": they differ only in capitals, and the match is case-sensitive.`,
      `Request the certificate again with CN exactly "${hostname}" (or rename the Mac to "${m.certificateName}" in System Settings > Sharing).`,
    );
  }
  return finding(
    'subject-hostname',
    'fail',
    `The host name "${hostname}" is not in the certificate (it has ${listed}).`,
    {
      text: `Request a certificate with CN exactly "${hostname}" and SAN DNS "${hostname}".`,
      code: 'request-for-hostname',
      details: { hostname },
    },
  );
}

const WEAK_DIGEST = /md5|sha1|SHA1/;
const STRONG = /^(sha(256|384|512)WithRSAEncryption|ecdsa-with-SHA(256|384|512)|rsassaPss|ED25519|ED448)$/;

export function signatureAlgorithm(chain: ChainResult): Finding {
  // The root's own signature is never checked by a verifier: only the certificates below it count.
  const judged = chain.chain.filter((c, i) => !(i > 0 && i === chain.chain.length - 1 && chain.complete));
  const weak = judged.filter((c) => WEAK_DIGEST.test(certificateDetails(c).signatureAlgorithm));
  const leafAlg = certificateDetails(chain.chain[0]!).signatureAlgorithm;
  if (weak.length) {
    return finding(
      'signature-algorithm',
      'fail',
      `${weak.map((c) => `${certificateLabel(c)} is signed with ${certificateDetails(c).signatureAlgorithm}`).join('; ')}: OpenSSL 3 and macOS reject MD5 and SHA-1 signatures.`,
      "Ask your PKI team to issue the certificate again with SHA-256 (the CA's hash algorithm setting).",
    );
  }
  const unknown = judged.filter(
    (c) =>
      !STRONG.test(certificateDetails(c).signatureAlgorithm) &&
      !/sha224/i.test(certificateDetails(c).signatureAlgorithm),
  );
  if (unknown.length) {
    return finding(
      'signature-algorithm',
      'warn',
      `${unknown.map((c) => `${certificateLabel(c)} is signed with ${certificateDetails(c).signatureAlgorithm}`).join('; ')}, which Onboard does not know to be accepted.`,
      'Prefer SHA-256 with RSA; check with your PKI team.',
    );
  }
  const sha512 = /512/.test(leafAlg)
    ? ' (SHA-512 works on macOS; very old Windows servers needed an update for it with TLS 1.2)'
    : '';
  return finding('signature-algorithm', 'pass', `Signed with ${leafAlg}${sha512}.`);
}

export function pfxCompatible(pfx: PfxAnalysis): Finding {
  const how = `MAC ${pfx.macAlgorithm ?? 'none'}${pfx.macSaltLength !== null ? `, salt ${pfx.macSaltLength} bytes` : ''}${pfx.macIterations !== null ? `, ${pfx.macIterations} iterations` : ''}; key bags ${pfx.keyBagAlgorithms.join(', ') || 'none'}; certificate bags ${pfx.certBagAlgorithms.join(', ') || 'none'}${pfx.emptyPassword ? '; empty password' : ''}`;
  if (pfx.macOsCompatible) return finding('pfx-macos-compatible', 'pass', `${how}: every macOS version imports this.`);
  return finding('pfx-macos-compatible', 'fail', `${how}. ${pfx.problems.join(' ')}`, {
    text: 'Re-wrap it to the compatible profile (3DES, SHA-1 MAC, 8-byte salt, non-empty password).',
    code: 'rewrap-pfx',
  });
}
