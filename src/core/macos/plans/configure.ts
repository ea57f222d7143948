// Plan: write Switch, BackgroundChannelUrl, LoggingLevel (and any other setting) into 1E.Client.conf, keeping everything else.
import { posix } from 'node:path';
import type { Action, Check, Plan } from '../action';
import { CONF_MERGE_PROGRAM, confHoldsMerge, confSettingsFile, mergedConfText } from '../conf-merge';
import { mergeConf, parseConf } from '../conf';
import type { MacFacts } from '../facts';
import { BIN, DEFAULT_CONF_PATH } from '../paths';
import { shellQuote } from '../quote';
import type { PlanWorkspace } from '../workspace';
import { emptyPlan } from './common';

export interface ConfigurePlanInput {
  /** Settings to set, e.g. { Switch: 'tachyon.acme.local:4000', BackgroundChannelUrl: 'https://…/Background/' }. */
  settings: Record<string, string>;
  facts: MacFacts;
  workspace: PlanWorkspace;
  /**
   * The 1E Client package is installed earlier in this run (same plan, or an earlier step of
   * the same run in the same workspace): the package writes the file, so nothing about it is
   * decided now. The install step keeps the file as it was before the package (see
   * confSavedBeforeInstall); the merge starts from that copy when it exists (an upgrade keeps
   * the technician's settings), otherwise from what the package wrote (a fresh install keeps
   * the package's defaults).
   */
  packageInstallBefore?: boolean;
}

export const BACKUP_SUFFIX = '.onboard-backup';

/** Where the configuration file is (or will be): the one the Mac has, else the standard place. */
export function confPathOf(facts: MacFacts): string {
  return facts.conf?.path ?? DEFAULT_CONF_PATH;
}

/** The copy of 1E.Client.conf the install step takes before the package resets it; it exists only if taken in this run. */
export function confSavedBeforeInstall(workspace: PlanWorkspace): string {
  return workspace.path('1E.Client.conf.before-install');
}

/**
 * The action the install step runs just before `installer`: keeps the file as the technician
 * had it, in the plan's private folder, for the configure step to merge into and back up.
 * Null when the Mac is known to have no configuration file.
 */
export function saveConfBeforeInstall(
  facts: MacFacts,
  workspace: PlanWorkspace,
  installCheck: Check | undefined,
): Action | null {
  if (facts.known && facts.conf === null) return null;
  const conf = confPathOf(facts);
  return {
    id: 'conf-save',
    title: `Keep the current ${posix.basename(conf)} aside before the package resets it`,
    detail:
      'In the private folder of this plan: the configuration step merges your settings into it and keeps it as the backup.',
    command: { program: BIN.cp, args: ['-p', conf, confSavedBeforeInstall(workspace)] },
    // No file means nothing to keep: that is success, not failure.
    fallback: { program: BIN.test, args: ['!', '-f', conf] },
    root: true,
    ...(installCheck ? { check: installCheck } : {}),
    status: 'pending',
  };
}

