// Recognises one DER structure by its shape (certificate, CSR, PKCS#7, PKCS#12, private key) and collects what it holds.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { OnboardError, describeError } from '../errors';
import { readCsr, type ParsedCsr } from './csr';
import { Asn1Error, TAG, children, readOid, readTlv, whole, type Tlv } from './der';
import { certificateDetails } from './inspect';
import { PASSWORD_HINT, truncated, unrecognised } from './input-errors';
import { isPkcs12, readAndAnalysePfx, type PfxAnalysis } from './pkcs12';
import { keyDerivationRounds } from './pkcs12/cipher';
import { PfxPasswordError } from './pkcs12/errors';
import { WorkBudget } from './work-budget';

export type MaterialKind = 'pem' | 'der-certificate' | 'pkcs7' | 'pkcs12' | 'private-key' | 'csr';

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
  /** The work the whole input may cause (password derivations, PFX bags); loadMaterial makes one per input. */
  budget?: WorkBudget;
}

export class Collector {
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

export function derRoot(der: Buffer, name: string): Tlv {
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
export function readDer(der: Buffer, name: string, opts: LoadOptions, c: Collector, topLevel: boolean): void {
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
    c.privateKeys.push(
      privateKeyFrom({ key: one, format: 'der', type: 'pkcs8' }, name, opts.password, true, opts.budget),
    );
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

export function readPkcs7(der: Buffer, name: string, c: Collector): void {
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

/** A wrong password judged without a MAC: the file may as well be damaged. */
const isNoMacMessage = (e: OnboardError) => e instanceof PfxPasswordError && !e.checkedByMac;

function readPkcs12(der: Buffer, name: string, opts: LoadOptions, c: Collector): void {
  c.kinds.add('pkcs12');
  // An absent password first tries the empty one: some tools export PFX files without a password.
  const password = opts.password ?? '';
  let opened;
  try {
    // One decryption gives both the contents and how the file is protected.
    opened = readAndAnalysePfx(der, password, opts.budget);
  } catch (e) {
    if (e instanceof OnboardError && e.code === 'pfx-wrong-password') {
      if (opts.password === undefined)
        throw new OnboardError('password-required', `${name} is a password-protected PFX.`, PASSWORD_HINT);
      // Only a MAC proves the file intact; without one, a damaged file fails the same way.
      throw new OnboardError(
        'pfx-wrong-password',
        isNoMacMessage(e)
          ? `${name}: the password is wrong, or the file is damaged (it has no integrity check, so the two look the same).`
          : `${name}: the password is wrong (the file is intact, but its integrity check does not match this password).`,
        isNoMacMessage(e)
          ? 'Check the password with whoever exported the file; if it is right, get the file again.'
          : 'Check the password with whoever exported the file; mind the keyboard layout and capitals.',
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

/** Charges the derivation an encrypted PKCS#8 key asks for (legacy PEM encryption derives once: nothing to charge). */
function chargeKeyDerivation(input: KeyInput, budget: WorkBudget): void {
  let der: Uint8Array;
  if (input.format === 'der') der = input.key as Buffer;
  else {
    const m = /-----BEGIN ENCRYPTED PRIVATE KEY-----([^-]*)-----END/.exec(String(input.key));
    if (!m) return;
    der = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  }
  let rounds = 0;
  try {
    const alg = children(readTlv(der, 0))[0];
    if (alg) rounds = keyDerivationRounds(alg);
  } catch {
    return; // not readable as EncryptedPrivateKeyInfo: node:crypto will say the key is damaged
  }
  budget.chargeRounds(rounds);
}

export function privateKeyFrom(
  input: KeyInput,
  name: string,
  password: string | undefined,
  encrypted: boolean,
  budget?: WorkBudget,
): KeyObject {
  if (encrypted && password === undefined) {
    throw new OnboardError('password-required', `${name} is an encrypted private key.`, PASSWORD_HINT);
  }
  // OpenSSL derives the key with whatever iteration count the file names: charge it before handing it over.
  if (encrypted) chargeKeyDerivation(input, budget ?? new WorkBudget());
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
