// Specification: the parsers, the simulated Mac and the sh trust check hold to real macOS outputs (test/fixtures/macos, each with its source).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedMac } from '../../../src/core/macos/executors/simulated';
import { trustSettingsPlist } from '../../../src/core/macos/executors/simulated/trust-settings';
import type { SimTrustResult } from '../../../src/core/macos/executors/simulated';
import { isTrustedRoot, parseFindIdentity, parseTrustSettings } from '../../../src/core/macos/facts/keychain';
import { parseManagerName, sessionCanShowDialogs } from '../../../src/core/macos/facts/system';
import { ADMIN_TRUST_AWK } from '../../../src/core/macos/sh-trust';
import { makeMacFixtures, PFX_PASSWORD, type MacFixtures } from '../../unit/core/macos/fixtures';

const ROOT = resolve(__dirname, '../../..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'macos');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const USERLAND = [
  process.env.ONBOARD_MACOS_USERLAND,
  join(ROOT, '..', 'shared', 'macos-userland', 'bin'),
  join(ROOT, '..', '..', 'shared', 'macos-userland', 'bin'),
].find((d): d is string => !!d && existsSync(join(d, 'awk')));
const RESEARCH_ROOT = '29760C22BE75AD9874541008F36F3CAA49A11CA4';
const KC = '/Library/Keychains/System.keychain';

