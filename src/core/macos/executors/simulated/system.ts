// The simulated Mac's identity: sw_vers, uname, sysctl, arch, scutil, hostname, dsconfigad and id answer from its fixed facts.
import { BIN } from '../../paths';
import type { CommandResult } from '../../types';
import { err, ok, type ProgramTable } from './command';
import type { MacState } from './state';

/**
 * sw_vers: "Key:<tabs>value" lines. The two tabs are what macOS 11 and later print for these keys
 * (no recorded output is kept here; rbenv/ruby-build#1451 and spencerdodd/kernelpop#17 show the
 * older one-tab layout, which the facts parser also reads).
 */
function swVers(mac: MacState): CommandResult {
  return ok(`ProductName:\t\tmacOS\nProductVersion:\t\t${mac.version}\nBuildVersion:\t\t${mac.build}\n`);
}

/** uname -m: the machine (arm64 or x86_64); plain uname: "Darwin". */
function uname(mac: MacState, a: readonly string[]): CommandResult {
  return a[0] === '-m' ? ok(`${mac.arch}\n`) : ok('Darwin\n');
}

/**
 * sysctl -n sysctl.proc_translated: 0 for a native process on Apple Silicon; on Intel the OID does
 * not exist (Apple, "About the Rosetta translation environment": sysctlbyname fails with ENOENT),
 * reported as system_cmds sysctl/sysctl.c does: warnx("unknown oid '%s'").
 */
function sysctl(mac: MacState, a: readonly string[]): CommandResult {
  if (a[0] === '-n' && a[1] === 'sysctl.proc_translated')
    return mac.arch === 'arm64' ? ok('0\n') : err(1, "sysctl: unknown oid 'sysctl.proc_translated'");
  return err(1, `sysctl: unknown oid '${a[a.length - 1] ?? ''}'`);
}

/**
 * arch -x86_64 PROGRAM runs Intel code: on Apple Silicon only with Rosetta. Without it, system_cmds
 * arch/arch.c ends with errc(1, ret, "posix_spawnp: %s", program) and the error is "Bad CPU type in
 * executable" (as reported in e.g. pingbird/puro#139). Plain arch prints the machine.
 */
function arch(mac: MacState, a: readonly string[]): CommandResult {
  if (a[0] === '-x86_64') {
    if (mac.arch === 'x86_64' || mac.rosetta) return ok();
    return err(1, `arch: posix_spawnp: ${a[1] ?? ''}: Bad CPU type in executable`);
  }
  return ok(`${mac.arch}\n`);
}

/** scutil --get NAME: the value, or "NAME: not set" with exit 1 (the unset HostName of most Macs; no recorded output kept). */
function scutil(mac: MacState, a: readonly string[]): CommandResult {
  if (a[0] !== '--get') return err(1, 'usage: scutil --get pref');
  const v =
    a[1] === 'LocalHostName'
      ? mac.names.localHostName
      : a[1] === 'ComputerName'
        ? mac.names.computerName
        : a[1] === 'HostName'
          ? mac.names.hostName
          : null;
  return v === null ? err(1, `${a[1] ?? ''}: not set`) : ok(`${v}\n`);
}

/**
 * hostname: HostName when set, otherwise LocalHostName.local: the name the Sharing pane shows, which
 * 1E's certificate requirements (seed 000) ask for. No recorded output kept.
 */
function hostname(mac: MacState): CommandResult {
  return ok(`${mac.names.hostName ?? `${mac.names.localHostName}.local`}\n`);
}

/**
 * dsconfigad -show: nothing on an unbound Mac; "Name = value" lines when bound. The column layout
 * is modelled on the parser's fixture; no recorded output of a real Mac was found.
 */
function dsconfigad(mac: MacState): CommandResult {
  if (!mac.domain) return ok();
  return ok(
    [
      `Active Directory Forest          = ${mac.domain.forest ?? mac.domain.domain}`,
      `Active Directory Domain          = ${mac.domain.domain}`,
      `Computer Account                 = ${mac.domain.computerAccount ?? mac.names.localHostName.toLowerCase() + '$'}`,
      '',
      'Advanced Options - User Experience',
      '  Create mobile account at login = Disabled',
      '',
    ].join('\n'),
  );
}

/**
 * id: -Gn lists group names (an administrator is in "admin"), -u the uid; the user is uid 501,
 * the first account macOS makes. The group list is typical, not recorded from a real Mac.
 */
function id(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  if (a[0] === '-Gn')
    return ok(
      `staff everyone localaccounts _appserverusr${mac.admin ? ' admin _appserveradm _lpadmin' : ''} com.apple.sharepoint.group.1 _analyticsusers\n`,
    );
  if (a[0] === '-u') return ok(root ? '0\n' : '501\n');
  return ok(root ? 'uid=0(root) gid=0(wheel)\n' : 'uid=501(tech) gid=20(staff)\n');
}

export const SYSTEM_PROGRAMS: ProgramTable = {
  [BIN.swVers]: swVers,
  [BIN.uname]: uname,
  [BIN.sysctl]: sysctl,
  [BIN.arch]: arch,
  [BIN.true]: () => ok(),
  [BIN.scutil]: scutil,
  [BIN.hostname]: hostname,
  [BIN.dsconfigad]: dsconfigad,
  [BIN.id]: id,
};
