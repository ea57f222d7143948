// Hashing a digest again and again (the inner loop of the PKCS#12 KDF): SHA-1 in plain JavaScript, others native.
import { createHash } from 'node:crypto';
import * as cryptoModule from 'node:crypto';

// Why SHA-1 here: each round hashes only the previous round's 20 bytes, and one call into OpenSSL per round costs
// more than the hashing itself. A PFX from `openssl pkcs12 -legacy` (and older Windows exports) needs 6,144 SHA-1
// rounds this way even with its key bag opened by OpenSSL (the MAC key, the RC2 key and IV, 2,048 each). Each round
// is one compression of the single padded block FIPS 180-4 makes of 20 bytes. Measured in fresh processes on the
// shared 2-core machine (10 runs each, medians): 6,000 rounds 83 ms against 138 ms with crypto.hash, three runs of
// 2,047 about 0.9 of crypto.hash. SHA-256 (the MAC of OpenSSL 3's default files, 2,048 rounds) measured slower in
// JavaScript than native in a fresh process, since V8 has not optimised the loop by then: it stays native.
// Nothing secret steers a branch or an index: the work is the same for every input.

/** h (5 words) becomes SHA-1(h) `times` times over (FIPS 180-4 section 6.1.2). */
function sha1Rounds(h: Int32Array, times: number): void {
  const W = new Int32Array(80);
  // The state stays in locals from round to round and the constants are literals: that is what V8 compiles fastest.
  let h0 = h[0]!;
  let h1 = h[1]!;
  let h2 = h[2]!;
  let h3 = h[3]!;
  let h4 = h[4]!;
  for (let n = 0; n < times; n++) {
    W[0] = h0;
    W[1] = h1;
    W[2] = h2;
    W[3] = h3;
    W[4] = h4;
    W[5] = 0x80000000 | 0;
    W.fill(0, 6, 15);
    W[15] = 160;
    for (let t = 16; t < 80; t++) {
      const x = W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!;
      W[t] = (x << 1) | (x >>> 31);
    }
    let a = 0x67452301;
    let b = 0xefcdab89 | 0;
    let c = 0x98badcfe | 0;
    let d = 0x10325476;
    let e = 0xc3d2e1f0 | 0;
    let t = 0;
    for (; t < 20; t++) {
      const x = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + W[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = x;
    }
    for (; t < 40; t++) {
      const x = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + W[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = x;
    }
    for (; t < 60; t++) {
      const x = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + (0x8f1bbcdc | 0) + W[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = x;
    }
    for (; t < 80; t++) {
      const x = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + (0xca62c1d6 | 0) + W[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = x;
    }
    h0 = (a + 0x67452301) | 0;
    h1 = (b + (0xefcdab89 | 0)) | 0;
    h2 = (c + (0x98badcfe | 0)) | 0;
    h3 = (d + 0x10325476) | 0;
    h4 = (e + (0xc3d2e1f0 | 0)) | 0;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
  h[4] = h4;
}

/** One-shot hashing: crypto.hash (Node 20.12+) skips the Hash object, for the digests without a loop above. */
const oneShot = (cryptoModule as { hash?: (alg: string, data: Buffer, enc: 'buffer') => Buffer }).hash;

/** `digest` applied `times` more times to `first`, itself a `digest` output: H(H(...H(first))). */
export function rehash(digest: string, first: Buffer, times: number): Buffer {
  if (digest === 'sha1' && first.length === 20) {
    const h = new Int32Array(5);
    for (let i = 0; i < 5; i++) h[i] = first.readInt32BE(i * 4);
    sha1Rounds(h, times);
    const out = Buffer.alloc(20);
    for (let i = 0; i < 5; i++) out.writeInt32BE(h[i]!, i * 4);
    return out;
  }
  let A = first;
  for (let n = 0; n < times; n++) A = oneShot ? oneShot(digest, A, 'buffer') : createHash(digest).update(A).digest();
  return A;
}