let fx: MacFixtures;
let dir: string;
beforeAll(async () => {
  fx = await makeMacFixtures();
  dir = await mkdtemp(join(tmpdir(), 'onboard-trust-fixtures-'));
  await writeFile(join(dir, 'root.pem'), fx.root.toString());
});
afterAll(async () => {
  await fx?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('parsers against recorded outputs', () => {
  it('keeps an identity whose line ends in a CSSM error, with its label intact', () => {
    const ids = parseFindIdentity(fixture('security/find-identity-v-cssmerr.stdout'));
    expect(ids).toEqual([
      { sha1: RESEARCH_ROOT, name: 'MAC01.local' },
      {
        sha1: '0123456789ABCDEF0123456789ABCDEF01234567',
        name: 'iPhone Developer: Dave Lee (3FD7YP60A6)',
        problem: 'CSSMERR_TP_CERT_REVOKED',
      },
    ]);
  });

  it('reads the session: Terminal can show a dialog, SSH cannot', () => {
    const terminal = parseManagerName({
      exitCode: 0,
      stdout: fixture('launchctl/managername-terminal.stdout'),
      stderr: '',
    });
    const ssh = parseManagerName({ exitCode: 0, stdout: fixture('launchctl/managername-ssh.stdout'), stderr: '' });
    expect([terminal, ssh]).toEqual(['Aqua', 'Background']);
    expect(sessionCanShowDialogs(terminal)).toBe(true);
    expect(sessionCanShowDialogs(ssh)).toBe(false);
  });

  it('reads a root with no trustSettings key as trusted for every use, and an unspecified intermediate as not', () => {
    const settings = parseTrustSettings(fixture('trust-settings-export/research-example.plist'));
    expect(isTrustedRoot(settings, RESEARCH_ROOT)).toBe(true);
    expect(isTrustedRoot(settings, '0'.repeat(40))).toBe(false);
  });
});

describe('the simulated Mac prints what a real one prints', () => {
  it('add-trusted-cert -d as root with no GUI session: the recorded refusal, exit 1, the certificate already added', async () => {
    const mac = new SimulatedMac({ session: 'system' });
    const r = await mac.asRoot().run({
      program: '/usr/bin/security',
      args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', KC, join(dir, 'root.pem')],
    });
    expect(r).toMatchObject({ exitCode: 1, stdout: '', stderr: fixture('security/add-trusted-cert-no-ui.stderr') });
    expect(mac.snapshot().certificates.map((c) => [c.subject, c.trusted])).toEqual([[fx.root.subject, false]]);
  });

  it('remove-trusted-cert and trust-settings-export with no admin trust settings', async () => {
    const root = new SimulatedMac().asRoot();
    const remove = await root.run({
      program: '/usr/bin/security',
      args: ['remove-trusted-cert', '-d', join(dir, 'root.pem')],
    });
    expect(remove).toMatchObject({ exitCode: 1, stderr: fixture('security/remove-trusted-cert-none.stderr') });
    const exp = await root.run({
      program: '/usr/bin/security',
      args: ['trust-settings-export', '-d', join(dir, 'x.plist')],
    });
    expect(exp).toMatchObject({ exitCode: 1, stderr: fixture('trust-settings-export/no-trust-settings.stderr') });
  });

  it('delete-certificate matching nothing: no final newline', async () => {
    const r = await new SimulatedMac()
      .asRoot()
      .run({ program: '/usr/bin/security', args: ['delete-certificate', '-Z', RESEARCH_ROOT, KC] });
    expect(r).toMatchObject({ exitCode: 1, stderr: fixture('security/delete-not-found.stderr') });
  });

  it('launchctl managername per session', async () => {
    const say = async (session: 'aqua' | 'background') =>
      (await new SimulatedMac({ session }).run({ program: '/bin/launchctl', args: ['managername'] })).stdout;
    expect(await say('aqua')).toBe(fixture('launchctl/managername-terminal.stdout'));
    expect(await say('background')).toBe(fixture('launchctl/managername-ssh.stdout'));
  });

  it('the legacy load that fails exits 0 with the recorded words', async () => {
    const r = await new SimulatedMac()
      .asRoot()
      .run({ program: '/bin/launchctl', args: ['load', '-w', '/Library/LaunchDaemons/com.1e.pkg.1E.Client.plist'] });
    expect(r).toMatchObject({ exitCode: 0, stderr: fixture('launchctl/load-failed.stderr') });
  });

  it('security import -f pkcs12: the count on 11-14, nothing on 15; the wrong password in 15 words', async () => {
    const pfx = join(dir, 'client.pfx');
    await writeFile(pfx, fx.legacyPfx);
    const args = (pw: string) => ['import', pfx, '-k', KC, '-t', 'agg', '-f', 'pkcs12', '-P', pw];
    const on = (v: string, pw = PFX_PASSWORD) =>
      new SimulatedMac({ macosVersion: v }).asRoot().run({ program: '/usr/bin/security', args: args(pw) });
    // The recorded file held one identity only; this PFX also carries its chain, counted after it (L192-212).
    const before15 = await on('14.4.1');
    expect(before15.exitCode).toBe(0);
    expect(before15.stdout.startsWith(fixture('security/import-pkcs12-11-14.stdout'))).toBe(true);
    expect(await on('15.1')).toMatchObject({ exitCode: 0, stdout: '' });
    expect(await on('15.1', 'wrong')).toMatchObject({
      exitCode: 1,
      stderr: fixture('security/import-wrong-password-15.stderr'),
    });
  });
});

interface Awk {
  name: string;
  path: string;
  locale: string;
}
const AWKS: Awk[] = [
  ...(USERLAND
    ? [
        { name: "macOS's awk, UTF-8", path: join(USERLAND, 'awk'), locale: 'C.UTF-8' },
        { name: "macOS's awk, C", path: join(USERLAND, 'awk'), locale: 'C' },
      ]
    : []),
  { name: "Debian's awk, C.UTF-8", path: '/usr/bin/awk', locale: 'C.UTF-8' },
];
if (!USERLAND) it.skip("SKIPPED: macOS's awk is not at ../shared/macos-userland/bin; only Debian's ran", () => {});

function awkVerdict(a: Awk, file: string, sha1: string): Promise<number> {
  return new Promise((done) =>
    execFile(a.path, ['-v', `want=${sha1}`, ADMIN_TRUST_AWK, file], { env: { LC_ALL: a.locale } }, (err) =>
      done(err ? Number((err as { code?: number }).code ?? 1) : 0),
    ),
  );
}

describe.each(AWKS)("the sh trust check's awk (%s) gives isTrustedRoot's answers", (a) => {
  it('on the research example, the simulated exports of every result, and an empty trustSettings array', async () => {
    const sha = fx.root.fingerprint.replace(/:/g, '');
    const exportOf = (result: SimTrustResult, policies: string[] = []) =>
      trustSettingsPlist([
        { x509: fx.root, pem: fx.root.toString(), sha1: sha, trust: { result, policies, modDate: new Date(0) } },
      ]);
    const research = fixture('trust-settings-export/research-example.plist');
    const cases: [string, string, string][] = [
      ['research root', research, RESEARCH_ROOT],
      ['research root, lower case', research, RESEARCH_ROOT.toLowerCase()],
      ['research intermediate', research, 'SHA1-OF-INTERMEDIATE-UPPERCASE-HEX'],
      ['not listed', research, 'F'.repeat(40)],
      [
        'an empty trustSettings array',
        research.replace(
          '\t\t\t<key>serialNumber</key>',
          '\t\t\t<key>trustSettings</key>\n\t\t\t<array/>\n\t\t\t<key>serialNumber</key>',
        ),
        RESEARCH_ROOT,
      ],
      ['trustRoot', exportOf('trustRoot'), sha],
      ['trustRoot for SSL only', exportOf('trustRoot', ['sslServer']), sha],
      ['trustAsRoot', exportOf('trustAsRoot'), sha],
      ['deny', exportOf('deny'), sha],
      ['unspecified', exportOf('unspecified'), sha],
    ];
    const got: Record<string, boolean> = {};
    const want: Record<string, boolean> = {};
    for (const [name, xml, sha1] of cases) {
      const file = join(dir, `case-${name.replace(/\W+/g, '-')}.plist`);
      await writeFile(file, xml);
      got[name] = (await awkVerdict(a, file, sha1)) === 0;
      want[name] = isTrustedRoot(parseTrustSettings(xml), sha1);
    }
    expect(got).toEqual(want);
    // And the answers themselves, so the two cannot agree on a wrong one.
    expect(
      Object.entries(want)
        .filter(([, v]) => v)
        .map(([k]) => k),
    ).toEqual([
      'research root',
      'research root, lower case',
      'an empty trustSettings array',
      'trustRoot',
      'trustRoot for SSL only',
      'trustAsRoot',
    ]);
  });

  it('exits 2 on a file that is not a property list', async () => {
    const file = join(dir, 'not-a-plist.txt');
    await writeFile(file, 'SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found.\n\xe9\xff');
    expect(await awkVerdict(a, file, RESEARCH_ROOT)).toBe(2);
  });
});
