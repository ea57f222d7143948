// Checks a signature over signed DER (certificate requests, CRLs) for the algorithms X.509 uses: RSA PKCS#1 v1.5 and PSS, DSA, ECDSA, EdDSA.
import { constants, verify, type KeyObject } from 'node:crypto';
import { children, readAlgorithm, readSmallInteger, readTlv } from './der';

const HASH_OF_SIGNATURE: Record<string, string | null> = {
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10040.4.3': 'sha1', // DSA: CRLs of a DSA CA are signed with its key
  '2.16.840.1.101.3.4.3.1': 'sha224',
  '2.16.840.1.101.3.4.3.2': 'sha256',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  // EdDSA signs the message itself: no separate hash.
  '1.3.101.112': null,
  '1.3.101.113': null,
};

const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';

const HASH_OF_DIGEST: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
};

export interface SignatureAlgorithmId {
  oid: string;
  /** DER of the algorithm's parameters, where they matter (RSASSA-PSS carries its hash and salt length there). */
  params?: Uint8Array;
}

/**
 * True when `signature` over exactly `signed` was made with `key`. An unknown algorithm, damaged
 * parameters or a key of the wrong type for the algorithm all mean "not signed by this key".
 */
export function signatureVerifies(
  algorithm: SignatureAlgorithmId,
  signed: Uint8Array,
  signature: Uint8Array,
  key: KeyObject,
): boolean {
  try {
    if (algorithm.oid === OID_RSASSA_PSS) {
      const { hash, saltLength } = pssParameters(algorithm.params);
      return verify(hash, signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
    }
    const hash = HASH_OF_SIGNATURE[algorithm.oid];
    if (hash === undefined) return false;
    return verify(hash, signed, key, signature);
  } catch {
    return false;
  }
}

function pssParameters(params: Uint8Array | undefined): { hash: string; saltLength: number } {
  // RFC 4055 defaults: SHA-1 and a 20-byte salt.
  let hash = 'sha1';
  let saltLength = 20;
  if (!params) return { hash, saltLength };
  for (const f of children(readTlv(params))) {
    if (f.tag === 0xa0)
      hash = HASH_OF_DIGEST[readAlgorithm(children(f)[0]!).oid] ?? hash; // [0] hashAlgorithm
    else if (f.tag === 0xa2) saltLength = readSmallInteger(children(f)[0]!); // [2] saltLength
  }
  return { hash, saltLength };
}
