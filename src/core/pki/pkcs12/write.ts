// Writing a PFX in one of two profiles (every macOS, or OpenSSL 3's default), and re-wrapping any readable one.
import { createHash, createHmac, randomBytes, type KeyObject, type X509Certificate } from 'node:crypto';
import { OnboardError } from '../../errors';
import { der } from '../der';
import { ITERATIONS, SALT_LENGTH, pbeEncrypt, type PfxProfile } from './cipher';
import { bmpPassword, pkcs12Kdf } from './kdf';
import { OID, distinct, keyMatches, readPfx } from './read';

function bagAttributes(friendlyName: string | undefined, localKeyId: Buffer | undefined): Buffer[] {
  const attrs: Buffer[] = [];
  if (friendlyName !== undefined) attrs.push(der.seq(der.oid(OID.friendlyName), der.set(der.bmp(friendlyName))));
  if (localKeyId) attrs.push(der.seq(der.oid(OID.localKeyId), der.set(der.octets(localKeyId))));
  return attrs.length ? [der.set(...attrs)] : [];
}

function safeBag(type: string, value: Buffer, attrs: Buffer[]): Buffer {
  return der.seq(der.oid(type), der.ctx(0, true, value), ...attrs);
}

const dataInfo = (content: Buffer): Buffer => der.seq(der.oid(OID.data), der.ctx(0, true, der.octets(content)));

/**
 * Builds a password-protected PFX holding the key, its certificate and the chain.
 * 'compatible': 3DES key bag, unencrypted certificate bag, SHA-1 MAC, 8-byte salts, 2048 iterations
 * (every macOS, old Windows and Java, OpenSSL 3 without -legacy).
 * 'modern': PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) and a SHA-256 MAC (OpenSSL 3's default).
 */
export function writePfx(opts: {
  key: KeyObject;
  certificate: X509Certificate;
  chain?: X509Certificate[];
  password: string;
  profile: PfxProfile;
  friendlyName?: string;
}): Buffer {
  const { key, certificate, password, profile } = opts;
  if (password === '') {
    throw new OnboardError(
      'pfx-empty-password',
      'A .pfx file needs a password; an empty one is refused.',
      'Choose a password: macOS 15 will not import a .pfx with an empty password.',
    );
  }
  if (profile !== 'compatible' && profile !== 'modern') {
    throw new OnboardError(
      'pfx-profile',
      `Unknown PFX profile "${String(profile)}".`,
      'Use "compatible" (default, imports on every macOS) or "modern".',
    );
  }
  if (key.type !== 'private')
    throw new OnboardError(
      'key-not-private',
      'The key given for the .pfx is not a private key.',
      'Give the private key file that belongs to the certificate.',
    );
  if (!keyMatches(certificate, key)) {
    throw new OnboardError(
      'key-mismatch',
      'The private key does not belong to the certificate.',
      'Pick the key file that was created together with the certificate request for this certificate.',
    );
  }
  const localKeyId = createHash('sha1').update(certificate.raw).digest();
  const keyDer = key.export({ type: 'pkcs8', format: 'der' });
  const shrouded = pbeEncrypt(profile, keyDer, password);
  const keyContents = der.seq(
    safeBag(
      OID.shroudedKeyBag,
      der.seq(shrouded.algorithm, der.octets(shrouded.encrypted)),
      bagAttributes(opts.friendlyName, localKeyId),
    ),
  );

  const certBag = (c: X509Certificate, attrs: Buffer[]): Buffer =>
    safeBag(OID.certBag, der.seq(der.oid(OID.x509Certificate), der.ctx(0, true, der.octets(c.raw))), attrs);
  const chain = distinct(opts.chain ?? [], [certificate]);
  const certContents = der.seq(
    certBag(certificate, bagAttributes(opts.friendlyName, localKeyId)),
    ...chain.map((c) => certBag(c, [])),
  );
  let certInfo: Buffer;
  if (profile === 'compatible') {
    // Certificates are public; an unencrypted bag is what node-forge's 3DES files carry and what legacy
    // systems (which 1E warns have trouble with encrypted certificates) read best.
    certInfo = dataInfo(certContents);
  } else {
    const certEnc = pbeEncrypt(profile, certContents, password);
    certInfo = der.seq(
      der.oid(OID.encryptedData),
      der.ctx(
        0,
        true,
        der.seq(der.int(0), der.seq(der.oid(OID.data), certEnc.algorithm, der.ctx(0, false, certEnc.encrypted))),
      ),
    );
  }
  const authSafe = der.seq(certInfo, dataInfo(keyContents));

  const macDigest = profile === 'compatible' ? 'sha1' : 'sha256';
  const macSalt = randomBytes(SALT_LENGTH);
  const macKey = pkcs12Kdf(macDigest, bmpPassword(password), macSalt, 3, ITERATIONS, macDigest === 'sha1' ? 20 : 32);
  const macValue = createHmac(macDigest, macKey).update(authSafe).digest();
  const macData = der.seq(
    der.seq(der.seq(der.oid(macDigest === 'sha1' ? OID.sha1 : OID.sha256), der.null()), der.octets(macValue)),
    der.octets(macSalt),
    der.int(ITERATIONS),
  );
  return der.seq(der.int(3), dataInfo(authSafe), macData);
}

/** Re-encrypts any readable PFX into a profile, keeping key, certificate, chain and friendly name. */
export function rewrapPfx(
  pfx: Uint8Array,
  oldPassword: string,
  opts: { newPassword?: string; profile: PfxProfile },
): Buffer {
  const contents = readPfx(pfx, oldPassword);
  const [certificate, ...chain] = contents.certificates;
  if (!contents.key || !certificate || !keyMatches(certificate, contents.key)) throw noIdentity();
  const out: Parameters<typeof writePfx>[0] = {
    key: contents.key,
    certificate,
    chain,
    password: opts.newPassword ?? oldPassword,
    profile: opts.profile,
  };
  if (contents.friendlyName !== undefined) out.friendlyName = contents.friendlyName;
  return writePfx(out);
}

/** A PFX without a private key that belongs to its certificate: nothing to import or re-wrap as an identity. */
export function noIdentity(): OnboardError {
  return new OnboardError(
    'pfx-no-identity',
    'This .pfx holds no private key with its certificate, so there is nothing to re-wrap into an identity.',
    'Export the certificate again together with its private key (in Windows: "Yes, export the private key").',
  );
}
