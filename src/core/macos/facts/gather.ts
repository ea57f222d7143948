// What the Mac is like right now: one read-only command per fact, run together by gatherFacts.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { withPrivateTempDir } from '../../fsutil';
import { BIN, CLIENT_BINARY, CLIENT_LAUNCHD_LABEL, CLIENT_PACKAGE_ID, CONF_PATHS, SYSTEM_KEYCHAIN } from '../paths';
import { confValues, parseConf } from '../conf';
import type { Command, Executor } from '../types';
import {
  parseFindCertificate,
  parseFindIdentity,
  parseFindIdentityAll,
  parseTrustSettings,
  type KeychainCertificate,
  type KeychainIdentity,
  type KeychainIdentityEntry,
  type TrustSetting,
} from './keychain';
import {
  parseDsconfigad,
  parseIdGroups,
  parseLaunchctlPrint,
  parseManagerName,
  parsePkgInfo,
  parseScutilGet,
  parseSwVers,
  parseSysctlTranslated,
  parseUname,
  type DomainBinding,
  type LaunchdJob,
  type PkgInfo,
  type SwVers,
} from './system';

export interface MacFacts {
  /** False when the plan is made away from the Mac: every unknown fact is null and decided at run time. */
  known: boolean;
  macos: SwVers | null;
  arch: 'arm64' | 'x86_64' | null;
  /** This process runs under Rosetta translation. */
  translated: boolean | null;
  /** Intel code runs (always true on Intel Macs). */
  rosettaWorks: boolean | null;
  localHostName: string | null;
  computerName: string | null;
  hostName: string | null;
  hostname: string | null;
  /** The name 1E expects in the client certificate: <LocalHostName>.local, or the FQDN when domain-joined. */
  expectedHostName: string | null;
  domain: DomainBinding | null;
  admin: boolean | null;
  client: PkgInfo | null;
  daemon: LaunchdJob | null;
  conf: { path: string; text: string; values: Record<string, string> } | null;
  certificates: KeychainCertificate[];
  /** Valid SSL client identities (`find-identity -v`). */
  identities: KeychainIdentity[];
  /** Every SSL client identity, valid or not (an expired one is still there to be replaced). */
  allIdentities: KeychainIdentityEntry[];
  /** Admin-domain trust settings; null when they could not be read. */
  trustSettings: TrustSetting[] | null;
  /**
   * The launchd session this process runs in (`launchctl managername`: Aqua, Background,
   * System, ...); null when unknown. Only Aqua can show the dialog an admin trust change needs.
   */
  session: string | null;
  /** The 1E Client's program is on disk (a receipt alone does not make an installed client). */
  clientBinary: boolean | null;
}

/** Facts for a plan made without looking at the Mac (e.g. a script exported for an MDM tool). */
export function unknownFacts(): MacFacts {
  return {
    known: false,
    macos: null,
    arch: null,
    translated: null,
    rosettaWorks: null,
    localHostName: null,
    computerName: null,
    hostName: null,
    hostname: null,
    expectedHostName: null,
    domain: null,
    admin: null,
    client: null,
    daemon: null,
    conf: null,
    certificates: [],
    identities: [],
    allIdentities: [],
    trustSettings: null,
    session: null,
    clientBinary: null,
  };
}

// ---- one command per fact, exactly as gatherFacts runs them (also answered by the simulated Mac)

export const FACT_COMMANDS = {
  swVers: { program: BIN.swVers, args: [] },
  uname: { program: BIN.uname, args: ['-m'] },
  translated: { program: BIN.sysctl, args: ['-n', 'sysctl.proc_translated'] },
  rosetta: { program: BIN.arch, args: ['-x86_64', BIN.true] },
  localHostName: { program: BIN.scutil, args: ['--get', 'LocalHostName'] },
  computerName: { program: BIN.scutil, args: ['--get', 'ComputerName'] },
  hostName: { program: BIN.scutil, args: ['--get', 'HostName'] },
  hostname: { program: BIN.hostname, args: [] },
  dsconfigad: { program: BIN.dsconfigad, args: ['-show'] },
  groups: { program: BIN.id, args: ['-Gn'] },
  pkgInfo: { program: BIN.pkgutil, args: ['--pkg-info', CLIENT_PACKAGE_ID] },
  pkgFiles: { program: BIN.pkgutil, args: ['--only-files', '--files', CLIENT_PACKAGE_ID] },
  launchctlPrint: { program: BIN.launchctl, args: ['print', `system/${CLIENT_LAUNCHD_LABEL}`] },
  managername: { program: BIN.launchctl, args: ['managername'] },
  clientBinary: { program: BIN.test, args: ['-f', CLIENT_BINARY] },
  findCertificate: { program: BIN.security, args: ['find-certificate', '-a', '-Z', '-p', SYSTEM_KEYCHAIN] },
  findIdentity: { program: BIN.security, args: ['find-identity', '-v', '-p', 'ssl-client', SYSTEM_KEYCHAIN] },
  findIdentityAll: { program: BIN.security, args: ['find-identity', '-p', 'ssl-client', SYSTEM_KEYCHAIN] },
} satisfies Record<string, Command>;

