// The one DER/BER reader: tag-length-value elements with byte offsets, and the primitive types X.509, PKCS#7 and PKCS#12 use.

/** Thrown by the reader; `truncated` tells a cut-short file apart from bytes that are not ASN.1 at all. */
export class Asn1Error extends Error {
  readonly truncated: boolean;
  constructor(message: string, truncated = false) {
    super(message);
    this.name = 'Asn1Error';
    this.truncated = truncated;
  }
}

/** One tag-length-value element, pointing into the buffer it came from. */
export interface Tlv {
  /** The first identifier byte, e.g. 0x30 for SEQUENCE, 0xa0 for [0] constructed. */
  tag: number;
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  tagNumber: number;
  start: number;
  headerLength: number;
  /** Length of the contents; for indefinite-length (BER) elements, up to but excluding the end-of-contents octets. */
  length: number;
  /** Offset just past the element (including end-of-contents octets for BER). */
  end: number;
  indefinite: boolean;
  buf: Uint8Array;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE: 0x13,
  T61: 0x14,
  IA5: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL: 0x1c,
  BMP: 0x1e,
} as const;

// Real certificates nest about ten deep; a hostile file must not exhaust the stack.
const MAX_DEPTH = 48;

/** Reads the element that starts at `offset`. Never reads past `limit` (default: buffer end). */
export function readTlv(buf: Uint8Array, offset = 0, limit = buf.length, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new Asn1Error('ASN.1 nesting is implausibly deep');
  if (offset >= limit) throw new Asn1Error('unexpected end of data', true);
  const tag = buf[offset]!;
  let p = offset + 1;
  let tagNumber = tag & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (p >= limit) throw new Asn1Error('unexpected end of data in a tag', true);
      if (i > 4) throw new Asn1Error('tag number too large');
      const b = buf[p++]!;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  if (p >= limit) throw new Asn1Error('unexpected end of data in a length', true);
  const first = buf[p++]!;
  const constructed = (tag & 0x20) !== 0;
  const cls = tag >> 6;
  if (first === 0x80) {
    if (!constructed) throw new Asn1Error('indefinite length on a primitive element');
    // BER indefinite length (some Windows PKCS#7 exports): contents run until 00 00.
    let q = p;
    for (;;) {
      if (q + 1 >= limit) throw new Asn1Error('missing end-of-contents', true);
      if (buf[q] === 0 && buf[q + 1] === 0) break;
      q = readTlv(buf, q, limit, depth + 1).end;
    }
    return {
      tag,
      cls,
      constructed,
      tagNumber,
      start: offset,
      headerLength: p - offset,
      length: q - p,
      end: q + 2,
      indefinite: true,
      buf,
    };
  }
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4) throw new Asn1Error('length field too large');
    length = 0;
    for (let i = 0; i < n; i++) {
      if (p >= limit) throw new Asn1Error('unexpected end of data in a length', true);
      length = length * 256 + buf[p++]!;
    }
  }
  if (p + length > limit) throw new Asn1Error(`element declares ${length} bytes but only ${limit - p} remain`, true);
  return {
    tag,
    cls,
    constructed,
    tagNumber,
    start: offset,
    headerLength: p - offset,
    length,
    end: p + length,
    indefinite: false,
    buf,
  };
}

/** Contents of an element (without its header). */
export function contents(t: Tlv): Uint8Array {
  const s = t.start + t.headerLength;
  return t.buf.subarray(s, s + t.length);
}

/** The whole element, header included (e.g. the TBS bytes a signature covers). */
export function whole(t: Tlv): Uint8Array {
  return t.buf.subarray(t.start, t.end);
}

