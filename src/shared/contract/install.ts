// Contract methods of Install: Rosetta, the 1E Client package, its configuration (as a diff) and the service; and,
// when the technician came to uninstall, the removal.
import { z } from 'zod';
import { type } from './type';
import type { PreparedChanges } from './plans';

/** One line of the 1E.Client.conf comparison: what is there now against what will be written. */
export interface ConfDiffLine {
  key: string;
  before?: string;
  after?: string;
  change: 'same' | 'changed' | 'added';
}

export interface InstallPlan extends PreparedChanges {
  purpose: 'install';
  mac: {
    arch: 'arm64' | 'x86_64' | null;
    /** Apple Silicon without working Rosetta 2: the Intel 1E Client cannot run until it is installed. */
    rosettaNeeded: boolean;
    /** Version of the 1E Client installed now, if any. */
    installedVersion: string | null;
  };
  installer: { path: string; kind: InstallerKind };
  /** A client is already installed: existing settings are kept unless changed here. */
  upgrade: boolean;
  confPath: string;
  /**
   * What the settings are merged into, on the Mac, when the step runs: the file as it is now
   * (`now`); the file as it is now, kept aside just before the package resets it on an upgrade
   * (`kept-through-upgrade`); or the file the package writes with its defaults on a new
   * installation (`package-defaults`: its settings are not known before it is installed, so
   * only the settings set here are listed, and everything else in it is kept).
   */
  confBase: 'now' | 'kept-through-upgrade' | 'package-defaults';
  /** Every setting of the resulting file, compared with the current one. */
  configuration: ConfDiffLine[];
}

export type InstallerKind = 'dmg' | 'zip' | 'pkg';

export interface InstallerCandidate {
  path: string;
  name: string;
  kind: InstallerKind;
}

const settingName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,63}$/, 'not a 1E.Client.conf setting name');
const settingValue = z
  .string()
  .max(1000)
  .refine((v) => !/[\r\n\0]/.test(v), 'a setting is one line');

export const installMethods = {
  /** Installer files the Mac already has (Downloads, mounted volumes), for the Install step to offer. */
  findInstallers: { request: z.object({}).strict(), result: type<{ candidates: InstallerCandidate[] }>() },
  planInstall: {
    request: z
      .object({
        installerPath: z.string().min(1).max(1024),
        loggingLevel: z.string().max(20).optional(),
        extraSettings: z
          .array(z.object({ key: settingName, value: settingValue }).strict())
          .max(50)
          .default([]),
      })
      .strict(),
    result: type<InstallPlan>(),
  },
  planUninstall: { request: z.object({}).strict(), result: type<PreparedChanges>() },
} as const;
