// Specification: how argv is shown and written as shell words.
import { describe, expect, it } from 'vitest';
import {
  appleScriptString,
  displayCommand,
  maskedArgs,
  redactSecrets,
  shellQuote,
  shellQuoteArgv,
  SECRET_MASK,
} from '../../../../src/core/macos/quote';

describe('shellQuote', () => {
  it('leaves plain paths and options bare so plans stay readable', () => {
    expect(shellQuoteArgv(['/usr/bin/security', 'import', '-k', '/Library/Keychains/System.keychain', '-P'])).toBe(
      '/usr/bin/security import -k /Library/Keychains/System.keychain -P',
    );
  });

  it('single-quotes anything with spaces or shell characters', () => {
    expect(shellQuote('/Library/Application Support/1E')).toBe("'/Library/Application Support/1E'");
    expect(shellQuote('$(id)')).toBe("'$(id)'");
    expect(shellQuote('a=b')).toBe("'a=b'");
    expect(shellQuote('~root')).toBe("'~root'");
  });

  it('writes an embedded single quote as quote, escaped quote, quote', () => {
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it('quotes the empty word as two quotes', () => {
    expect(shellQuote('')).toBe("''");
  });

  it('refuses a NUL character, which no program can receive', () => {
    expect(() => shellQuote('a\0b')).toThrow(expect.objectContaining({ code: 'nul-in-argument' }));
  });

  it('refuses a broken Unicode character that has no UTF-8 form', () => {
    expect(() => shellQuote('a\uD800b')).toThrow(expect.objectContaining({ code: 'invalid-unicode-argument' }));
  });
});

describe('showing commands', () => {
  const cmd = { program: '/usr/bin/security', args: ['import', '/tmp/x y.p12', '-P', 'hunter2'], secretArgs: [3] };

  it('masks secret arguments and quotes the rest', () => {
    expect(displayCommand(cmd)).toBe(`/usr/bin/security import '/tmp/x y.p12' -P ${SECRET_MASK}`);
    expect(maskedArgs(cmd)).toEqual(['import', '/tmp/x y.p12', '-P', SECRET_MASK]);
  });

  it('removes secret values from program output', () => {
    expect(redactSecrets('bad password hunter2 given', [cmd])).toBe(`bad password ${SECRET_MASK} given`);
  });

  it('escapes backslashes and double quotes for an AppleScript string', () => {
    expect(appleScriptString('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"');
  });
});