/** The elements inside a constructed element. */
export function children(t: Tlv, depth = 0): Tlv[] {
  if (!t.constructed) throw new Asn1Error('expected a constructed element');
  const out: Tlv[] = [];
  const s = t.start + t.headerLength;
  const e = s + t.length;
  let p = s;
  while (p < e) {
    const c = readTlv(t.buf, p, e, depth + 1);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** Parses one complete element from a buffer; `trailing` reports bytes after it. */
export function parseDer(buf: Uint8Array): { root: Tlv; trailing: number } {
  const root = readTlv(buf, 0);
  return { root, trailing: buf.length - root.end };
}

/**
 * Parses one complete element in strict DER: no indefinite lengths anywhere inside and nothing
 * after it. For signed data fetched from elsewhere (CRLs), whose signature covers the exact bytes.
 */
export function parseStrictDer(buf: Uint8Array): Tlv {
  const { root, trailing } = parseDer(buf);
  if (trailing) throw new Asn1Error(`${trailing} trailing byte(s) after the top-level element`);
  requireDefiniteLengths(root, 0);
  return root;
}

function requireDefiniteLengths(t: Tlv, depth: number): void {
  if (t.indefinite) throw new Asn1Error('indefinite length (BER, not DER)');
  if (t.constructed) for (const c of children(t, depth)) requireDefiniteLengths(c, depth + 1);
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new Asn1Error(`${what}: unexpected structure`);
  return t;
}

export function readOid(t: Tlv): string {
  const v = contents(expectTag(t, TAG.OID, 'object identifier'));
  if (v.length === 0) throw new Asn1Error('empty object identifier');
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    n = n * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = n < 80 ? Math.floor(n / 40) : 2;
        parts.push(first, n - first * 40);
      } else parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

/** Unsigned big-endian integer contents as lower-case hex without leading zero bytes. */
export function readIntegerHex(t: Tlv): string {
  let v = contents(expectTag(t, TAG.INTEGER, 'integer'));
  while (v.length > 1 && v[0] === 0) v = v.subarray(1);
  return Buffer.from(v).toString('hex');
}

export function readSmallInteger(t: Tlv): number {
  const v = contents(expectTag(t, TAG.INTEGER, 'integer'));
  if (v.length > 6) throw new Asn1Error('integer too large');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  if (v.length && v[0]! & 0x80) n -= 2 ** (8 * v.length);
  return n;
}

/** A small ENUMERATED (OCSP's response status, CRL reasons). */
export function readEnumerated(t: Tlv): number {
  const v = contents(expectTag(t, TAG.ENUMERATED, 'enumerated'));
  if (v.length === 0 || v.length > 2 || v[0]! & 0x80) throw new Asn1Error('enumerated value out of range');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

export function readBoolean(t: Tlv): boolean {
  const v = contents(expectTag(t, TAG.BOOLEAN, 'boolean'));
  return v.length > 0 && v[0] !== 0;
}

/**
 * The contents of an OCTET STRING, or of an element implicitly tagged in its place (PKCS#7's
 * encrypted content is [0]): a BER constructed string, which Windows writes, is joined from its pieces.
 */
export function readOctets(t: Tlv | undefined, primitiveTag: number = TAG.OCTET_STRING, depth = 0): Buffer {
  if (!t) throw new Asn1Error('octet string: missing');
  if (t.tag === primitiveTag) return Buffer.from(contents(t));
  if (t.tag !== (primitiveTag | 0x20)) throw new Asn1Error('octet string: unexpected structure');
  if (depth > 4) throw new Asn1Error('octet string pieces are nested too deeply');
  return Buffer.concat(children(t).map((piece) => readOctets(piece, TAG.OCTET_STRING, depth + 1)));
}

/** Bits of a BIT STRING, bit 0 first (the way X.509 numbers KeyUsage). */
export function readBits(t: Tlv): boolean[] {
  const v = contents(expectTag(t, TAG.BIT_STRING, 'bit string'));
  if (v.length === 0) return [];
  const unused = v[0]!;
  const bits: boolean[] = [];
  for (let i = 1; i < v.length; i++) for (let b = 7; b >= 0; b--) bits.push(((v[i]! >> b) & 1) === 1);
  return bits.slice(0, Math.max(0, bits.length - unused));
}

/** The bytes of a BIT STRING (signatures, public keys), without the unused-bits octet. */
export function readBitStringBytes(t: Tlv): Uint8Array {
  return contents(expectTag(t, TAG.BIT_STRING, 'bit string')).subarray(1);
}

/** Any of the X.509 string types, as text. */
export function readString(t: Tlv): string {
  const v = contents(t);
  switch (t.tag) {
    case TAG.BMP: {
      let s = '';
      for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    case TAG.UNIVERSAL: {
      let s = '';
      for (let i = 0; i + 3 < v.length; i += 4)
        s += String.fromCodePoint(((v[i]! << 24) >>> 0) + (v[i + 1]! << 16) + (v[i + 2]! << 8) + v[i + 3]!);
      return s;
    }
    case TAG.T61:
      return Buffer.from(v).toString('latin1');
    default:
      return Buffer.from(v).toString('utf8');
  }
}

export function readTime(t: Tlv): Date {
  const s = Buffer.from(contents(t)).toString('latin1');
  let m: RegExpMatchArray | null;
  if (t.tag === TAG.UTC_TIME && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/))) {
    const yy = Number(m[1]);
    return new Date(
      Date.UTC(
        yy < 50 ? 2000 + yy : 1900 + yy,
        Number(m[2]) - 1,
        Number(m[3]),
        Number(m[4]),
        Number(m[5]),
        Number(m[6] ?? 0),
      ),
    );
  }
  if (t.tag === TAG.GENERALIZED_TIME && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/))) {
    return new Date(
      Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)),
    );
  }
  throw new Asn1Error(`unreadable time "${s}"`);
}

/** Both elements of an AlgorithmIdentifier. */
export function readAlgorithm(t: Tlv): { oid: string; params?: Tlv } {
  const [oidT, params] = children(expectTag(t, TAG.SEQUENCE, 'algorithm identifier'));
  if (!oidT) throw new Asn1Error('empty algorithm identifier');
  return { oid: readOid(oidT), params };
}

/** One Extension (RFC 5280 §4.1): its OID, whether it is critical (DEFAULT FALSE) and the contents of extnValue. */
export interface Extension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** Reads one Extension, as certificates, CRLs, CRL entries and OCSP messages all carry them. */
export function readExtension(ext: Tlv): Extension {
  const parts = children(expectTag(ext, TAG.SEQUENCE, 'extension'));
  const hasCritical = parts[1]?.tag === TAG.BOOLEAN;
  return {
    oid: readOid(expectTag(parts[0], TAG.OID, 'extension id')),
    critical: hasCritical ? readBoolean(parts[1]!) : false,
    value: contents(expectTag(parts[hasCritical ? 2 : 1], TAG.OCTET_STRING, 'extension value')),
  };
}

/** Reads a SEQUENCE OF Extension. */
export function readExtensions(list: Tlv): Extension[] {
  return children(expectTag(list, TAG.SEQUENCE, 'extensions')).map(readExtension);
}
