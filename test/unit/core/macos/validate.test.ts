// Specification: what a technician types is checked before anything is planned.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isHostName,
  validateBackgroundUrl,
  validateConfSetting,
  validateHostName,
  validateInputFile,
  validateLoggingLevel,
  validateSwitchAddress,
} from '../../../../src/core/macos/validate';

describe('Switch address', () => {
  it('accepts a host name with a port', () => {
    expect(validateSwitchAddress('tachyon.acme.local:4000')).toEqual({
      host: 'tachyon.acme.local',
      port: 4000,
      value: 'tachyon.acme.local:4000',
    });
  });

  it('accepts IPv4 and bracketed IPv6 addresses', () => {
    expect(validateSwitchAddress('10.0.0.5:4000').host).toBe('10.0.0.5');
    expect(validateSwitchAddress('[fd00::1]:4000')).toMatchObject({ host: 'fd00::1', value: '[fd00::1]:4000' });
  });

  it.each([
    ['tachyon.acme.local', 'host:port'],
    ['tachyon:0', 'out of range'],
    ['tachyon:65536', 'out of range'],
    ['bad_name!:4000', 'not a valid host'],
    [':4000', 'not a valid host'],
    ['a b:4000', 'not a valid host'],
  ])('refuses %s saying %s', (input, words) => {
    expect(() => validateSwitchAddress(input)).toThrow(
      expect.objectContaining({ code: 'invalid-switch', message: expect.stringContaining(words) }),
    );
  });
});

describe('Background Channel URL', () => {
  it('accepts an https URL', () => {
    expect(validateBackgroundUrl('https://tachyon.acme.local/Background/')).toBe(
      'https://tachyon.acme.local/Background/',
    );
  });

  it.each([
    ['http://tachyon/Background/', 'must use https'],
    ['tachyon/Background', 'not a URL'],
    ['https://user:pw@tachyon/Background/', 'user name or password'],
  ])('refuses %s saying %s', (input, words) => {
    expect(() => validateBackgroundUrl(input)).toThrow(
      expect.objectContaining({ code: 'invalid-background-url', message: expect.stringContaining(words) }),
    );
  });
});

describe('host names', () => {
  it('accepts RFC 1123 names including .local', () => {
    expect(isHostName('MAC01.local')).toBe(true);
    expect(isHostName('a-b.c-d.example')).toBe(true);
  });

  it('refuses underscores, leading hyphens, empty labels and over-long labels', () => {
    for (const bad of ['mac_01.local', '-mac.local', 'mac..local', `${'a'.repeat(64)}.local`, ''])
      expect(isHostName(bad)).toBe(false);
  });

  it('shows a pasted control character visibly in the message', () => {
    expect(() => validateHostName('MAC01\n.local')).toThrow(
      expect.objectContaining({ message: expect.stringContaining('MAC01\\x0a.local') }),
    );
  });
});

describe('settings and logging level', () => {
  it('accepts the 1E logging levels in any case', () => {
    expect(validateLoggingLevel('Debug')).toBe('Debug');
    expect(() => validateLoggingLevel('verbose')).toThrow(expect.objectContaining({ code: 'invalid-logging-level' }));
  });

  it('splits Name=value and refuses a value with a line break', () => {
    expect(validateConfSetting('ConnectionTimeout=30')).toEqual({ key: 'ConnectionTimeout', value: '30' });
    expect(() => validateConfSetting('Bad Name=1')).toThrow(expect.objectContaining({ code: 'invalid-setting' }));
    expect(() => validateConfSetting('Key=a\nb')).toThrow(
      expect.objectContaining({ message: expect.stringContaining('line break') }),
    );
  });
});

describe('input files', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('accepts a regular file and refuses a folder or a missing path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onboard-validate-'));
    made.push(dir);
    await writeFile(join(dir, 'f.pem'), 'x');
    await mkdir(join(dir, 'sub'));
    await expect(validateInputFile(join(dir, 'f.pem'), 'CA certificate file')).resolves.toBe(join(dir, 'f.pem'));
    await expect(validateInputFile(join(dir, 'sub'), 'CA certificate file')).rejects.toMatchObject({
      code: 'not-a-file',
    });
    await expect(validateInputFile(join(dir, 'nope.pem'), 'CA certificate file')).rejects.toMatchObject({
      code: 'file-not-found',
      message: expect.stringContaining('CA certificate file'),
    });
  });
});
