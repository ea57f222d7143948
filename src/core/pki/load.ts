// Reads whatever a PKI team sends (PEM bundles, DER, PKCS#7, PKCS#12, keys, CSRs) by its content, never its name.
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { OnboardError, describeError } from '../errors';
import { MAX_INPUT_BYTES, readInputFile } from '../fsutil';
import {
  Asn1Error,
  TAG,
  children,
  readAlgorithm,
  readBitStringBytes,
  readOid,
  readSmallInteger,
  readTlv,
  whole,
  type Tlv,
} from './der';
import {
  certificateDetails,
  describeKey,
  ekuName,
  emptyExtensionFields,
  readExtensions,
  signatureAlgorithmName,
  type CertificateInfo,
} from './inspect';
import { commonNameOf, formatName, readName } from './names';
import { isPkcs12, readAndAnalysePfx, type PfxAnalysis } from './pkcs12';
import { signatureVerifies } from './signature';

export type MaterialKind = 'pem' | 'der-certificate' | 'pkcs7' | 'pkcs12' | 'private-key' | 'csr';

/** A certificate request, read without node-forge so EC requests work too. */
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

export interface LoadedMaterial {
  kinds: MaterialKind[];
  certificates: X509Certificate[];
  privateKeys: KeyObject[];
  csrs: ParsedCsr[];
  pfx?: PfxAnalysis;
  /** Things that were skipped or look odd but did not stop the reading, as plain sentences. */
  warnings: string[];
}

export interface LoadOptions {
  password?: string;
  /** File name for messages. */
  name?: string;
}

class Collector {
  readonly kinds = new Set<MaterialKind>();
  readonly certificates: X509Certificate[] = [];
  readonly privateKeys: KeyObject[] = [];
  readonly csrs: ParsedCsr[] = [];
  pfx: PfxAnalysis | undefined;
  readonly warnings: string[] = [];

  result(): LoadedMaterial {
    const out: LoadedMaterial = {
      kinds: [...this.kinds],
      certificates: this.certificates,
      privateKeys: this.privateKeys,
      csrs: this.csrs,
      warnings: this.warnings,
    };
    if (this.pfx) out.pfx = this.pfx;
    return out;
  }
}

const PASSWORD_HINT = 'Give the password with --password-env VAR or --password-file FILE (or type it when asked).';

/** Reads certificates, keys, CSRs and PFX contents from bytes, recognising the format by content. */
export function loadMaterial(bytes: Uint8Array, opts: LoadOptions = {}): LoadedMaterial {
  const name = opts.name ?? 'The file';
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length > MAX_INPUT_BYTES) {
    throw new OnboardError(
      'file-too-large',
      `${name} is ${(buf.length / 1048576).toFixed(1)} MB; certificate files are never larger than ${MAX_INPUT_BYTES / 1048576} MB.`,
      'This is probably not a certificate, key or PFX file. Check that you picked the right file.',
    );
  }
  if (buf.length === 0 || (buf.length < 4096 && buf.toString('latin1').trim() === '')) {
    throw new OnboardError(
      'empty-file',
      `${name} is empty.`,
      'The export or download probably failed: ask for the file again.',
    );
  }
  const c = new Collector();
  const text = asText(buf);
  if (text !== null && text.includes('-----BEGIN ')) {
    c.kinds.add('pem');
    readPemText(text, name, opts, c);
  } else if (buf[0] === TAG.SEQUENCE) {
    readDer(buf, name, opts, c, true);
  } else if (text !== null && /^[A-Za-z0-9+/=\s]+$/.test(text) && text.trim().length >= 64) {
    // Base64 without the -----BEGIN----- lines: some portals hand certificates out this way.
    const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    if (der[0] !== TAG.SEQUENCE) throw unrecognised(name, buf);
    c.warnings.push(`${name} holds base64 text without -----BEGIN----- lines; it was read as DER.`);
    readDer(der, name, opts, c, true);
  } else {
    throw unrecognised(name, buf);
  }
  if (c.certificates.length + c.privateKeys.length + c.csrs.length === 0 && !c.pfx) {
    throw new OnboardError(
      'no-certificates',
      `${name} holds no certificate, private key, certificate request or PFX.`,
      c.warnings.length ? c.warnings.join(' ') : 'Check that you picked the right file.',
    );
  }
  return c.result();
}

