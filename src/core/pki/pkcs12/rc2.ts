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

const SHIFT = [1, 2, 3, 5];
const rotr16 = (x: number, s: number): number => ((x >>> s) | (x << (16 - s))) & 0xffff;

/** Decrypts one 8-byte block in place in R (four 16-bit words, little-endian in the block): section 4. */
function decryptBlock(R: Uint16Array, K: Uint16Array): void {
  let j = 63;
  // The reverse of encryption's 5 mixing rounds, a mashing round, 6 mixing, a mashing, 5 mixing.
  const rmix = () => {
    for (let i = 3; i >= 0; i--) {
      const x = rotr16(R[i]!, SHIFT[i]!);
      R[i] = x - K[j--]! - (R[(i + 3) & 3]! & R[(i + 2) & 3]!) - (~R[(i + 3) & 3]! & R[(i + 1) & 3]!);
    }
  };
  const rmash = () => {
    for (let i = 3; i >= 0; i--) R[i] = R[i]! - K[R[(i + 3) & 3]! & 63]!;
  };
  for (let r = 0; r < 5; r++) rmix();
  rmash();
  for (let r = 0; r < 6; r++) rmix();
  rmash();
  for (let r = 0; r < 5; r++) rmix();
}

/** RC2 in ECB for one block: `block` (8 bytes) decrypted. For tests against RFC 2268's vectors. */
export function decryptOneBlock(K: Uint16Array, block: Buffer): Buffer {
  const R = new Uint16Array(4);
  for (let i = 0; i < 4; i++) R[i] = block.readUInt16LE(i * 2);
  decryptBlock(R, K);
  const out = Buffer.alloc(8);
  for (let i = 0; i < 4; i++) out.writeUInt16LE(R[i]!, i * 2);
  return out;
}

/** RC2-CBC with PKCS#7 padding; a padding failure is a BadPadding (a wrong password). */
export function rc2Decrypt(key: Buffer, iv: Buffer, data: Buffer, bits: number): Buffer {
  if (iv.length !== 8 || data.length === 0 || data.length % 8 !== 0) throw new BadPadding();
  const K = expandKey(key, bits);
  const out = Buffer.alloc(data.length);
  let prev = iv;
  for (let at = 0; at < data.length; at += 8) {
    const block = data.subarray(at, at + 8);
    const plain = decryptOneBlock(K, block);
    for (let i = 0; i < 8; i++) out[at + i] = plain[i]! ^ prev[i]!;
    prev = block;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8) throw new BadPadding();
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) throw new BadPadding();
  return out.subarray(0, out.length - pad);
}
