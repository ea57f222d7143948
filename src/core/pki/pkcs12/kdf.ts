// The PKCS#12 key derivation (RFC 7292 appendix B.2) and the forms a password takes in it.
import * as cryptoModule from 'node:crypto';
import { createHash } from 'node:crypto';
import { Damaged } from './errors';

/** One-shot hashing: crypto.hash (Node 20.12+) skips the Hash object, which matters at 2,048 rounds a key. */
const oneShot = (cryptoModule as { hash?: (alg: string, data: Buffer, enc: 'buffer') => Buffer }).hash;

/**
 * `digest` applied `times` more times to `first`: H(H(...H(first))). Each round is one call into OpenSSL. (Until
 * 2026-12-03 SHA-1 ran here in plain JavaScript, one compression a round; measured again in fresh processes it
 * cost as much CPU as crypto.hash, 2,047 rounds about 23 ms either way on this machine, so the cryptography is
 * node:crypto's alone, as the project's rule wants.)
 */
function rehash(digest: string, first: Buffer, times: number): Buffer {
  let A = first;
  for (let n = 0; n < times; n++) A = oneShot ? oneShot(digest, A, 'buffer') : createHash(digest).update(A).digest();
  return A;
}

/** Digests usable for the MAC and for PBKDF2's HMAC: node name, output and block sizes. */
export const DIGESTS: Record<string, { name: string; outLen: number; blockLen: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', outLen: 20, blockLen: 64 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', outLen: 28, blockLen: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', outLen: 32, blockLen: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', outLen: 48, blockLen: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', outLen: 64, blockLen: 128 },
};

/** A password as PKCS#12 KDFs see it: UTF-16BE with a two-byte terminator (or nothing at all). */
export function bmpPassword(password: string): Buffer {
  return Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]);
}

/**
 * The PKCS#12 key derivation. id 1 = cipher key, 2 = IV, 3 = MAC key.
 * Every hash is node:crypto's; the iterations after the first of each block, each a hash of the last digest, run in
 * rehash().
 */
export function pkcs12Kdf(
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
    const A = rehash(digest, createHash(digest).update(D).update(I).digest(), iterations - 1);
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

/** What the password is tried as: PKCS#12 schemes take it as BMP text, PBES2 as UTF-8. */
export interface PasswordForm {
  bmp: Buffer;
  utf8: Buffer;
  /**
   * The password itself, when OpenSSL, given it as a passphrase, derives both forms above from it (its UTF-8,
   * and that as UTF-16 with a terminator); absent for the empty password, whose two forms it cannot tell apart.
   */
  text?: string;
}

/** An empty password is ambiguous in PKCS#12 (empty BMP text or no bytes at all): OpenSSL tries both forms. */
export function passwordForms(password: string): PasswordForm[] {
  const forms: PasswordForm[] = [{ bmp: bmpPassword(password), utf8: Buffer.from(password, 'utf8') }];
  if (password !== '') forms[0]!.text = password;
  if (password === '') forms.push({ bmp: Buffer.alloc(0), utf8: Buffer.alloc(0) });
  return forms;
}
