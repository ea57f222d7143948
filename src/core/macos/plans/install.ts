// Plan: install (or upgrade) the 1E Client from a .pkg, a .dmg or the .zip 1E ships.
import { promises as fs } from 'node:fs';
import { basename, posix } from 'node:path';
import { OnboardError } from '../../errors';
import type { Action, Plan } from '../action';
import type { MacFacts } from '../facts';
import { BIN, CLIENT_BINARY, CLIENT_PACKAGE_ID } from '../paths';
import type { PlanWorkspace } from '../workspace';
import { listZipEntriesFromFile } from '../zip';
import { emptyPlan } from './common';
import { saveConfBeforeInstall } from './configure';

export type InstallerKind = 'pkg' | 'dmg' | 'zip';

export interface InstallPlanInput {
  installerPath: string;
  facts: MacFacts;
  workspace: PlanWorkspace;
  /** Name of the .pkg inside a .dmg; default: the disk image's name with .pkg. */
  packageInImage?: string;
}

/** The version in a 1E file name, e.g. `1e.client-macOS_v5.1.2.3.dmg` or `1EClient-Non-Windows.v24.1.0.5.zip`. */
export function versionFromFileName(name: string): string | null {
  const m = /[vV_-](\d+\.\d+(?:\.\d+){0,2})(?=\.(?:pkg|dmg|zip)$|[^\d.])/.exec(name);
  return m ? m[1]! : null;
}

/** Recognises the installer by its content (xar for .pkg, a UDIF "koly" trailer for .dmg, PK for .zip). */
export async function detectInstallerKind(path: string): Promise<InstallerKind> {
  const fh = await fs.open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    if (head.toString('latin1') === 'xar!') return 'pkg';
    if (head.readUInt32LE(0) === 0x04034b50) return 'zip';
    if (size >= 512) {
      const trailer = Buffer.alloc(4);
      await fh.read(trailer, 0, 4, size - 512);
      if (trailer.toString('latin1') === 'koly') return 'dmg';
    }
  } finally {
    await fh.close();
  }
  throw new OnboardError(
    'installer-unrecognised',
    `${path} is not a macOS installer package (.pkg), disk image (.dmg) or zip archive.`,
    'Give the 1E Client for macOS as downloaded from the 1E Support Portal: the .zip, the .dmg inside it, or the .pkg.',
  );
}

function choosePackage(entries: { name: string; directory: boolean }[], archive: string): string {
  const pkgs = entries.filter((e) => !e.directory && /\.pkg$/i.test(e.name) && !e.name.startsWith('__MACOSX/'));
  const mac = pkgs.filter((e) => /mac|osx|darwin/i.test(e.name));
  const pick = mac.length === 1 ? mac : pkgs;
  if (pick.length === 1) {
    const name = pick[0]!.name;
    if (name.startsWith('/') || name.split('/').includes('..')) {
      throw new OnboardError(
        'installer-unsafe',
        `${archive} names its package "${name}", which points outside the archive.`,
        'Download the 1E Client archive again from the 1E Support Portal.',
      );
    }
    return name;
  }
  if (pick.length === 0)
    throw new OnboardError(
      'installer-no-package',
      `${archive} contains no .pkg installer package.`,
      'Give the 1E Client for macOS archive, or the .pkg itself.',
    );
  throw new OnboardError(
    'installer-ambiguous',
    `${archive} contains several packages: ${pick.map((p) => p.name).join(', ')}.`,
    'Extract the macOS .pkg and give it directly.',
  );
}

/** The id of the action that runs `installer -pkg`: the one that (re)writes the client and its conf. */
export const PACKAGE_INSTALL_ACTION = 'client-install';

/** True when the plan will run the package installer (not when the installer is the version already there). */
export function installsPackage(plan: Plan): boolean {
  return plan.actions.some((a) => a.id === PACKAGE_INSTALL_ACTION && a.status === 'pending');
}

