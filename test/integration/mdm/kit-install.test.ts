// The kit's install.sh run unattended with macOS's own sh and awk on a stand-in Mac: it finishes when the keychain holds the profile's trust (never touching trust settings) and stops before any change when it does not.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_BINARY } from '../../../src/core/macos/paths';
import { withPlanWorkspace } from '../../../src/core/macos/workspace';
import { sortCaCertificates } from '../../../src/core/mdm/ca-set';
import { buildKitInstallScript } from '../../../src/core/mdm/kit-install';
import { buildFleetKit } from '../../../src/core/mdm/kit';
import { wrapIdentity } from '../../../src/core/pki/identity';
import { makeSmallPki, type SmallPki } from '../../unit/core/mdm/pki';
import { fakePkg } from '../../unit/core/macos/fixtures';
import type { RecordedCall } from '../macos/fake-programs';
import { AWK_WRITES, NOT_DONE, PASSTHROUGH, shellcheck, WORK } from '../macos/script-bench';
import { HAVE_MAC_USERLAND, makeStandInMac, runOnMac, type StandInKeychain } from './kit-bench';

const PASSWORD = `pa$$ 'word' "x"`;
let pki: SmallPki;
let dir: string;
let pfx: string;
let installer: string;
const rootSha1 = () => pki.root.cert.fingerprint.replace(/:/g, '');
const leafSha1 = () => pki.device.cert.fingerprint.replace(/:/g, '');

