// Specification: the one DER writer, and what the reader makes of its output.
import { describe, expect, it } from 'vitest';
import {
  children,
  der,
  parseDer,
  parseStrictDer,
  readIntegerHex,
  readOctets,
  readOid,
  readString,
  readTime,
  toPem,
} from '../../../../../src/core/pki/der';

describe('DER writer', () => {
  it('encodes integers minimally and keeps them positive', () => {
    expect(der.int(0).toString('hex')).toBe('020100');
    expect(der.int(127).toString('hex')).toBe('02017f');
    expect(der.int(128).toString('hex')).toBe('02020080');
    expect(der.int(Buffer.from('0000ff', 'hex')).toString('hex')).toBe('020200ff');
  });

  it('encodes OIDs with multi-byte arcs', () => {
    expect(der.oid('1.2.840.113549.1.1.11').toString('hex')).toBe('06092a864886f70d01010b');
    expect(der.oid('1.3.6.1.4.1.311.20.2').toString('hex')).toBe('06092b0601040182371402');
  });

  it('uses UTCTime up to 2049 and GeneralizedTime from 2050, as RFC 5280 requires', () => {
    expect(der.time(new Date('2049-12-31T23:59:59.500Z')).toString('latin1').slice(2)).toBe('491231235959Z');
    expect(der.time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
  });

  it('sorts SET OF members by their encodings, also under a context tag ([n] IMPLICIT SET OF, as CMS uses)', () => {
    const [a, b, c] = [der.int(300), der.int(5), der.oid('1.2.3')];
    expect(der.set(a, b, c).toString('hex')).toBe('310b' + '020105' + '0202012c' + '06022a03');
    expect(der.ctxSet(0, c, a, b).toString('hex')).toBe('a00b' + '020105' + '0202012c' + '06022a03');
  });

  it('encodes long lengths in the long form', () => {
    const big = der.octets(Buffer.alloc(300));
    expect(big.subarray(0, 4).toString('hex')).toBe('0482012c');
  });
});

describe('reader and writer together', () => {
  it('reads back what the writer wrote, field for field', () => {
    const when = new Date('2031-05-06T07:08:09Z');
    const bytes = der.seq(der.oid('2.5.4.3'), der.int(0x1234), der.utf8('Société'), der.bmp('MAC01'), der.time(when));
    const [oid, int, utf8, bmp, time] = children(parseStrictDer(bytes));
    expect(readOid(oid!)).toBe('2.5.4.3');
    expect(readIntegerHex(int!)).toBe('1234');
    expect(readString(utf8!)).toBe('Société');
    expect(readString(bmp!)).toBe('MAC01');
    expect(readTime(time!).toISOString()).toBe(when.toISOString());
  });

  it('sorts the members of a SET OF by their encodings, as DER requires', () => {
    const set = der.set(der.octets(Buffer.from([2])), der.int(5), der.octets(Buffer.from([1])));
    expect(set.toString('hex')).toBe('3109' + '020105' + '040101' + '040102');
  });

  it('joins a BER constructed OCTET STRING (as Windows writes them) and reads an implicitly tagged one', () => {
    // OCTET STRING, constructed, indefinite length { OCTET STRING abcd, OCTET STRING ef } end-of-contents
    const ber = Buffer.from('2480' + '0402abcd' + '0401ef' + '0000', 'hex');
    expect(readOctets(parseDer(ber).root).toString('hex')).toBe('abcdef');
    const definite = Buffer.from('2407' + '0402abcd' + '0401ef', 'hex');
    expect(readOctets(parseStrictDer(definite)).toString('hex')).toBe('abcdef');
    expect(readOctets(parseStrictDer(der.ctx(0, false, Buffer.from('0102', 'hex'))), 0x80).toString('hex')).toBe(
      '0102',
    );
    expect(() => readOctets(parseStrictDer(der.int(1)))).toThrow(expect.objectContaining({ name: 'Asn1Error' }));
  });

  it('wraps DER as PEM in 64-column lines', () => {
    const pem = toPem('CERTIFICATE', Buffer.alloc(100, 0xff));
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
  });
});
