// Plan: write Switch, BackgroundChannelUrl, LoggingLevel (and any other setting) into 1E.Client.conf, keeping everything else.
import { posix } from 'node:path';
import type { Action, Plan } from '../action';
import { mergeConf, parseConf, serialiseConf } from '../conf';
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
   * The configuration to merge into when it differs from what is on the Mac now: on an
   * upgrade, the file as it was before the package reset it to defaults.
   */
  previousConf?: { path: string; text: string } | null;
}

export const BACKUP_SUFFIX = '.onboard-backup';

/** Merges into the existing file at run time in the exported script (same rules as mergeConf). */
export const AWK_MERGE = [
  'BEGIN { n = ENVIRON["ONBOARD_CONF_N"] + 0; for (i = 1; i <= n; i++) { k[i] = ENVIRON["ONBOARD_CONF_K" i]; v[i] = ENVIRON["ONBOARD_CONF_V" i]; seen[i] = 0 } }',
  '{ sub(/\\r$/, ""); line = $0; hit = 0; p = index(line, "=")',
  '  if (p > 0 && line !~ /^[ \\t]*[#;]/) { name = substr(line, 1, p - 1); gsub(/^[ \\t]+|[ \\t]+$/, "", name)',
  '    for (i = 1; i <= n; i++) if (tolower(name) == tolower(k[i])) { rest = substr(line, p + 1); match(rest, /^[ \\t]*/); print substr(line, 1, p) substr(rest, 1, RLENGTH) v[i]; seen[i] = 1; hit = 1; break } }',
  '  if (!hit) print line }',
  'END { for (i = 1; i <= n; i++) if (!seen[i]) print k[i] "=" v[i] }',
].join('\n');

export function configureClient(input: ConfigurePlanInput): Promise<Plan> {
  return buildConfigure(input);
}

async function buildConfigure(input: ConfigurePlanInput): Promise<Plan> {
  const plan = emptyPlan('configure-client', 'Configure the 1E Client (1E.Client.conf)');
  const current = input.facts.conf;
  const confPath = input.previousConf?.path ?? current?.path ?? DEFAULT_CONF_PATH;
  const base = input.previousConf ?? current;
  const { doc, changes } = mergeConf(parseConf(base?.text ?? ''), input.settings);
  const merged = serialiseConf(doc);
  const staged = await input.workspace.writeFile('1E.Client.conf', merged);
  plan.files.push({ path: staged, description: `the new ${posix.basename(confPath)}`, secret: false });
  const upToDate = input.facts.known && current !== null && current.path === confPath && current.text === merged;
  const backup = confPath + BACKUP_SUFFIX;
  const dir = posix.dirname(confPath);
  const identical = { command: { program: BIN.cmp, args: ['-s', staged, confPath] } };
  const summary = changes.length === 0 ? 'no setting changes' : changes.map((c) => c.before === undefined ? `${c.key}=${c.after} (new)` : `${c.key}: ${c.before} → ${c.after}`).join('; ');
  const skip = (a: Action, reason: string): Action => (upToDate ? { ...a, status: 'skip', reason } : a);

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
  const hadFile = input.facts.known ? current !== null : null;
  if (hadFile !== false) {
    plan.actions.push(skip({
      id: 'conf-backup',
      title: `Keep a copy of the current configuration as ${posix.basename(backup)}`,
      detail: `Beside it, in ${dir}.`,
      command: { program: BIN.cp, args: ['-p', confPath, backup] },
      // No file yet means nothing to keep: that is success, not failure.
      fallback: { program: BIN.test, args: ['!', '-f', confPath] },
      root: true,
      check: identical,
      status: 'pending',
    }, 'the configuration already has these values'));
  }
  const undo = hadFile === false
    ? [{ program: BIN.rm, args: ['-f', confPath] }]
    : [{ program: BIN.install, args: ['-S', '-m', '0644', backup, confPath] }];
  plan.actions.push(skip({
    id: 'conf-write',
    title: `Write ${confPath}`,
    detail: `${summary}. Other settings, comments and their order are kept; the file is replaced in one step.`,
    command: { program: BIN.install, args: ['-S', '-o', 'root', '-g', 'wheel', '-m', '0644', staged, confPath] },
    root: true,
    check: identical,
    undo,
    status: 'pending',
  }, 'the configuration already has these values'));

  const env = Object.entries(input.settings).flatMap(([k, v], i) => [`ONBOARD_CONF_K${i + 1}=${shellQuote(k)}`, `ONBOARD_CONF_V${i + 1}=${shellQuote(v)}`]);
  plan.script = {
    prelude: [`if [ -f ${shellQuote(confPath)} ]; then ${BIN.cp} -p ${shellQuote(confPath)} "$work"/conf.before; fi`],
    setup: [
      `if [ -f "$work"/conf.before ]; then onboard_base="$work"/conf.before; elif [ -f ${shellQuote(confPath)} ]; then onboard_base=${shellQuote(confPath)}; else onboard_base=/dev/null; fi`,
      `ONBOARD_CONF_N=${Object.keys(input.settings).length} ${env.join(' ')} ${BIN.awk} ${shellQuote(AWK_MERGE)} "$onboard_base" > "$work"/${posix.basename(staged)} || exit 1`,
    ],
    substitutions: [],
  };
  return plan;
}
