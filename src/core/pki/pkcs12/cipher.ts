// Password-based encryption inside a PFX: naming, decrypting and encrypting what an AlgorithmIdentifier describes.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  pbkdf2Sync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { der, TAG, type Tlv } from '../der';
import { BadPadding, countOf, Damaged, octetsOf, oidOf, parts, unsupported } from './errors';
import { bmpPassword, pkcs12Kdf, type PasswordForm } from './kdf';
import { rc2Decrypt } from './rc2';
import type { WorkBudget } from '../work-budget';

export type PfxProfile = 'compatible' | 'modern';

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const SCRYPT = '1.3.6.1.4.1.11591.4.11';
const PBE_SHA1_3DES = '1.2.840.113549.1.12.1.3';
const AES_256_CBC = '2.16.840.1.101.3.4.1.42';
const HMAC_WITH_SHA256 = '1.2.840.113549.2.9';

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

const HASH_LENGTH: Record<string, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };
const blocks = (length: number, hashLength: number) => Math.max(1, Math.ceil(length / hashLength));

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
/** What Onboard writes: 2048 iterations and 8-byte salts, the values every macOS is known to import. */
export const ITERATIONS = 2048;
export const SALT_LENGTH = 8;

export function checkIterations(n: number): void {
  if (n < 1 || n > MAX_ITERATIONS) throw new Damaged(`iteration count ${n} is out of range`);
}

// ---------------------------------------------------------------------------------------------

export interface AlgorithmInfo {
  label: string;
  iterations: number;
}

/** The scheme's name as OpenSSL prints it (PBES2 spelled out with its PRF and cipher). */
export function describeAlgorithm(alg: Tlv): AlgorithmInfo {
  const [idNode, params] = parts(alg, 'encryption algorithm', 1);
  const id = oidOf(idNode, 'encryption algorithm');
  const pbe = PKCS12_PBE[id];
  if (pbe) {
    const [, iter] = parts(params, 'PBE parameters', 2);
    return { label: pbe.name, iterations: countOf(iter, 'PBE iteration count') };
  }
  if (id === PBES2) {
    const { kdf, cipher } = pbes2Params(params);
    return { label: `PBES2/PBKDF2-hmacWith${kdf.prf.toUpperCase()}/${cipher.label}`, iterations: kdf.iterations };
  }
  return { label: id, iterations: 0 };
}

function pbes2Params(params: Tlv | undefined) {
  const [kdfAlg, encAlg] = parts(params, 'PBES2 parameters', 2);
  const [kdfId, kdfParams] = parts(kdfAlg, 'PBES2 key derivation', 2);
  if (oidOf(kdfId, 'PBES2 key derivation') !== PBKDF2) throw unsupported('a key derivation other than PBKDF2');
  const kp = parts(kdfParams, 'PBKDF2 parameters', 2);
  const salt = octetsOf(kp[0], 'PBKDF2 salt');
  const iterations = countOf(kp[1], 'PBKDF2 iteration count');
  let prf = 'sha1';
  let explicitKeyLength: number | undefined;
  for (const extra of kp.slice(2)) {
    if (extra.tag === TAG.INTEGER) explicitKeyLength = countOf(extra, 'PBKDF2 key length');
    else if (extra.tag === TAG.SEQUENCE) {
      const prfId = oidOf(parts(extra, 'PBKDF2 PRF', 1)[0], 'PBKDF2 PRF');
      const name = PBKDF2_PRF[prfId];
      if (!name) throw unsupported(`the PBKDF2 function ${prfId}`);
      prf = name;
    }
  }
  const [encId, encParams] = parts(encAlg, 'PBES2 cipher', 2);
  const encOid = oidOf(encId, 'PBES2 cipher');
  const cipher = PBES2_CIPHERS[encOid];
  if (!cipher) throw unsupported(`the cipher ${encOid}`);
  const iv = octetsOf(encParams, 'PBES2 IV');
  return { kdf: { salt, iterations, prf, keyLength: explicitKeyLength ?? cipher.keyLength }, cipher, iv };
}

/** Decrypts with the password; a padding failure means a wrong password (or damage past the MAC). */
export function decrypt(alg: Tlv, data: Buffer, pw: PasswordForm, budget: WorkBudget): Buffer {
  const [idNode, params] = parts(alg, 'encryption algorithm', 1);
  const id = oidOf(idNode, 'encryption algorithm');
  const pbe = PKCS12_PBE[id];
  if (pbe) {
    const [saltNode, iterNode] = parts(params, 'PBE parameters', 2);
    const salt = octetsOf(saltNode, 'PBE salt');
    const iterations = countOf(iterNode, 'PBE iteration count');
    checkIterations(iterations);
    if (pbe.cipher === 'rc4') throw unsupported(`${pbe.name} encryption`);
    // The key, then the IV, each derived block by block with SHA-1.
    budget.chargeRounds(iterations * (blocks(pbe.keyLength, 20) + blocks(8, 20)));
    const key = pkcs12Kdf('sha1', pw.bmp, salt, 1, iterations, pbe.keyLength);
    const iv = pkcs12Kdf('sha1', pw.bmp, salt, 2, iterations, 8);
    if (pbe.cipher === 'rc2') return rc2Decrypt(key, iv, data, pbe.rc2Bits ?? 128);
    const desKey = pbe.cipher === '2des' ? Buffer.concat([key, key.subarray(0, 8)]) : key;
    return nativeDecrypt('des-ede3-cbc', desKey, iv, data);
  }
  if (id === PBES2) {
    const { kdf, cipher, iv } = pbes2Params(params);
    checkIterations(kdf.iterations);
    budget.chargeRounds(kdf.iterations * blocks(kdf.keyLength, HASH_LENGTH[kdf.prf] ?? 20));
    const key = pbkdf2Sync(pw.utf8, kdf.salt, kdf.iterations, kdf.keyLength, kdf.prf);
    return nativeDecrypt(cipher.node, key, iv, data);
  }
  throw unsupported(`the encryption ${id}`);
}