/** `security trust-settings-export -d FILE`: the admin-domain trust settings as a property list, written to FILE. */
export function trustSettingsExportCommand(file: string): Command {
  return { program: BIN.security, args: ['trust-settings-export', '-d', file] };
}

export function catCommand(path: string): Command {
  return { program: BIN.cat, args: [path] };
}

export function tailCommand(path: string, lines: number): Command {
  return { program: BIN.tail, args: ['-n', String(lines), path] };
}

/** Runs the export into a private folder of this computer (the Mac the executor drives) and reads it back. */
async function readTrustSettings(executor: Executor): Promise<TrustSetting[] | null> {
  return withPrivateTempDir(async (dir) => {
    const file = join(dir, 'trust-settings.plist');
    const r = await executor.run(trustSettingsExportCommand(file));
    if (r.exitCode !== 0) return /No Trust Settings were found/i.test(r.stderr + r.stdout) ? [] : null;
    try {
      return parseTrustSettings(await fs.readFile(file, 'utf8'));
    } catch {
      return null;
    }
  }, 'onboard-trust-');
}

/** The host name 1E expects in the certificate's CN or DNS SAN. */
export function expectedHostName(
  f: Pick<MacFacts, 'localHostName' | 'hostName' | 'hostname' | 'domain'>,
): string | null {
  if (f.domain) {
    if (f.hostName && f.hostName.toLowerCase().endsWith(`.${f.domain.domain.toLowerCase()}`)) return f.hostName;
    const account = f.domain.computerAccount?.replace(/\$$/, '');
    if (account) return `${account}.${f.domain.domain}`;
  }
  if (f.localHostName) return `${f.localHostName}.local`;
  return f.hostname;
}

/** Asks the Mac everything the plans and the verifier need, with read-only commands only. */
export async function gatherFacts(executor: Executor): Promise<MacFacts> {
  const run = (c: Command) => executor.run(c);
  const [sw, un, tr, ro, lhn, cn, hn, hnCmd, ds, groups, pkg, lc, certs, ids, allIds, mgr, bin] = await Promise.all([
    run(FACT_COMMANDS.swVers),
    run(FACT_COMMANDS.uname),
    run(FACT_COMMANDS.translated),
    run(FACT_COMMANDS.rosetta),
    run(FACT_COMMANDS.localHostName),
    run(FACT_COMMANDS.computerName),
    run(FACT_COMMANDS.hostName),
    run(FACT_COMMANDS.hostname),
    run(FACT_COMMANDS.dsconfigad),
    run(FACT_COMMANDS.groups),
    run(FACT_COMMANDS.pkgInfo),
    run(FACT_COMMANDS.launchctlPrint),
    run(FACT_COMMANDS.findCertificate),
    run(FACT_COMMANDS.findIdentity),
    run(FACT_COMMANDS.findIdentityAll),
    run(FACT_COMMANDS.managername),
    run(FACT_COMMANDS.clientBinary),
  ]);
  const trustSettings = await readTrustSettings(executor);
  let conf: MacFacts['conf'] = null;
  for (const path of CONF_PATHS) {
    const r = await run(catCommand(path));
    if (r.exitCode === 0) {
      conf = { path, text: r.stdout, values: confValues(parseConf(r.stdout)) };
      break;
    }
  }
  const arch = un.exitCode === 0 ? parseUname(un.stdout) : null;
  const translated = parseSysctlTranslated(tr);
  const base = {
    localHostName: parseScutilGet(lhn),
    computerName: parseScutilGet(cn),
    hostName: parseScutilGet(hn),
    hostname: hnCmd.exitCode === 0 ? hnCmd.stdout.trim() || null : null,
    domain: ds.exitCode === 0 ? parseDsconfigad(ds.stdout) : null,
  };
  return {
    known: true,
    macos: sw.exitCode === 0 ? parseSwVers(sw.stdout) : null,
    // Under Rosetta uname says x86_64; the hardware is still Apple Silicon.
    arch: translated ? 'arm64' : arch,
    translated,
    rosettaWorks: ro.exitCode === 0,
    ...base,
    expectedHostName: expectedHostName(base),
    admin: groups.exitCode === 0 ? parseIdGroups(groups.stdout).includes('admin') : null,
    client: pkg.exitCode === 0 ? parsePkgInfo(pkg.stdout) : null,
    daemon: lc.exitCode === 0 ? parseLaunchctlPrint(lc.stdout) : null,
    conf,
    certificates: certs.exitCode === 0 ? parseFindCertificate(certs.stdout) : [],
    identities: ids.exitCode === 0 ? parseFindIdentity(ids.stdout) : [],
    allIdentities: allIds.exitCode === 0 ? parseFindIdentityAll(allIds.stdout) : [],
    trustSettings,
    session: parseManagerName(mgr),
    clientBinary: bin.exitCode === 0 ? true : bin.exitCode === 1 ? false : null,
  };
}
