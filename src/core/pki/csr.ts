// Key and certificate request for a Mac: native RSA key, CN = the host name exactly, 1E's extensions requested.
import { KeyObject, generateKeyPair, createPublicKey } from 'node:crypto';
import { promisify } from 'node:util';
import { OnboardError } from '../errors';
import { encodeName, extKeyUsageValue, keyUsageValue, signDer, subjectAltNameValue, OIDS } from './build';
import { der, toPem } from './der';

const generateKeyPairAsync = promisify(generateKeyPair);

export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export type RsaKeySize = (typeof RSA_KEY_SIZES)[number];

/**
 * Why a host name is unusable, or null when it is fine. RFC 1123 labels (letters, digits,
 * hyphens; 1-63 characters; no hyphen at either end), 253 characters at most; `.local` is fine.
 * Case is kept as given: 1E compares the CN character for character.
 */
export function hostnameProblem(name: string): string | null {
  if (name === '') return 'the host name is empty';
  if (name.length > 253) return `"${name}" is longer than 253 characters`;
  if (name.endsWith('.')) return `"${name}" ends with a dot`;
  for (const label of name.split('.')) {
    if (label === '') return `"${name}" has an empty label (two dots in a row or a leading dot)`;
    if (label.length > 63) return `"${name}" has a label longer than 63 characters`;
    if (!/^[A-Za-z0-9-]+$/.test(label)) return `"${name}" has characters other than letters, digits, hyphens and dots`;
    if (label.startsWith('-') || label.endsWith('-')) return `"${name}" has a label that starts or ends with a hyphen`;
  }
  return null;
}

export function assertHostname(name: string): void {
  const problem = hostnameProblem(name);
  if (problem) {
    throw new OnboardError(
      'bad-hostname',
      `Invalid host name: ${problem}.`,
      'Use the name macOS shows in Settings → General → Sharing (e.g. MAC01.local), or the FQDN on domain-joined Macs.',
    );
  }
}

export interface CsrSpec {
  /** The subject CN, exactly as the Mac reports its host name. */
  hostname: string;
  /** More DNS names for the SAN; the host name is always included. */
  sans?: string[];
  /** AD CS certificate template name, sent as Microsoft's template-name extension. */
  template?: string;
}

/** Builds and signs a PKCS#10 request (DER) for the given private key. */
export function buildCsr(key: KeyObject, spec: CsrSpec): Buffer {
  if (key.type !== 'private')
    throw new OnboardError(
      'key-not-private',
      'A certificate request must be signed with the private key.',
      'Give the private key file.',
    );
  assertHostname(spec.hostname);
  const dns = [spec.hostname];
  for (const s of spec.sans ?? []) {
    assertHostname(s);
    if (!dns.includes(s)) dns.push(s);
  }
  const ext = (oid: string, value: Buffer, critical = false) =>
    der.seq(der.oid(oid), ...(critical ? [der.bool(true)] : []), der.octets(value));
  const extensions = [
    ext(OIDS.keyUsage, keyUsageValue(['digitalSignature', 'keyEncipherment']), true),
    ext(OIDS.extKeyUsage, extKeyUsageValue(['clientAuth'])),
    ext(OIDS.subjectAltName, subjectAltNameValue(dns)),
  ];
  if (spec.template !== undefined) {
    if (!/^[\x20-\x7e]{1,64}$/.test(spec.template)) {
      throw new OnboardError(
        'bad-template',
        `"${spec.template}" is not a usable certificate template name.`,
        "Give the template's name as shown in the CA's Certificate Templates (no special characters).",
      );
    }
    extensions.push(ext(OIDS.microsoftTemplateName, der.bmp(spec.template)));
  }
  const extensionRequest = der.seq(der.oid('1.2.840.113549.1.9.14'), der.set(der.seq(...extensions)));
  const info = der.seq(
    der.int(0),
    encodeName({ commonName: spec.hostname }),
    createPublicKey(key).export({ type: 'spki', format: 'der' }),
    der.ctx(0, true, extensionRequest),
  );
  return signDer(info, key);
}

/** A fresh RSA key made natively on a worker thread (forge's JS keygen is ten times slower). */
export async function generateRsaKey(bits: RsaKeySize = 2048): Promise<KeyObject> {
  if (!RSA_KEY_SIZES.includes(bits)) {
    throw new OnboardError('bad-key-size', `${bits} is not a supported RSA key size.`, 'Use 2048, 3072 or 4096.');
  }
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return privateKey;
}

/** The private key as PKCS#8 PEM, encrypted (AES-256-CBC, PBKDF2) when a password is given. */
export function privateKeyPem(key: KeyObject, password?: string): string {
  if (password === undefined) return key.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (password === '')
    throw new OnboardError(
      'empty-key-password',
      'The key password is empty.',
      'Choose a password, or leave out --key-password-env to write an unencrypted key.',
    );
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password }).toString();
}

/** Makes the key and request in one go: what `onboard csr` and the wizard's "key born on the Mac" path call. */
export async function createKeyAndCsr(
  spec: CsrSpec & { keySize?: RsaKeySize },
): Promise<{ key: KeyObject; csrDer: Buffer; csrPem: string }> {
  assertHostname(spec.hostname);
  const key = await generateRsaKey(spec.keySize ?? 2048);
  const csrDer = buildCsr(key, spec);
  return { key, csrDer, csrPem: toPem('CERTIFICATE REQUEST', csrDer) };
}
