// What can go wrong opening a PKCS#12 file (damage, a wrong password, a protection Onboard cannot read), and the reads that name the damage.
import { OnboardError } from '../../errors';
import { children, readOctets, readOid, readSmallInteger, TAG, type Tlv } from '../der';

/** Thrown inside the parser for structural damage; turned into 'pfx-corrupt' at the public edge. */
export class Damaged extends Error {}

/** A decryption whose padding does not check out: a wrong password (or damage past the MAC). */
export class BadPadding extends Error {}

export function corrupt(detail: string): OnboardError {
  return new OnboardError(
    'pfx-corrupt',
    `This PKCS#12 (.pfx) file is damaged or not a PKCS#12 file (${detail}).`,
    'Export the certificate and key again from the source, and copy the file in binary mode.',
  );
}

/**
 * A password that does not open the file. `checkedByMac` says how that was judged: by the file's
 * integrity check (MAC), which proves the file intact and the password wrong, or, in a file without
 * one, by the decryption failing, which a damaged file does too (so nobody may call the file intact).
 */
export class PfxPasswordError extends OnboardError {
  constructor(readonly checkedByMac: boolean) {
    super(
      'pfx-wrong-password',
      checkedByMac
        ? 'The password does not open this .pfx file.'
        : 'The password does not open this .pfx file. The file has no integrity check (MAC), so a wrong password and a damaged file look the same.',
      checkedByMac
        ? 'Check the password with whoever exported the file (passwords are case-sensitive).'
        : 'Check the password with whoever exported the file (passwords are case-sensitive); if it is right, get the file again.',
    );
  }
}

export function wrongPassword(checkedByMac = true): OnboardError {
  return new PfxPasswordError(checkedByMac);
}

export function unsupported(what: string): OnboardError {
  return new OnboardError(
    'pfx-unsupported',
    `This .pfx file uses ${what}, which Onboard cannot read.`,
    'Export it again with OpenSSL (`openssl pkcs12 -export`), Keychain Access or the Windows certificate export wizard.',
  );
}

// Reads over the DER codec where any surprise is the file's damage, named by what was being read.

export function parts(node: Tlv | undefined, what: string, min = 0): Tlv[] {
  if (!node?.constructed) throw new Damaged(`${what} is malformed`);
  let list: Tlv[];
  try {
    list = children(node);
  } catch {
    throw new Damaged(`${what} is malformed`);
  }
  if (list.length < min) throw new Damaged(`${what} is malformed`);
  return list;
}

export function expectTag(node: Tlv | undefined, tag: number, what: string): Tlv {
  if (!node || node.tag !== tag) throw new Damaged(`${what} is malformed`);
  return node;
}

export function oidOf(node: Tlv | undefined, what: string): string {
  try {
    return readOid(expectTag(node, TAG.OID, what));
  } catch (e) {
    if (e instanceof Damaged) throw e;
    throw new Damaged(`${what} is malformed`);
  }
}

/** Octet string content (BER constructed strings joined); `primitiveTag` 0x80 for PKCS#7's [0] encrypted content. */
export function octetsOf(node: Tlv | undefined, what: string, primitiveTag: number = TAG.OCTET_STRING): Buffer {
  try {
    return readOctets(node, primitiveTag);
  } catch {
    throw new Damaged(`${what} is malformed`);
  }
}

/** A non-negative count (version, iterations, key length). */
export function countOf(node: Tlv | undefined, what: string): number {
  const n = expectTag(node, TAG.INTEGER, what);
  if (n.length === 0 || n.length > 6) throw new Damaged(`${what} is out of range`);
  const v = readSmallInteger(n);
  if (v < 0) throw new Damaged(`${what} is negative`);
  return v;
}
