// Which CA certificates may go into a profile: roots and intermediates with complete, current chains, nothing else.
import type { X509Certificate } from 'node:crypto';
import { OnboardError } from '../errors';
import { buildChain } from '../pki/chain';
import { certificateDetails, certificateLabel, isSelfSigned } from '../pki/inspect';
import { commonName, formatName, nameOnOneLine } from '../pki/names';

export interface CaEntry {
  certificate: X509Certificate;
  role: 'root' | 'intermediate';
  /** Upper-case hex, no colons, as `security` prints it. */
  sha256: string;
  sha1: string;
  /** CA certificates between this one and its root (0 for a root): intermediates are listed nearest the root first. */
  depth: number;
}

export interface CaSet {
  roots: CaEntry[];
  intermediates: CaEntry[];
  /** Things to know that do not stop the profile (a CA expiring soon). */
  warnings: string[];
}

/** A CA that expires within this many days is named in a warning: every Mac would stop trusting it then. */
/** A CA's name as an admin knows it: its common name, else its whole subject on one line. */
export const caName = (c: X509Certificate): string => commonName(c) ?? nameOnOneLine(c.subject);

export const CA_EXPIRY_WARNING_DAYS = 90;

const hex = (fingerprint: string) => fingerprint.replace(/:/g, '').toUpperCase();
const day = (d: Date) => d.toISOString().slice(0, 10);

/** Self-signed and allowed to be a CA (version 1 roots have no extensions, as OpenSSL accepts). */
function isRoot(cert: X509Certificate): boolean {
  const d = certificateDetails(cert);
  return isSelfSigned(cert) && (d.basicConstraints?.ca === true || d.version === 1);
}

/**
 * Sorts the given certificates into roots and intermediates, refusing (OnboardError) what does
 * not belong in a trust profile: a device (end-entity) certificate, a CA outside its dates (with
 * the dates), and an intermediate whose path to a root is not complete among the given
 * certificates (naming the issuer that is missing). Duplicates count once.
 */
export function sortCaCertificates(certificates: readonly X509Certificate[], at = new Date()): CaSet {
  const unique = new Map<string, X509Certificate>();
  for (const c of certificates) if (!unique.has(c.fingerprint256)) unique.set(c.fingerprint256, c);
  if (unique.size === 0)
    throw new OnboardError(
      'no-ca-certificates',
      'No CA certificate was given for the profile.',
      "Give your organisation's root CA certificate and its intermediate CA certificates.",
    );
  const pool = [...unique.values()];
  const warnings: string[] = [];
  const entries: CaEntry[] = [];
  for (const cert of pool) {
    const d = certificateDetails(cert);
    const label = certificateLabel(cert);
    const root = isRoot(cert);
    if (!root && d.basicConstraints?.ca !== true)
      throw new OnboardError(
        'ca-is-device-certificate',
        `${label} is a device (end-entity) certificate, not a CA certificate: a profile must not make Macs trust it as a CA.`,
        "Give only your organisation's root and intermediate CA certificates; device certificates belong in each Mac's identity.",
      );
    const dates = `valid from ${day(d.notBefore)} to ${day(d.notAfter)}`;
    if (at > d.notAfter)
      throw new OnboardError(
        'ca-expired',
        `The CA certificate ${label} expired on ${d.notAfter.toISOString()} (${dates}).`,
        'Get the renewed CA certificate from your PKI team and give that one instead.',
      );
    if (at < d.notBefore)
      throw new OnboardError(
        'ca-not-yet-valid',
        `The CA certificate ${label} is not valid yet: ${dates}.`,
        "Check the computer's clock, or wait until the certificate's start date.",
      );
    const daysLeft = Math.floor((d.notAfter.getTime() - at.getTime()) / 86_400_000);
    if (daysLeft < CA_EXPIRY_WARNING_DAYS)
      warnings.push(
        `The CA certificate ${label} expires on ${day(d.notAfter)}, in ${daysLeft} day${daysLeft === 1 ? '' : 's'}: plan its renewal and a new profile.`,
      );
    const entry: CaEntry = {
      certificate: cert,
      role: root ? 'root' : 'intermediate',
      sha256: hex(cert.fingerprint256),
      sha1: hex(cert.fingerprint),
      depth: 0,
    };
    if (!root) entry.depth = pathToRoot(cert, pool, at);
    entries.push(entry);
  }
  const bySha = (a: CaEntry, b: CaEntry) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0);
  return {
    roots: entries.filter((e) => e.role === 'root').sort(bySha),
    intermediates: entries.filter((e) => e.role === 'intermediate').sort((a, b) => a.depth - b.depth || bySha(a, b)),
    warnings,
  };
}

/** The number of CA certificates above `cert` up to its root, or an OnboardError saying what breaks the path. */
function pathToRoot(cert: X509Certificate, pool: X509Certificate[], at: Date): number {
  const path = buildChain(cert, pool, { at, trustAnchors: pool.filter(isRoot) });
  if (path.complete) return path.chain.length - 1;
  const top = path.chain[path.chain.length - 1]!;
  const td = certificateDetails(top);
  const broken = path.problems.find((p) => p.code === 'signature-invalid');
  if (broken)
    throw new OnboardError('ca-chain-incomplete', broken.message, 'Give the CA certificate that really issued it.');
  const missing = formatName(td.issuerAttributes);
  throw new OnboardError(
    'ca-chain-incomplete',
    `The chain of the intermediate CA ${certificateLabel(cert)} is incomplete: its issuer "${missing}"${top === cert ? '' : ` (the issuer of ${certificateLabel(top)})`} is not among the CA certificates given.`,
    `Add the CA certificate "${missing}" (and any CA above it up to the root), so that every Mac can build the whole chain.`,
  );
}
