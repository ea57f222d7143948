import { describe, it, expect } from 'vitest';
import { main } from '../../../src/cli/main';
import { version } from '../../../src/core/version';
import { memoryIo } from '../../support/cli-io';

describe('the onboard command', () => {
  it('prints its version', async () => {
    const io = memoryIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out()).toBe(`${version}\n`);
  });

  it('lists every verb in --help', async () => {
    const io = memoryIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const verb of ['inspect', 'check', 'csr', 'pfx', 'lab', 'plan', 'apply', 'verify'])
      expect(io.out()).toMatch(new RegExp(`^  ${verb} `, 'm'));
  });

  it('exits 2 with one clear line for an unknown verb', async () => {
    const io = memoryIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err()).toBe("onboard: unknown verb 'frobnicate'. Run `onboard --help` for the list.\n");
  });

  it('exits 2 and shows usage when run with nothing', async () => {
    const io = memoryIo();
    expect(await main([], io)).toBe(2);
    expect(io.out()).toContain('Usage: onboard <verb>');
  });
});
