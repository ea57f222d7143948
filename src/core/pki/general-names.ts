// GeneralName (RFC 5280 §4.2.1.6) read from DER, compared and printed: the one shape behind SANs, name constraints, CRL distribution points and AKIDs.
import { Asn1Error, TAG, children, contents, der, readOid, readTlv, whole, type Tlv } from './der';
import { canonicalName, formatName, readName } from './names';

export type GeneralName =
  | { kind: 'other'; typeId: string; der: Buffer }
  | { kind: 'email' | 'dns' | 'uri'; bytes: Buffer }
  | { kind: 'ip'; bytes: Buffer }
  | { kind: 'directory'; der: Buffer; canonical: Buffer; text: string }
  | { kind: 'x400' | 'edi'; der: Buffer }
  | { kind: 'rid'; oid: string };

/** SmtpUTF8Mailbox (RFC 8398): an internationalised e-mail address carried as an otherName. */
export const OID_SMTP_UTF8_MAILBOX = '1.3.6.1.5.5.7.8.9';

/** Reads one GeneralName (context tags [0]..[8]); throws Asn1Error for anything else. */
export function readGeneralName(t: Tlv): GeneralName {
  if (t.cls !== 2) throw new Asn1Error('general name: unexpected tag');
  switch (t.tagNumber) {
    case 0: {
      const [typeT] = children(t);
      if (!typeT) throw new Asn1Error('other name: empty');
      return { kind: 'other', typeId: readOid(typeT), der: Buffer.from(whole(t)) };
    }
    case 1:
      return { kind: 'email', bytes: Buffer.from(contents(t)) };
    case 2:
      return { kind: 'dns', bytes: Buffer.from(contents(t)) };
    case 3:
      return { kind: 'x400', der: Buffer.from(whole(t)) };
    case 4: {
      // [4] is EXPLICIT: the Name is inside.
      const [nameT] = children(t);
      if (!nameT) throw new Asn1Error('directory name: empty');
      return {
        kind: 'directory',
        der: Buffer.from(whole(nameT)),
        canonical: canonicalName(nameT),
        text: formatName(readName(nameT)),
      };
    }
    case 5:
      return { kind: 'edi', der: Buffer.from(whole(t)) };
    case 6:
      return { kind: 'uri', bytes: Buffer.from(contents(t)) };
    case 7:
      return { kind: 'ip', bytes: Buffer.from(contents(t)) };
    case 8: {
      // registeredID is an implicitly tagged OID: read its contents as one.
      const v = contents(t);
      return { kind: 'rid', oid: readOid(readTlv(der.tlv(TAG.OID, v))) };
    }
    default:
      throw new Asn1Error('general name: unknown choice');
  }
}

/** GeneralNames: SEQUENCE OF GeneralName (or the contents of an implicitly tagged one). */
export function readGeneralNames(t: Tlv): GeneralName[] {
  return children(t).map(readGeneralName);
}

/** Equality as OpenSSL's GENERAL_NAME_cmp: directory names by their canonical form, everything else byte for byte. */
export function sameGeneralName(a: GeneralName, b: GeneralName): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'directory') return a.canonical.equals((b as typeof a).canonical);
  if (a.kind === 'rid') return a.oid === (b as typeof a).oid;
  if ('bytes' in a) return a.bytes.equals((b as typeof a).bytes);
  return a.der.equals((b as { der: Buffer }).der);
}

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(i).toString(16));
    return words.join(':');
  }
  return b.toString('hex');
}

/** A name constraint base: an IP subtree is an address and a mask ("10.1.0.0/255.255.0.0"). */
export function ipSubtreeText(b: Buffer): string {
  if (b.length === 8 || b.length === 32) {
    const half = b.length / 2;
    return `${ipText(b.subarray(0, half))}/${ipText(b.subarray(half))}`;
  }
  return b.toString('hex');
}

/** A name in the words a PKI engineer reads in a certificate dump: "DNS:mac01.acme.com", "email:...", "DirName:CN=...". */
export function generalNameText(g: GeneralName, subtree = false): string {
  switch (g.kind) {
    case 'email':
      return `email:${g.bytes.toString('latin1')}`;
    case 'dns':
      return `DNS:${g.bytes.toString('latin1')}`;
    case 'uri':
      return `URI:${g.bytes.toString('latin1')}`;
    case 'ip':
      return `IP:${subtree ? ipSubtreeText(g.bytes) : ipText(g.bytes)}`;
    case 'directory':
      return `DirName:${g.text}`;
    case 'other':
      return `otherName:${g.typeId}`;
    case 'rid':
      return `RID:${g.oid}`;
    case 'x400':
      return 'X400Name';
    case 'edi':
      return 'EdiPartyName';
  }
}
