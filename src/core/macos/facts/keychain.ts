// Reading the keychain: parsers for what `security` prints about certificates, identities and admin trust settings.
import { isPlistDict, parsePlist } from '../plist';

export interface KeychainCertificate {
  sha256: string | null;
  sha1: string;
  pem: string;
}
export interface KeychainIdentity {
  sha1: string;
  name: string;
  /**
   * The trust evaluation's error find-identity printed after the name, e.g. CSSMERR_TP_CERT_REVOKED:
   * `-v` lists such identities too (identity_find.m prints the SecTrustEvaluate result of each
   * identity the valid-only search returned; recorded in bazelbuild/rules_apple#412, robovm/robovm#369).
   */
  problem?: string;
}
/** An identity as `find-identity` without `-v` lists it: `problem` says why it is not valid (e.g. CSSMERR_TP_CERT_EXPIRED). */
export interface KeychainIdentityEntry {
  sha1: string;
  name: string;
  problem: string | null;
}

/**
 * One certificate's admin-domain trust setting (`security trust-settings-export -d`), keyed
 * by the certificate's SHA-1. `trust-root`: trusted as a root (an empty settings list means
 * for every purpose, which is what `add-trusted-cert -r trustRoot` without `-p` writes);
 * `trust-as-root`; `deny` (Never Trust); `unspecified` (a setting that decides nothing).
 */
export interface TrustSetting {
  sha1: string;
  result: 'trust-root' | 'trust-as-root' | 'deny' | 'unspecified';
  /** The policies the setting is limited to (e.g. sslServer); empty: every policy. */
  policies: string[];
}

/** `security find-certificate -a -Z -p KEYCHAIN`: `SHA-256 hash:` (newer macOS), `SHA-1 hash:`, then the PEM. */
export function parseFindCertificate(text: string): KeychainCertificate[] {
  const out: KeychainCertificate[] = [];
  let sha256: string | null = null;
  let sha1: string | null = null;
  let pem: string[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const h256 = /^SHA-256 hash:\s*([0-9A-Fa-f]{64})\s*$/.exec(line);
    const h1 = /^SHA-1 hash:\s*([0-9A-Fa-f]{40})\s*$/.exec(line);
    if (h256) {
      sha256 = h256[1]!.toUpperCase();
      continue;
    }
    if (h1) {
      sha1 = h1[1]!.toUpperCase();
      continue;
    }
    if (line === '-----BEGIN CERTIFICATE-----') {
      pem = [line];
      continue;
    }
    if (pem) {
      pem.push(line);
      if (line === '-----END CERTIFICATE-----') {
        if (sha1) out.push({ sha256, sha1, pem: pem.join('\n') + '\n' });
        sha256 = null;
        sha1 = null;
        pem = null;
      }
    }
  }
  return out;
}

/**
 * One identity line of find-identity: `%3d) ` then the SHA-1 in upper-case hex, ` "<label>"`, and
 * ` (<CSSM error>)` when the identity's trust evaluation failed (SecurityTool/macOS/identity_find.m,
 * printIdentity, lines 198-262 at Security-61439.140.12). The label may itself end in brackets
 * ("iPhone Developer: Dave Lee (3FD7YP60A6)"): only a bracketed word after the closing quote is the error.
 */
const IDENTITY_LINE = /^\s*\d+\)\s+([0-9A-Fa-f]{40})\s+"(.*)"(?:\s+\(([A-Za-z0-9_]+)\))?\s*$/;

/**
 * `security find-identity -v -p ssl-client KEYCHAIN`: `  1) <SHA1> "<name>"` lines, then
 * `N valid identities found`. A line ending in ` (CSSMERR_…)` is kept, with its problem: the
 * identity is in the keychain (importing it again would meet a duplicate).
 */
export function parseFindIdentity(text: string): KeychainIdentity[] {
  const out: KeychainIdentity[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const m = IDENTITY_LINE.exec(line.replace(/\r$/, ''));
    if (!m) continue;
    const sha1 = m[1]!.toUpperCase();
    if (seen.has(sha1)) continue;
    seen.add(sha1);
    out.push({ sha1, name: m[2]!, ...(m[3] ? { problem: m[3] } : {}) });
  }
  return out;
}

