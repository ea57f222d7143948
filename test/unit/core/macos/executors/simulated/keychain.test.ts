// Specification: the simulated keychain keeps admin trust settings and exports them as `security trust-settings-export` does.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedMac } from '../../../../../../src/core/macos/executors/simulated';
import { issuerAndSerial } from '../../../../../../src/core/macos/executors/simulated/trust-settings';
import { gatherFacts } from '../../../../../../src/core/macos/facts';
import { parsePlist } from '../../../../../../src/core/macos/plist';
import { makeKey, makeTestPki, opensslOk } from '../../../../../support/openssl';

describe('admin trust settings', () => {
  it("the simulated Mac answers trust-settings-export in the same format, with the certificate's own issuer and serial", async () => {
    const pki = await makeTestPki({});
    const dir = await mkdtemp(join(tmpdir(), 'onboard-trust-'));
    try {
      const root = new X509Certificate(pki.root.certPem);
      const mac = new SimulatedMac();
      expect(
        (
          await mac.run({
            program: '/usr/bin/security',
            args: ['trust-settings-export', '-d', join(dir, 'none.plist')],
          })
        ).stderr,
      ).toContain('No Trust Settings were found');
      expect((await gatherFacts(mac)).trustSettings).toEqual([]);
      const file = join(dir, 'root.pem');
      await writeFile(file, pki.root.certPem);
      expect(
        (
          await mac.asRoot().run({
            program: '/usr/bin/security',
            args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', '/Library/Keychains/System.keychain', file],
          })
        ).exitCode,
      ).toBe(0);
      const facts = await gatherFacts(mac);
      const sha1 = root.fingerprint.replace(/:/g, '');
      expect(facts.trustSettings).toEqual([{ sha1, result: 'trust-root', policies: [] }]);
      await mac.run({ program: '/usr/bin/security', args: ['trust-settings-export', '-d', join(dir, 'out.plist')] });
      const plist = parsePlist(await readFile(join(dir, 'out.plist'), 'utf8')) as {
        trustList: Record<string, { serialNumber: Uint8Array; issuerName: Uint8Array }>;
      };
      expect(Buffer.from(plist.trustList[sha1]!.serialNumber).toString('hex').toUpperCase().replace(/^0+/, '')).toBe(
        root.serialNumber.replace(/^0+/, ''),
      );
      expect(Buffer.from(plist.trustList[sha1]!.issuerName).toString('latin1')).toContain('Onboard Test Root CA');
      // Removing the trust setting leaves the certificate but no trust.
      expect(
        (await mac.asRoot().run({ program: '/usr/bin/security', args: ['remove-trusted-cert', '-d', file] })).exitCode,
      ).toBe(0);
      expect((await gatherFacts(mac)).trustSettings).toEqual([]);
      expect(mac.snapshot().certificates).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await pki.cleanup();
    }
  });
});

/** The DER of a certificate's TBS fields as `openssl asn1parse` locates them: the reference for the bytes the export records. */
async function opensslTbsFields(pemPath: string): Promise<{ serial: Buffer; issuer: Buffer }> {
  const derPath = `${pemPath}.der`;
  await opensslOk(['x509', '-in', pemPath, '-outform', 'DER', '-out', derPath]);
  const bytes = await readFile(derPath);
  const fields = (await opensslOk(['asn1parse', '-inform', 'DER', '-in', derPath]))
    .split('\n')
    .map((l) => /^\s*(\d+):d=2\s+hl=(\d+)\s+l=\s*(\d+)\s+(?:prim|cons):\s+(.*?)\s*(?::|$)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ offset: Number(m[1]), header: Number(m[2]), length: Number(m[3]), type: m[4]!.trim() }));
  const at = fields[0]!.type.startsWith('cont') ? 1 : 0;
  const serial = fields[at]!;
  const issuer = fields[at + 2]!;
  return {
    serial: bytes.subarray(serial.offset + serial.header, serial.offset + serial.header + serial.length),
    issuer: bytes.subarray(issuer.offset, issuer.offset + issuer.header + issuer.length),
  };
}

describe('the issuer and serial the trust settings record', () => {
  it('are the DER bytes openssl finds, for a v3 serial with its high bit set and for a v1 certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onboard-trust-der-'));
    try {
      const key = join(dir, 'key.pem');
      await makeKey(key);
      const v3 = join(dir, 'v3.pem');
      await opensslOk([
        'req',
        '-x509',
        '-key',
        key,
        '-out',
        v3,
        '-subj',
        '/O=Acme/CN=High Serial',
        '-set_serial',
        '0x80112233445566778899',
        '-days',
        '2',
      ]);
      const csr = join(dir, 'v1.csr');
      await opensslOk(['req', '-new', '-key', key, '-subj', '/CN=Version One', '-out', csr]);
      const v1 = join(dir, 'v1.pem');
      await opensslOk(['x509', '-req', '-in', csr, '-signkey', key, '-days', '2', '-out', v1]);
      for (const path of [v3, v1]) {
        const ours = issuerAndSerial(new X509Certificate(await readFile(path)));
        const reference = await opensslTbsFields(path);
        expect(Buffer.from(ours.serial).toString('hex')).toBe(reference.serial.toString('hex'));
        expect(Buffer.from(ours.issuer).toString('hex')).toBe(reference.issuer.toString('hex'));
      }
      // The high serial keeps the zero byte DER puts before it.
      expect(Buffer.from(issuerAndSerial(new X509Certificate(await readFile(v3))).serial).toString('hex')).toBe(
        '0080112233445566778899',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