export async function installClient(input: InstallPlanInput): Promise<Plan> {
  const plan = emptyPlan('install-client', 'Install the 1E Client');
  const file = basename(input.installerPath);
  const kind = await detectInstallerKind(input.installerPath);
  let pkgPath = input.installerPath;
  let version = versionFromFileName(file);
  const before: Action[] = [];
  if (kind === 'dmg') {
    const mount = await input.workspace.makeDir('installer-volume');
    const pkgName = input.packageInImage ?? file.replace(/\.dmg$/i, '') + '.pkg';
    pkgPath = posix.join(mount, pkgName);
    if (!input.packageInImage)
      plan.warnings.push(
        `The package inside the disk image is expected to be called ${pkgName}, as in 1E's images; if it is not, installation stops and nothing is changed.`,
      );
    before.push({
      id: 'installer-attach',
      title: `Open the disk image ${file} (read-only, not shown in Finder)`,
      detail: 'Mounted on a private folder of this plan; always detached afterwards.',
      command: {
        program: BIN.hdiutil,
        args: ['attach', '-nobrowse', '-readonly', '-noautoopen', '-plist', '-mountpoint', mount, input.installerPath],
        timeoutMs: 5 * 60_000,
      },
      root: false,
      status: 'pending',
    });
    plan.cleanup.push({ program: BIN.hdiutil, args: ['detach', mount, '-force'] });
    plan.script = { setup: [`${BIN.mkdir} "$work"/${basename(mount)}`], substitutions: [] };
  } else if (kind === 'zip') {
    const entries = await listZipEntriesFromFile(input.installerPath);
    const inner = choosePackage(entries, file);
    version = versionFromFileName(basename(inner)) ?? version;
    const dir = await input.workspace.makeDir('installer-files');
    plan.script = { setup: [`${BIN.mkdir} "$work"/${basename(dir)}`], substitutions: [] };
    pkgPath = posix.join(dir, inner);
    before.push({
      id: 'installer-extract',
      title: `Extract ${file}`,
      detail: `Into a private folder of this plan; the package is ${inner}.`,
      command: { program: BIN.ditto, args: ['-x', '-k', input.installerPath, dir], timeoutMs: 5 * 60_000 },
      root: false,
      status: 'pending',
    });
  }
  const installed = input.facts.client?.version;
  // A receipt alone is not an installed client: the program must be on disk too (a receipt
  // outlives a deleted program). pkgutil's version is whatever the package's author set
  // (research §9: QuPath's reports "0"), and no recorded receipt of 1E's package shows whether it
  // matches the file name; the file name stays the only version Onboard can know before installing.
  const binaryMissing = input.facts.known && input.facts.clientBinary === false;
  const same = version !== null && installed === version && !binaryMissing;
  const install: Action = {
    id: PACKAGE_INSTALL_ACTION,
    title:
      installed && binaryMissing
        ? `Install the 1E Client${version ? ` ${version}` : ''} again (the receipt says ${installed}, but its program is missing)`
        : installed
          ? `Upgrade the 1E Client from ${installed} to ${version ?? 'the new version'}`
          : `Install the 1E Client ${version ?? ''}`.trim(),
    detail:
      `installer -target / (the boot volume). ${installed || !input.facts.known ? 'On an upgrade the package resets 1E.Client.conf to its defaults; the configuration step merges your settings back from the copy kept just before. ' : ''}${installed ? '' : 'On a new installation the package writes 1E.Client.conf with its defaults; the configuration step merges your settings into it.'}`.trim(),
    command: { program: BIN.installer, args: ['-pkg', pkgPath, '-target', '/'], timeoutMs: 15 * 60_000 },
    root: true,
    status: same ? 'skip' : 'pending',
    ...(same ? { reason: `version ${version} is already installed` } : {}),
  };
  if (version)
    install.check = {
      command: { program: BIN.pkgutil, args: ['--pkg-info', CLIENT_PACKAGE_ID] },
      stdoutIncludes: `version: ${version}\n`,
      and: [{ command: { program: BIN.test, args: ['-f', CLIENT_BINARY] } }],
    };
  else
    plan.warnings.push(
      `The version cannot be read from the name ${file}, so the package is installed again on every run.`,
    );
  // Right before the package, inside the same administrator batch as `installer`.
  const save = saveConfBeforeInstall(input.facts, input.workspace, install.check);
  if (save) before.push(save);
  for (const a of before) {
    if (install.check) a.check = install.check;
    if (same) {
      a.status = 'skip';
      a.reason = 'not needed: this version is already installed';
    }
  }
  plan.actions.push(...before, install);
  return plan;
}
