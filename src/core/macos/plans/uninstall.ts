// Plan: remove the 1E Client: stop it, delete exactly the package's files, forget the package receipt.
import { posix } from 'node:path';
import { OnboardError } from '../../errors';
import type { Plan } from '../action';
import type { MacFacts } from '../facts';
import { BIN, CLIENT_PACKAGE_ID } from '../paths';
import { emptyPlan } from './common';
import { stopAction } from './service';

export interface UninstallPlanInput {
  facts: MacFacts;
  /** `pkgutil --only-files --files com.1e.pkg.1E.Client`, parsed: paths relative to the install location. */
  packageFiles: readonly string[];
}

/** Absolute paths of the package's files; refuses any that would leave the install location. */
export function resolvePackageFiles(volume: string, location: string, files: readonly string[]): string[] {
  const root = posix.normalize(posix.join('/', volume, location));
  return files.map((rel) => {
    const parts = rel.split('/');
    const abs = posix.normalize(posix.join(root, rel));
    const inside = root === '/' ? abs !== '/' : abs.startsWith(root + '/');
    if (rel.startsWith('/') || parts.includes('..') || rel.includes('\0') || !inside) {
      throw new OnboardError(
        'uninstall-path-escapes',
        `The package receipt lists "${rel}", which points outside the install location ${root}. Nothing was removed.`,
        'The receipt looks tampered with or damaged: remove the 1E Client with its own uninstall script from the disk image instead.',
      );
    }
    return abs;
  });
}

export function uninstallClient(input: UninstallPlanInput): Plan {
  const plan = emptyPlan('uninstall-client', 'Uninstall the 1E Client');
  const pkg = input.facts.client;
  if (!pkg) {
    plan.warnings.push('The 1E Client is not installed: there is nothing to remove.');
    return plan;
  }
  const paths = resolvePackageFiles(pkg.volume, pkg.location, input.packageFiles);
  plan.actions.push(stopAction(input.facts));
  // Chunks keep each argv far below the system's argument length limit.
  for (let i = 0; i < paths.length; i += 200) {
    const chunk = paths.slice(i, i + 200);
    plan.actions.push({
      id: `uninstall-files-${i / 200 + 1}`,
      title: `Remove ${chunk.length} file${chunk.length === 1 ? '' : 's'} of the 1E Client package`,
      detail: chunk.length <= 3 ? chunk.join(', ') : `${chunk[0]}, … ${chunk[chunk.length - 1]}`,
      command: { program: BIN.rm, args: ['-f', '--', ...chunk] },
      root: true,
      status: 'pending',
      // Deleted files cannot be put back, and restarting a client whose files are gone would fail: a point of no
      // return, so the plan says so and a later failure does not try to start the client again.
      irreversible: true,
    });
  }
  plan.actions.push({
    id: 'uninstall-forget',
    title: 'Forget the 1E Client package receipt',
    detail: CLIENT_PACKAGE_ID,
    command: { program: BIN.pkgutil, args: ['--forget', CLIENT_PACKAGE_ID] },
    root: true,
    status: 'pending',
  });
  plan.warnings.push(
    'Removing files cannot be undone: if a step fails, what was removed stays removed. 1E.Client.conf is kept unless the package itself lists it.',
  );
  return plan;
}
