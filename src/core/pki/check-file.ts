// One device file (certificate or PFX) judged against every 1E requirement, as a compact result: what checking a fleet's files is made of.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { describeError, isOnboardError, type ErrorCode } from '../errors';
import { readInputFileSync } from '../fsutil';
import { Asn1Error } from './der';
import { certificateDetails, isSelfSigned } from './inspect';
import { lightCertificate } from './light-certificate';
import { formatName } from './names';
import { loadMaterial, type LoadedMaterial } from './load';
import { isPkcs12, keyMatches } from './pkcs12';
import { checkClientCertificate, summarise, type Finding, type FindingStatus } from './requirements';

/** The device certificate among everything given: the one a key belongs to, else the first that is not a CA. */
export function pickLeaf(certs: X509Certificate[], keys: KeyObject[], fromPfx: boolean): X509Certificate | undefined {
  if (fromPfx && certs[0]) return certs[0];
  return (
    certs.find((c) => keys.some((k) => keyMatches(c, k))) ??
    certs.find((c) => !certificateDetails(c).basicConstraints?.ca && !isSelfSigned(c)) ??
    certs[0]
  );
}

// A file of nothing but CERTIFICATE blocks (OpenSSL's subject=/issuer= lines allowed): read here without the
// general loader, so that each certificate is a light one. Anything else goes to loadMaterial.
const ONLY_CERTIFICATES =
  /^(?:\s*(?:(?:subject|issuer)=[^\n]*\n)*\s*-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----)+\s*$/;
const BLOCK = /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----/g;

/** The certificates of a plain certificate file (PEM certificates only, or one DER certificate), or null for anything else. */
function plainCertificates(bytes: Buffer): X509Certificate[] | null {
  try {
    if (bytes[0] === 0x30) return isPkcs12(bytes) ? null : [lightCertificate(bytes)];
    if (bytes.length > 1_000_000) return null;
    const text = bytes.toString('latin1');
    if (!ONLY_CERTIFICATES.test(text)) return null;
    // node's base64 decoder skips the line breaks itself (the pattern allows no other white space).
    return [...text.matchAll(BLOCK)].map((m) => lightCertificate(Buffer.from(m[1]!, 'base64')));
  } catch (e) {
    if (e instanceof Asn1Error) return null; // let the general loader say what is wrong with it
    throw e;
  }
}

export interface FileCheckJob {
  /** Absolute path of the file to read. */
  path: string;
  /** The name to show for it (as the technician gave it). */
  file: string;
  hostname: string;
}

export interface FileCheckContext {
  caCertificates: X509Certificate[];
  /** The password of PFX files (one for the batch); a PFX without it is reported, not asked for. */
  password?: string;
  at: Date;
}

export type FileVerdict = FindingStatus | 'error';

export interface FileCheckResult {
  file: string;
  hostname: string;
  /** fail when any requirement fails, warn when any warns, else pass; error when the file could not be checked. */
  verdict: Exclude<FileVerdict, 'info'>;
  summary?: { pass: number; warn: number; fail: number; info: number };
  /** The failed and warned findings in full (id, status, title, detail, fix). */
  problems?: Finding[];
  subject?: string;
  notAfter?: string;
  error?: { code: ErrorCode; message: string; hint: string };
}

/**
 * Reads and checks one file the way `onboard check` does; never throws for what is wrong with the file.
 * Synchronous: a batch reads its small files one after another on its own thread, where the event
 * loop's round trips for open, stat, read and close cost more than reading the file.
 */
export function checkDeviceFile(job: FileCheckJob, ctx: FileCheckContext): FileCheckResult {
  const base = { file: job.file, hostname: job.hostname };
  try {
    const bytes = readInputFileSync(job.path);
    const plain = plainCertificates(bytes);
    const main: Pick<LoadedMaterial, 'certificates' | 'privateKeys' | 'kinds' | 'pfx'> = plain
      ? { certificates: plain, privateKeys: [], kinds: ['pem'] }
      : loadMaterial(bytes, { name: job.file, ...(ctx.password !== undefined ? { password: ctx.password } : {}) });
    const fromPfx = main.kinds.includes('pkcs12');
    const leaf = pickLeaf(main.certificates, main.privateKeys, fromPfx);
    if (!leaf)
      return {
        ...base,
        verdict: 'error',
        error: {
          code: 'no-certificate',
          message: `${job.file} holds no certificate to check.`,
          hint: 'Give device certificates or PFX files.',
        },
      };
    const d = certificateDetails(leaf);
    const findings = checkClientCertificate({
      certificate: leaf,
      privateKey: main.privateKeys.find((k) => keyMatches(leaf, k)) ?? main.privateKeys[0],
      caCertificates: ctx.caCertificates,
      hostname: job.hostname,
      at: ctx.at,
      extraCertificates: main.certificates.filter((c) => c !== leaf),
      ...(fromPfx && main.pfx ? { pfx: main.pfx } : {}),
    });
    const s = summarise(findings);
    return {
      ...base,
      verdict: s.fail ? 'fail' : s.warn ? 'warn' : 'pass',
      summary: { pass: s.pass, warn: s.warn, fail: s.fail, info: s.info },
      problems: findings.filter((f) => f.status === 'fail' || f.status === 'warn'),
      subject: formatName(d.subjectAttributes),
      notAfter: d.notAfter.toISOString(),
    };
  } catch (e) {
    const error = isOnboardError(e)
      ? { code: e.code, message: e.message.split(job.path).join(job.file), hint: e.hint }
      : {
          code: 'internal' as const,
          message: `${job.file}: ${describeError(e)}`,
          hint: 'This is a bug: please report it.',
        };
    return { ...base, verdict: 'error', error };
  }
}