/**
 * The derivation rounds OpenSSL will spend opening an encrypted PKCS#8 key protected by `alg` (PBES2 with
 * PBKDF2 or scrypt, or a PKCS#12 scheme), so that they can be charged before node:crypto is handed the key.
 */
export function keyDerivationRounds(alg: Tlv): number {
  const [idNode, params] = parts(alg, 'encryption algorithm', 1);
  const id = oidOf(idNode, 'encryption algorithm');
  const pbe = PKCS12_PBE[id];
  if (pbe) {
    const iterations = countOf(parts(params, 'PBE parameters', 2)[1], 'PBE iteration count');
    return iterations * (blocks(pbe.keyLength, 20) + blocks(8, 20));
  }
  if (id !== PBES2) return 0; // PBES1 and the like: OpenSSL refuses or derives once
  const [kdfAlg] = parts(params, 'PBES2 parameters', 2);
  const [kdfId, kdfParams] = parts(kdfAlg, 'PBES2 key derivation', 2);
  const kdf = oidOf(kdfId, 'PBES2 key derivation');
  if (kdf === SCRYPT) {
    const [, n, r, p] = parts(kdfParams, 'scrypt parameters', 4);
    return countOf(n, 'scrypt cost') * countOf(r, 'scrypt block size') * countOf(p, 'scrypt parallelism');
  }
  if (kdf !== PBKDF2) return 0;
  const { kdf: k } = pbes2Params(params);
  return k.iterations * blocks(k.keyLength, HASH_LENGTH[k.prf] ?? 20);
}

/**
 * A shrouded key bag (an EncryptedPrivateKeyInfo: `alg` and the ciphertext, `info` whole) opened by OpenSSL in
 * one call, so that the key derivation (6,144 rounds of SHA-1 for 3DES at 2,048 iterations) runs inside it
 * instead of as one call into node:crypto per round in pkcs12Kdf. Used only for a password OpenSSL derives
 * exactly as decrypt() does (PasswordForm.text), after the same iteration check. Undefined whenever OpenSSL
 * does not open it (RC2 and RC4 are not in its default provider; a password that is not valid Unicode, a
 * damaged key): the caller then decrypts with decrypt(), whose outcome and errors are the reference.
 */
export function decryptKeyNatively(
  info: Uint8Array,
  alg: Tlv,
  pw: PasswordForm,
  budget: WorkBudget,
): KeyObject | undefined {
  if (pw.text === undefined) return undefined;
  const { iterations } = describeAlgorithm(alg);
  if (iterations === 0) return undefined; // not a scheme we know: decrypt() says so
  checkIterations(iterations);
  budget.chargeRounds(keyDerivationRounds(alg)); // charged before OpenSSL derives, like decrypt()
  try {
    return createPrivateKey({ key: Buffer.from(info), format: 'der', type: 'pkcs8', passphrase: pw.text });
  } catch {
    return undefined;
  }
}

function nativeDecrypt(cipher: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw new BadPadding();
  }
}

/**
 * Encrypts for a profile: 'compatible' is PKCS#12's pbeWithSHA1And3-KeyTripleDES-CBC, 'modern' PBES2 with
 * PBKDF2-HMAC-SHA256 and AES-256-CBC. Returns the AlgorithmIdentifier (DER) and the ciphertext.
 */
export function pbeEncrypt(
  profile: PfxProfile,
  data: Buffer,
  password: string,
): { algorithm: Buffer; encrypted: Buffer } {
  const salt = randomBytes(SALT_LENGTH);
  if (profile === 'compatible') {
    const pw = bmpPassword(password);
    const key = pkcs12Kdf('sha1', pw, salt, 1, ITERATIONS, 24);
    const iv = pkcs12Kdf('sha1', pw, salt, 2, ITERATIONS, 8);
    const c = createCipheriv('des-ede3-cbc', key, iv);
    return {
      algorithm: der.seq(der.oid(PBE_SHA1_3DES), der.seq(der.octets(salt), der.int(ITERATIONS))),
      encrypted: Buffer.concat([c.update(data), c.final()]),
    };
  }
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  return {
    algorithm: der.seq(
      der.oid(PBES2),
      der.seq(
        der.seq(
          der.oid(PBKDF2),
          der.seq(der.octets(salt), der.int(ITERATIONS), der.seq(der.oid(HMAC_WITH_SHA256), der.null())),
        ),
        der.seq(der.oid(AES_256_CBC), der.octets(iv)),
      ),
    ),
    encrypted: Buffer.concat([c.update(data), c.final()]),
  };
}