/** Reads a file (refusing anything over the size limit) and loads it by content. */
export async function loadFile(path: string, opts: { password?: string } = {}): Promise<LoadedMaterial> {
  const bytes = await readInputFile(path);
  return loadMaterial(bytes, { ...opts, name: path });
}

/** The file as text when it is text: UTF-8/ASCII, or UTF-16 with a byte-order mark (Windows PowerShell's Out-File writes that). */
function asText(buf: Buffer): string | null {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    const body = Buffer.from(buf.subarray(2, buf.length - (buf.length % 2)));
    if (buf[0] === 0xfe) body.swap16();
    const text = body.toString('utf16le');
    return looksLikeText(Buffer.from(text, 'utf8')) ? text : null;
  }
  return looksLikeText(buf) ? buf.toString('utf8') : null;
}

function looksLikeText(buf: Buffer): boolean {
  const n = Math.min(buf.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = buf[i]!;
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return false;
  }
  return true;
}

const MAGIC: { bytes: number[]; what: string; hint: string }[] = [
  {
    bytes: [0xff, 0xd8, 0xff],
    what: 'a JPEG image',
    hint: 'It was probably renamed. Ask your PKI team for the certificate itself (.cer, .pem, .p7b or .pfx).',
  },
  {
    bytes: [0x89, 0x50, 0x4e, 0x47],
    what: 'a PNG image',
    hint: 'A screenshot of a certificate cannot be imported. Ask for the certificate file itself.',
  },
  {
    bytes: [0x25, 0x50, 0x44, 0x46],
    what: 'a PDF document',
    hint: 'Ask for the certificate file itself (.cer, .pem, .p7b or .pfx).',
  },
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'a ZIP archive',
    hint: 'Unzip it first and pick the certificate files inside.',
  },
];

function unrecognised(name: string, buf: Buffer): OnboardError {
  for (const m of MAGIC) {
    if (m.bytes.every((b, i) => buf[i] === b))
      return new OnboardError(
        'unrecognised-format',
        `${name} is ${m.what}, not a certificate, key or PFX file.`,
        m.hint,
      );
  }
  return new OnboardError(
    'unrecognised-format',
    `${name} is not a certificate, key, certificate request, PKCS#7 or PKCS#12 file.`,
    'Onboard reads PEM, DER (.cer/.crt), PKCS#7 (.p7b) and PKCS#12 (.pfx/.p12). Check that you picked the right file.',
  );
}

function truncated(name: string, detail: string): OnboardError {
  return new OnboardError(
    'truncated',
    `${name} is cut short (${detail}).`,
    'The download or copy was incomplete: get the file again.',
  );
}

