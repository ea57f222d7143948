// Shared fixtures for the macOS tests: a real test PKI (openssl), PFX files in both profiles, and fake installer files.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { makePfx, makeTestPki, type TestPki } from '../../../support/openssl';

export const PFX_PASSWORD = 'Tr0ub4dor&3 "quoted" $(not-run)';

export interface MacFixtures {
  dir: string;
  pki: TestPki;
  root: X509Certificate;
  intermediate: X509Certificate;
  leaf: X509Certificate;
  /** OpenSSL 3 -legacy (3DES/SHA-1): every macOS imports it. */
  legacyPfx: Buffer;
  legacyPfxPath: string;
  /** OpenSSL 3 default (AES/PBKDF2/SHA-256 MAC): macOS 12-14 refuse it. */
  modernPfx: Buffer;
  pkgPath: string;
  dmgPath: string;
  zipPath: string;
  cleanup(): Promise<void>;
}

/** A file starting like a flat package (xar). */
export function fakePkg(): Buffer {
  return Buffer.concat([Buffer.from('xar!'), Buffer.alloc(60, 1)]);
}

/** A file ending with a UDIF trailer ("koly"), as every .dmg does. */
export function fakeDmg(): Buffer {
  const trailer = Buffer.alloc(512);
  trailer.write('koly', 0, 'latin1');
  return Buffer.concat([Buffer.alloc(1024, 7), trailer]);
}

export async function makeMacFixtures(): Promise<MacFixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'onboard-mac-fixtures-'));
  const pki = await makeTestPki({ intermediate: true });
  const device = await pki.issuer.issue('mac01', { cn: 'MAC01.local', sans: ['MAC01.local'] });
  const legacyPfxPath = join(dir, 'mac01-legacy.pfx');
  const modernPath = join(dir, 'mac01-modern.pfx');
  await makePfx(legacyPfxPath, device.certPath, device.keyPath, PFX_PASSWORD, {
    legacy: true,
    chainPaths: [pki.intermediate!.certPath],
  });
  await makePfx(modernPath, device.certPath, device.keyPath, PFX_PASSWORD, {
    chainPaths: [pki.intermediate!.certPath],
  });
  const pkgPath = join(dir, '1e.client-macOS_v5.1.2.3.pkg');
  await writeFile(pkgPath, fakePkg());
  const dmgPath = join(dir, '1e.client-macOS_v5.2.0.7.dmg');
  await writeFile(dmgPath, fakeDmg());
  const zipSrc = join(dir, 'zipsrc');
  await execFileP('/bin/mkdir', ['-p', join(zipSrc, 'macOS')]);
  await writeFile(join(zipSrc, 'macOS', '1e.client-macOS_v24.1.0.5.pkg'), fakePkg());
  await writeFile(join(zipSrc, 'readme.txt'), 'read me\n');
  const zipPath = join(dir, '1EClient-Non-Windows.v24.1.0.5.zip');
  await execFileP('/usr/bin/zip', ['-q', '-r', zipPath, 'macOS', 'readme.txt'], { cwd: zipSrc });
  return {
    dir,
    pki,
    root: new X509Certificate(pki.root.certPem),
    intermediate: new X509Certificate(pki.intermediate!.certPem),
    leaf: new X509Certificate(device.certPem),
    legacyPfx: await readFile(legacyPfxPath),
    legacyPfxPath,
    modernPfx: await readFile(modernPath),
    pkgPath,
    dmgPath,
    zipPath,
    async cleanup() {
      await pki.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const execFileP = promisify(execFile);

/** Runs one plan on a simulated Mac the way the app does (one privileged batch per run of root actions). */
export async function runOnSimulatedMac(
  mac: import('../../../../src/core/macos/executors/simulated').SimulatedMac,
  plan: import('../../../../src/core/macos/action').Plan,
) {
  const { executePlan } = await import('../../../../src/core/macos/execute');
  return executePlan(plan, { executor: mac, privileged: mac.privilegedRunner() });
}
