// Specification: each fact's parser reads the command's real output format; gatherFacts puts them together.
import { describe, expect, it } from 'vitest';
import {
  expectedHostName,
  gatherFacts,
  isTrustedRoot,
  parseDsconfigad,
  parseFindCertificate,
  parseFindIdentity,
  parseFindIdentityAll,
  parseHdiutilAttach,
  parseIdGroups,
  parseLaunchctlPrint,
  parsePkgFiles,
  parsePkgInfo,
  parseScutilGet,
  parseSwVers,
  parseSysctlTranslated,
  parseTrustSettings,
  parseUname,
} from '../../../../src/core/macos/facts';
import { SimulatedMac } from '../../../../src/core/macos/executors/simulated';

// `security trust-settings-export -d FILE` as macOS writes it: one root trusted for everything
// (empty constraints, as add-trusted-cert -r trustRoot writes), one limited to SSL with an
// explicit result, one denied, and one whose only constraint decides nothing.
const TRUST_EXPORT = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>trustList</key>
	<dict>
		<key>0563B8630D62D75ABBC8AB1E4BDFB5A899B24D43</key>
		<dict>
			<key>issuerName</key>
			<data>
			MD8xJDAiBgNVBAoTG0RpZ2l0YWwgU2lnbmF0dXJlIFRydXN0IENvLjEXMBUGA1UE
			AxMORFNUIFJvb3QgQ0EgWDM=
			</data>
			<key>modDate</key>
			<date>2024-05-02T09:14:51Z</date>
			<key>serialNumber</key>
			<data>
			RAvSsA==
			</data>
			<key>trustSettings</key>
			<array/>
		</dict>
		<key>1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c</key>
		<dict>
			<key>issuerName</key>
			<data>
			MBIxEDAOBgNVBAMMB1Rlc3QgQ0E=
			</data>
			<key>modDate</key>
			<date>2024-05-02T09:15:02Z</date>
			<key>serialNumber</key>
			<data>
			AQ==
			</data>
			<key>trustSettings</key>
			<array>
				<dict>
					<key>kSecTrustSettingsPolicy</key>
					<data>
					KoZIhvdjZAED
					</data>
					<key>kSecTrustSettingsPolicyName</key>
					<string>sslServer</string>
					<key>kSecTrustSettingsResult</key>
					<integer>1</integer>
				</dict>
			</array>
		</dict>
		<key>AAAABBBBCCCCDDDDEEEEFFFF0000111122223333</key>
		<dict>
			<key>issuerName</key>
			<data>
			MBIxEDAOBgNVBAMMB0JhZCAmIENB
			</data>
			<key>modDate</key>
			<date>2024-05-02T09:16:40Z</date>
			<key>serialNumber</key>
			<data>
			Ag==
			</data>
			<key>trustSettings</key>
			<array>
				<dict>
					<key>kSecTrustSettingsResult</key>
					<integer>3</integer>
				</dict>
			</array>
		</dict>
		<key>9999888877776666555544443333222211110000</key>
		<dict>
			<key>trustSettings</key>
			<array>
				<dict>
					<key>kSecTrustSettingsResult</key>
					<integer>4</integer>
				</dict>
			</array>
		</dict>
	</dict>
	<key>trustVersion</key>
	<integer>1</integer>
