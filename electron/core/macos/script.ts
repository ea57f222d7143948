// Exports plans as one POSIX sh script (for MDM tools): same commands, checks before each change, secrets asked at run time.
import { OnboardError } from '../errors';
import type { Plan } from './action';
import { commandsOf } from './action';
import { BIN } from './paths';
import { shellQuote } from './quote';
import { SHELLCHECK_DIRECTIVE, oneLine, renderItems, renderPreamble, renderCommand, type ShReporter, type WordRenderer } from './shgen';

export interface ScriptOptions {
  /** The plan workspace folder: its paths become "$work"/… in the script. */
  workspaceDir: string;
  /** Shown in the header. */
  generatedAt?: Date;
  toolVersion?: string;
  /** Prepended to every program path: ONLY for tests that run the script against fake programs. */
  programPrefix?: string;
  /** Skip the "must run as root" guard: ONLY for tests. */
  allowNonRoot?: boolean;
}

function say(text: string): string {
  return `printf '%s\\n' ${shellQuote(oneLine(text))} >&2`;
}

const terminal: ShReporter = {
  runRedirect: () => '',
  undoRedirect: () => '',
  skipped: (_n, item) => [say(`=   already done: ${item.title}`)],
  starting: (_n, item) => [say(`==> ${item.title}`)],
  finished: () => [],
  failed: (_n, item) => [`printf '%s\\n' "onboard: FAILED (exit $onboard_rc): "${shellQuote(oneLine(item.title))}"; undoing what this step changed." >&2`],
  done: () => [],
  undone: () => ['[ "$onboard_urc" -eq 0 ] || printf \'%s\\n\' "onboard: an undo command failed (exit $onboard_urc); check by hand." >&2'],
};

/**
 * One script for all steps. Each action runs only when its check says it is not done yet;
 * a failure undoes the completed actions of that step (newest first) and stops with exit 1.
 * Files the plan made at plan time are made again by the script in its own private folder.
 */
export function exportPlansAsScript(plans: readonly Plan[], opts: ScriptOptions): string {
  const prefix = opts.programPrefix ?? '';
  const p = (program: string) => shellQuote(prefix + program);
  const out: string[] = [
    '#!/bin/sh',
    SHELLCHECK_DIRECTIVE,
    `# Onboard plan${opts.toolVersion ? ` (onboard ${opts.toolVersion})` : ''}${opts.generatedAt ? `, exported ${opts.generatedAt.toISOString()}` : ''}.`,
    '# Run it as root on the Mac:  sudo /bin/sh THIS-FILE',
    '# Steps:',
    ...plans.map((pl, i) => `#   ${i + 1}. ${oneLine(pl.title)}`),
    '# Each change is made only when its check says it is not done yet, so running it twice is safe.',
    '# If a change fails, the changes already made by that step are undone and the script stops (exit 1).',
    '# No password is stored in this file: the PFX password is asked for (or read from ONBOARD_PFX_PASSWORD).',
    'set -u',
    'umask 077',
  ];
  if (!opts.allowNonRoot) {
    out.push(`if [ "$(${p(BIN.id)} -u)" != 0 ]; then echo "onboard: run this script as root: sudo /bin/sh $0" >&2; exit 2; fi`);
  }
  const cleanup = plans.flatMap((pl) => pl.cleanup);
  const words = (pl: Plan): WordRenderer => ({ programPrefix: prefix, workspaceDir: opts.workspaceDir, substitutions: pl.script?.substitutions ?? [] });
  out.push(
    `work=$(${p(BIN.mktemp)} -d /tmp/onboard.XXXXXXXX) || exit 1`,
    'onboard_cleanup() {',
    ...cleanup.map((c) => `  ${renderCommand(c, { programPrefix: prefix, workspaceDir: opts.workspaceDir })} >/dev/null 2>&1 || :`),
    `  ${p(BIN.rm)} -rf "$work"`,
    '}',
    'trap onboard_cleanup EXIT',
    "trap 'exit 130' HUP INT TERM",
    ...renderPreamble(terminal, true),
  );
  for (const pl of plans) out.push(...(pl.script?.prelude ?? []));
  plans.forEach((pl, i) => {
    out.push('', `# ===== Step ${i + 1}: ${oneLine(pl.title)}`, say(`Step ${i + 1}: ${pl.title}`));
    for (const w of pl.warnings) out.push(`# note: ${oneLine(w)}`);
    out.push(...(pl.script?.setup ?? []).map((l) => withPrefix(l, prefix)));
    const { functions, body } = renderItems(pl.actions, `s${i + 1}`, 'apply', words(pl), terminal, true);
    out.push(...functions, ...body);
  });
  out.push(
    '',
    `if [ "$onboard_changed" = 1 ]; then ${say('onboard: all steps finished.')}; else ${say('onboard: nothing needed changing.')}; fi`,
    'exit 0',
    '',
  );
  const text = out.join('\n');
  // Whatever slipped through, a secret value must never be written into a script.
  for (const pl of plans) {
    for (const c of commandsOf(pl)) {
      for (const idx of c.secretArgs ?? []) {
        const v = c.args[idx];
        if (v && text.includes(v)) throw new OnboardError('internal', `A secret argument of "${c.program}" would have been written into the script.`, 'This is a bug: please report it.');
      }
    }
  }
  return text;
}

/** Setup lines name programs by absolute path; in tests they are redirected to the fake program folder too. */
function withPrefix(line: string, prefix: string): string {
  if (!prefix) return line;
  return line.replace(/(^|[\s(=!$])(\/(?:usr\/bin|usr\/sbin|bin|sbin)\/[A-Za-z0-9_.-]+)/g, (_m, pre: string, prog: string) => `${pre}${shellQuote(prefix + prog)}`);
}