// ---------------------------------------------------------------------------------------------
// PEM

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----\r?\n?([\s\S]*?)-----END ([A-Z0-9 #]+)-----/g;

function readPemText(text: string, name: string, opts: LoadOptions, c: Collector): void {
  let last = 0;
  let index = 0;
  const strayLines: number[] = [];
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  for (const m of text.matchAll(PEM_BLOCK)) {
    index++;
    const label = m[1]!;
    noteStrayText(text.slice(last, m.index), lineAt(last), strayLines);
    last = m.index! + m[0].length;
    if (m[3] !== label)
      throw new OnboardError(
        'pem-corrupt',
        `${name}: PEM block ${index} starts as "${label}" but ends as "${m[3]}".`,
        'The file was edited or two files were pasted together badly: get it again.',
      );
    readPemBlock(label, m[0], m[2]!, index, name, opts, c);
  }
  const tail = text.slice(last);
  if (tail.includes('-----BEGIN ')) {
    throw truncated(name, `PEM block ${index + 1} has a -----BEGIN line but no matching -----END line`);
  }
  noteStrayText(tail, lineAt(last), strayLines);
  if (strayLines.length) {
    c.warnings.push(
      `Ignored text outside the PEM blocks on ${strayLines.length === 1 ? 'line' : 'lines'} ${summariseLines(strayLines)}.`,
    );
  }
}

// OpenSSL writes "subject=" / "Bag Attributes" headers before blocks; they are expected, not garbage.
const EXPECTED_TEXT =
  /^\s*(subject=|issuer=|Bag Attributes|Key Attributes|localKeyID:|friendlyName:|[A-Za-z0-9 .]+: |<No Attributes>|#)/;

function noteStrayText(segment: string, firstLine: number, into: number[]): void {
  segment.split('\n').forEach((line, i) => {
    if (line.trim() === '' || EXPECTED_TEXT.test(line)) return;
    into.push(firstLine + i);
  });
}

function summariseLines(lines: number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    ranges.push(j > i ? `${lines[i]}-${lines[j]}` : String(lines[i]));
    i = j;
  }
  return ranges.length > 6 ? `${ranges.slice(0, 6).join(', ')} and more` : ranges.join(', ');
}

function pemBody(body: string, label: string, index: number, name: string): Buffer {
  const lines = body.split(/\r?\n/).filter((l) => !/^[A-Za-z-]+:/.test(l));
  const b64 = lines.join('').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) {
    throw new OnboardError(
      'pem-corrupt',
      `${name}: the ${label} block ${index} contains characters that are not base64.`,
      'The file was damaged (edited, or mangled by an e-mail client): get it again.',
    );
  }
  return Buffer.from(b64, 'base64');
}

function readPemBlock(
  label: string,
  pem: string,
  body: string,
  index: number,
  name: string,
  opts: LoadOptions,
  c: Collector,
): void {
  const where = `${name} (PEM block ${index}, ${label})`;
  switch (label) {
    case 'CERTIFICATE':
    case 'X509 CERTIFICATE':
    case 'TRUSTED CERTIFICATE': {
      let der = pemBody(body, label, index, name);
      // OpenSSL's "trusted" form appends trust settings after the certificate: keep the certificate.
      if (label === 'TRUSTED CERTIFICATE') der = Buffer.from(whole(derRoot(der, where)));
      readDer(der, where, opts, c, false);
      return;
    }
    case 'PKCS7':
    case 'CMS':
      c.kinds.add('pkcs7');
      readPkcs7(pemBody(body, label, index, name), where, c);
      return;
    case 'CERTIFICATE REQUEST':
    case 'NEW CERTIFICATE REQUEST':
      c.kinds.add('csr');
      c.csrs.push(readCsr(pemBody(body, label, index, name), where));
      return;
    case 'PRIVATE KEY':
    case 'ENCRYPTED PRIVATE KEY':
    case 'RSA PRIVATE KEY':
    case 'EC PRIVATE KEY':
      c.kinds.add('private-key');
      pemBody(body, label, index, name); // validates the base64 before node:crypto sees it
      c.privateKeys.push(
        privateKeyFrom(
          { key: pem, format: 'pem' },
          where,
          opts.password,
          label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(body),
        ),
      );
      return;
    case 'PKCS12':
      readDer(pemBody(body, label, index, name), where, opts, c, true);
      return;
    case 'EC PARAMETERS':
      return;
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      c.warnings.push(`Block ${index} is a bare public key; it was ignored (a certificate or PFX is needed).`);
      return;
    case 'X509 CRL':
      c.warnings.push(`Block ${index} is a certificate revocation list (CRL); it was ignored here.`);
      return;
    default:
      c.warnings.push(`Block ${index} ("${label}") is not something Onboard reads; it was ignored.`);
  }
}

// ---------------------------------------------------------------------------------------------
// DER

function derRoot(der: Buffer, name: string): Tlv {
  try {
    return readTlv(der, 0);
  } catch (e) {
    if (e instanceof Asn1Error && e.truncated) throw truncated(name, e.message);
    throw new OnboardError(
      'unrecognised-format',
      `${name} is not valid DER (${describeError(e)}).`,
      'The file is damaged or not a certificate: get it again.',
    );
  }
}

/** Recognises one DER structure. `topLevel` means it is the whole file (so PKCS#12 is possible). */
function readDer(der: Buffer, name: string, opts: LoadOptions, c: Collector, topLevel: boolean): void {
  if (topLevel && isPkcs12(der)) {
    readPkcs12(der, name, opts, c);
    return;
  }
  const root = derRoot(der, name);
  if (root.end < der.length && topLevel) {
    c.warnings.push(
      `${name} has ${der.length - root.end} extra bytes after the first DER structure; they were ignored.`,
    );
  }
  const one = root.end === der.length ? der : der.subarray(0, root.end);
  let parts: Tlv[];
  try {
    parts = root.tag === TAG.SEQUENCE ? children(root) : [];
  } catch (e) {
    if (e instanceof Asn1Error && e.truncated) throw truncated(name, e.message);
    parts = [];
  }
  const [a, b, d] = parts;
  // ContentInfo { OID signedData, [0] ... }: a .p7b / .p7c
  if (a?.tag === TAG.OID && b?.tag === 0xa0) {
    c.kinds.add('pkcs7');
    readPkcs7(one, name, c);
    return;
  }
  // Certificate { tbs SEQUENCE, algorithm SEQUENCE, signature BIT STRING }
  if (parts.length === 3 && a?.tag === TAG.SEQUENCE && b?.tag === TAG.SEQUENCE && d?.tag === TAG.BIT_STRING) {
    const tbs = safeChildren(a);
    // A request's info is { INTEGER 0, Name, SubjectPublicKeyInfo, [0] attributes }; a v1 certificate's TBS has six fields.
    const isCsr =
      (tbs.length === 3 || (tbs.length === 4 && tbs[3]?.tag === 0xa0)) &&
      tbs[0]?.tag === TAG.INTEGER &&
      tbs[1]?.tag === TAG.SEQUENCE &&
      tbs[2]?.tag === TAG.SEQUENCE;
    if (isCsr) {
      c.kinds.add('csr');
      c.csrs.push(readCsr(one, name));
      return;
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(one);
    } catch (e) {
      throw new OnboardError(
        'certificate-corrupt',
        `${name} looks like a certificate but cannot be read (${describeError(e)}).`,
        'The file is damaged: get it again from your PKI team.',
      );
    }
    if (topLevel) c.kinds.add('der-certificate');
    c.certificates.push(acceptCertificate(cert, name));
    return;
  }
  // Private keys: PKCS#8 { INTEGER, AlgorithmIdentifier, OCTET STRING }, encrypted PKCS#8 { AlgorithmIdentifier, OCTET STRING },
  // PKCS#1 RSA { INTEGER 0, INTEGER n, ... }, SEC1 EC { INTEGER 1, OCTET STRING, ... }
  if (a?.tag === TAG.INTEGER && b?.tag === TAG.SEQUENCE && d?.tag === TAG.OCTET_STRING) {
    c.kinds.add('private-key');
    c.privateKeys.push(privateKeyFrom({ key: one, format: 'der', type: 'pkcs8' }, name, opts.password, false));
    return;
  }
  if (parts.length === 2 && a?.tag === TAG.SEQUENCE && b?.tag === TAG.OCTET_STRING) {
    c.kinds.add('private-key');
    c.privateKeys.push(privateKeyFrom({ key: one, format: 'der', type: 'pkcs8' }, name, opts.password, true));
    return;
  }
  if (parts.length >= 9 && parts.every((p) => p.tag === TAG.INTEGER)) {
    c.kinds.add('private-key');
    c.privateKeys.push(privateKeyFrom({ key: one, format: 'der', type: 'pkcs1' }, name, opts.password, false));
    return;
  }
  if (a?.tag === TAG.INTEGER && b?.tag === TAG.OCTET_STRING) {
    c.kinds.add('private-key');
    c.privateKeys.push(privateKeyFrom({ key: one, format: 'der', type: 'sec1' }, name, opts.password, false));
    return;
  }
  if (topLevel) throw unrecognised(name, der);
  throw new OnboardError(
    'certificate-corrupt',
    `${name} does not hold a certificate.`,
    'The file is damaged: get it again from your PKI team.',
  );
}

/** Keeps a certificate only if every field the checks read is intact (node:crypto parses some of it lazily). */
function acceptCertificate(cert: X509Certificate, name: string): X509Certificate {
  try {
    certificateDetails(cert);
  } catch (e) {
    throw new OnboardError(
      'certificate-corrupt',
      `${name}: ${describeError(e)}`,
      'Get the file again from your PKI team.',
    );
  }
  return cert;
}

function safeChildren(t: Tlv): Tlv[] {
  try {
    return t.constructed ? children(t) : [];
  } catch {
    return [];
  }
}

function readPkcs7(der: Buffer, name: string, c: Collector): void {
  try {
    const root = readTlv(der, 0);
    const [oidT, explicit] = children(root);
    const oid = oidT ? readOid(oidT) : '';
    if (oid !== '1.2.840.113549.1.7.2' || !explicit) {
      throw new OnboardError(
        'unrecognised-format',
        `${name} is a PKCS#7/CMS message of a kind that carries no certificates (${oid}).`,
        'Export the certificates as a .p7b ("Cryptographic Message Syntax Standard") or as .cer files.',
      );
    }
    const signedData = children(explicit)[0];
    if (!signedData) throw new Asn1Error('empty signed data');
    let found = 0;
    for (const part of children(signedData)) {
      if (part.tag !== 0xa0) continue; // [0] IMPLICIT certificates
      for (const certT of children(part)) {
        if (certT.tag !== TAG.SEQUENCE) continue; // attribute certificates and other formats are not X.509 certificates
        try {
          c.certificates.push(acceptCertificate(new X509Certificate(whole(certT)), name));
          found++;
        } catch (e) {
          c.warnings.push(
            `${name}: certificate ${found + 1} in the PKCS#7 bundle cannot be read (${describeError(e)}); it was skipped.`,
          );
        }
      }
    }
    if (found === 0) c.warnings.push(`${name} is a PKCS#7 bundle with no certificates in it.`);
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    if (e instanceof Asn1Error && e.truncated) throw truncated(name, e.message);
    throw new OnboardError(
      'pkcs7-corrupt',
      `${name} is a damaged PKCS#7 bundle (${describeError(e)}).`,
      'Export the CA certificates again.',
    );
  }
}

function readPkcs12(der: Buffer, name: string, opts: LoadOptions, c: Collector): void {
  c.kinds.add('pkcs12');
  // An absent password first tries the empty one: some tools export PFX files without a password.
  const password = opts.password ?? '';
  let opened;
  try {
    // One decryption gives both the contents and how the file is protected.
    opened = readAndAnalysePfx(der, password);
  } catch (e) {
    if (e instanceof OnboardError && e.code === 'pfx-wrong-password') {
      if (opts.password === undefined)
        throw new OnboardError('password-required', `${name} is a password-protected PFX.`, PASSWORD_HINT);
      throw new OnboardError(
        'pfx-wrong-password',
        `${name}: the password is wrong (the file is intact, but its integrity check does not match this password).`,
        'Check the password with whoever exported the file; mind the keyboard layout and capitals.',
      );
    }
    if (e instanceof OnboardError) throw new OnboardError(e.code, `${name}: ${e.message}`, e.hint);
    throw new OnboardError(
      'pfx-corrupt',
      `${name} is a damaged PFX file (${describeError(e)}).`,
      'Export the PFX again.',
    );
  }
  const { contents, analysis } = opened;
  c.certificates.push(...contents.certificates.map((cert) => acceptCertificate(cert, name)));
  if (contents.key) {
    c.kinds.add('private-key');
    c.privateKeys.push(contents.key);
  } else {
    c.warnings.push(`${name} holds no private key: it cannot serve as this Mac's identity.`);
  }
  c.pfx = analysis;
}

type KeyInput = { key: string | Buffer; format: 'pem' | 'der'; type?: 'pkcs8' | 'pkcs1' | 'sec1' };

function privateKeyFrom(input: KeyInput, name: string, password: string | undefined, encrypted: boolean): KeyObject {
  if (encrypted && password === undefined) {
    throw new OnboardError('password-required', `${name} is an encrypted private key.`, PASSWORD_HINT);
  }
  try {
    return createPrivateKey(encrypted ? { ...input, passphrase: password ?? '' } : input);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MISSING_PASSPHRASE')
      throw new OnboardError('password-required', `${name} is an encrypted private key.`, PASSWORD_HINT);
    if (encrypted) {
      throw new OnboardError(
        'key-wrong-password',
        `${name}: the password does not decrypt this private key.`,
        'Check the password with whoever made the key; mind the keyboard layout and capitals.',
      );
    }
    throw new OnboardError(
      'key-corrupt',
      `${name} is a private key that cannot be read (${describeError(e)}).`,
      'The key file is damaged or in an unsupported format: get it again.',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// CSR

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
      pem: `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(whole(root))
        .toString('base64')
        .replace(/(.{64})/g, '$1\n')
        .replace(/\n$/, '')}\n-----END CERTIFICATE REQUEST-----\n`,
    };
    if (key.curve) csr.curve = key.curve;
    return csr;
  } catch (e) {
    if (e instanceof Asn1Error && e.truncated) throw truncated(name, e.message);
    throw new OnboardError(
      'csr-corrupt',
      `${name} is a certificate request that cannot be read (${describeError(e)}).`,
      'Make the request again (onboard csr).',
    );
  }
}
