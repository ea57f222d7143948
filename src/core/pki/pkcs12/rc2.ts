// RC2-CBC decryption (RFC 2268), for the certificate bags of -legacy and older Windows PFX files.
import { BadPadding } from './errors';

// Why our own: only OpenSSL's legacy provider has RC2 and Node does not load it; the library used before cost a
// module load on every -legacy file. Decryption of one certificate bag is a few kilobytes: plain code is enough.

// PITABLE, RFC 2268 section 2: a permutation of 0..255 made from the digits of pi.
const PITABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32' +
    'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
    '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a' +
    '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e' +
    'c5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
);

/** The 64 sixteen-bit round keys K[0..63] for `key` at `bits` effective key bits (section 2). */
export function expandKey(key: Buffer, bits: number): Uint16Array {
  if (key.length < 1 || key.length > 128 || bits < 1 || bits > 1024) throw new RangeError('RC2: bad key size');
  const L = Buffer.alloc(128);
  key.copy(L);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  const T8 = Math.ceil(bits / 8);
  const TM = 0xff >> (8 * T8 - bits);
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

/**
 * Decrypts the 8-byte block at `at` of `data` into `out` (section 4): the reverse of encryption's 5 mixing rounds, a
 * mashing round, 6 mixing, a mashing, 5 mixing. Words are little-endian 16-bit; each R-mix step undoes
 * R[i] = rotl16(R[i] + K[j] + (R[i-1] & R[i-2]) + (~R[i-1] & R[i-3]), s[i]) with s = 1, 2, 3, 5. The four words
 * stay in locals and every step is written out: this runs a few hundred times per file, mostly before V8 optimises.
 */
function decryptBlock(K: Uint16Array, data: Buffer, at: number, out: Buffer): void {
  let r0 = data[at]! | (data[at + 1]! << 8);
  let r1 = data[at + 2]! | (data[at + 3]! << 8);
  let r2 = data[at + 4]! | (data[at + 5]! << 8);
  let r3 = data[at + 6]! | (data[at + 7]! << 8);
  let j = 63;
  for (let round = 15; round >= 0; round--) {
    r3 = (((r3 >>> 5) | (r3 << 11)) & 0xffff) - K[j--]! - (r2 & r1) - (~r2 & r0);
    r3 &= 0xffff;
    r2 = (((r2 >>> 3) | (r2 << 13)) & 0xffff) - K[j--]! - (r1 & r0) - (~r1 & r3);
    r2 &= 0xffff;
    r1 = (((r1 >>> 2) | (r1 << 14)) & 0xffff) - K[j--]! - (r0 & r3) - (~r0 & r2);
    r1 &= 0xffff;
    r0 = (((r0 >>> 1) | (r0 << 15)) & 0xffff) - K[j--]! - (r3 & r2) - (~r3 & r1);
    r0 &= 0xffff;
    // The mashing rounds sit after the 5th and the 11th mixing round of decryption.
    if (round === 11 || round === 5) {
      r3 = (r3 - K[r2 & 63]!) & 0xffff;
      r2 = (r2 - K[r1 & 63]!) & 0xffff;
      r1 = (r1 - K[r0 & 63]!) & 0xffff;
      r0 = (r0 - K[r3 & 63]!) & 0xffff;
    }
  }
  out[0] = r0 & 0xff;
  out[1] = r0 >>> 8;
  out[2] = r1 & 0xff;
  out[3] = r1 >>> 8;
  out[4] = r2 & 0xff;
  out[5] = r2 >>> 8;
  out[6] = r3 & 0xff;
  out[7] = r3 >>> 8;
}

/** RC2 in ECB for one block: `block` (8 bytes) decrypted. For tests against RFC 2268's vectors. */
export function decryptOneBlock(K: Uint16Array, block: Buffer): Buffer {
  const out = Buffer.alloc(8);
  decryptBlock(K, block, 0, out);
  return out;
}

/** RC2-CBC with PKCS#7 padding; a padding failure is a BadPadding (a wrong password). */
export function rc2Decrypt(key: Buffer, iv: Buffer, data: Buffer, bits: number): Buffer {
  if (iv.length !== 8 || data.length === 0 || data.length % 8 !== 0) throw new BadPadding();
  const K = expandKey(key, bits);
  const out = Buffer.alloc(data.length);
  const plain = Buffer.alloc(8);
  for (let at = 0; at < data.length; at += 8) {
    decryptBlock(K, data, at, plain);
    // CBC: XOR with the previous ciphertext block (the IV before the first).
    const prev = at === 0 ? iv : data;
    const from = at === 0 ? 0 : at - 8;
    for (let i = 0; i < 8; i++) out[at + i] = plain[i]! ^ prev[from + i]!;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8) throw new BadPadding();
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) throw new BadPadding();
  return out.subarray(0, out.length - pad);
}
