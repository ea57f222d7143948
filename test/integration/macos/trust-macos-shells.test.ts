// Specification: the exported script's trust step, run by macOS's own sh and awk (and Debian's) against a keychain that behaves as macOS 11+ does.
// The keychain and trust settings are the simulated Mac's (sim-standin.ts behind recording stand-ins): the certificate
// is added first and the trust set only when a person approves the dialog (research: /work/research/macos-trust.md §1).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedMac, type SimSession, type SimTrustDialog } from '../../../src/core/macos/executors/simulated';
import { unknownFacts } from '../../../src/core/macos/facts';
import { importCaCertificates } from '../../../src/core/macos/plans/ca';
import { exportPlansAsScript } from '../../../src/core/macos/script';
import { PlanWorkspace } from '../../../src/core/macos/workspace';
import { makeMacFixtures, type MacFixtures } from '../../unit/core/macos/fixtures';
import { makeFakePrograms, type FakePrograms } from './fake-programs';

const ROOT = resolve(__dirname, '../../..');
/** Apple's sh and awk built for this machine (see its README): beside the checkout, or where the project keeps it. */
const USERLAND = [
  process.env.ONBOARD_MACOS_USERLAND,
  join(ROOT, '..', 'shared', 'macos-userland', 'bin'),
  join(ROOT, '..', '..', 'shared', 'macos-userland', 'bin'),
].find((d): d is string => !!d && existsSync(join(d, 'sh')) && existsSync(join(d, 'awk')));

interface Interpreters {
  name: string;
  sh: string[];
  awk: string;
  locale: string;
}
const DEBIAN: Interpreters = {
  name: "Debian's sh and awk, C.UTF-8",
  sh: ['/bin/sh'],
  awk: '/usr/bin/awk',
  locale: 'C.UTF-8',
};
// macOS's /bin/sh has xpg_echo on; this build needs -O xpg_echo for it (the userland README).
const APPLE: Interpreters[] = USERLAND
  ? [
      {
        name: "macOS's sh and awk, UTF-8",
        sh: [join(USERLAND, 'sh'), '-O', 'xpg_echo'],
        awk: join(USERLAND, 'awk'),
        locale: 'C.UTF-8',
      },
      {
        name: "macOS's sh and awk, C",
        sh: [join(USERLAND, 'sh'), '-O', 'xpg_echo'],
        awk: join(USERLAND, 'awk'),
        locale: 'C',
      },
    ]
  : [];
const ALL = [...APPLE, DEBIAN];
/** The interpreters for scenarios run once: Apple's when here. */
const MAC = APPLE[0] ?? DEBIAN;

let fx: MacFixtures;
let work: string;
let bundle: string;

