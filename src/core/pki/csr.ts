// Certificate requests: a key and request for a Mac (native RSA key, CN = the host name exactly, 1E's extensions), and reading any request.
import { KeyObject, generateKeyPair, createPublicKey } from 'node:crypto';
import { promisify } from 'node:util';
import { OnboardError, describeError } from '../errors';
import { encodeName, extKeyUsageValue, keyUsageValue, signDer, subjectAltNameValue, OIDS } from './build';
import {
  Asn1Error,
  TAG,
  children,
  der,
  readAlgorithm,
  readBitStringBytes,
  readOid,
  readSmallInteger,
  readTlv,
  toPem,
  whole,
} from './der';
import {
  describeKey,
  ekuName,
  emptyExtensionFields,
  readExtensions,
  signatureAlgorithmName,
  type CertificateInfo,
} from './inspect';
import { truncated } from './input-errors';
import { commonNameOf, formatName, readName } from './names';
import { signatureVerifies } from './signature';

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
      'Choose a password, or write the key without one.',
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

// ---------------------------------------------------------------------------------------------
// Reading

/** A certificate request as read (EC requests too). */
export interface ParsedCsr {
  subject: string;
  commonName: string | null;
  publicKey: KeyObject;
  keyType: CertificateInfo['keyType'];
  keySize: number | null;
  curve?: string;
  signatureAlgorithm: string;
  /** The request is signed by the key it carries (proof the requester holds the private key). */
  signatureValid: boolean;
  subjectAltNames: { dns: string[]; ip: string[]; email: string[]; uri: string[] };
  keyUsage: string[];
  extendedKeyUsage: string[];
  pem: string;
}

/** Reads a PKCS#10 request: subject, key, requested extensions, and whether its self-signature holds. */
export function readCsr(der: Buffer, name = 'The request'): ParsedCsr {
  try {
    const root = readTlv(der, 0);
    const [infoT, algT, sigT] = children(root);
    const info = children(infoT!);
    const version = readSmallInteger(info[0]!);
    if (version !== 0) throw new Asn1Error(`unknown request version ${version}`);
    const subject = readName(info[1]!);
    const publicKey = createPublicKey({ key: Buffer.from(whole(info[2]!)), format: 'der', type: 'spki' });
    const ext = emptyExtensionFields();
    const attrs = info[3];
    if (attrs?.tag === 0xa0) {
      for (const attr of children(attrs)) {
        const [oidT, values] = children(attr);
        if (!oidT || !values || readOid(oidT) !== '1.2.840.113549.1.9.14') continue; // extensionRequest
        const list = children(values)[0];
        if (list) readExtensions(list, ext);
      }
    }
    const alg = readAlgorithm(algT!);
    const sigOid = alg.oid;
    // A damaged signature field makes the request's signature invalid, not the request unreadable.
    const signatureValid =
      sigT?.tag === TAG.BIT_STRING &&
      signatureVerifies(
        { oid: sigOid, params: alg.params && whole(alg.params) },
        whole(infoT!),
        readBitStringBytes(sigT),
        publicKey,
      );
    const key = describeKey(publicKey);
    const csr: ParsedCsr = {
      subject: formatName(subject),
      commonName: commonNameOf(subject),
      publicKey,
      keyType: key.keyType,
      keySize: key.keySize,
      signatureAlgorithm: signatureAlgorithmName(sigOid),
      signatureValid,
      subjectAltNames: ext.subjectAltNames,
      keyUsage: ext.keyUsage ?? [],
      extendedKeyUsage: (ext.extendedKeyUsageOids ?? []).map(ekuName),
      pem: toPem('CERTIFICATE REQUEST', whole(root)),
    };
    if (key.curve) csr.curve = key.curve;
    return csr;
  } catch (e) {
    if (e instanceof Asn1Error && e.truncated) throw truncated(name, e.message);
    throw new OnboardError(
      'csr-corrupt',
      `${name} is a certificate request that cannot be read (${describeError(e)}).`,
      'Make the key and request again.',
    );
  }
}
