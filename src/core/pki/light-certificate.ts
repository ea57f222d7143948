// A certificate read by our DER reader that becomes node's X509Certificate only when asked for more than the checks use.
import { X509Certificate, createPublicKey, hash, type JsonWebKey, type KeyObject } from 'node:crypto';
import {
  Asn1Error,
  TAG,
  children,
  contents,
  expectTag,
  readAlgorithm,
  readBitStringBytes,
  readOid,
  readTlv,
  whole,
} from './der';
import { signatureVerifies, type SignatureAlgorithmId } from './signature';

/*
 * Why: node 20's X509Certificate parses with OpenSSL 3.0, which decodes the public key through its
 * provider decoders while parsing, about 0.5 ms a certificate on the build machine (`openssl
 * crl2pkcs7 -certfile` of 1,000 certificates takes as long). Checking a fleet's device certificates
 * needs the DER, the fingerprints, the public key and the signature check, which this object
 * answers from our own reader (the key imported as a JWK, ~0.02 ms). Anything else it is asked for
 * (subject text, checkIssued, ...) is answered by a real X509Certificate made on first use, so it
 * behaves as one everywhere, only slower there.
 */

const EC_CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};
const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
/** An INTEGER's magnitude without the sign byte DER adds, as JWK wants it. */
const magnitude = (b: Uint8Array) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

/** The public key as a JWK where node imports one without OpenSSL's decoders (RSA, EC on named curves, Ed25519). */
function jwkOf(spki: Uint8Array): JsonWebKey | null {
  const [algT, keyT] = children(expectTag(readTlv(spki), TAG.SEQUENCE, 'subject public key info'));
  const alg = readAlgorithm(algT!);
  const bits = readBitStringBytes(expectTag(keyT, TAG.BIT_STRING, 'subject public key'));
  if (alg.oid === '1.2.840.113549.1.1.1') {
    const [n, e] = children(expectTag(readTlv(bits), TAG.SEQUENCE, 'RSA public key'));
    return { kty: 'RSA', n: b64url(magnitude(contents(n!))), e: b64url(magnitude(contents(e!))) };
  }
  if (alg.oid === '1.2.840.10045.2.1' && alg.params?.tag === TAG.OID) {
    const crv = EC_CURVES[readOid(alg.params)];
    if (!crv || bits[0] !== 0x04 || bits.length % 2 !== 1) return null;
    const half = (bits.length - 1) / 2;
    return { kty: 'EC', crv, x: b64url(bits.subarray(1, 1 + half)), y: b64url(bits.subarray(1 + half)) };
  }
  if (alg.oid === '1.3.101.112') return { kty: 'OKP', crv: 'Ed25519', x: b64url(bits) };
  return null;
}

const colonHex = (b: Buffer) =>
  b
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');

/** Bits of a modulus given as unsigned big-endian bytes (leading zeros skipped), as OpenSSL's BN_num_bits counts them. */
function bitLength(b: Uint8Array): number {
  const m = magnitude(b);
  return m[0] ? (m.length - 1) * 8 + (32 - Math.clz32(m[0])) : 0;
}

// The RSA key size of each light certificate whose key is one node imports from our reading of it (a JWK with a
// modulus and an exponent), so describing the key makes no KeyObject (see lightRsaKeyBits).
const rsaBits = new WeakMap<X509Certificate, number>();

/**
 * The modulus size of a light certificate's RSA key, or undefined for any other certificate or key. Where this
 * answers, the key is usable (it imports, as the JWK publicKey makes it) and describeKey would say RSA of this size:
 * checking a fleet needs those facts for every device, and the key itself only to check a private key against it.
 */
export function lightRsaKeyBits(cert: X509Certificate): number | undefined {
  return rsaBits.get(cert);
}

/** The parts of the key a certificate and a private key must share to belong together. */
function publicParts(key: KeyObject): string {
  const j = key.export({ format: 'jwk' });
  return JSON.stringify([j.kty, j.crv, j.n, j.e, j.x, j.y]);
}

