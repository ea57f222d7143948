// CMS SignedData (RFC 5652) over a byte string, written on der/: what a signed configuration profile is.
import { createHash, sign, type KeyObject, type X509Certificate } from 'node:crypto';
import { OnboardError } from '../errors';
import { children, der, readTlv, whole } from './der';
import { certificateDetails, certificateLabel } from './inspect';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

export interface CmsSigner {
  key: KeyObject;
  certificate: X509Certificate;
  /** Issuers to carry with the signature, so that a verifier can build the path to its trusted root. */
  chain: readonly X509Certificate[];
}

/** The signer's issuer name and serial number exactly as they are encoded in its certificate (RFC 5652 5.3 sid). */
function issuerAndSerial(cert: X509Certificate): Buffer {
  const tbs = children(children(readTlv(cert.raw, 0))[0]!);
  const at = tbs[0]?.tag === 0xa0 ? 1 : 0; // [0] version is optional
  return der.seq(whole(tbs[at + 2]!), whole(tbs[at]!));
}

/** The signature algorithm for the signer's key; SHA-256 for both kinds. */
function signatureAlgorithm(key: KeyObject, label: string): Buffer {
  if (key.asymmetricKeyType === 'rsa') return der.seq(der.oid(OID.rsaEncryption), der.null());
  if (key.asymmetricKeyType === 'ec') return der.seq(der.oid(OID.ecdsaWithSha256));
  throw new OnboardError(
    'signer-key-unsupported',
    `The signing certificate ${label} has a ${key.asymmetricKeyType ?? 'unknown'} key; profiles are signed with RSA or EC keys.`,
    'Sign with an identity whose key is RSA or EC (P-256 or P-384).',
  );
}

/**
 * Signs `content` as CMS SignedData with the content inside (not detached), DER-encoded: one
 * signer identified by issuer and serial, SHA-256, signed attributes content type, signing time
 * and message digest (a SET OF, sorted as DER requires, since the signature covers its encoding),
 * and the signer's certificate with its chain.
 */
export function signCms(content: Uint8Array, signer: CmsSigner, signingTime = new Date()): Buffer {
  const label = certificateLabel(signer.certificate);
  if (!signer.certificate.checkPrivateKey(signer.key))
    throw new OnboardError(
      'key-mismatch',
      `The private key given for signing does not belong to ${label}.`,
      'Use the identity (certificate and its own private key) that is meant to sign profiles.',
    );
  const sigAlg = signatureAlgorithm(signer.key, label);
  const digest = createHash('sha256').update(content).digest();
  const attribute = (oid: string, value: Buffer) => der.seq(der.oid(oid), der.set(value));
  const attributes = [
    attribute(OID.contentType, der.oid(OID.data)),
    attribute(OID.signingTime, der.time(signingTime)),
    attribute(OID.messageDigest, der.octets(digest)),
  ];
  // The signature is over the attributes as a universal SET OF; in the SignerInfo they carry the [0] tag.
  const signedAttrs = der.set(...attributes);
  const signature = sign('sha256', signedAttrs, signer.key);
  const sha256Alg = der.seq(der.oid(OID.sha256));
  const signerInfo = der.seq(
    der.int(1),
    issuerAndSerial(signer.certificate),
    sha256Alg,
    der.ctxSet(0, ...attributes),
    sigAlg,
    der.octets(signature),
  );
  const seen = new Set<string>();
  const certificates = [signer.certificate, ...signer.chain].filter((c) => {
    if (seen.has(c.fingerprint256)) return false;
    seen.add(c.fingerprint256);
    return true;
  });
  const signedData = der.seq(
    der.int(1),
    der.set(sha256Alg),
    der.seq(der.oid(OID.data), der.ctx(0, true, der.octets(content))),
    der.ctxSet(0, ...certificates.map((c) => c.raw)),
    der.set(signerInfo),
  );
  return der.seq(der.oid(OID.signedData), der.ctx(0, true, signedData));
}

/** True when `cert` may sign at `at` as far as its own dates and key usage go (the path is the verifier's business). */
export function signingProblem(cert: X509Certificate, at = new Date()): string | null {
  const d = certificateDetails(cert);
  if (at < d.notBefore) return `it is not valid until ${d.notBefore.toISOString()}`;
  if (at > d.notAfter) return `it expired on ${d.notAfter.toISOString()}`;
  if (d.keyUsage && !d.keyUsage.includes('digitalSignature'))
    return `its key usage (${d.keyUsage.join(', ')}) does not allow digital signatures`;
  return null;
}
