// The stand-in Mac the fleet kit's scripts run on: fake-programs.ts, plus a `security` that keeps a keychain's admin trust settings and identities, and macOS's own sh and awk.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFakePrograms, type FakePrograms, type FakeSpec } from '../macos/fake-programs';

/** ../shared/macos-userland/bin beside the checkout (/work/main), or two levels up from a worktree (/work/wt/NAME). */
export const MAC_BIN =
  [1, 2].map((up) => join(__dirname, '../../..', '../'.repeat(up), 'shared/macos-userland/bin')).find(existsSync) ??
  join(__dirname, '../../../../shared/macos-userland/bin');
export const MAC_SH = join(MAC_BIN, 'sh');
export const MAC_AWK = join(MAC_BIN, 'awk');
/** Tests that need macOS's own sh and awk say they were skipped when these are not here. */
export const HAVE_MAC_USERLAND = existsSync(MAC_SH) && existsSync(MAC_AWK);

export interface StandInKeychain {
  /** SHA-1s (upper-case hex) in the admin trust settings, with their kSecTrustSettingsResult (none: the key left out). */
  adminTrust?: { sha1: string; result?: number }[];
  /** find-identity's listing. */
  identities?: string;
  /** find-certificate's output (SHA-1 line + PEM). */
  certificates?: string;
  /** The installed client's version, which the installer replaces with `upgradeTo` (pkgutil answers from it). */
  client?: { version: string; upgradeTo: string };
}

/** An admin trust settings export as `security trust-settings-export -d` writes it (research §2). */
export function trustSettingsPlist(entries: NonNullable<StandInKeychain['adminTrust']>): string {
  const entry = (e: { sha1: string; result?: number }) =>
    [
      `\t\t<key>${e.sha1}</key>`,
      '\t\t<dict>',
      '\t\t\t<key>issuerName</key>',
      '\t\t\t<data>MAA=</data>',
      '\t\t\t<key>modDate</key>',
      '\t\t\t<date>2026-11-30T10:00:00Z</date>',
      '\t\t\t<key>serialNumber</key>',
      '\t\t\t<data>AQ==</data>',
      ...(e.result === undefined
        ? []
        : [
            '\t\t\t<key>trustSettings</key>',
            '\t\t\t<array>',
            '\t\t\t\t<dict>',
            '\t\t\t\t\t<key>kSecTrustSettingsResult</key>',
            `\t\t\t\t\t<integer>${e.result}</integer>`,
            '\t\t\t\t</dict>',
            '\t\t\t</array>',
          ]),
      '\t\t</dict>',
    ].join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '\t<key>trustList</key>',
    '\t<dict>',
    ...entries.map(entry),
    '\t</dict>',
    '\t<key>trustVersion</key>',
    '\t<integer>1</integer>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Fake programs (every call recorded) where `security` answers from the keychain given:
 * trust-settings-export writes its admin trust settings (or says there are none, exit 1, as
 * recorded in runner-images#4734), find-identity and find-certificate print what it holds. awk runs
 * macOS's own for the kit's `-v` programs; plutil (the export is XML already), scutil and ls
 * (owner shown as root, as an MDM's files are) are added.
 */
export async function makeStandInMac(keychain: StandInKeychain, spec: FakeSpec, host = 'MAC01'): Promise<FakePrograms> {
  const fake = await makeFakePrograms(spec);
  const at = (p: string) => join(fake.prefix, p);
  const trust = at('admin-trust.plist');
  if (keychain.adminTrust) await writeFile(trust, trustSettingsPlist(keychain.adminTrust));
  await writeFile(at('identities'), keychain.identities ?? '     0 identities found\n');
  await writeFile(at('certificates'), keychain.certificates ?? '');
  const wrap = async (program: string, lines: string[]) => {
    await rename(at(program), at(program) + '.recorded');
    await writeFile(at(program), ['#!/bin/sh', ...lines, ''].join('\n'));
    await chmod(at(program), 0o755);
  };
  const recorded = q(at('/usr/bin/security.recorded'));
  await wrap('/usr/bin/security', [
    'case $1 in',
    `  trust-settings-export) ${recorded} "$@" >/dev/null 2>&1`,
    keychain.adminTrust
      ? `    /bin/cp ${q(trust)} "$3"; echo '...Trust Settings exported successfully.'; exit 0 ;;`
      : "    echo 'SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found.' >&2; exit 1 ;;",
    `  find-identity) ${recorded} "$@" >/dev/null 2>&1; /bin/cat ${q(at('identities'))}; exit 0 ;;`,
    `  find-certificate) ${recorded} "$@" >/dev/null 2>&1; /bin/cat ${q(at('certificates'))}; exit 0 ;;`,
    `  delete-identity) ${recorded} "$@"; : > ${q(at('identities'))}; exit 0 ;;`,
    `  *) exec ${recorded} "$@" ;;`,
    'esac',
  ]);
  if (keychain.client) {
    const version = q(at('client-version'));
    await writeFile(at('client-version'), keychain.client.version);
    await wrap('/usr/sbin/pkgutil', [
      `${q(at('/usr/sbin/pkgutil.recorded'))} "$@" >/dev/null 2>&1`,
      `printf 'package-id: com.1e.pkg.1E.Client\\nversion: %s\\n' "$(/bin/cat ${version})"`,
    ]);
    await wrap('/usr/sbin/installer', [
      `${q(at('/usr/sbin/installer.recorded'))} "$@" || exit`,
      `printf '%s' ${q(keychain.client.upgradeTo)} > ${version}`,
    ]);
  }
  await wrap('/usr/bin/awk', [
    `if [ "$1" = -v ]; then exec ${q(MAC_AWK)} "$@"; fi`,
    `exec ${q(at('/usr/bin/awk.recorded'))} "$@"`,
  ]);
  for (const [program, body] of [
    ['/usr/bin/plutil', 'exit 0'],
    ['/usr/sbin/scutil', `echo ${q(host)}`],
    ['/bin/ls', `/bin/ls "$@" | ${q(MAC_AWK)} '{ $3 = 0; print }'`],
  ] as const) {
    await writeFile(at(program), `#!/bin/sh\n${body}\n`);
    await chmod(at(program), 0o755);
  }
  return fake;
}

/** Runs a script as a Mac would: macOS's sh (POSIX mode, xpg_echo), macOS's awk first on PATH. */
export function runOnMac(
  path: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      MAC_SH,
      ['-O', 'xpg_echo', path],
      { cwd, env: { PATH: `${MAC_BIN}:/usr/bin:/bin`, LANG: 'C.UTF-8', ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end('');
  });
}
