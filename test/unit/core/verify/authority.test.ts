// Specification: host and port written as a URI authority, as the Switch's Host header and the findings show them.
import { describe, expect, it } from 'vitest';
import { authority } from '../../../../src/core/verify/switch-exchange';

describe('authority', () => {
  it('brackets IPv6 addresses and nothing else (RFC 3986 section 3.2.2)', () => {
    expect(authority('::1', 4000)).toBe('[::1]:4000');
    expect(authority('2001:db8::10', 443)).toBe('[2001:db8::10]:443');
    expect(authority('127.0.0.1', 4000)).toBe('127.0.0.1:4000');
    expect(authority('tachyon.acme.local', 4000)).toBe('tachyon.acme.local:4000');
  });
});
