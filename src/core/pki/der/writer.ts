// The one DER writer: definite-length elements built from Buffers, and the PEM armour around them.

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const der = {
  tlv(tag: number, ...parts: Uint8Array[]): Buffer {
    const body = Buffer.concat(parts);
    return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
  },
  seq: (...parts: Uint8Array[]): Buffer => der.tlv(0x30, ...parts),
  /** SET OF: DER wants the members sorted by their encodings. */
  set: (...parts: Uint8Array[]): Buffer =>
    der.tlv(0x31, ...[...parts].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))),
  /** A non-negative INTEGER from big-endian magnitude bytes, a number or a bigint. */
  int(v: number | bigint | Uint8Array): Buffer {
    let bytes: Buffer;
    if (typeof v === 'number' || typeof v === 'bigint') {
      let hex = BigInt(v).toString(16);
      if (hex.length % 2) hex = '0' + hex;
      bytes = Buffer.from(hex, 'hex');
    } else bytes = Buffer.from(v);
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    bytes = bytes.subarray(i);
    if (bytes.length === 0) bytes = Buffer.alloc(1);
    if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.alloc(1), bytes]);
    return der.tlv(0x02, bytes);
  },
  bool: (b: boolean): Buffer => der.tlv(0x01, Buffer.from([b ? 0xff : 0])),
  null: (): Buffer => Buffer.from([0x05, 0x00]),
  oid(dotted: string): Buffer {
    const arcs = dotted.split('.').map((a) => Number(a));
    if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new Error(`bad OID ${dotted}`);
    const out: number[] = [];
    const push = (n: number) => {
      const groups: number[] = [n & 0x7f];
      for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
      out.push(...groups);
    };
    push(arcs[0]! * 40 + arcs[1]!);
    for (const a of arcs.slice(2)) push(a);
    return der.tlv(0x06, Buffer.from(out));
  },
  octets: (b: Uint8Array): Buffer => der.tlv(0x04, b),
  bits: (b: Uint8Array, unused = 0): Buffer => der.tlv(0x03, Buffer.from([unused]), b),
  utf8: (s: string): Buffer => der.tlv(0x0c, Buffer.from(s, 'utf8')),
  printable: (s: string): Buffer => der.tlv(0x13, Buffer.from(s, 'latin1')),
  ia5: (s: string): Buffer => der.tlv(0x16, Buffer.from(s, 'latin1')),
  bmp: (s: string): Buffer => der.tlv(0x1e, Buffer.from(s, 'utf16le').swap16()),
  /** UTCTime up to 2049, GeneralizedTime after, as RFC 5280 asks; seconds precision. */
  time(d: Date): Buffer {
    const iso = d
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/[-:T]/g, '');
    return d.getUTCFullYear() < 2050
      ? der.tlv(0x17, Buffer.from(iso.slice(2), 'latin1'))
      : der.tlv(0x18, Buffer.from(iso, 'latin1'));
  },
  /** GeneralizedTime, whatever the year: OCSP (RFC 6960) uses it for every time it carries. */
  generalizedTime(d: Date): Buffer {
    const iso = d
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/[-:T]/g, '');
    return der.tlv(0x18, Buffer.from(iso, 'latin1'));
  },
  enumerated: (n: number): Buffer => der.tlv(0x0a, der.int(n).subarray(2)),
  /** Context-specific tag [n]; constructed for EXPLICIT tagging and for wrapping SEQUENCE-like content. */
  ctx: (n: number, constructed: boolean, ...parts: Uint8Array[]): Buffer =>
    der.tlv((constructed ? 0xa0 : 0x80) | n, ...parts),
};

/** PEM armour for DER (certificates, CRLs, requests). */
export function toPem(label: string, derBytes: Uint8Array): string {
  const b64 = Buffer.from(derBytes)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