</dict>
</plist>
`;

const PEM_A =
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2xvc2VkIGZvciB0ZXN0aW5nIG9ubHkwCgYIKoZIzj0E\n-----END CERTIFICATE-----';

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

  it('security find-certificate -a -Z -p, with and without the SHA-256 line', () => {
    const sha256 = 'A'.repeat(64);
    const sha1 = 'b'.repeat(40);
    const out = `SHA-256 hash: ${sha256}\nSHA-1 hash: ${sha1.toUpperCase()}\n${PEM_A}\nSHA-1 hash: ${'C'.repeat(40)}\n${PEM_A}\n`;
    expect(parseFindCertificate(out)).toEqual([
      { sha256, sha1: sha1.toUpperCase(), pem: PEM_A + '\n' },
      { sha256: null, sha1: 'C'.repeat(40), pem: PEM_A + '\n' },
    ]);
  });

  it('security find-identity -v (and the full listing, counted once)', () => {
    const v = '  1) 4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A "MAC01.local"\n     1 valid identities found\n';
    expect(parseFindIdentity(v)).toEqual([{ sha1: '4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A', name: 'MAC01.local' }]);
    const full =
      'Policy: SSL (client)\n  Matching identities\n' +
      v.split('\n')[0] +
      '\n     1 identities found\n\n  Valid identities only\n' +
      v;
    expect(parseFindIdentity(full)).toHaveLength(1);
    expect(parseFindIdentity('     0 valid identities found\n')).toEqual([]);
  });

  it('hdiutil attach -plist', () => {
    const plist =
      '<plist version="1.0"><dict><key>system-entities</key><array><dict><key>dev-entry</key><string>/dev/disk4</string></dict><dict><key>mount-point</key>\n\t\t\t<string>/Volumes/1E &amp; Client</string></dict></array></dict></plist>';
    expect(parseHdiutilAttach(plist)).toEqual(['/Volumes/1E & Client']);
  });
});

describe('the host name 1E expects', () => {
  it('is <LocalHostName>.local on a Mac outside a domain', () => {
    expect(expectedHostName({ localHostName: 'MAC01', hostName: null, hostname: 'MAC01.local', domain: null })).toBe(
      'MAC01.local',
    );
  });

  it('is the FQDN on a domain-joined Mac', () => {
    expect(
      expectedHostName({
        localHostName: 'MAC01',
        hostName: null,
        hostname: 'MAC01.local',
        domain: { forest: 'acme.local', domain: 'acme.local', computerAccount: 'mac01$' },
      }),
    ).toBe('mac01.acme.local');
    expect(
      expectedHostName({
        localHostName: 'MAC01',
        hostName: 'MAC01.acme.local',
        hostname: 'MAC01.acme.local',
        domain: { forest: null, domain: 'acme.local', computerAccount: 'mac01$' },
      }),
    ).toBe('MAC01.acme.local');
  });
});

describe('admin trust settings and every identity', () => {
  it('security trust-settings-export: empty constraints trust as root for everything; results and policies are read', () => {
    const list = parseTrustSettings(TRUST_EXPORT);
    expect(list).toEqual([
      { sha1: '0563B8630D62D75ABBC8AB1E4BDFB5A899B24D43', result: 'trust-root', policies: [] },
      { sha1: '1F2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C', result: 'trust-root', policies: ['sslServer'] },
      { sha1: 'AAAABBBBCCCCDDDDEEEEFFFF0000111122223333', result: 'deny', policies: [] },
      { sha1: '9999888877776666555544443333222211110000', result: 'unspecified', policies: [] },
    ]);
    expect(isTrustedRoot(list, '0563b8630d62d75abbc8ab1e4bdfb5a899b24d43')).toBe(true);
    expect(isTrustedRoot(list, 'AAAABBBBCCCCDDDDEEEEFFFF0000111122223333')).toBe(false);
    expect(isTrustedRoot(list, '9999888877776666555544443333222211110000')).toBe(false);
    expect(isTrustedRoot(list, '0000000000000000000000000000000000000000')).toBe(false);
  });

  it('refuses what is not a trust settings property list', () => {
    expect(() =>
      parseTrustSettings('SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found.'),
    ).toThrow();
    expect(() =>
      parseTrustSettings('<plist version="1.0"><dict><key>trustList</key><dict><key>A</key></dict></dict></plist>'),
    ).toThrow();
  });

  it('security find-identity without -v: every identity with the reason an invalid one is left out of -v', () => {
    const out = [
      'Policy: SSL (client)',
      '  Matching identities',
      '  1) 3C1F0A3B8E4A2D5C6B7A8F9E0D1C2B3A4F5E6D7C "MAC01.local" (CSSMERR_TP_CERT_EXPIRED)',
      '  2) A1B2C3D4E5F60718293A4B5C6D7E8F9001122334 "MAC01.local"',
      '     2 identities found',
      '',
      '  Valid identities only',
      '  1) A1B2C3D4E5F60718293A4B5C6D7E8F9001122334 "MAC01.local"',
      '     1 valid identities found',
      '',
    ].join('\n');
    expect(parseFindIdentityAll(out)).toEqual([
      { sha1: '3C1F0A3B8E4A2D5C6B7A8F9E0D1C2B3A4F5E6D7C', name: 'MAC01.local', problem: 'CSSMERR_TP_CERT_EXPIRED' },
      { sha1: 'A1B2C3D4E5F60718293A4B5C6D7E8F9001122334', name: 'MAC01.local', problem: null },
    ]);
  });
});

describe('gatherFacts', () => {
  it('describes a fresh Apple Silicon Mac', async () => {
    const facts = await gatherFacts(new SimulatedMac({ macosVersion: '13.6.1', localHostName: 'LAB-MAC' }));
    expect(facts).toMatchObject({
      known: true,
      macos: { version: '13.6.1' },
      arch: 'arm64',
      translated: false,
      rosettaWorks: false,
      localHostName: 'LAB-MAC',
      hostName: null,
      expectedHostName: 'LAB-MAC.local',
      domain: null,
      admin: true,
      client: null,
      daemon: null,
      conf: null,
      certificates: [],
      identities: [],
      allIdentities: [],
      trustSettings: [],
    });
  });

  it('finds an installed, running client and its configuration', async () => {
    const facts = await gatherFacts(
      new SimulatedMac({ arch: 'x86_64', client: { version: '5.1.0.1', conf: 'Switch=t:4000\n', running: true } }),
    );
    expect(facts.rosettaWorks).toBe(true);
    expect(facts.client?.version).toBe('5.1.0.1');
    expect(facts.daemon?.running).toBe(true);
    expect(facts.conf).toMatchObject({
      path: '/Library/Application Support/1E/Client/1E.Client.conf',
      values: { Switch: 't:4000' },
    });
  });

  it('finds the configuration under /etc when the client keeps it there', async () => {
    const facts = await gatherFacts(
      new SimulatedMac({
        client: { version: '5.0.0.1', conf: 'Switch=e:4000\n', confPath: '/etc/1E/Client/1E.Client.conf' },
      }),
    );
    expect(facts.conf?.path).toBe('/etc/1E/Client/1E.Client.conf');
  });

  it('notices a user who is not an administrator and a domain binding', async () => {
    const facts = await gatherFacts(new SimulatedMac({ admin: false, domain: { domain: 'acme.local' } }));
    expect(facts.admin).toBe(false);
    expect(facts.expectedHostName).toBe('mac01.acme.local');
  });
});
