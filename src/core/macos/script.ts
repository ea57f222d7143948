// Exports plans as one POSIX sh script (for MDM tools): same commands, inputs and secrets checked before the first change.
import { OnboardError } from '../errors';
import type { Plan } from './action';
import { commandsOf } from './action';
import { approvalSubject } from './approval';
import { BIN } from './paths';
import { shellQuote } from './quote';
import { shAdminTrustFunction, shApprovalFunction, shTrustGate, type ShGateRoot } from './sh-trust';
import {
  SHELLCHECK_DIRECTIVE,
  oneLine,
  renderItems,
  renderPreamble,
  renderCommand,
  renderWord,
  usesAdminTrust,
  type ShReporter,
  type WordRenderer,
} from './shgen';

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
  failed: (_n, item) => [
    `printf '%s\\n' "onboard: FAILED (exit $onboard_rc): "${shellQuote(oneLine(item.title))}"; undoing what this step changed." >&2`,
  ],
  done: () => [],
  undone: () => [
    '[ "$onboard_urc" -eq 0 ] || printf \'%s\\n\' "onboard: an undo command failed (exit $onboard_urc); check by hand." >&2',
  ],
  // On a fresh Mac there is no 1E.Client.conf to keep: the refused `cp` must not print an error.
  quietRefusal: true,
};

/** The installer the install step reads on the Mac: the file the technician brings (not one the script makes). */
function installerOf(plan: Plan): string | null {
  if (plan.step !== 'install-client') return null;
  for (const a of plan.actions) {
    // hdiutil attach … FILE, ditto -x -k FILE DIR, installer -pkg FILE -target / (a .pkg given directly).
    if (a.id === 'installer-attach') return a.command.args.at(-1) ?? null;
    if (a.id === 'installer-extract') return a.command.args[2] ?? null;
    if (a.id === 'client-install') return a.command.args[1] ?? null;
  }
  return null;
}

/**
 * One script for all steps. First, before anything on the Mac changes, every input is checked
 * and every secret asked for: the installer must be there, the PFX must open with the password
 * given, and the files the plans made at plan time are made again in the script's private
 * folder (each plan's script setup, which only ever touches that folder). A missing file or a
 * wrong password stops the script there with exit 2. Then each action runs only when its
 * check says it is not done yet; a failure undoes the completed actions of that step (newest
 * first) and stops with exit 1.
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
    '# The inputs (installer, PFX and its password) are checked before the first change: if one is wrong,',
    '# the script stops (exit 2) with nothing changed.',
    '# Trusting a root CA (macOS 11 and later) shows a macOS dialog per certificate, even for root: run it',
    '# with sudo in Terminal with a person at the Mac. Where no dialog can appear (SSH, an MDM agent) it',
    '# stops before the first change (exit 2), unless the roots are trusted already (e.g. by a profile).',
    'set -u',
    'umask 077',
  ];
  if (!opts.allowNonRoot) {
    out.push(
      `if [ "$(${p(BIN.id)} -u)" != 0 ]; then echo "onboard: run this script as root: sudo /bin/sh $0" >&2; exit 2; fi`,
    );
  }
  const cleanup = plans.flatMap((pl) => pl.cleanup);
  const words = (pl: Plan): WordRenderer => ({
    programPrefix: prefix,
    workspaceDir: opts.workspaceDir,
    substitutions: pl.script?.substitutions ?? [],
  });
  out.push(
    `work=$(${p(BIN.mktemp)} -d /tmp/onboard.XXXXXXXX) || exit 1`,
    'onboard_cleanup() {',
    ...cleanup.map(
      (c) => `  ${renderCommand(c, { programPrefix: prefix, workspaceDir: opts.workspaceDir })} >/dev/null 2>&1 || :`,
    ),
    `  ${p(BIN.rm)} -rf "$work"`,
    // Interrupted at the password prompt, the terminal would otherwise stay without echo.
    `  if [ -t 0 ]; then ${p(BIN.stty)} echo 2>/dev/null; fi`,
    '}',
    'trap onboard_cleanup EXIT',
    "trap 'exit 130' HUP INT TERM",
    ...renderPreamble(terminal, true),
  );
  const allActions = plans.flatMap((pl) => pl.actions);
  const gate: { root: ShGateRoot; file: string }[] = allActions.flatMap((a) =>
    a.approval && a.check?.adminTrust
      ? [{ root: { sha1: a.check.adminTrust.sha1, name: approvalSubject(a) }, file: a.check.command.args.at(-1) ?? '' }]
      : [],
  );
  if (gate.length > 0 || usesAdminTrust(allActions)) {
    const fragment = { programPrefix: prefix };
    out.push(...shAdminTrustFunction(fragment), ...shApprovalFunction(fragment));
  }
  for (const pl of plans) out.push(...(pl.script?.prelude ?? []));
  out.push(
    '',
    '# ===== Inputs and secrets, checked before anything on this Mac changes',
    say('Checking the inputs (nothing is changed until they are all right)'),
  );
  for (const pl of plans) {
    const installer = installerOf(pl);
    if (installer === null) continue;
    out.push(
      `onboard_installer=${renderWord(installer, words(pl))}`,
      'if [ ! -f "$onboard_installer" ]; then',
      '  printf \'%s\\n\' "onboard: the installer $onboard_installer is not on this Mac: copy it there, or export the script again with --installer set to where it is on this Mac. Nothing was changed." >&2',
      '  exit 2',
      'fi',
    );
  }
  for (const pl of plans) {
    const setup = (pl.script?.setup ?? []).map((l) => withPrefix(l, prefix));
    if (setup.length) out.push(`# For step ${plans.indexOf(pl) + 1}: ${oneLine(pl.title)}`, ...setup);
  }
  if (gate.length > 0) {
    out.push(
      '',
      '# ===== Can the trust changes be approved here? Asked after the inputs, before anything on this Mac changes',
      ...shTrustGate(
        gate.map((g) => g.root),
        renderWord(gate[0]!.file, { workspaceDir: opts.workspaceDir }),
        'sudo /bin/sh THIS-FILE in Terminal',
      ),
    );
  }
  plans.forEach((pl, i) => {
    out.push('', `# ===== Step ${i + 1}: ${oneLine(pl.title)}`, say(`Step ${i + 1}: ${pl.title}`));
    for (const w of pl.warnings) out.push(`# note: ${oneLine(w)}`);
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
        if (v && text.includes(v))
          throw new OnboardError(
            'internal',
            `A secret argument of "${c.program}" would have been written into the script.`,
            'This is a bug: please report it.',
          );
      }
    }
  }
  return text;
}

/** Setup lines name programs by absolute path; in tests they are redirected to the fake program folder too. */
function withPrefix(line: string, prefix: string): string {
  if (!prefix) return line;
  return line.replace(
    /(^|[\s(=!$])(\/(?:usr\/bin|usr\/sbin|bin|sbin)\/[A-Za-z0-9_.-]+)/g,
    (_m, pre: string, prog: string) => `${pre}${shellQuote(prefix + prog)}`,
  );
}
