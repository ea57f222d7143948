// Specification: the keychain parsers read what `security` prints about certificates, identities and trust settings.
import { describe, expect, it } from 'vitest';
import {
  isTrustedRoot,
  parseFindCertificate,
  parseFindIdentity,
  parseFindIdentityAll,
  parseTrustSettings,
} from '../../../../../src/core/macos/facts';

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
