// Specification: the property-list writer writes what macOS's CFPropertyList writes, and the reader reads it back.
import { describe, expect, it } from 'vitest';
import { parsePlist, writePlist, type PlistInput } from '../../../../src/core/plist';

describe('writePlist', () => {
  it('writes the XML header, sorted dictionary keys and one tag per type', () => {
    const xml = writePlist({ b: 1, a: 'x', c: true, d: false, e: 1.5, f: new Date('2025-03-01T10:00:00.000Z') });
    expect(xml.split('\n').slice(0, 3)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
      '<plist version="1.0">',
    ]);
    expect(xml).toContain(
      [
        '<dict>',
        '\t<key>a</key>',
        '\t<string>x</string>',
        '\t<key>b</key>',
        '\t<integer>1</integer>',
        '\t<key>c</key>',
        '\t<true/>',
        '\t<key>d</key>',
        '\t<false/>',
        '\t<key>e</key>',
        '\t<real>1.5</real>',
        '\t<key>f</key>',
        '\t<date>2025-03-01T10:00:00Z</date>',
        '</dict>',
        '</plist>',
        '',
      ].join('\n'),
    );
  });

  it('escapes markup in strings and keys, and the reader gives back the same values', () => {
    const bytes = new Uint8Array(200).map((_, i) => (i * 7) & 0xff);
    const value: PlistInput = { 'a<b': 'R&D "Lab" <one>', nested: [{ data: bytes }, [], {}], n: -42 };
    const xml = writePlist(value);
    expect(xml).toContain('<key>a&lt;b</key>');
    expect(xml).toContain('<string>R&amp;D "Lab" &lt;one&gt;</string>');
    expect(parsePlist(xml)).toEqual({ 'a<b': 'R&D "Lab" <one>', nested: [{ data: bytes }, [], {}], n: -42 });
  });

  it('wraps data in base64 lines of 52 characters at the indentation of its tag', () => {
    const xml = writePlist({ d: new Uint8Array(100) });
    const lines = xml.split('\n').filter((l) => /^\tA+=*$/.test(l));
    expect(lines.map((l) => l.trim().length)).toEqual([52, 52, 32]);
  });

  it('refuses what XML cannot carry: control characters, and numbers that are not finite', () => {
    expect(() => writePlist({ name: 'bell\u0007' })).toThrow(/control characters/);
    expect(() => writePlist({ n: Number.NaN })).toThrow(/finite/);
  });
});