/**
 * A certificate from its DER, as an X509Certificate. Throws Asn1Error when the DER is not a
 * certificate's shape; the fields the checks read are parsed (and judged) by certificateDetails.
 */
export function lightCertificate(derBytes: Uint8Array): X509Certificate {
  const raw = Buffer.from(derBytes);
  const root = readTlv(raw, 0);
  if (root.end !== raw.length) throw new Asn1Error('bytes after the certificate');
  const [tbsT, sigAlgT, sigT] = children(expectTag(root, TAG.SEQUENCE, 'certificate'));
  const tbs = children(expectTag(tbsT, TAG.SEQUENCE, 'tbsCertificate'));
  const at = tbs[0]?.tag === 0xa0 ? 1 : 0;
  const innerAlg = tbs[at + 1];
  const spkiT = tbs[at + 5];
  if (!innerAlg || !spkiT || !sigAlgT || !sigT) throw new Asn1Error('certificate: unexpected structure');
  const spki = whole(spkiT);
  const signed = whole(tbsT!);
  const signature = readBitStringBytes(expectTag(sigT, TAG.BIT_STRING, 'signature'));
  const outer = readAlgorithm(sigAlgT);
  const algorithm: SignatureAlgorithmId = outer.params
    ? { oid: outer.oid, params: whole(outer.params) }
    : { oid: outer.oid };
  // OpenSSL refuses a signature whose inner and outer algorithm identifiers differ; so does this.
  const algorithmsAgree = Buffer.from(whole(innerAlg)).equals(Buffer.from(whole(sigAlgT)));

  let real: X509Certificate | undefined;
  const realCertificate = () => (real ??= new X509Certificate(raw));
  let key: KeyObject | undefined;
  const digests = new Map<string, string>();
  const digest = (alg: string) => {
    let v = digests.get(alg);
    if (v === undefined) digests.set(alg, (v = colonHex(hash(alg, raw, 'buffer'))));
    return v;
  };
  const own: Record<PropertyKey, () => unknown> = {
    raw: () => raw,
    fingerprint: () => digest('sha1'),
    fingerprint256: () => digest('sha256'),
    fingerprint512: () => digest('sha512'),
    publicKey: () => {
      if (!key) {
        const jwk = jwkOf(spki);
        key = jwk
          ? createPublicKey({ key: jwk, format: 'jwk' })
          : createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
      }
      return key;
    },
    verify: () => (k: KeyObject) => algorithmsAgree && signatureVerifies(algorithm, signed, signature, k),
    checkPrivateKey: () => (k: KeyObject) => {
      if (k.type !== 'private') throw new TypeError('checkPrivateKey needs a private key');
      return publicParts(createPublicKey(k)) === publicParts(own.publicKey!() as KeyObject);
    },
    toString: () => () =>
      `-----BEGIN CERTIFICATE-----\n${raw
        .toString('base64')
        .replace(/(.{64})/g, '$1\n')
        .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`,
  };
  const light = new Proxy(Object.create(X509Certificate.prototype) as X509Certificate, {
    get(_target, prop) {
      const mine = own[prop];
      if (mine) return mine();
      const r = realCertificate();
      const v: unknown = Reflect.get(r, prop, r);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(r) : v;
    },
    has: (_target, prop) => prop in own || prop in realCertificate(),
    getPrototypeOf: () => X509Certificate.prototype,
  });
  const bits = rsaModulusBits(spki);
  if (bits !== undefined) rsaBits.set(light, bits);
  return light;
}

/** The size of an RSA key whose modulus and exponent are both non-empty (what the JWK import needs), else undefined. */
function rsaModulusBits(spki: Uint8Array): number | undefined {
  try {
    const jwk = jwkOf(spki);
    if (jwk?.kty !== 'RSA' || !jwk.n || !jwk.e) return undefined;
    const bits = bitLength(Buffer.from(jwk.n, 'base64url'));
    return bits > 0 ? bits : undefined;
  } catch {
    return undefined; // let the KeyObject's import say what is wrong
  }
}
