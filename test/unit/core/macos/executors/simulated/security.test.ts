// Specification: the simulated `security` answers like the real one: PKCS#12 import per macOS version, identities, certificates.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedMac } from '../../../../../../src/core/macos/executors/simulated';
import { FACT_COMMANDS, parseFindCertificate, parseFindIdentity } from '../../../../../../src/core/macos/facts';
import { makeMacFixtures, PFX_PASSWORD, type MacFixtures } from '../../fixtures';

/** The keychain grants the key to the 1E Client's program (-T), so these Macs have the client installed. */
function macWithClient(opts: ConstructorParameters<typeof SimulatedMac>[0] = {}): SimulatedMac {
  return new SimulatedMac({ client: { version: '24.1.0.5' }, ...opts });
}

let fx: MacFixtures;
let modernPath: string;
let legacyPath: string;
beforeAll(async () => {
  fx = await makeMacFixtures();
  modernPath = join(fx.dir, 'modern.p12');
  legacyPath = join(fx.dir, 'legacy.p12');
  await writeFile(modernPath, fx.modernPfx);
  await writeFile(legacyPath, fx.legacyPfx);
  await writeFile(join(fx.dir, 'root.pem'), fx.root.toString());
});
afterAll(async () => {
  await fx?.cleanup();
});

const KC = '/Library/Keychains/System.keychain';
const importCmd = (file: string, pw = PFX_PASSWORD) => ({
  program: '/usr/bin/security',
  args: [
    'import',
    file,
    '-k',
    KC,
    '-t',
    'agg',
    '-f',
    'pkcs12',
    '-P',
    pw,
    '-T',
    '/Library/Application Support/1E/Client/1E.Client',
  ],
});

describe('the simulated keychain', () => {
  it('refuses an OpenSSL 3 default (AES) PFX on macOS 14 with the real error text', async () => {
    const mac = macWithClient({ macosVersion: '14.4.1' });
    const r = await mac.asRoot().run(importCmd(modernPath));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'security: SecKeychainItemImport: MAC verification failed during PKCS12 import (wrong password?)\n',
    );
    expect(mac.snapshot().identities).toEqual([]);
  });

  it('imports the same AES PFX on macOS 15', async () => {
    const mac = macWithClient({ macosVersion: '15.1' });
    expect((await mac.asRoot().run(importCmd(modernPath))).exitCode).toBe(0);
    expect(mac.snapshot().identities).toHaveLength(1);
  });

  it('gives the same error for a wrong password', async () => {
    const r = await macWithClient().asRoot().run(importCmd(legacyPath, 'wrong'));
    expect(r.stderr).toContain('MAC verification failed');
  });

  it('imports a 3DES PFX as an identity whose key only the 1E Client may use', async () => {
    const mac = macWithClient();
    const r = await mac.asRoot().run(importCmd(legacyPath));
    expect(r).toMatchObject({ exitCode: 0, stdout: '1 identity imported.\n1 certificate imported.\n' });
    expect(mac.snapshot().identities).toEqual([
      {
        sha1: fx.leaf.fingerprint.replace(/:/g, ''),
        name: 'MAC01.local',
        anyApp: false,
        apps: ['/Library/Application Support/1E/Client/1E.Client'],
      },
    ]);
  });

  it('lists an identity as valid only once its root is trusted', async () => {
    const mac = macWithClient();
    await mac.asRoot().run(importCmd(legacyPath));
    expect(parseFindIdentity((await mac.run(FACT_COMMANDS.findIdentity)).stdout)).toEqual([]);
    await mac.asRoot().run({
      program: '/usr/bin/security',
      args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', KC, join(fx.dir, 'root.pem')],
    });
    const out = (await mac.run(FACT_COMMANDS.findIdentity)).stdout;
    expect(out).toMatch(/^ {2}1\) [0-9A-F]{40} "MAC01.local"\n {5}1 valid identities found\n$/);
  });

  it('prints certificates with SHA-256 and SHA-1 hashes and PEM', async () => {
    const mac = macWithClient({ certificates: [{ certificate: fx.root, trusted: true }] });
    const out = (await mac.run(FACT_COMMANDS.findCertificate)).stdout;
    expect(out.split('\n').slice(0, 3)).toEqual([
      `SHA-256 hash: ${fx.root.fingerprint256.replace(/:/g, '')}`,
      `SHA-1 hash: ${fx.root.fingerprint.replace(/:/g, '')}`,
      '-----BEGIN CERTIFICATE-----',
    ]);
    expect(parseFindCertificate(out)[0]!.pem).toBe(fx.root.toString());
  });

  it('refuses to add to the System keychain without root, before any trust is asked for', async () => {
    const mac = macWithClient();
    const r = await mac.run({
      program: '/usr/bin/security',
      args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', KC, join(fx.dir, 'root.pem')],
    });
    expect(r).toMatchObject({ exitCode: 1, stderr: 'SecCertificateAddToKeychain: Write permissions error.\n' });
    expect(mac.snapshot().trustDialogs).toEqual([]);
  });

  it('refuses -T for a program that is not on disk while reading its options, before the file, and imports nothing', async () => {
    const mac = new SimulatedMac();
    const r = await mac.asRoot().run(importCmd(join(fx.dir, 'no-such.pfx')));
    expect(r.exitCode).toBe(1);
    // sec_error of SecTrustedApplicationCreateFromPath (keychain_import.c#L379-401), derived: see test/fixtures/macos/security/.
    expect(r.stderr).toBe(
      'security: SecTrustedApplicationCreateFromPath /Library/Application Support/1E/Client/1E.Client: UNIX[No such file or directory]\n',
    );
    expect(mac.snapshot().identities).toEqual([]);
  });

  it('refuses a verb it does not know the way security does', async () => {
    const r = await new SimulatedMac().run({ program: '/usr/bin/security', args: ['constructor'] });
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr: 'security: unknown command "constructor"\n' });
  });
});

describe('the command log', () => {
  it('records every command with secrets masked', async () => {
    const mac = macWithClient();
    await mac.asRoot().run({ ...importCmd(legacyPath), secretArgs: [9] });
    expect(JSON.stringify(mac.commands())).not.toContain(PFX_PASSWORD);
    expect(mac.commands()[0]).toMatchObject({ root: true, exitCode: 0 });
  });
});