beforeAll(async () => {
  pki = makeSmallPki('Fleet');
  dir = await mkdtemp(join(tmpdir(), 'onboard-kit-'));
  pfx = join(dir, "MAC01's.pfx");
  const identity = { certificate: pki.device.cert, key: pki.device.key, chain: [pki.issuing.cert, pki.root.cert] };
  await writeFile(pfx, wrapIdentity(identity, PASSWORD));
  installer = join(dir, '1e.client-macOS_v5.1.2.3.pkg');
  await writeFile(installer, fakePkg());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function script(prefix: string, withInstaller = true): Promise<string> {
  return withPlanWorkspace((workspace) =>
    buildKitInstallScript(
      {
        switchAddress: 'tachyon.fleet.example:4000',
        backgroundUrl: 'https://tachyon.fleet.example/Background/',
        cas: sortCaCertificates([pki.root.cert, pki.issuing.cert]),
        ...(withInstaller ? { installerPath: installer } : {}),
        profileName: 'Fleet CA trust',
        workspace,
      },
      { programPrefix: prefix, allowNonRoot: true },
    ),
  );
}

async function runKit(
  keychain: StandInKeychain,
  env: NodeJS.ProcessEnv,
  opts: { withInstaller?: boolean; exit?: Record<string, number> } = {},
) {
  const fake = await makeStandInMac(keychain, {
    passthrough: PASSTHROUGH,
    passthroughWriteArg: AWK_WRITES,
    exit: { ...NOT_DONE, ...opts.exit },
  });
  try {
    const path = join(dir, `install-${Math.random().toString(36).slice(2)}.sh`);
    await writeFile(path, await script(fake.prefix, opts.withInstaller ?? true), { mode: 0o700 });
    const result = await runOnMac(path, env, dir);
    return { ...result, calls: await fake.calls() };
  } finally {
    await fake.cleanup();
  }
}

const changesTrust = (c: RecordedCall) =>
  c.program === '/usr/bin/security' &&
  ['add-trusted-cert', 'remove-trusted-cert', 'trust-settings-import', 'add-certificates'].includes(c.args[0]!);
/** Anything but reading the trust settings, the client's receipt, and the script's own folder. */
const changesTheMac = (c: RecordedCall) =>
  !(
    ['/usr/bin/mktemp', '/usr/bin/openssl', '/bin/cat'].includes(c.program) ||
    (c.program === '/usr/bin/security' && ['trust-settings-export', 'find-identity'].includes(c.args[0]!)) ||
    (c.program === '/usr/sbin/pkgutil' && c.args[0] === '--pkg-info') ||
    (c.program === '/bin/rm' && c.args.every((a) => !a.startsWith('/') || WORK.test(a)))
  );

describe.skipIf(!HAVE_MAC_USERLAND)(
  'install.sh with macOS sh and awk (skipped: ../shared/macos-userland/bin missing)',
  () => {
    it('finishes on a Mac whose admin trust settings hold the root, and never touches trust', async () => {
      const r = await runKit(
        { adminTrust: [{ sha1: rootSha1() }] },
        { ONBOARD_PFX: pfx, ONBOARD_PFX_PASSWORD: PASSWORD },
      );
      expect(r.stderr).toContain('all steps finished');
      expect(r.code).toBe(0);
      expect(r.calls.filter(changesTrust)).toEqual([]);
      const imports = r.calls.filter((c) => c.program === '/usr/bin/security' && c.args[0] === 'import');
      expect(imports).toHaveLength(1);
      expect(imports[0]!.args.slice(-2)).toEqual(['-T', CLIENT_BINARY]);
      expect(r.calls.some((c) => c.program === '/usr/sbin/installer')).toBe(true);
    });

    it("finds this Mac's identity by the SHA-1 of ONBOARD_PFX's certificate, and imports it only once", async () => {
      const listed = `  1) ${leafSha1()} "MAC01.local"\n     1 identities found\n`;
      const r = await runKit(
        { adminTrust: [{ sha1: rootSha1() }], identities: listed },
        { ONBOARD_PFX: pfx, ONBOARD_PFX_PASSWORD: PASSWORD },
      );
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("already done: Import this Mac's identity");
      expect(r.calls.filter((c) => c.program === '/usr/bin/security' && /import|delete/.test(c.args[0]!))).toEqual([]);
    });

    it('after upgrading the client, takes the identity out and imports it again for the new binary', async () => {
      const listed = `  1) ${leafSha1()} "MAC01.local"\n     1 identities found\n`;
      const r = await runKit(
        {
          adminTrust: [{ sha1: rootSha1() }],
          identities: listed,
          client: { version: '5.0.0.1', upgradeTo: '5.1.2.3' },
        },
        { ONBOARD_PFX: pfx, ONBOARD_PFX_PASSWORD: PASSWORD },
      );
      expect(r.stderr).toContain('all steps finished');
      const verbs = r.calls.filter((c) => c.program === '/usr/bin/security' && /import|delete/.test(c.args[0]!));
      expect(verbs.map((c) => c.args.slice(0, 3))).toEqual([
        ['delete-identity', '-Z', leafSha1()],
        ['import', expect.stringMatching(/identity\.p12$/), '-k'],
      ]);
    });

    it.each([
      ['no admin trust settings at all', (): StandInKeychain => ({})],
      ['only another certificate trusted', (): StandInKeychain => ({ adminTrust: [{ sha1: 'AB'.repeat(20) }] })],
      ['the root denied', (): StandInKeychain => ({ adminTrust: [{ sha1: rootSha1(), result: 3 }] })],
    ])('stops with exit 2 before any change: %s', async (_n, keychain) => {
      const r = await runKit(keychain(), { ONBOARD_PFX: pfx, ONBOARD_PFX_PASSWORD: PASSWORD });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('does not trust the root CA "Fleet Root CA"');
      expect(r.stderr).toContain('Deploy the configuration profile "Fleet CA trust"');
      expect(r.calls.filter(changesTheMac)).toEqual([]);
      expect(r.calls.some((c) => c.args[0] === 'trust-settings-export')).toBe(true);
    });

    it('without an installer, stops before any change when the client is not installed', async () => {
      const r = await runKit(
        { adminTrust: [{ sha1: rootSha1() }] },
        { ONBOARD_PFX: pfx, ONBOARD_PFX_PASSWORD: PASSWORD },
        { withInstaller: false, exit: { '/usr/sbin/pkgutil': 1 } },
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('the 1E Client is not installed on this Mac');
      expect(r.calls.filter(changesTheMac)).toEqual([]);
    });

    it('reads the password from a root-only file, and refuses one others can read', async () => {
      const file = join(dir, 'password');
      await writeFile(file, PASSWORD + '\n', { mode: 0o600 });
      const ok = await runKit(
        { adminTrust: [{ sha1: rootSha1() }] },
        { ONBOARD_PFX: pfx, ONBOARD_PFX_PASSWORD_FILE: file },
      );
      expect(ok.stderr).toContain('all steps finished');
      expect(ok.code).toBe(0);
      const open = join(dir, 'password-open');
      await writeFile(open, PASSWORD + '\n', { mode: 0o644 });
      const refused = await runKit(
        { adminTrust: [{ sha1: rootSha1() }] },
        { ONBOARD_PFX: pfx, ONBOARD_PFX_PASSWORD_FILE: open },
      );
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('readable by root alone');
      expect(refused.calls.filter(changesTheMac)).toEqual([]);
    });

    it('stops before any change without ONBOARD_PFX, or with a wrong password', async () => {
      const trusted = { adminTrust: [{ sha1: rootSha1() }] };
      const none = await runKit(trusted, { ONBOARD_PFX_PASSWORD: PASSWORD });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('set ONBOARD_PFX');
      const wrong = await runKit(trusted, { ONBOARD_PFX: pfx, ONBOARD_PFX_PASSWORD: 'wrong' });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('could not open');
      expect([...none.calls, ...wrong.calls].filter(changesTheMac)).toEqual([]);
    });
  },
);

describe('the kit scripts', () => {
  it('pass shellcheck and hold no secret', async () => {
    const kit = await buildFleetKit({
      switchAddress: 'tachyon.fleet.example:4000',
      backgroundUrl: 'https://tachyon.fleet.example/Background/',
      caCertificates: [pki.root.cert, pki.issuing.cert],
      installerPath: installer,
    });
    for (const name of ['install.sh', 'extension-attribute.sh']) {
      const text = String(kit.files.find((f) => f.name === name)!.content);
      const sc = await shellcheck(text);
      expect(sc.out, name).toBe('');
      expect(sc.code).toBe(0);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toMatch(/-----BEGIN|PRIVATE KEY/);
    }
    expect(String(kit.files.find((f) => f.name === 'install.sh')!.content)).toContain(rootSha1());
    expect(await readFile(installer)).toBeTruthy();
  });
});
