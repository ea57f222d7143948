import { describe, expect, it } from 'vitest';
import {
  Asn1Error,
  TAG,
  children,
  parseStrictDer,
  readIntegerHex,
  readOid,
  readTime,
  readTlv,
} from '../../../../../src/core/pki/der';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('the DER reader', () => {
  it('walks a SEQUENCE of an OID, an INTEGER and a UTCTime', () => {
    // SEQUENCE { OID 2.5.29.31, INTEGER 0x00ff, UTCTime 250301100000Z }
    const der = hex('30 18  06 03 55 1d 1f  02 02 00 ff  17 0d 323530333031313030303030 5a');
    const [oid, int, time] = children(parseStrictDer(der));
    expect(readOid(oid!)).toBe('2.5.29.31');
    expect(readIntegerHex(int!)).toBe('ff');
    expect(readTime(time!).toISOString()).toBe('2025-03-01T10:00:00.000Z');
  });

  it('reads multi-byte OID arcs and long-form lengths', () => {
    const der = hex('06 09 2a 86 48 86 f7 0d 01 01 0b');
    expect(readOid(parseStrictDer(der))).toBe('1.2.840.113549.1.1.11');
    const long = Buffer.concat([hex('04 81 80'), Buffer.alloc(128, 1)]);
    expect(readTlv(long, 0)).toMatchObject({ tag: TAG.OCTET_STRING, start: 0, headerLength: 3, length: 128, end: 131 });
  });

  it('reads an element at an offset inside a larger buffer and hands back its exact bytes', () => {
    const outer = hex('ff ff 30 03 02 01 07 ee');
    const t = readTlv(outer, 2, 7);
    expect(Buffer.from(outer.subarray(t.start, t.end)).toString('hex')).toBe('3003020107');
    expect(readIntegerHex(children(t)[0]!)).toBe('07');
  });

  it('reads two-digit UTC years as RFC 5280 says: 49 is 2049, 50 is 1950', () => {
    const t = (s: string) => {
      const d = Buffer.concat([hex('17 0d'), Buffer.from(s)]);
      return readTime(parseStrictDer(d)).getUTCFullYear();
    };
    expect(t('491231235959Z')).toBe(2049);
    expect(t('500101000000Z')).toBe(1950);
  });

  it('refuses an element that claims more bytes than there are', () => {
    expect(() => parseStrictDer(hex('30 10 02 01 01'))).toThrow(
      expect.objectContaining({ name: 'Asn1Error', truncated: true }),
    );
  });

  it('refuses BER indefinite lengths and trailing bytes in strict DER', () => {
    expect(() => parseStrictDer(hex('30 80 00 00'))).toThrow(/indefinite/);
    expect(() => parseStrictDer(hex('30 04 30 80 00 00'))).toThrow(/indefinite/);
    expect(() => parseStrictDer(hex('02 01 01 00'))).toThrow(/trailing/);
    expect(() => parseStrictDer(hex('02 01 01 00'))).toThrow(Asn1Error);
  });
});
