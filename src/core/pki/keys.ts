// Public and private keys in a technician's words ("RSA 2048", "EC P-256"), and certificate keys that cannot be used at all.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { lightRsaKeyBits } from './light-certificate';

export type KeyType = 'rsa' | 'ec' | 'ed25519' | 'other';

export interface KeyDescription {
  keyType: KeyType;
  keySize: number | null;
  curve?: string;
}

const CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
  secp256k1: { name: 'secp256k1', bits: 256 },
  secp224r1: { name: 'P-224', bits: 224 },
};

/** Type and size of a public or private key, in the words a technician expects ("RSA 2048", "EC P-256"). */
export function describeKey(key: KeyObject | null): KeyDescription {
  if (!key) return { keyType: 'other', keySize: null };
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { keyType: 'rsa', keySize: details.modulusLength ?? null };
    case 'ec': {
      const named = details.namedCurve ?? '';
      const c = CURVES[named];
      return { keyType: 'ec', keySize: c?.bits ?? null, curve: c?.name ?? named };
    }
    case 'ed25519':
      return { keyType: 'ed25519', keySize: 256 };
    default:
      return { keyType: 'other', keySize: details.modulusLength ?? null };
  }
}

export function keyLabel(k: KeyDescription, raw?: KeyObject): string {
  if (k.keyType === 'rsa') return `RSA ${k.keySize ?? '?'}`;
  if (k.keyType === 'ec') return `EC ${k.curve ?? '?'}`;
  if (k.keyType === 'ed25519') return 'Ed25519';
  return raw?.asymmetricKeyType
    ? `${raw.asymmetricKeyType.toUpperCase()}${k.keySize ? ` ${k.keySize}` : ''}`
    : 'unknown key type';
}

const KEY_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10045.2.1': 'EC',
  '1.2.840.10040.4.1': 'DSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};
const OID_DSA = '1.2.840.10040.4.1';

/** The name of a public key algorithm, or its OID. */
export function keyAlgorithmName(oid: string): string {
  return KEY_ALGORITHMS[oid] ?? oid;
}

const keyCache = new WeakMap<X509Certificate, KeyObject | null>();

/** The certificate's public key, or null when neither node nor OpenSSL 3 can use it (see keyProblem). */
export function publicKeyOf(cert: X509Certificate): KeyObject | null {
  let k = keyCache.get(cert);
  if (k === undefined) {
    try {
      k = cert.publicKey;
    } catch {
      k = null;
    }
    keyCache.set(cert, k);
  }
  return k;
}

/** Neither node nor OpenSSL 3 can use the certificate's key (see keyProblem); answered without a KeyObject where one is not needed. */
export function keyUnusable(cert: X509Certificate): boolean {
  return lightRsaKeyBits(cert) === undefined && publicKeyOf(cert) === null;
}

/** Type and size of a certificate's key; an unusable key is 'other' with no size. */
export function certificateKey(cert: X509Certificate): KeyDescription {
  const bits = lightRsaKeyBits(cert);
  return bits !== undefined ? { keyType: 'rsa', keySize: bits } : describeKey(publicKeyOf(cert));
}

/**
 * Why a certificate's key cannot be used, or undefined when it can. A DSA key that leaves out its
 * parameters (RFC 3279 lets it inherit them from the issuing CA's key) and keys of algorithms OpenSSL
 * does not know are unusable, not damaged: OpenSSL 3 cannot read them either, so the Switch refuses
 * them. A key of a known algorithm that does not decode is damage, and throws.
 */
export function keyProblem(cert: X509Certificate, algorithmOid: string, hasParameters: boolean): string | undefined {
  if (!keyUnusable(cert)) return undefined;
  if (algorithmOid === OID_DSA && !hasParameters) {
    return 'a DSA key without its own parameters (it inherits them from the issuing CA), which OpenSSL 3 cannot use';
  }
  if (!(algorithmOid in KEY_ALGORITHMS)) return `a key of an algorithm OpenSSL does not know (${algorithmOid})`;
  // Read again to throw the decoder's own words as the damage.
  void cert.publicKey;
  return undefined;
}
