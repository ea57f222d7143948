// Specification: one home for names, read from DER and from node's subject text, printed the ways Onboard prints them.
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCertificate } from '../../../../src/core/pki/build';
import { der, parseStrictDer } from '../../../../src/core/pki/der';
import {
  canonicalName,
  commonName,
  commonNameOf,
  formatName,
  nameLabel,
  nameOnOneLine,
  nameOnOneLineCnFirst,
  readName,
} from '../../../../src/core/pki/names';

const rdn = (oid: string, value: Buffer) => der.set(der.seq(der.oid(oid), value));

describe('names read from DER', () => {
  const name = der.seq(
    rdn('2.5.4.6', der.printable('FR')),
    rdn('2.5.4.10', der.utf8('Société, Générale')),
    rdn('2.5.4.3', der.utf8('Acme Root')),
    rdn('2.5.4.3', der.bmp('MAC01.local')),
  );

  it('reads each attribute in DER order with its short name, whatever the string type', () => {
    expect(readName(parseStrictDer(name))).toEqual([
      { oid: '2.5.4.6', type: 'C', value: 'FR' },
      { oid: '2.5.4.10', type: 'O', value: 'Société, Générale' },
      { oid: '2.5.4.3', type: 'CN', value: 'Acme Root' },
      { oid: '2.5.4.3', type: 'CN', value: 'MAC01.local' },
    ]);
  });

  it('prints most specific first with commas escaped, and takes the most specific CN', () => {
    const attrs = readName(parseStrictDer(name));
    expect(formatName(attrs)).toBe('CN=MAC01.local, CN=Acme Root, O=Société\\, Générale, C=FR');
    expect(commonNameOf(attrs)).toBe('MAC01.local');
    expect(commonNameOf(attrs.filter((a) => a.type !== 'CN'))).toBeNull();
    expect(formatName([])).toBe('(empty)');
  });
});

describe("names from node's subject text", () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const cert = (subject: Parameters<typeof buildCertificate>[0]['subject']) =>
    new X509Certificate(
      buildCertificate({ subject, publicKey: key, signer: { key }, notAfter: new Date(Date.now() + 86_400_000) }).raw,
    );

  it('finds the CN of a certificate, or says there is none', () => {
    expect(commonName(cert({ organization: 'Acme', commonName: 'MAC01.local' }))).toBe('MAC01.local');
    expect(commonName(cert({ organization: 'Acme' }))).toBeNull();
  });

  it('joins the lines in node order or CN first, and labels a name by its CN or first value', () => {
    const text = 'C=GB\nO=Acme\nCN=MAC01.local';
    expect(nameOnOneLine(text)).toBe('C=GB, O=Acme, CN=MAC01.local');
    expect(nameOnOneLineCnFirst(text)).toBe('CN=MAC01.local, O=Acme, C=GB');
    expect(nameLabel(text)).toBe('MAC01.local');
    expect(nameLabel('C=GB\nO=Acme')).toBe('GB');
  });
});

describe('canonical names (RFC 5280 §7.1, OpenSSL canon_enc)', () => {
  const canon = (...rdns: Buffer[]) => canonicalName(parseStrictDer(der.seq(...rdns)));
  const o = (v: Buffer) => rdn('2.5.4.10', v);
  const cn = (v: Buffer) => rdn('2.5.4.3', v);

  it('ignores case, leading and trailing blanks and the length of inner runs of blanks, whatever the string type', () => {
    const tidy = canon(o(der.printable('Test Certificates 2011')), cn(der.utf8('Good CA')));
    expect(canon(o(der.utf8('  test   CERTIFICATES 2011 ')), cn(der.bmp('GOOD\tCA')))).toEqual(tidy);
    expect(canon(o(der.ia5('Test Certificates 2011')), cn(der.tlv(0x14, Buffer.from('good ca', 'latin1'))))).toEqual(
      tidy,
    );
  });

  it('keeps words, attribute types, their order and non-ASCII letters significant', () => {
    const base = canon(o(der.utf8('Acme')), cn(der.utf8('Issuing CA')));
    expect(canon(o(der.utf8('Acme')), cn(der.utf8('Issuing CA 2')))).not.toEqual(base);
    expect(canon(cn(der.utf8('Issuing CA')), o(der.utf8('Acme')))).not.toEqual(base);
    expect(canon(rdn('2.5.4.11', der.utf8('Acme')), cn(der.utf8('Issuing CA')))).not.toEqual(base);
    expect(canon(cn(der.utf8('Société'))).equals(canon(cn(der.utf8('SOCIÉTÉ'))))).toBe(false);
    // A no-break space is not one of OpenSSL's blanks.
    expect(canon(cn(der.utf8('Good\u00a0CA'))).equals(canon(cn(der.utf8('Good CA'))))).toBe(false);
  });

  it('encodes a name as the concatenation of its RDNs, so a subtree is a prefix of the names below it', () => {
    const subtree = canon(rdn('2.5.4.6', der.printable('GB')), o(der.utf8('Acme')));
    const below = canon(rdn('2.5.4.6', der.printable('gb')), o(der.utf8(' ACME')), cn(der.utf8('mac01')));
    expect(below.subarray(0, subtree.length)).toEqual(subtree);
    expect(canonicalName(parseStrictDer(der.seq()))).toHaveLength(0);
  });
});