beforeAll(async () => {
  fx = await makeMacFixtures();
  work = await mkdtemp(join(tmpdir(), 'onboard-trust-shells-'));
  bundle = join(work, 'sim-standin.js');
  await build({
    entryPoints: [join(__dirname, 'sim-standin.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    logLevel: 'error',
  });
});
afterAll(async () => {
  await fx?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

if (!USERLAND)
  it.skip("SKIPPED: macOS's sh and awk are not at ../shared/macos-userland/bin (or $ONBOARD_MACOS_USERLAND); only Debian's ran", () => {});

interface Run {
  code: number;
  stderr: string;
  mac: ReturnType<SimulatedMac['snapshot']>;
  dialogs: SimTrustDialog[];
}

/** A Mac in a state file, and a way to run the CA step's exported script against it. */
async function macAt(opts: {
  session: SimSession;
  certificates?: { certificate: typeof fx.root; trusted?: boolean }[];
}): Promise<{ run(with_: Interpreters, approve?: boolean): Promise<Run>; cleanup(): Promise<void> }> {
  const state = join(work, `mac-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(
    state,
    JSON.stringify(new SimulatedMac({ session: opts.session, certificates: opts.certificates }).toJSON()),
  );
  const fakes: FakePrograms[] = [];
  return {
    async run(i: Interpreters, approve = true): Promise<Run> {
      await writeFile(`${state}.approve`, approve ? 'yes' : 'no');
      await rm(`${state}.dialogs`, { force: true });
      const fake = await makeFakePrograms({
        passthrough: {
          '/usr/bin/mktemp': '/usr/bin/mktemp',
          '/bin/rm': '/bin/rm',
          '/bin/cat': '/bin/cat',
          '/usr/bin/awk': i.awk,
        },
        simulated: { bundle, state, programs: ['/usr/bin/security', '/bin/launchctl'] },
      });
      fakes.push(fake);
      // Planned without looking at the Mac, as an export for another Mac is.
      const ws = await PlanWorkspace.create();
      let text: string;
      try {
        const plan = await importCaCertificates({
          certificates: [fx.root, fx.intermediate],
          facts: unknownFacts(),
          workspace: ws,
        });
        text = exportPlansAsScript([plan], { workspaceDir: ws.dir, programPrefix: fake.prefix, allowNonRoot: true });
      } finally {
        await ws.dispose();
      }
      const path = join(work, `script-${Math.random().toString(36).slice(2)}.sh`);
      await writeFile(path, text, { mode: 0o700 });
      const r = await new Promise<{ code: number; stderr: string }>((done) =>
        execFile(
          i.sh[0]!,
          [...i.sh.slice(1), path],
          { env: { PATH: '/usr/bin:/bin', LANG: i.locale, LC_ALL: i.locale }, timeout: 120_000 },
          (err, _out, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
        ),
      );
      const mac = SimulatedMac.fromJSON(JSON.parse(await readFile(state, 'utf8'))).snapshot();
      const dialogs = existsSync(`${state}.dialogs`)
        ? (await readFile(`${state}.dialogs`, 'utf8'))
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as SimTrustDialog)
        : [];
      return { ...r, mac, dialogs };
    },
    async cleanup() {
      for (const f of fakes) await f.cleanup();
      await rm(state, { force: true });
    },
  };
}

const rootName = () =>
  fx.root.subject
    .split('\n')
    .find((l) => l.startsWith('CN='))!
    .slice(3);
const trustedRoots = (r: Run) => r.mac.certificates.filter((c) => c.trusted).map((c) => c.subject);

describe.each(ALL)('the exported trust step under %s', (i) => {
  it('with a person at the Mac: one dialog, the root ends trusted, and a rerun changes nothing', async () => {
    const mac = await macAt({ session: 'aqua' });
    try {
      const first = await mac.run(i);
      expect(first.stderr).toContain('all steps finished');
      expect(first.code).toBe(0);
      expect(first.dialogs).toEqual([{ change: 'add', certificate: rootName(), approved: true }]);
      expect(trustedRoots(first)).toEqual([fx.root.subject]);
      expect(first.mac.certificates).toHaveLength(2);
      const again = await mac.run(i);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('nothing needed changing');
      expect(again.dialogs).toEqual([]);
    } finally {
      await mac.cleanup();
    }
  });

  it('without a person (an MDM agent, a launchd daemon): stops before any change, names the profile, and a rerun never says done', async () => {
    const mac = await macAt({ session: 'system' });
    try {
      for (let n = 0; n < 2; n++) {
        const r = await mac.run(i);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('"System"');
        expect(r.stderr).toContain('configuration profile from your MDM (a com.apple.security.root payload)');
        expect(r.stderr).toContain('Nothing was changed.');
        expect(r.stderr).not.toMatch(/already done|Step 1:/);
        expect(r.mac.certificates).toEqual([]);
        expect(r.dialogs).toEqual([]);
      }
    } finally {
      await mac.cleanup();
    }
  });
});

describe(`the exported trust step, more cases under ${MAC.name}`, () => {
  it('over SSH (Background) it stops the same way', async () => {
    const mac = await macAt({ session: 'background' });
    try {
      const r = await mac.run(MAC);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('"Background"');
      expect(r.mac.certificates).toEqual([]);
    } finally {
      await mac.cleanup();
    }
  });

  it('a root present but untrusted (left by a refused trust) gets its trust set, and is not "already done"', async () => {
    const mac = await macAt({ session: 'aqua', certificates: [{ certificate: fx.root }] });
    try {
      const r = await mac.run(MAC);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/already done: Trust the root CA/);
      expect(r.stderr).toMatch(/already done: Add the root CA/);
      expect(r.dialogs.map((d) => d.change)).toEqual(['add']);
      expect(trustedRoots(r)).toEqual([fx.root.subject]);
    } finally {
      await mac.cleanup();
    }
  });

  it('roots already trusted (e.g. by a configuration profile) need no person: it goes on from a daemon', async () => {
    const mac = await macAt({ session: 'system', certificates: [{ certificate: fx.root, trusted: true }] });
    try {
      const r = await mac.run(MAC);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/already done: Trust the root CA/);
      expect(r.dialogs).toEqual([]);
      expect(r.mac.certificates.map((c) => c.subject)).toEqual([fx.root.subject, fx.intermediate.subject]);
    } finally {
      await mac.cleanup();
    }
  });

  it('a dialog the person cancels fails the step, changes nothing lasting, and the rerun asks again', async () => {
    const mac = await macAt({ session: 'aqua' });
    try {
      const refused = await mac.run(MAC, false);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('The authorization was canceled by the user.');
      expect(trustedRoots(refused)).toEqual([]);
      const again = await mac.run(MAC);
      expect(again.code).toBe(0);
      expect(again.dialogs).toEqual([{ change: 'add', certificate: rootName(), approved: true }]);
      expect(trustedRoots(again)).toEqual([fx.root.subject]);
    } finally {
      await mac.cleanup();
    }
  });
});
