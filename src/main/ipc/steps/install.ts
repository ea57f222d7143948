// Install in main: Rosetta, the 1E Client package, its configuration (as a diff) and the service, planned as one
// step; and the uninstall, which the Install step shows when the technician came to remove the client.
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { confValues, mergeConf, parseConf } from '../../../core/macos/conf';
import { FACT_COMMANDS, gatherFacts, parsePkgFiles } from '../../../core/macos/facts';
import { DEFAULT_CONF_PATH } from '../../../core/macos/paths';
import {
  configureClient,
  detectInstallerKind,
  installClient,
  installRosetta,
  installsPackage,
  startClient,
  uninstallClient,
} from '../../../core/macos/plans';
import { validateInputFile, validateLoggingLevel } from '../../../core/macos/validate';
import { PlanWorkspace } from '../../../core/macos/workspace';
import { OnboardError } from '../../../core/errors';
import type { Handlers } from '../router';
import type {
  ConfDiffLine,
  InstallPlan,
  InstallerCandidate,
  InstallerKind,
  PreparedChanges,
} from '../../../shared/contract';
import type { installMethods } from '../../../shared/contract/install';
import { keepPrepared, type PlansSession } from '../plans';
import { refuseInUninstallMode, type WelcomeSession } from './welcome';

/** The part of a session this step reads: the mode and the endpoints (written into the configuration). */
export type InstallSession = WelcomeSession & PlansSession;

const INSTALLER_NAME = /\.(dmg|zip|pkg)$/i;
const MAX_ENTRIES_PER_FOLDER = 500;
const MAX_CANDIDATES = 20;

/** Folders a downloaded or mounted 1E Client usually sits in, on the computer main runs on. */
export function installerFolders(home = homedir()): string[] {
  return [join(home, 'Downloads'), join(home, 'Desktop'), '/Volumes'];
}

async function listFolder(dir: string): Promise<{ name: string; path: string; isDir: boolean }[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .slice(0, MAX_ENTRIES_PER_FOLDER)
      .map((e) => ({ name: e.name, path: join(dir, e.name), isDir: e.isDirectory() }));
  } catch {
    return [];
  }
}

/**
 * 1E Client installers in the usual folders (and one level into mounted volumes), newest
 * first. Only names are read here; the file's content is judged when the plan is made.
 */
export async function findInstallers(folders: string[] = installerFolders()): Promise<InstallerCandidate[]> {
  const found: { c: InstallerCandidate; mtime: number }[] = [];
  const consider = async (path: string, name: string) => {
    const m = INSTALLER_NAME.exec(name);
    if (!m || !/1e/i.test(name)) return;
    try {
      const st = await fs.stat(path);
      if (st.isFile()) found.push({ c: { path, name, kind: m[1]!.toLowerCase() as InstallerKind }, mtime: st.mtimeMs });
    } catch {
      /* vanished or unreadable: not offered */
    }
  };
  for (const dir of folders) {
    for (const e of await listFolder(dir)) {
      if (!e.isDir) await consider(e.path, e.name);
      else if (dir === '/Volumes')
        for (const inner of await listFolder(e.path)) if (!inner.isDir) await consider(inner.path, inner.name);
    }
  }
  return found
    .sort((a, b) => b.mtime - a.mtime)
    .slice(0, MAX_CANDIDATES)
    .map((f) => f.c);
}

/** Every setting of the resulting configuration beside what the Mac has now; names compare without case, as the client does. */
export function confDiff(currentText: string | null, settings: Record<string, string>): ConfDiffLine[] {
  const before = confValues(parseConf(currentText ?? ''));
  const after = confValues(mergeConf(parseConf(currentText ?? ''), settings).doc);
  const beforeByLower = new Map(Object.entries(before).map(([k, v]) => [k.toLowerCase(), v] as const));
  return Object.entries(after).map(([key, value]): ConfDiffLine => {
    const was = beforeByLower.get(key.toLowerCase());
    if (was === undefined) return { key, after: value, change: 'added' };
    return { key, before: was, after: value, change: was === value ? 'same' : 'changed' };
  });
}

function endpointsOf(session: InstallSession): { switchAddress: string; backgroundUrl: string } {
  const e = session.welcome.endpoints;
  if (!e) {
    throw new OnboardError(
      'no-endpoints',
      'The Switch address and Background Channel URL are not set yet.',
      'Go back to Welcome and type both; they are written into 1E.Client.conf.',
    );
  }
  return e;
}

export async function planInstall(
  session: InstallSession,
  req: { installerPath: string; loggingLevel?: string | undefined; extraSettings: { key: string; value: string }[] },
): Promise<InstallPlan> {
  refuseInUninstallMode(session, 'Installing the 1E Client');
  const { switchAddress, backgroundUrl } = endpointsOf(session);
  const installerPath = req.installerPath.trim();
  if (!installerPath.startsWith('/')) {
    throw new OnboardError(
      'installer-path-relative',
      `"${installerPath}" is not a full path.`,
      'Give the full path of the installer, starting with /, for example /Users/you/Downloads/1EClient-Non-Windows.v24.1.0.zip.',
    );
  }
  await validateInputFile(installerPath, 'installer');
  const kind = await detectInstallerKind(installerPath);
  const settings: Record<string, string> = {};
  for (const s of req.extraSettings) settings[s.key] = s.value;
  settings.Switch = switchAddress;
  settings.BackgroundChannelUrl = backgroundUrl;
  if (req.loggingLevel) settings.LoggingLevel = validateLoggingLevel(req.loggingLevel);

  const facts = await gatherFacts(session.executor);
  const workspace = await PlanWorkspace.create();
  try {
    const rosetta = installRosetta(facts);
    const install = await installClient({ installerPath, facts, workspace });
    const upgrade = facts.client !== null;
    const installing = installsPackage(install);
    // The merge runs on the Mac after the package has written its file, so nothing is decided from a file about to change.
    const configure = await configureClient({ settings, facts, workspace, packageInstallBefore: installing });
    const start = startClient(facts, { afterChanges: true });
    const prepared = await keepPrepared(session, 'install', [rosetta, install, configure, start], workspace);
    const confBase: InstallPlan['confBase'] = !installing
      ? 'now'
      : facts.conf
        ? 'kept-through-upgrade'
        : 'package-defaults';
    return {
      ...prepared,
      purpose: 'install',
      mac: {
        arch: facts.arch,
        rosettaNeeded: rosetta.actions.some((a) => a.status === 'pending'),
        installedVersion: facts.client?.version ?? null,
      },
      installer: { path: installerPath, kind },
      upgrade,
      confPath: facts.conf?.path ?? DEFAULT_CONF_PATH,
      confBase,
      configuration: confDiff(facts.conf?.text ?? null, settings),
    };
  } catch (e) {
    await workspace.dispose();
    throw e;
  }
}

export async function planUninstall(session: InstallSession): Promise<PreparedChanges> {
  const facts = await gatherFacts(session.executor);
  const files = await session.executor.run(FACT_COMMANDS.pkgFiles);
  const packageFiles = files.exitCode === 0 ? parsePkgFiles(files.stdout) : [];
  const plan = uninstallClient({ facts, packageFiles });
  return keepPrepared(session, 'uninstall', [plan], null);
}

export function installHandlers(): Pick<Handlers<InstallSession>, keyof typeof installMethods> {
  return {
    findInstallers: async () => ({ candidates: await findInstallers() }),
    planInstall: (req, { session }) => planInstall(session, req),
    planUninstall: (_req, { session }) => planUninstall(session),
  };
}