export async function configureClient(input: ConfigurePlanInput): Promise<Plan> {
  const plan = emptyPlan('configure-client', 'Configure the 1E Client (1E.Client.conf)');
  const current = input.facts.conf;
  const confPath = confPathOf(input.facts);
  const afterInstall = input.packageInstallBefore === true;
  const dir = posix.dirname(confPath);
  const backup = confPath + BACKUP_SUFFIX;
  const saved = confSavedBeforeInstall(input.workspace);
  const bases = afterInstall ? [saved, confPath] : [confPath];

  const program = await input.workspace.writeFile('conf-merge.awk', CONF_MERGE_PROGRAM);
  const settingsFile = await input.workspace.writeFile('conf-settings.txt', confSettingsFile(input.settings));
  // Reserved now (empty, 0600, ours) so two plans in one workspace never share it; filled when the step runs.
  const merged = await input.workspace.writeFile('1E.Client.conf', '');
  plan.files.push(
    { path: program, description: 'the merge program (awk) run on the Mac when the step runs', secret: false },
    { path: settingsFile, description: 'the settings to merge in', secret: false },
    { path: merged, description: `the new ${posix.basename(confPath)}, merged when the step runs`, secret: false },
  );
  // LC_ALL=C: awk's own advice for bytes that are not text in the locale (see CONF_MERGE_PROGRAM).
  const awk = (mode: 'merge' | 'check', target: string) => ({
    program: BIN.env,
    args: ['LC_ALL=C', BIN.awk, '-f', program, mode, settingsFile, target, ...bases],
  });
  // One test for the whole step: the file already holds the merge of its base.
  const configured: Check = { command: awk('check', confPath) };

  // What the plan can say now, from the file as it is (the package may still replace it).
  const preview = mergeConf(parseConf(current?.text ?? ''), input.settings);
  const summary =
    preview.changes.length === 0
      ? 'no setting changes'
      : preview.changes
          .map((c) => (c.before === undefined ? `${c.key}=${c.after} (new)` : `${c.key}: ${c.before} → ${c.after}`))
          .join('; ');
  const upToDate =
    !afterInstall &&
    input.facts.known &&
    current !== null &&
    confHoldsMerge(current.text, mergedConfText(current.text, input.settings));
  const skip = (a: Action): Action =>
    upToDate ? { ...a, status: 'skip', reason: 'the configuration already has these values' } : a;

  if (!input.facts.known || current === null) {
    plan.actions.push({
      id: 'conf-folder',
      title: `Make sure the folder ${dir} exists`,
      detail: '',
      command: { program: BIN.mkdir, args: ['-p', dir] },
      root: true,
      check: { command: { program: BIN.test, args: ['-d', dir] } },
      status: 'pending',
    });
  }
  // Without a package install, a Mac known to have no file has nothing to keep, and undo removes the new file.
  const noFileToKeep = !afterInstall && input.facts.known && current === null;
  if (!noFileToKeep) {
    plan.actions.push(
      skip(
        afterInstall
          ? {
              id: 'conf-backup',
              title: `Keep the configuration as it was before this run as ${posix.basename(backup)}`,
              detail: `Beside it, in ${dir}: the copy taken before the package reset it, or (on a new installation) the package's own file.`,
              command: { program: BIN.cp, args: ['-p', saved, backup] },
              fallback: { program: BIN.cp, args: ['-p', confPath, backup] },
              root: true,
              check: configured,
              status: 'pending',
            }
          : {
              id: 'conf-backup',
              title: `Keep a copy of the current configuration as ${posix.basename(backup)}`,
              detail: `Beside it, in ${dir}.`,
              command: { program: BIN.cp, args: ['-p', confPath, backup] },
              fallback: { program: BIN.test, args: ['!', '-f', confPath] },
              root: true,
              check: configured,
              status: 'pending',
            },
      ),
    );
  }
  plan.actions.push(
    skip({
      id: 'conf-merge',
      title: `Merge the settings into ${afterInstall ? 'the configuration (after the package has written its file)' : `the current ${posix.basename(confPath)}`}`,
      detail: `${afterInstall ? 'Into the file as it was before the upgrade if there was one, else into the file the package installed' : 'Into the file as it is when this step runs'}: ${summary}. Other settings, comments and their order are kept.`,
      command: awk('merge', merged),
      root: true,
      check: configured,
      status: 'pending',
    }),
  );
  plan.actions.push(
    skip({
      id: 'conf-write',
      title: `Write ${confPath}`,
      detail: 'The merged file replaces it in one step (install -S).',
      command: { program: BIN.install, args: ['-S', '-o', 'root', '-g', 'wheel', '-m', '0644', merged, confPath] },
      root: true,
      check: configured,
      undo: noFileToKeep
        ? [{ program: BIN.rm, args: ['-f', confPath] }]
        : [{ program: BIN.install, args: ['-S', '-m', '0644', backup, confPath] }],
      status: 'pending',
    }),
  );
  if (afterInstall && !current)
    plan.warnings.push(
      `The 1E Client package writes ${posix.basename(confPath)} with its defaults; these settings are merged into that file when the step runs, and its other settings are kept.`,
    );

  // The exported script makes the two plan-time files again in its own folder.
  plan.script = {
    setup: [
      `/bin/cat > "$work"/${posix.basename(program)} <<'ONBOARD_AWK'`,
      ...CONF_MERGE_PROGRAM.trimEnd().split('\n'),
      'ONBOARD_AWK',
      `printf '%s\\n' ${Object.entries(input.settings)
        .map(([k, v]) => shellQuote(`${k}=${v}`))
        .join(' ')} > "$work"/${posix.basename(settingsFile)} || exit 1`,
      `: > "$work"/${posix.basename(merged)}`,
    ],
    substitutions: [],
  };
  return plan;
}