/**
 * `security find-identity -p ssl-client KEYCHAIN` (no `-v`): the "Matching identities" part,
 * where an invalid identity carries its reason after the name, e.g.
 * `  2) <SHA1> "MAC01.local" (CSSMERR_TP_CERT_EXPIRED)`.
 */
export function parseFindIdentityAll(text: string): KeychainIdentityEntry[] {
  const out: KeychainIdentityEntry[] = [];
  const seen = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    // The second part repeats the valid ones: the first part already listed every identity.
    if (/^\s*Valid identities only\s*$/.test(line)) break;
    const m = IDENTITY_LINE.exec(line);
    if (!m) continue;
    const sha1 = m[1]!.toUpperCase();
    if (seen.has(sha1)) continue;
    seen.add(sha1);
    out.push({ sha1, name: m[2]!, problem: m[3] ?? null });
  }
  return out;
}

const TRUST_RESULTS: Record<number, TrustSetting['result']> = {
  1: 'trust-root',
  2: 'trust-as-root',
  3: 'deny',
  4: 'unspecified',
};

/**
 * The property list `security trust-settings-export` writes: `trustList` maps each
 * certificate's SHA-1 (hex) to a dict whose `trustSettings` array holds the usage
 * constraints; each constraint may name a policy (`kSecTrustSettingsPolicyName`) and a result
 * (`kSecTrustSettingsResult`: 1 trust root, the default; 2 trust as root; 3 deny; 4 unspecified).
 * A denial anywhere wins; then a trust result; otherwise the setting decides nothing.
 */
export function parseTrustSettings(xml: string): TrustSetting[] {
  const root = parsePlist(xml);
  if (!isPlistDict(root)) throw new Error('the trust settings are not a dictionary');
  const list = root.trustList;
  if (list === undefined) return [];
  if (!isPlistDict(list)) throw new Error('trustList is not a dictionary');
  const out: TrustSetting[] = [];
  for (const [key, entry] of Object.entries(list)) {
    if (!/^[0-9A-Fa-f]{40}$/.test(key) || !isPlistDict(entry)) continue;
    const settings = Array.isArray(entry.trustSettings) ? entry.trustSettings : [];
    const results: TrustSetting['result'][] = [];
    const policies: string[] = [];
    for (const c of settings) {
      if (!isPlistDict(c)) continue;
      const r =
        typeof c.kSecTrustSettingsResult === 'number'
          ? (TRUST_RESULTS[c.kSecTrustSettingsResult] ?? 'unspecified')
          : 'trust-root';
      results.push(r);
      if (typeof c.kSecTrustSettingsPolicyName === 'string' && r !== 'unspecified' && r !== 'deny')
        policies.push(c.kSecTrustSettingsPolicyName);
    }
    const result: TrustSetting['result'] =
      settings.length === 0
        ? 'trust-root'
        : results.includes('deny')
          ? 'deny'
          : results.includes('trust-root')
            ? 'trust-root'
            : results.includes('trust-as-root')
              ? 'trust-as-root'
              : 'unspecified';
    // A trusting constraint without a policy name applies to every policy.
    const everyPolicy =
      settings.length === 0 ||
      settings.some(
        (c) =>
          isPlistDict(c) &&
          c.kSecTrustSettingsPolicyName === undefined &&
          c.kSecTrustSettingsPolicy === undefined &&
          (c.kSecTrustSettingsResult === undefined ||
            c.kSecTrustSettingsResult === 1 ||
            c.kSecTrustSettingsResult === 2),
      );
    out.push({ sha1: key.toUpperCase(), result, policies: everyPolicy ? [] : [...new Set(policies)] });
  }
  return out;
}

/** True when the certificate with this SHA-1 is trusted as a root in the admin domain. */
export function isTrustedRoot(settings: readonly TrustSetting[], sha1: string): boolean {
  const s = settings.find((t) => t.sha1 === sha1.toUpperCase());
  return s !== undefined && (s.result === 'trust-root' || s.result === 'trust-as-root');
}
