// A small strict DER reader over Buffers: enough to walk CRLs and certificate extensions
// without copying or re-encoding (signatures are checked over the exact original bytes).
import { OnboardError } from '../errors';

/** One tag-length-value element, as offsets into the buffer it was read from. */
export interface Tlv {
  /** The identifier octet as read, e.g. 0x30 for SEQUENCE, 0xa0 for [0] constructed. */
  tag: number;
  constructed: boolean;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the last content octet. */
  end: number;
}

export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Context-specific tag number n, constructed (e.g. [0] EXPLICIT). */
export const ctx = (n: number, constructed = true) => (constructed ? 0xa0 : 0x80) | n;

function malformed(what: string): never {
  throw new OnboardError('der-malformed', `The data is not valid DER: ${what}.`, 'The file or download is damaged or is not what it claims to be.');
}

/** Reads the element at `offset`, refusing anything that runs past `limit`. */
export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) malformed('truncated element header');
  const tag = buf[offset]!;
  // Multi-byte tag numbers never occur in the structures we read.
  if ((tag & 0x1f) === 0x1f) malformed('unsupported high tag number');
  let pos = offset + 1;
  const first = buf[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    if (n === 0) malformed('indefinite length (BER, not DER)');
    if (n > 4) malformed('length too large');
    if (pos + n > limit) malformed('truncated length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++]!;
  }
  const end = pos + length;
  if (end > limit) malformed('element runs past its container');
  return { tag, constructed: (tag & 0x20) !== 0, start: offset, contentStart: pos, end };
}

/** The elements directly inside a constructed element. */
export function children(buf: Buffer, parent: Tlv): Tlv[] {
  if (!parent.constructed) malformed('expected a constructed element');
  const out: Tlv[] = [];
  let pos = parent.contentStart;
  while (pos < parent.end) {
    const t = readTlv(buf, pos, parent.end);
    out.push(t);
    pos = t.end;
  }
  return out;
}

/** Reads the single top-level element and insists nothing trails it. */
export function readRoot(buf: Buffer): Tlv {
  const t = readTlv(buf, 0);
  if (t.end !== buf.length) malformed('trailing bytes after the top-level element');
  return t;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) malformed(`expected ${what}`);
  return t;
}

export const content = (buf: Buffer, t: Tlv): Buffer => buf.subarray(t.contentStart, t.end);
export const whole = (buf: Buffer, t: Tlv): Buffer => buf.subarray(t.start, t.end);

export function readOid(buf: Buffer, t: Tlv): string {
  expectTag(t, TAG.oid, 'an object identifier');
  const c = content(buf, t);
  if (c.length === 0) malformed('empty object identifier');
  const parts: number[] = [];
  let value = 0;
  for (const byte of c) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0) {
        const firstArc = value < 40 ? 0 : value < 80 ? 1 : 2;
        parts.push(firstArc, value - firstArc * 40);
      } else {
        parts.push(value);
      }
      value = 0;
    }
  }
  return parts.join('.');
}

/** An INTEGER as lower-case hex without leading zero octets, the way serials are compared. */
export function readIntegerHex(buf: Buffer, t: Tlv): string {
  expectTag(t, TAG.integer, 'an integer');
  const hex = content(buf, t).toString('hex').replace(/^(00)+/, '');
  return hex === '' ? '00' : hex;
}

export function readTime(buf: Buffer, t: Tlv): Date {
  const s = content(buf, t).toString('latin1');
  let m: RegExpMatchArray | null;
  if (t.tag === TAG.utcTime && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/))) {
    // RFC 5280: two-digit years 50-99 are 19xx, 00-49 are 20xx.
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy >= 50 ? 1900 + yy : 2000 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  if (t.tag === TAG.generalizedTime && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  return malformed('expected a UTC or generalized time');
}

export const isTime = (t: Tlv | undefined): boolean => t !== undefined && (t.tag === TAG.utcTime || t.tag === TAG.generalizedTime);
