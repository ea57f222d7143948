// Specification: each parser of the Mac's own commands reads the command's real output format.
import { describe, expect, it } from 'vitest';
import {
  parseDsconfigad,
  parseHdiutilAttach,
  parseIdGroups,
  parseLaunchctlPrint,
  parsePkgFiles,
  parsePkgInfo,
  parseScutilGet,
  parseSwVers,
  parseSysctlTranslated,
  parseUname,
} from '../../../../../src/core/macos/facts';

describe('parsers on recorded output', () => {
  it('sw_vers (macOS 14 layout, two tabs)', () => {
    expect(parseSwVers('ProductName:\t\tmacOS\nProductVersion:\t\t14.4.1\nBuildVersion:\t\t23E224\n')).toEqual({
      productName: 'macOS',
      version: '14.4.1',
      build: '23E224',
    });
  });
  it('sw_vers (macOS 11 layout, one tab)', () => {
    expect(parseSwVers('ProductName:\tmacOS\nProductVersion:\t11.7.10\nBuildVersion:\t20G1427\n')?.version).toBe(
      '11.7.10',
    );
  });
  it('uname -m and sysctl.proc_translated', () => {
    expect(parseUname('arm64\n')).toBe('arm64');
    expect(parseUname('i386\n')).toBeNull();
    expect(parseSysctlTranslated({ exitCode: 0, stdout: '1\n', stderr: '' })).toBe(true);
    expect(
      parseSysctlTranslated({ exitCode: 1, stdout: '', stderr: "sysctl: unknown oid 'sysctl.proc_translated'\n" }),
    ).toBe(false);
  });
  it('scutil --get, including an unset HostName', () => {
    expect(parseScutilGet({ exitCode: 0, stdout: 'MAC01\n', stderr: '' })).toBe('MAC01');
    expect(parseScutilGet({ exitCode: 1, stdout: '', stderr: 'HostName: not set\n' })).toBeNull();
  });
  it('dsconfigad -show for a bound and an unbound Mac', () => {
    const bound =
      'Active Directory Forest          = acme.local\nActive Directory Domain          = acme.local\nComputer Account                 = mac01$\n\nAdvanced Options - User Experience\n  Create mobile account at login = Enabled\n';
    expect(parseDsconfigad(bound)).toEqual({ forest: 'acme.local', domain: 'acme.local', computerAccount: 'mac01$' });
    expect(parseDsconfigad('')).toBeNull();
  });
  it('id -Gn', () => {
    expect(parseIdGroups('staff everyone localaccounts _appserverusr admin _lpadmin\n')).toContain('admin');
  });
  it('pkgutil --pkg-info and --files', () => {
    expect(
      parsePkgInfo(
        'package-id: com.1e.pkg.1E.Client\nversion: 24.1.0.5\nvolume: /\nlocation: Library\ninstall-time: 1714557600\n',
      ),
    ).toEqual({
      packageId: 'com.1e.pkg.1E.Client',
      version: '24.1.0.5',
      volume: '/',
      location: 'Library',
      installTime: 1714557600,
    });
    expect(parsePkgInfo("No receipt for 'com.1e.pkg.1E.Client' found at '/'.\n")).toBeNull();
    expect(
      parsePkgFiles('Application Support/1E/Client/1E.Client\nLaunchDaemons/com.1e.pkg.1E.Client.plist\n'),
    ).toHaveLength(2);
  });
  it('launchctl print for a running and a stopped job, ignoring nested blocks', () => {
    const running =
      'system/com.1e.pkg.1E.Client = {\n\tactive count = 1\n\tpath = /Library/LaunchDaemons/com.1e.pkg.1E.Client.plist\n\ttype = LaunchDaemon\n\tstate = running\n\n\tprogram = /Library/Application Support/1E/Client/1E.Client\n\targuments = {\n\t\t/Library/Application Support/1E/Client/1E.Client\n\t}\n\n\tendpoints = {\n\t\t"x" = {\n\t\t\tport = 1\n\t\t\tstate = active\n\t\t}\n\t}\n\tpid = 412\n\tlast exit code = (never exited)\n}\n';
    expect(parseLaunchctlPrint(running)).toEqual({
      state: 'running',
      running: true,
      pid: 412,
      path: '/Library/LaunchDaemons/com.1e.pkg.1E.Client.plist',
      program: '/Library/Application Support/1E/Client/1E.Client',
      lastExitCode: '(never exited)',
    });
    const stopped = 'system/com.1e.pkg.1E.Client = {\n\tstate = not running\n\tlast exit code = 78: EX_CONFIG\n}\n';
    expect(parseLaunchctlPrint(stopped)).toMatchObject({ running: false, pid: null, lastExitCode: '78: EX_CONFIG' });
    expect(parseLaunchctlPrint('Could not find service "com.1e.pkg.1E.Client" in domain for system\n')).toBeNull();
  });
  it('hdiutil attach -plist', () => {
    const plist =
      '<plist version="1.0"><dict><key>system-entities</key><array><dict><key>dev-entry</key><string>/dev/disk4</string></dict><dict><key>mount-point</key>\n\t\t\t<string>/Volumes/1E &amp; Client</string></dict></array></dict></plist>';
    expect(parseHdiutilAttach(plist)).toEqual(['/Volumes/1E & Client']);
  });
});
