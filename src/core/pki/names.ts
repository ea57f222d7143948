// Distinguished names, the one home for reading and printing them: from DER (readName, formatName) and from node's subject text.
import type { X509Certificate } from 'node:crypto';
import { Asn1Error, TAG, children, contents, der, expectTag, readOid, readString, whole, type Tlv } from './der';

const NAME_ATTRIBUTES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

export interface NameAttribute {
  oid: string;
  type: string;
  value: string;
}

/** A Name as its attributes in DER order (most general first, e.g. C, O, CN). */
export function readName(t: Tlv): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of children(expectTag(t, TAG.SEQUENCE, 'name'))) {
    for (const atv of children(expectTag(rdn, TAG.SET, 'name component'))) {
      const [oidT, valT] = children(atv);
      if (!oidT || !valT) throw new Asn1Error('name component: unexpected structure');
      const oid = readOid(oidT);
      out.push({ oid, type: NAME_ATTRIBUTES[oid] ?? oid, value: readString(valT) });
    }
  }
  return out;
}

// The string types OpenSSL folds into its canonical form (ASN1_MASK_CANON); any other type is compared as it is.
const CANONICAL_STRING_TAGS = new Set<number>([
  TAG.UTF8,
  TAG.BMP,
  TAG.UNIVERSAL,
  TAG.PRINTABLE,
  TAG.T61,
  TAG.IA5,
  0x1a, // VisibleString
]);

// OpenSSL's isspace: the ASCII blanks only, so a no-break space stays significant.
const isSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/**
 * A value as RFC 5280 §7.1 compares it and OpenSSL encodes it for comparison: UTF-8, leading and
 * trailing blanks dropped, every inner run of blanks one space, ASCII letters in lower case.
 */
function canonicalValue(t: Tlv): Buffer {
  if (!CANONICAL_STRING_TAGS.has(t.tag)) return Buffer.from(whole(t));
  // PrintableString, IA5 and Visible are one byte a character like T.61: read as Latin-1, as OpenSSL does.
  const text =
    t.tag === TAG.PRINTABLE || t.tag === TAG.IA5 || t.tag === 0x1a
      ? Buffer.from(contents(t)).toString('latin1')
      : readString(t);
  const utf8 = Buffer.from(text, 'utf8');
  let start = 0;
  let end = utf8.length;
  while (start < end && isSpace(utf8[start]!)) start++;
  while (end > start && isSpace(utf8[end - 1]!)) end--;
  const out: number[] = [];
  for (let i = start; i < end; i++) {
    const b = utf8[i]!;
    if (isSpace(b)) {
      out.push(0x20);
      while (i + 1 < end && isSpace(utf8[i + 1]!)) i++;
    } else out.push(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
  }
  return der.tlv(TAG.UTF8, Buffer.from(out));
}

/**
 * The canonical encoding of a Name (OpenSSL's X509_NAME canon_enc): each RDN as a DER SET of
 * { type, canonical value } with the outer SEQUENCE header left off. Two names match (§7.1) when
 * their canonical encodings are equal; a name lies within a directoryName subtree when the
 * subtree's encoding is a prefix of the name's.
 */
export function canonicalName(t: Tlv): Buffer {
  // A fleet's certificates name the same few issuers over and over: each distinct encoding is folded once.
  const key = Buffer.from(whole(t)).toString('latin1');
  const known = canonicalCache.get(key);
  if (known) return known;
  const rdns = children(expectTag(t, TAG.SEQUENCE, 'name')).map((rdn) =>
    der.set(
      ...children(expectTag(rdn, TAG.SET, 'name component')).map((atv) => {
        const [oidT, valT] = children(atv);
        if (!oidT || !valT) throw new Asn1Error('name component: unexpected structure');
        return der.seq(whole(oidT), canonicalValue(valT));
      }),
    ),
  );
  const canonical = Buffer.concat(rdns);
  if (canonicalCache.size >= CANONICAL_CACHE_SIZE) canonicalCache.clear();
  canonicalCache.set(key, canonical);
  return canonical;
}

/** Keyed by the name's exact DER, so only byte-identical names share an entry; bounded, so no input can grow it. */
const canonicalCache = new Map<string, Buffer>();
const CANONICAL_CACHE_SIZE = 256;

const formatted = new WeakMap<NameAttribute[], string>();
const NEEDS_ESCAPE = /[,+\\]/;

/** A Name the way technicians read it: most specific first, "CN=MAC01.local, O=Acme". */
export function formatName(attrs: NameAttribute[]): string {
  if (attrs.length === 0) return '(empty)';
  // A certificate's names are printed in several findings: each attribute list is formatted once.
  let text = formatted.get(attrs);
  if (text === undefined) {
    text = [...attrs]
      .reverse()
      .map((a) => `${a.type}=${NEEDS_ESCAPE.test(a.value) ? a.value.replace(/([,+\\])/g, '\\$1') : a.value}`)
      .join(', ');
    formatted.set(attrs, text);
  }
  return text;
}

/** The most specific CN of a name read from DER (the last one in DER order), or null. */
export function commonNameOf(attrs: NameAttribute[]): string | null {
  for (let i = attrs.length - 1; i >= 0; i--) if (attrs[i]!.oid === '2.5.4.3') return attrs[i]!.value;
  return null;
}

// node's X509Certificate prints a name one attribute per line, most general first ("C=GB\nO=Acme\nCN=MAC01.local"),
// escaped the way OpenSSL's RFC 2253 printer escapes. The helpers below read that text without parsing DER.

/** The first CN in node's subject text of `cert`, or null when the subject has none. */
export function commonName(cert: X509Certificate): string | null {
  const m = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject);
  return m ? m[1]! : null;
}

/** A short label for a name as node prints it: its CN, else the value of its first attribute. */
export function nameLabel(text: string): string {
  const lines = text.split('\n');
  const cn = lines.find((l) => l.startsWith('CN='));
  return (cn ?? lines[0] ?? 'certificate').replace(/^[A-Za-z.0-9]+=/, '');
}

/** node's name text on one line in its own order: "C=GB, O=Acme, CN=MAC01.local". */
export function nameOnOneLine(text: string): string {
  return text.split('\n').filter(Boolean).join(', ');
}

/** node's name text on one line, most specific first as the CLI prints names: "CN=MAC01.local, O=Acme, C=GB". */
export function nameOnOneLineCnFirst(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .reverse()
    .join(', ');
}
