// Specification: `onboard apply --simulate` under macOS 11+'s trust rules: where it runs decides whether a root can be trusted, and it says what it will ask of the person at the Mac.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { SimulatedMac } from '../../../src/core/macos/executors/simulated';
import { applyBench, FULL } from './apply-bench';

const bench = applyBench();
const io = () => bench.io();

describe('onboard apply --simulate-session', () => {
  it('with a person at the Mac (the default) says up front what macOS will ask, then trusts the root', async () => {
    const t = io();
    expect(await main(['apply', ...FULL, '--simulate', '--simulate-state', 'aqua.json'], t.io), t.err()).toBe(0);
    expect(t.err()).toMatch(/macOS will ask for \d+ administrator passwords? and 1 macOS trust dialog/);
    const state = JSON.parse(await readFile(join(bench.fx.dir, 'aqua.json'), 'utf8'));
    expect(state.session).toBe('aqua');
    expect(state.certificates.filter((c: { trust: unknown }) => c.trust).length).toBe(1);
  });

  it.each(['system', 'background'])(
    'in the %s session stops before any change, exit 2, naming the profile route; a rerun does the same',
    async (session) => {
      const file = `${session}.json`;
      const fresh = JSON.stringify(new SimulatedMac().toJSON());
      await writeFile(join(bench.fx.dir, file), fresh);
      for (let n = 0; n < 2; n++) {
        const t = io();
        expect(
          await main(['apply', ...FULL, '--simulate', '--simulate-state', file, '--simulate-session', session], t.io),
        ).toBe(2);
        expect(t.err()).toContain('needs a person at this Mac');
        expect(t.err()).toContain('com.apple.security.root');
        expect(t.err()).toContain('Nothing was changed.');
        expect(t.err()).not.toContain('already');
        // Nothing installed, nothing added, not even Rosetta, which comes first: the Mac is as it was.
        expect(await readFile(join(bench.fx.dir, file), 'utf8')).toBe(fresh);
      }
    },
  );

  it('goes on from a daemon once the root is trusted (e.g. by a configuration profile, or an earlier run at the Mac)', async () => {
    const first = io();
    expect(await main(['apply', ...FULL, '--simulate', '--simulate-state', 'later.json'], first.io)).toBe(0);
    const again = io();
    expect(
      await main(
        ['apply', ...FULL, '--simulate', '--simulate-state', 'later.json', '--simulate-session', 'system'],
        again.io,
      ),
      again.err(),
    ).toBe(0);
    expect(again.out()).toContain('nothing needed changing');
  });

  it('refuses a session it does not know, and the option without --simulate', async () => {
    const bad = io();
    expect(await main(['apply', ...FULL, '--simulate', '--simulate-session', 'ssh'], bad.io)).toBe(2);
    expect(bad.err()).toContain('--simulate-session must be aqua, background or system');
    const alone = io();
    expect(await main(['apply', ...FULL, '--simulate-session', 'aqua'], alone.io)).toBe(2);
  });
});
