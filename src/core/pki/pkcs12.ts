// PKCS#12 (.pfx/.p12) files: sniff, read (RSA and EC, every common encryption), analyse for macOS, write in two profiles, re-wrap.
import {
  X509Certificate,
  KeyObject,
  createPrivateKey,
  createHash,
  createHmac,
  createCipheriv,
  createDecipheriv,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import * as cryptoModule from 'node:crypto';
import forge from 'node-forge';
import { OnboardError } from '../errors';
import { buildChain } from './chain';

export type PfxProfile = 'compatible' | 'modern';

export interface PfxContents {
  key?: KeyObject;
  /** The certificate matching the key first, then the others (in chain order where they chain). */
  certificates: X509Certificate[];
  friendlyName?: string;
}

export interface PfxAnalysis {
  macAlgorithm: string | null;
  macSaltLength: number | null;
  macIterations: number | null;
  keyBagAlgorithms: string[];
  certBagAlgorithms: string[];
  emptyPassword: boolean;
  macOsCompatible: boolean;
  /** Plain sentences, one per thing a technician should know. */
  problems: string[];
}

const asn1 = forge.asn1;
type Asn1 = forge.asn1.Asn1;
const { UNIVERSAL, CONTEXT_SPECIFIC } = asn1.Class;
const T = asn1.Type;

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  hmacWithSha256: '1.2.840.113549.2.9',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** PKCS#12 password-based encryption schemes (RFC 7292 appendix C), named as OpenSSL prints them. */
const PKCS12_PBE: Record<
  string,
  { name: string; cipher: '3des' | '2des' | 'rc2' | 'rc4'; keyLength: number; rc2Bits?: number }
> = {
  '1.2.840.113549.1.12.1.1': { name: 'pbeWithSHA1And128BitRC4', cipher: 'rc4', keyLength: 16 },
  '1.2.840.113549.1.12.1.2': { name: 'pbeWithSHA1And40BitRC4', cipher: 'rc4', keyLength: 5 },
  '1.2.840.113549.1.12.1.3': { name: 'pbeWithSHA1And3-KeyTripleDES-CBC', cipher: '3des', keyLength: 24 },
  '1.2.840.113549.1.12.1.4': { name: 'pbeWithSHA1And2-KeyTripleDES-CBC', cipher: '2des', keyLength: 16 },
  '1.2.840.113549.1.12.1.5': { name: 'pbeWithSHA1And128BitRC2-CBC', cipher: 'rc2', keyLength: 16, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { name: 'pbeWithSHA1And40BitRC2-CBC', cipher: 'rc2', keyLength: 5, rc2Bits: 40 },
};

/** Digests usable for the MAC and for PBKDF2's HMAC: node name, output and block sizes. */
const DIGESTS: Record<string, { name: string; outLen: number; blockLen: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', outLen: 20, blockLen: 64 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', outLen: 28, blockLen: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', outLen: 32, blockLen: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', outLen: 48, blockLen: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', outLen: 64, blockLen: 128 },
};

const PBKDF2_PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const PBES2_CIPHERS: Record<string, { node: string; keyLength: number; label: string }> = {
  '2.16.840.1.101.3.4.1.2': { node: 'aes-128-cbc', keyLength: 16, label: 'AES-128-CBC' },
  '2.16.840.1.101.3.4.1.22': { node: 'aes-192-cbc', keyLength: 24, label: 'AES-192-CBC' },
  '2.16.840.1.101.3.4.1.42': { node: 'aes-256-cbc', keyLength: 32, label: 'AES-256-CBC' },
  '1.2.840.113549.3.7': { node: 'des-ede3-cbc', keyLength: 24, label: 'DES-EDE3-CBC' },
};

/** Iteration counts above this are refused: they would hang the app and no real tool writes them. */
const MAX_ITERATIONS = 1_000_000;
const COMPATIBLE_ITERATIONS = 2048;
const MODERN_ITERATIONS = 2048;
const SALT_LENGTH = 8;

// ---------------------------------------------------------------------------------------------
// Errors

/** Thrown inside the parser for structural damage; turned into 'pfx-corrupt' at the public edge. */
class Damaged extends Error {}

function corrupt(detail: string): OnboardError {
  return new OnboardError(
    'pfx-corrupt',
    `This PKCS#12 (.pfx) file is damaged or not a PKCS#12 file (${detail}).`,
    'Export the certificate and key again from the source, and copy the file in binary mode.',
  );
}

function wrongPassword(): OnboardError {
  return new OnboardError(
    'pfx-wrong-password',
    'The password does not open this .pfx file.',
    'Check the password with whoever exported the file (passwords are case-sensitive).',
  );
}

function unsupported(what: string): OnboardError {
  return new OnboardError(
    'pfx-unsupported',
    `This .pfx file uses ${what}, which Onboard cannot read.`,
    'Export it again with OpenSSL (`openssl pkcs12 -export`), Keychain Access or the Windows certificate export wizard.',
  );
}

// ---------------------------------------------------------------------------------------------
// DER reading and writing over forge.asn1 (forge's binary strings are latin1 strings)

const bin = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const buf = (s: string): Buffer => Buffer.from(s, 'latin1');

function parseDer(bytes: Uint8Array, what: string): Asn1 {
  try {
    return (asn1.fromDer as unknown as (b: string, o: object) => Asn1)(bin(bytes), {
      strict: true,
      parseAllBytes: true,
      decodeBitStrings: false,
    });
  } catch {
    throw new Damaged(`${what} is not valid DER`);
  }
}

function children(node: Asn1 | undefined, what: string, min = 0): Asn1[] {
  if (!node || !Array.isArray(node.value) || node.value.length < min) throw new Damaged(`${what} is malformed`);
  return node.value;
}

function expect(node: Asn1 | undefined, type: number, what: string, tagClass: number = UNIVERSAL): Asn1 {
  if (!node || node.tagClass !== tagClass || node.type !== type) throw new Damaged(`${what} is malformed`);
  return node;
}

function readOid(node: Asn1 | undefined, what: string): string {
  const n = expect(node, T.OID, what);
  if (typeof n.value !== 'string') throw new Damaged(`${what} is malformed`);
  return asn1.derToOid(n.value);
}

/** Octet string content, joining the pieces of a BER constructed octet string (Windows writes those). */
function readOctets(
  node: Asn1 | undefined,
  what: string,
  tagClass: number = UNIVERSAL,
  type: number = T.OCTETSTRING,
): Buffer {
  if (!node || node.tagClass !== tagClass || node.type !== type) throw new Damaged(`${what} is malformed`);
  if (typeof node.value === 'string') return buf(node.value);
  return Buffer.concat(node.value.map((part) => readOctets(part, what)));
}

function readInt(node: Asn1 | undefined, what: string): number {
  const n = expect(node, T.INTEGER, what);
  if (typeof n.value !== 'string' || n.value.length === 0 || n.value.length > 6)
    throw new Damaged(`${what} is out of range`);
  const bytes = buf(n.value);
  if (bytes[0]! & 0x80) throw new Damaged(`${what} is negative`);
  return bytes.readUIntBE(0, bytes.length);
}

function rawDer(node: Asn1): Buffer {
  return buf(asn1.toDer(node).getBytes());
}

const seq = (...items: Asn1[]): Asn1 => asn1.create(UNIVERSAL, T.SEQUENCE, true, items);
const set = (...items: Asn1[]): Asn1 => asn1.create(UNIVERSAL, T.SET, true, items);
const oid = (o: string): Asn1 => asn1.create(UNIVERSAL, T.OID, false, asn1.oidToDer(o).getBytes());
const octets = (b: Uint8Array): Asn1 => asn1.create(UNIVERSAL, T.OCTETSTRING, false, bin(b));
const int = (n: number): Asn1 => asn1.create(UNIVERSAL, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const explicit0 = (inner: Asn1): Asn1 => asn1.create(CONTEXT_SPECIFIC, 0, true, [inner]);
// forge keeps BMPString values as JS strings and does the UTF-16BE coding itself.
const bmp = (s: string): Asn1 => asn1.create(UNIVERSAL, T.BMPSTRING, false, s);

// ---------------------------------------------------------------------------------------------
// Key derivation

/** A password as PKCS#12 KDFs see it: UTF-16BE with a two-byte terminator (or nothing at all). */
function bmpPassword(password: string): Buffer {
  return Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]);
}

/**
 * The PKCS#12 key derivation (RFC 7292 appendix B.2). id 1 = cipher key, 2 = IV, 3 = MAC key.
 * Native hashing keeps 2048 iterations in the low milliseconds.
 */
function pkcs12Kdf(
  digest: string,
  password: Buffer,
  salt: Buffer,
  id: 1 | 2 | 3,
  iterations: number,
  length: number,
): Buffer {
  const info = Object.values(DIGESTS).find((d) => d.name === digest);
  if (!info) throw new Damaged(`unknown digest ${digest}`);
  const { outLen: u, blockLen: v } = info;
  const D = Buffer.alloc(v, id);
  const fill = (src: Buffer): Buffer => {
    if (src.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out = Buffer.alloc(length);
  let produced = 0;
  while (produced < length) {
    let A: Buffer = createHash(digest).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = hashOnce(digest, A);
    A.copy(out, produced, 0, Math.min(u, length - produced));
    produced += u;
    if (produced >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
    const B = fill(A).subarray(0, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out;
}

/** One-shot hashing: crypto.hash (Node 20.12+) skips the Hash object and is several times faster in this loop. */
const oneShot = (cryptoModule as { hash?: (alg: string, data: Buffer, enc: 'buffer') => Buffer }).hash;
function hashOnce(digest: string, data: Buffer): Buffer {
  return oneShot ? oneShot(digest, data, 'buffer') : createHash(digest).update(data).digest();
}

/** What the password is tried as. An empty password is ambiguous in PKCS#12: OpenSSL tries both forms. */
interface PasswordForm {
  bmp: Buffer;
  utf8: Buffer;
}
function passwordForms(password: string): PasswordForm[] {
  const forms = [{ bmp: bmpPassword(password), utf8: Buffer.from(password, 'utf8') }];
  if (password === '') forms.push({ bmp: Buffer.alloc(0), utf8: Buffer.alloc(0) });
  return forms;
}

// ---------------------------------------------------------------------------------------------
// Decryption and encryption of one AlgorithmIdentifier-described blob

interface AlgorithmInfo {
  label: string;
  iterations: number;
}

function describeAlgorithm(alg: Asn1): AlgorithmInfo {
  const [idNode, params] = children(alg, 'encryption algorithm', 1);
  const id = readOid(idNode, 'encryption algorithm');
  const pbe = PKCS12_PBE[id];
  if (pbe) {
    const [, iter] = children(params, 'PBE parameters', 2);
    return { label: pbe.name, iterations: readInt(iter, 'PBE iteration count') };
  }
  if (id === OID.pbes2) {
    const { kdf, cipher } = pbes2Params(params);
    return { label: `PBES2/PBKDF2-hmacWith${kdf.prf.toUpperCase()}/${cipher.label}`, iterations: kdf.iterations };
  }
  return { label: id, iterations: 0 };
}

function pbes2Params(params: Asn1 | undefined) {
  const [kdfAlg, encAlg] = children(params, 'PBES2 parameters', 2);
  const [kdfId, kdfParams] = children(kdfAlg, 'PBES2 key derivation', 2);
  if (readOid(kdfId, 'PBES2 key derivation') !== OID.pbkdf2) throw unsupported('a key derivation other than PBKDF2');
  const kp = children(kdfParams, 'PBKDF2 parameters', 2);
  const salt = readOctets(kp[0], 'PBKDF2 salt');
  const iterations = readInt(kp[1], 'PBKDF2 iteration count');
  let prf = 'sha1';
  let explicitKeyLength: number | undefined;
  for (const extra of kp.slice(2)) {
    if (extra.type === T.INTEGER && extra.tagClass === UNIVERSAL)
      explicitKeyLength = readInt(extra, 'PBKDF2 key length');
    else if (extra.type === T.SEQUENCE) {
      const prfId = readOid(children(extra, 'PBKDF2 PRF', 1)[0], 'PBKDF2 PRF');
      const name = PBKDF2_PRF[prfId];
      if (!name) throw unsupported(`the PBKDF2 function ${prfId}`);
      prf = name;
    }
  }
  const [encId, encParams] = children(encAlg, 'PBES2 cipher', 2);
  const encOid = readOid(encId, 'PBES2 cipher');
  const cipher = PBES2_CIPHERS[encOid];
  if (!cipher) throw unsupported(`the cipher ${encOid}`);
  const iv = readOctets(encParams, 'PBES2 IV');
  return { kdf: { salt, iterations, prf, keyLength: explicitKeyLength ?? cipher.keyLength }, cipher, iv };
}

function checkIterations(n: number): void {
  if (n < 1 || n > MAX_ITERATIONS) throw new Damaged(`iteration count ${n} is out of range`);
}

/** Decrypts with the password; a padding failure means a wrong password (or damage past the MAC). */
function decrypt(alg: Asn1, data: Buffer, pw: PasswordForm): Buffer {
  const [idNode, params] = children(alg, 'encryption algorithm', 1);
  const id = readOid(idNode, 'encryption algorithm');
  const pbe = PKCS12_PBE[id];
  if (pbe) {
    const [saltNode, iterNode] = children(params, 'PBE parameters', 2);
    const salt = readOctets(saltNode, 'PBE salt');
    const iterations = readInt(iterNode, 'PBE iteration count');
    checkIterations(iterations);
    if (pbe.cipher === 'rc4') throw unsupported(`${pbe.name} encryption`);
    const key = pkcs12Kdf('sha1', pw.bmp, salt, 1, iterations, pbe.keyLength);
    const iv = pkcs12Kdf('sha1', pw.bmp, salt, 2, iterations, 8);
    if (pbe.cipher === 'rc2') return rc2Decrypt(key, iv, data, pbe.rc2Bits ?? 128);
    const desKey = pbe.cipher === '2des' ? Buffer.concat([key, key.subarray(0, 8)]) : key;
    return nativeDecrypt('des-ede3-cbc', desKey, iv, data);
  }
  if (id === OID.pbes2) {
    const { kdf, cipher, iv } = pbes2Params(params);
    checkIterations(kdf.iterations);
    const key = pbkdf2Sync(pw.utf8, kdf.salt, kdf.iterations, kdf.keyLength, kdf.prf);
    return nativeDecrypt(cipher.node, key, iv, data);
  }
  throw unsupported(`the encryption ${id}`);
}

class BadPadding extends Error {}

function nativeDecrypt(cipher: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw new BadPadding();
  }
}

/** RC2 lives only in OpenSSL's legacy provider, which Node does not load: forge's JS RC2 does it. */
function rc2Decrypt(key: Buffer, iv: Buffer, data: Buffer, bits: number): Buffer {
  const c = forge.rc2.createDecryptionCipher(bin(key), bits);
  c.start(bin(iv));
  c.update(forge.util.createBuffer(bin(data)));
  if (!c.finish()) throw new BadPadding();
  return buf(c.output.getBytes());
}

function pbeEncrypt(profile: PfxProfile, data: Buffer, password: string): { algorithm: Asn1; encrypted: Buffer } {
  const salt = randomBytes(SALT_LENGTH);
  if (profile === 'compatible') {
    const pw = bmpPassword(password);
    const key = pkcs12Kdf('sha1', pw, salt, 1, COMPATIBLE_ITERATIONS, 24);
    const iv = pkcs12Kdf('sha1', pw, salt, 2, COMPATIBLE_ITERATIONS, 8);
    const c = createCipheriv('des-ede3-cbc', key, iv);
    return {
      algorithm: seq(oid(OID.pbeSha3Des), seq(octets(salt), int(COMPATIBLE_ITERATIONS))),
      encrypted: Buffer.concat([c.update(data), c.final()]),
    };
  }
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, MODERN_ITERATIONS, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  return {
    algorithm: seq(
      oid(OID.pbes2),
      seq(
        seq(
          oid(OID.pbkdf2),
          seq(
            octets(salt),
            int(MODERN_ITERATIONS),
            seq(oid(OID.hmacWithSha256), asn1.create(UNIVERSAL, T.NULL, false, '')),
          ),
        ),
        seq(oid(OID.aes256Cbc), octets(iv)),
      ),
    ),
    encrypted: Buffer.concat([c.update(data), c.final()]),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

interface Bag {
  friendlyName?: string;
  localKeyId?: Buffer;
}
interface KeyBag extends Bag {
  der: Buffer;
  algorithm: string;
}
interface CertBag extends Bag {
  der: Buffer;
}

interface ParsedPfx {
  mac: { digest: string; digestOid: string; value: Buffer; salt: Buffer; iterations: number } | null;
  /** Content that the MAC covers: the authenticated-safe octets. */
  authSafe: Buffer;
  /** Each piece of the authenticated safe: plain SafeContents or encrypted. */
  parts: Array<{ kind: 'data'; content: Buffer } | { kind: 'encrypted'; algorithm: Asn1; content: Buffer }>;
}

function parseOuter(der: Uint8Array): ParsedPfx {
  const top = children(parseDer(der, 'the file'), 'PFX', 2);
  if (readInt(top[0], 'PFX version') !== 3) throw new Damaged('PFX version is not 3');
  const [ctNode, ctContent] = children(top[1], 'authenticated safe', 1);
  const ct = readOid(ctNode, 'content type');
  if (ct === OID.signedData) throw unsupported('public-key integrity (a signed authenticated safe)');
  if (ct !== OID.data) throw new Damaged('authenticated safe is not data');
  const authSafe = readOctets(
    children(expect(ctContent, 0, 'authenticated safe', CONTEXT_SPECIFIC), 'authenticated safe', 1)[0],
    'authenticated safe',
  );
  let mac: ParsedPfx['mac'] = null;
  if (top[2]) {
    const m = children(top[2], 'MAC data', 2);
    const [digestInfoAlg, digestValue] = children(m[0], 'MAC', 2);
    const digestOid = readOid(children(digestInfoAlg, 'MAC algorithm', 1)[0], 'MAC algorithm');
    if (digestOid === OID.pbmac1) throw unsupported('a PBMAC1 integrity check');
    const digest = DIGESTS[digestOid];
    if (!digest) throw unsupported(`the MAC digest ${digestOid}`);
    mac = {
      digest: digest.name,
      digestOid,
      value: readOctets(digestValue, 'MAC value'),
      salt: readOctets(m[1], 'MAC salt'),
      iterations: m[2] ? readInt(m[2], 'MAC iteration count') : 1,
    };
    checkIterations(mac.iterations);
  }
  const parts: ParsedPfx['parts'] = [];
  for (const ci of children(parseDer(authSafe, 'authenticated safe'), 'authenticated safe')) {
    const [typeNode, contentNode] = children(ci, 'content info', 1);
    const type = readOid(typeNode, 'content type');
    const wrapped = children(expect(contentNode, 0, 'content', CONTEXT_SPECIFIC), 'content', 1)[0];
    if (type === OID.data) {
      parts.push({ kind: 'data', content: readOctets(wrapped, 'safe contents') });
    } else if (type === OID.encryptedData) {
      const [, eci] = children(wrapped, 'encrypted data', 2);
      const [, algorithm, encrypted] = children(eci, 'encrypted content info', 3);
      parts.push({
        kind: 'encrypted',
        algorithm: algorithm!,
        content: readOctets(encrypted, 'encrypted content', CONTEXT_SPECIFIC, 0),
      });
    } else {
      throw unsupported(`a content type ${type} in the authenticated safe`);
    }
  }
  return { mac, authSafe, parts };
}

function macMatches(p: ParsedPfx, pw: PasswordForm): boolean {
  const m = p.mac!;
  const d = DIGESTS[m.digestOid]!;
  const key = pkcs12Kdf(m.digest, pw.bmp, m.salt, 3, m.iterations, d.outLen);
  const expected = createHmac(m.digest, key).update(p.authSafe).digest();
  return expected.length === m.value.length && timingSafeEqual(expected, m.value);
}

function readAttributes(node: Asn1 | undefined): Bag {
  const bag: Bag = {};
  if (!node) return bag;
  for (const attr of children(node, 'bag attributes')) {
    const [idNode, values] = children(attr, 'bag attribute', 2);
    const id = readOid(idNode, 'bag attribute');
    const first = children(values, 'bag attribute values')[0];
    if (!first || typeof first.value !== 'string') continue;
    if (id === OID.friendlyName && first.type === T.BMPSTRING) bag.friendlyName = first.value;
    else if (id === OID.localKeyId && first.type === T.OCTETSTRING) bag.localKeyId = buf(first.value);
  }
  return bag;
}

interface Collected {
  keys: KeyBag[];
  certs: CertBag[];
}

function collectBags(safeContents: Buffer, pw: PasswordForm, out: Collected, depth = 0): void {
  if (depth > 4) throw new Damaged('safe contents are nested too deeply');
  for (const bag of children(parseDer(safeContents, 'safe contents'), 'safe contents')) {
    const [idNode, valueNode, attrs] = children(bag, 'safe bag', 2);
    const id = readOid(idNode, 'bag type');
    const value = children(expect(valueNode, 0, 'bag value', CONTEXT_SPECIFIC), 'bag value', 1)[0]!;
    const meta = readAttributes(attrs);
    if (id === OID.keyBag) {
      out.keys.push({ ...meta, der: rawDer(value), algorithm: 'none' });
    } else if (id === OID.shroudedKeyBag) {
      const [alg, enc] = children(value, 'encrypted private key', 2);
      const der = decrypt(alg!, readOctets(enc, 'encrypted private key'), pw);
      out.keys.push({ ...meta, der, algorithm: describeAlgorithm(alg!).label });
    } else if (id === OID.certBag) {
      const [typeNode, certValue] = children(value, 'certificate bag', 2);
      if (readOid(typeNode, 'certificate type') !== OID.x509Certificate) continue; // SDSI certificates: nobody uses them
      const inner = children(expect(certValue, 0, 'certificate value', CONTEXT_SPECIFIC), 'certificate value', 1)[0];
      out.certs.push({ ...meta, der: readOctets(inner, 'certificate') });
    } else if (id === OID.safeContentsBag) {
      collectBags(rawDer(value), pw, out, depth + 1);
    }
    // CRL and secret bags carry nothing Onboard needs.
  }
}

interface Opened {
  parsed: ParsedPfx;
  form: PasswordForm;
  keys: KeyBag[];
  certs: CertBag[];
  certBagAlgorithms: string[];
}

function open(der: Uint8Array, password: string): Opened {
  try {
    const parsed = parseOuter(der);
    const forms = passwordForms(password);
    let form: PasswordForm | undefined;
    if (parsed.mac) {
      form = forms.find((f) => macMatches(parsed, f));
      if (!form) throw wrongPassword();
    }
    let lastError: unknown;
    for (const candidate of form ? [form] : forms) {
      try {
        const out: Collected = { keys: [], certs: [] };
        const certBagAlgorithms: string[] = [];
        for (const part of parsed.parts) {
          if (part.kind === 'data') {
            const before = out.certs.length;
            collectBags(part.content, candidate, out);
            if (out.certs.length > before) certBagAlgorithms.push('none');
          } else {
            const before = out.certs.length;
            const plain = decrypt(part.algorithm, part.content, candidate);
            try {
              collectBags(plain, candidate, out);
            } catch (err) {
              // Without a MAC, a wrong password can still decrypt to valid padding (1 in 256):
              // garbage inside decrypted content then means the password, not the file.
              if (!parsed.mac && err instanceof Damaged) throw new BadPadding();
              throw err;
            }
            if (out.certs.length > before) certBagAlgorithms.push(describeAlgorithm(part.algorithm).label);
          }
        }
        return { parsed, form: candidate, ...out, certBagAlgorithms };
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError;
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    // Without a MAC, a padding failure is the only sign of a wrong password.
    if (e instanceof BadPadding) throw wrongPassword();
    if (e instanceof Damaged) throw corrupt(e.message);
    throw corrupt(e instanceof Error ? e.message : String(e));
  }
}

function toKeyObject(k: KeyBag): KeyObject {
  try {
    return createPrivateKey({ key: k.der, format: 'der', type: 'pkcs8' });
  } catch {
    throw corrupt('the private key inside cannot be read');
  }
}

function toCertificate(c: CertBag): X509Certificate {
  try {
    return new X509Certificate(c.der);
  } catch {
    throw corrupt('a certificate inside cannot be read');
  }
}

/** Each certificate once (by its DER), in the order first seen: keytool stores a CA both in the key's chain and as a trusted entry. */
function distinct(certs: readonly X509Certificate[], besides: readonly X509Certificate[] = []): X509Certificate[] {
  const seen = new Set(besides.map((c) => c.raw.toString('base64')));
  return certs.filter((c) => {
    const k = c.raw.toString('base64');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Leaf first, then each issuer found among the rest, then whatever does not chain; each certificate once. */
export function orderLeafFirst(leaf: X509Certificate, others: X509Certificate[]): X509Certificate[] {
  const rest = distinct(others, [leaf]);
  const path = buildChain(leaf, rest).chain;
  return [...path, ...rest.filter((c) => !path.includes(c))];
}

/** The end-entity certificate when there is no key: one that issued none of the others. */
function findLeaf(certs: X509Certificate[]): X509Certificate | undefined {
  return certs.find((c) => !certs.some((o) => o !== c && o.checkIssued(c))) ?? certs[0];
}

// ---------------------------------------------------------------------------------------------
// Public API

/** A cheap look at the first bytes: a PFX starts SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data|signedData ... } }. */
export function isPkcs12(der: Uint8Array): boolean {
  let pos = 0;
  const header = (tag: number): boolean => {
    if (der[pos] !== tag) return false;
    pos++;
    const first = der[pos++];
    if (first === undefined) return false;
    if (first === 0x80) return true; // BER indefinite length
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n < 1 || n > 4 || pos + n > der.length) return false;
      pos += n;
    }
    return true;
  };
  if (!header(0x30)) return false;
  if (der[pos] !== 0x02 || der[pos + 1] !== 0x01 || der[pos + 2] !== 0x03) return false;
  pos += 3;
  if (!header(0x30)) return false;
  const pkcs7 = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];
  for (let i = 0; i < pkcs7.length; i++) if (der[pos + i] !== pkcs7[i]) return false;
  const kind = der[pos + pkcs7.length];
  return kind === 0x01 || kind === 0x02;
}

/** Opens a PFX: throws OnboardError 'pfx-wrong-password' when the MAC fails, 'pfx-corrupt' when the structure is damaged. */
export function readPfx(der: Uint8Array, password: string): PfxContents {
  const o = open(der, password);
  const certs = o.certs.map(toCertificate);
  const keyBag = o.keys[0];
  const key = keyBag ? toKeyObject(keyBag) : undefined;
  let leafIndex = -1;
  if (key) {
    leafIndex = certs.findIndex((c) => keyMatches(c, key));
    if (leafIndex < 0 && keyBag?.localKeyId)
      leafIndex = o.certs.findIndex((c) => c.localKeyId?.equals(keyBag.localKeyId!) ?? false);
  }
  const leaf = leafIndex >= 0 ? certs[leafIndex] : findLeaf(certs);
  const certificates = leaf ? orderLeafFirst(leaf, certs) : [];
  const friendlyName =
    keyBag?.friendlyName ??
    (leafIndex >= 0 ? o.certs[leafIndex]?.friendlyName : undefined) ??
    o.certs.find((c) => c.friendlyName !== undefined)?.friendlyName;
  const contents: PfxContents = { certificates };
  if (key) contents.key = key;
  if (friendlyName !== undefined) contents.friendlyName = friendlyName;
  return contents;
}

/** True when the private key belongs to the certificate (works for RSA and EC). */
export function keyMatches(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** Opens a PFX and says how it is protected, and whether every macOS version will import it. */
export function analysePfx(der: Uint8Array, password: string): PfxAnalysis {
  const o = open(der, password);
  const mac = o.parsed.mac;
  const keyBagAlgorithms = o.keys.map((k) => k.algorithm);
  const problems: string[] = [];
  const compatibleKey = 'pbeWithSHA1And3-KeyTripleDES-CBC';
  const compatibleCertBags = new Set([
    'none',
    compatibleKey,
    'pbeWithSHA1And40BitRC2-CBC',
    'pbeWithSHA1And128BitRC2-CBC',
  ]);
  if (!mac) problems.push('The file has no integrity check (MAC); macOS refuses such files.');
  else {
    if (mac.digest !== 'sha1')
      problems.push(
        `The integrity check uses ${mac.digest.toUpperCase()}; macOS 12 to 14 reject anything but SHA-1 with "MAC verification failed (wrong password?)".`,
      );
    if (mac.salt.length !== SALT_LENGTH)
      problems.push(
        `The integrity check has a ${mac.salt.length}-byte salt; macOS is only known to import 8-byte salts (16-byte salts were reported to fail).`,
      );
  }
  for (const alg of new Set(keyBagAlgorithms.filter((a) => a !== compatibleKey))) {
    problems.push(
      alg === 'none'
        ? 'The private key is stored unencrypted inside the file; macOS expects it encrypted with 3DES.'
        : `The private key is encrypted with ${alg}; macOS 12 to 14 only import keys encrypted with ${compatibleKey}.`,
    );
  }
  for (const alg of new Set(o.certBagAlgorithms.filter((a) => !compatibleCertBags.has(a)))) {
    problems.push(`The certificates are encrypted with ${alg}; macOS 12 to 14 cannot read that.`);
  }
  if (password === '') problems.push('The file has an empty password; macOS 15 refuses to import such files.');
  const macOsCompatible = problems.length === 0;
  if (o.keys.length === 0)
    problems.push(
      'The file holds no private key, so macOS would import certificates only, not an identity the 1E Client can use.',
    );
  if (o.keys.length > 1) problems.push(`The file holds ${o.keys.length} private keys; Onboard uses the first one.`);
  return {
    macAlgorithm: mac?.digest ?? null,
    macSaltLength: mac ? mac.salt.length : null,
    macIterations: mac?.iterations ?? null,
    keyBagAlgorithms,
    certBagAlgorithms: o.certBagAlgorithms,
    emptyPassword: password === '',
    macOsCompatible,
    problems,
  };
}

function bagAttributes(friendlyName: string | undefined, localKeyId: Buffer | undefined): Asn1[] {
  const attrs: Asn1[] = [];
  if (friendlyName !== undefined) attrs.push(seq(oid(OID.friendlyName), set(bmp(friendlyName))));
  if (localKeyId) attrs.push(seq(oid(OID.localKeyId), set(octets(localKeyId))));
  return attrs.length ? [set(...attrs)] : [];
}

function safeBag(type: string, value: Asn1, attrs: Asn1[]): Asn1 {
  return seq(oid(type), explicit0(value), ...attrs);
}

/**
 * Builds a password-protected PFX holding the key, its certificate and the chain.
 * 'compatible': 3DES key bag, unencrypted certificate bag, SHA-1 MAC, 8-byte salts, 2048 iterations
 * (every macOS, old Windows and Java, OpenSSL 3 without -legacy).
 * 'modern': PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) and a SHA-256 MAC (OpenSSL 3's default).
 */
export function writePfx(opts: {
  key: KeyObject;
  certificate: X509Certificate;
  chain?: X509Certificate[];
  password: string;
  profile: PfxProfile;
  friendlyName?: string;
}): Buffer {
  const { key, certificate, password, profile } = opts;
  if (password === '') {
    throw new OnboardError(
      'pfx-empty-password',
      'A .pfx file needs a password; an empty one is refused.',
      'Choose a password: macOS 15 will not import a .pfx with an empty password.',
    );
  }
  if (profile !== 'compatible' && profile !== 'modern') {
    throw new OnboardError(
      'pfx-profile',
      `Unknown PFX profile "${String(profile)}".`,
      'Use "compatible" (default, imports on every macOS) or "modern".',
    );
  }
  if (key.type !== 'private')
    throw new OnboardError(
      'key-not-private',
      'The key given for the .pfx is not a private key.',
      'Give the private key file that belongs to the certificate.',
    );
  if (!keyMatches(certificate, key)) {
    throw new OnboardError(
      'key-mismatch',
      'The private key does not belong to the certificate.',
      'Pick the key file that was created together with the certificate request for this certificate.',
    );
  }
  const localKeyId = createHash('sha1').update(certificate.raw).digest();
  const keyDer = key.export({ type: 'pkcs8', format: 'der' });
  const shrouded = pbeEncrypt(profile, keyDer, password);
  const keyContents = seq(
    safeBag(
      OID.shroudedKeyBag,
      seq(shrouded.algorithm, octets(shrouded.encrypted)),
      bagAttributes(opts.friendlyName, localKeyId),
    ),
  );

  const certBag = (c: X509Certificate, attrs: Asn1[]): Asn1 =>
    safeBag(OID.certBag, seq(oid(OID.x509Certificate), explicit0(octets(c.raw))), attrs);
  const chain = distinct(opts.chain ?? [], [certificate]);
  const certContents = rawDer(
    seq(certBag(certificate, bagAttributes(opts.friendlyName, localKeyId)), ...chain.map((c) => certBag(c, []))),
  );
  const dataInfo = (content: Buffer): Asn1 => seq(oid(OID.data), explicit0(octets(content)));
  let certInfo: Asn1;
  if (profile === 'compatible') {
    // Certificates are public; an unencrypted bag is what node-forge's 3DES files carry and what legacy
    // systems (which 1E warns have trouble with encrypted certificates) read best.
    certInfo = dataInfo(certContents);
  } else {
    const certEnc = pbeEncrypt(profile, certContents, password);
    certInfo = seq(
      oid(OID.encryptedData),
      explicit0(
        seq(
          int(0),
          seq(oid(OID.data), certEnc.algorithm, asn1.create(CONTEXT_SPECIFIC, 0, false, bin(certEnc.encrypted))),
        ),
      ),
    );
  }
  const authSafe = rawDer(seq(certInfo, dataInfo(rawDer(keyContents))));

  const macDigest = profile === 'compatible' ? 'sha1' : 'sha256';
  const macSalt = randomBytes(SALT_LENGTH);
  const macKey = pkcs12Kdf(
    macDigest,
    bmpPassword(password),
    macSalt,
    3,
    COMPATIBLE_ITERATIONS,
    macDigest === 'sha1' ? 20 : 32,
  );
  const macValue = createHmac(macDigest, macKey).update(authSafe).digest();
  const nullParams = asn1.create(UNIVERSAL, T.NULL, false, '');
  const macData = seq(
    seq(seq(oid(macDigest === 'sha1' ? OID.sha1 : OID.sha256), nullParams), octets(macValue)),
    octets(macSalt),
    int(COMPATIBLE_ITERATIONS),
  );
  return rawDer(seq(int(3), dataInfo(authSafe), macData));
}

/** Re-encrypts any readable PFX into a profile, keeping key, certificate, chain and friendly name. */
export function rewrapPfx(
  der: Uint8Array,
  oldPassword: string,
  opts: { newPassword?: string; profile: PfxProfile },
): Buffer {
  const contents = readPfx(der, oldPassword);
  const [certificate, ...chain] = contents.certificates;
  if (!contents.key || !certificate || !keyMatches(certificate, contents.key)) {
    throw new OnboardError(
      'pfx-no-identity',
      'This .pfx holds no private key with its certificate, so there is nothing to re-wrap into an identity.',
      'Export the certificate again together with its private key (in Windows: "Yes, export the private key").',
    );
  }
  const out: Parameters<typeof writePfx>[0] = {
    key: contents.key,
    certificate,
    chain,
    password: opts.newPassword ?? oldPassword,
    profile: opts.profile,
  };
  if (contents.friendlyName !== undefined) out.friendlyName = contents.friendlyName;
  return writePfx(out);
}
