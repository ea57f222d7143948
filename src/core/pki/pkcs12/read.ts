// Opening a PFX: the outer structure and its MAC, the safe bags inside, and the key and certificates in chain order.
import { X509Certificate, createHmac, createPrivateKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { OnboardError } from '../../errors';
import { buildChain } from '../chain';
import { TAG, parseDer, readString, whole, type Tlv } from '../der';
import { checkIterations, decrypt, decryptKeyNatively, describeAlgorithm } from './cipher';
import {
  BadPadding,
  Damaged,
  corrupt,
  countOf,
  expectTag,
  octetsOf,
  oidOf,
  parts,
  unsupported,
  wrongPassword,
} from './errors';
import { DIGESTS, passwordForms, pkcs12Kdf, type PasswordForm } from './kdf';
import { WorkBudget } from '../work-budget';

export interface PfxContents {
  key?: KeyObject;
  /** The certificate matching the key first, then the others (in chain order where they chain). */
  certificates: X509Certificate[];
  friendlyName?: string;
}

export const OID = {
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
  pbmac1: '1.2.840.113549.1.5.14',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

const EXPLICIT_0 = 0xa0;

/** One whole DER/BER element and nothing after it. */
function parseAll(bytes: Uint8Array, what: string): Tlv {
  try {
    const { root, trailing } = parseDer(bytes);
    if (trailing === 0) return root;
  } catch {
    // reported below
  }
  throw new Damaged(`${what} is not valid DER`);
}

interface Bag {
  friendlyName?: string;
  localKeyId?: Buffer;
}
/** A private key as found: its PKCS#8 DER, or the key itself when OpenSSL decrypted it (decryptKeyNatively). */
interface KeyBag extends Bag {
  der?: Buffer;
  key?: KeyObject;
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
  parts: Array<{ kind: 'data'; content: Buffer } | { kind: 'encrypted'; algorithm: Tlv; content: Buffer }>;
}

function parseOuter(der: Uint8Array): ParsedPfx {
  const top = parts(parseAll(der, 'the file'), 'PFX', 2);
  if (countOf(top[0], 'PFX version') !== 3) throw new Damaged('PFX version is not 3');
  const [ctNode, ctContent] = parts(top[1], 'authenticated safe', 1);
  const ct = oidOf(ctNode, 'content type');
  if (ct === OID.signedData) throw unsupported('public-key integrity (a signed authenticated safe)');
  if (ct !== OID.data) throw new Damaged('authenticated safe is not data');
  const authSafe = octetsOf(
    parts(expectTag(ctContent, EXPLICIT_0, 'authenticated safe'), 'authenticated safe', 1)[0],
    'authenticated safe',
  );
  let mac: ParsedPfx['mac'] = null;
  if (top[2]) {
    const m = parts(top[2], 'MAC data', 2);
    const [digestInfoAlg, digestValue] = parts(m[0], 'MAC', 2);
    const digestOid = oidOf(parts(digestInfoAlg, 'MAC algorithm', 1)[0], 'MAC algorithm');
    if (digestOid === OID.pbmac1) throw unsupported('a PBMAC1 integrity check');
    const digest = DIGESTS[digestOid];
    if (!digest) throw unsupported(`the MAC digest ${digestOid}`);
    mac = {
      digest: digest.name,
      digestOid,
      value: octetsOf(digestValue, 'MAC value'),
      salt: octetsOf(m[1], 'MAC salt'),
      iterations: m[2] ? countOf(m[2], 'MAC iteration count') : 1,
    };
    checkIterations(mac.iterations);
  }
  const pieces: ParsedPfx['parts'] = [];
  for (const ci of parts(parseAll(authSafe, 'authenticated safe'), 'authenticated safe')) {
    const [typeNode, contentNode] = parts(ci, 'content info', 1);
    const type = oidOf(typeNode, 'content type');
    const wrapped = parts(expectTag(contentNode, EXPLICIT_0, 'content'), 'content', 1)[0];
    if (type === OID.data) {
      pieces.push({ kind: 'data', content: octetsOf(wrapped, 'safe contents') });
    } else if (type === OID.encryptedData) {
      const [, eci] = parts(wrapped, 'encrypted data', 2);
      const [, algorithm, encrypted] = parts(eci, 'encrypted content info', 3);
      pieces.push({
        kind: 'encrypted',
        algorithm: algorithm!,
        content: octetsOf(encrypted, 'encrypted content', 0x80),
      });
    } else {
      throw unsupported(`a content type ${type} in the authenticated safe`);
    }
  }
  return { mac, authSafe, parts: pieces };
}

function macMatches(p: ParsedPfx, pw: PasswordForm, budget: WorkBudget): boolean {
  const m = p.mac!;
  const d = DIGESTS[m.digestOid]!;
  budget.chargeRounds(m.iterations); // one block: the MAC key is as long as the digest
  const key = pkcs12Kdf(m.digest, pw.bmp, m.salt, 3, m.iterations, d.outLen);
  const expected = createHmac(m.digest, key).update(p.authSafe).digest();
  return expected.length === m.value.length && timingSafeEqual(expected, m.value);
}

function readAttributes(node: Tlv | undefined): Bag {
  const bag: Bag = {};
  if (!node) return bag;
  for (const attr of parts(node, 'bag attributes')) {
    const [idNode, values] = parts(attr, 'bag attribute', 2);
    const id = oidOf(idNode, 'bag attribute');
    const first = parts(values, 'bag attribute values')[0];
    if (!first || first.constructed) continue;
    if (id === OID.friendlyName && first.tag === TAG.BMP) bag.friendlyName = readString(first);
    else if (id === OID.localKeyId && first.tag === TAG.OCTET_STRING) bag.localKeyId = octetsOf(first, 'local key id');
  }
  return bag;
}

interface Collected {
  keys: KeyBag[];
  certs: CertBag[];
  budget: WorkBudget;
}

function collectBags(safeContents: Buffer, pw: PasswordForm, out: Collected, depth = 0): void {
  if (depth > 4) throw new Damaged('safe contents are nested too deeply');
  for (const bag of parts(parseAll(safeContents, 'safe contents'), 'safe contents')) {
    out.budget.countBag();
    const [idNode, valueNode, attrs] = parts(bag, 'safe bag', 2);
    const id = oidOf(idNode, 'bag type');
    const value = parts(expectTag(valueNode, EXPLICIT_0, 'bag value'), 'bag value', 1)[0]!;
    const meta = readAttributes(attrs);
    if (id === OID.keyBag) {
      out.keys.push({ ...meta, der: Buffer.from(whole(value)), algorithm: 'none' });
    } else if (id === OID.shroudedKeyBag) {
      const [alg, enc] = parts(value, 'encrypted private key', 2);
      const algorithm = describeAlgorithm(alg!).label;
      const key = decryptKeyNatively(whole(value), alg!, pw, out.budget);
      if (key) out.keys.push({ ...meta, key, algorithm });
      else
        out.keys.push({
          ...meta,
          der: decrypt(alg!, octetsOf(enc, 'encrypted private key'), pw, out.budget),
          algorithm,
        });
    } else if (id === OID.certBag) {
      const [typeNode, certValue] = parts(value, 'certificate bag', 2);
      if (oidOf(typeNode, 'certificate type') !== OID.x509Certificate) continue; // SDSI certificates: nobody uses them
      const inner = parts(expectTag(certValue, EXPLICIT_0, 'certificate value'), 'certificate value', 1)[0];
      out.certs.push({ ...meta, der: octetsOf(inner, 'certificate') });
    } else if (id === OID.safeContentsBag) {
      collectBags(Buffer.from(whole(value)), pw, out, depth + 1);
    }
    // CRL and secret bags carry nothing Onboard needs.
  }
}

/** A PFX opened with its password: the outer structure and every bag, decrypted once. */
export interface Opened {
  mac: ParsedPfx['mac'];
  keys: KeyBag[];
  certs: CertBag[];
  /** How each part holding certificates was protected ('none' for plain data). */
  certBagAlgorithms: string[];
}

/**
 * Decrypts everything once; throws 'pfx-wrong-password' when the MAC (or, without one, the padding) fails.
 * Every derivation (the MAC, each encrypted part and key, each password form tried) is charged to
 * `budget` before it runs, so the work the whole file can cause is bounded, not each item's.
 */
export function open(der: Uint8Array, password: string, budget = new WorkBudget()): Opened {
  try {
    const parsed = parseOuter(der);
    const forms = passwordForms(password);
    let form: PasswordForm | undefined;
    if (parsed.mac) {
      form = forms.find((f) => macMatches(parsed, f, budget));
      if (!form) throw wrongPassword();
    }
    let lastError: unknown;
    for (const candidate of form ? [form] : forms) {
      try {
        const out: Collected = { keys: [], certs: [], budget };
        const certBagAlgorithms: string[] = [];
        for (const part of parsed.parts) {
          const before = out.certs.length;
          if (part.kind === 'data') {
            collectBags(part.content, candidate, out);
            if (out.certs.length > before) certBagAlgorithms.push('none');
          } else {
            const plain = decrypt(part.algorithm, part.content, candidate, budget);
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
        return { mac: parsed.mac, keys: out.keys, certs: out.certs, certBagAlgorithms };
      } catch (e) {
        // A refusal (too much work, too many bags, an unsupported scheme) holds for every password form.
        if (e instanceof OnboardError) throw e;
        lastError = e;
      }
    }
    throw lastError;
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    // Without a MAC, a padding failure is the only sign of a wrong password.
    if (e instanceof BadPadding) throw wrongPassword(false);
    if (e instanceof Damaged) throw corrupt(e.message);
    throw corrupt(e instanceof Error ? e.message : String(e));
  }
}

function toKeyObject(k: KeyBag, hasMac: boolean): KeyObject {
  if (k.key) return k.key;
  try {
    return createPrivateKey({ key: k.der!, format: 'der', type: 'pkcs8' });
  } catch {
    // Without a MAC, a wrong password sometimes decrypts to good padding and garbage (1 time in 256).
    if (!hasMac && k.algorithm !== 'none') throw wrongPassword(false);
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
export function distinct(
  certs: readonly X509Certificate[],
  besides: readonly X509Certificate[] = [],
): X509Certificate[] {
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

/** True when the private key belongs to the certificate (works for RSA and EC). */
export function keyMatches(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** The key, and the certificates leaf first, of an opened PFX. */
export function contentsOf(o: Opened): PfxContents {
  const certs = o.certs.map(toCertificate);
  const keyBag = o.keys[0];
  const key = keyBag ? toKeyObject(keyBag, o.mac !== null) : undefined;
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
  return contentsOf(open(der, password));
}
