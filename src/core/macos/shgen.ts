// Turns actions into POSIX sh (functions per action, run/skip/undo logic) for the privileged batch and the exported script.
import type { Check } from './action';
import { shellQuote } from './quote';
import { shAdminTrustedCall } from './sh-trust';
import type { Command } from './types';

export interface ShItem {
  command: Command;
  title: string;
  check?: Check;
  fallback?: Command;
  /** After an exit 0, the change counts as made only when this holds (see Action.confirm). */
  confirm?: Check;
  undo?: readonly Command[];
  onlyAfterChanges?: boolean;
  /** Cannot be undone: once it has run, a later failure undoes nothing before it either (there is no "as it was" any more). */
  irreversible?: boolean;
}

/** How argv becomes sh words: the program prefix (tests only) and plan-time values replaced by sh expressions. */
export interface WordRenderer {
  programPrefix?: string;
  /** Exact argv value -> sh expression (e.g. the one-time password -> "$ONBOARD_IMPORT_PASSWORD"). */
  substitutions?: readonly { value: string; expression: string }[];
  /** Paths under this folder are written relative to "$work" in the exported script. */
  workspaceDir?: string;
}

export function renderWord(arg: string, r: WordRenderer): string {
  const sub = r.substitutions?.find((s) => s.value === arg);
  if (sub) return sub.expression;
  if (r.workspaceDir && (arg === r.workspaceDir || arg.startsWith(r.workspaceDir + '/'))) {
    const rest = arg.slice(r.workspaceDir.length);
    return rest ? `"$work"${shellQuote(rest)}` : '"$work"';
  }
  return shellQuote(arg);
}

export function renderCommand(c: Command, r: WordRenderer): string {
  return [shellQuote((r.programPrefix ?? '') + c.program), ...c.args.map((a) => renderWord(a, r))].join(' ');
}

/**
 * A check as one sh condition. An admin trust check calls the fragment of sh-trust.ts (defined
 * by whoever renders the script: see usesAdminTrust) with the export's file, the last argument.
 */
export function renderCheck(check: Check, r: WordRenderer): string {
  const cmd = renderCommand(check.command, r);
  // test(1) prints nothing; a redirection after it would also read like a comparison.
  const quiet = check.command.program.endsWith('/test') ? '' : ' >/dev/null 2>&1';
  const test = check.adminTrust
    ? `${shAdminTrustedCall(check.adminTrust.sha1, renderWord(check.command.args.at(-1) ?? '', r))} 2>/dev/null`
    : check.stdoutIncludes === undefined
      ? `${cmd}${quiet}`
      : `onboard_out=$(${cmd} 2>/dev/null) && case "$onboard_out$onboard_nl" in *${shellQuote(check.stdoutIncludes)}*) true ;; *) false ;; esac`;
  const main = check.negate ? `! { ${test}; }` : test;
  if (!check.and?.length) return main;
  return [main, ...check.and.map((c) => renderCheck(c, r))].map((t) => `{ ${t}; }`).join(' && ');
}

/** True when some check of these items needs the admin trust fragment defined first. */
export function usesAdminTrust(items: readonly ShItem[]): boolean {
  const uses = (c: Check | undefined): boolean => !!c && (!!c.adminTrust || (c.and ?? []).some(uses));
  return items.some((i) => uses(i.check) || uses(i.confirm));
}

/** What the generated code does at each moment: the batch writes result files, the export talks to the terminal. */
export interface ShReporter {
  /** Redirection appended to the run function call, e.g. `>"$R/3.out" 2>&1`. */
  runRedirect(n: number): string;
  /** Inside the rollback loop, where `$onboard_n` is the item number. */
  undoRedirect(): string;
  skipped(n: number, item: ShItem): string[];
  starting(n: number, item: ShItem): string[];
  /** `$onboard_rc` holds the exit status. */
  finished(n: number, item: ShItem): string[];
  failed(n: number, item: ShItem): string[];
  done(n: number, item: ShItem): string[];
  /** Inside the rollback loop, after an undo; `$onboard_urc` holds its exit status. */
  undone(): string[];
  /**
   * A command refused in favour of its fallback stays silent (its error output is shown only
   * when the fallback fails too), e.g. no "cp: …: No such file or directory" when there is
   * no file to keep and `test ! -f` says that is fine.
   */
  quietRefusal?: boolean;
}

export interface RenderedItems {
  functions: string[];
  body: string[];
}

/**
 * One sh function per run/check/undo, then the body: in `apply` mode each item is checked,
 * run, and on failure the completed items of this group are undone newest first and the
 * script exits 1; in `keep-going` mode every item runs whatever happens.
 */
export function renderItems(
  items: readonly ShItem[],
  prefix: string,
  mode: 'apply' | 'keep-going',
  r: WordRenderer,
  report: ShReporter,
  trackChanges = false,
): RenderedItems {
  const functions: string[] = [];
  const body: string[] = [
    `onboard_completed=''`,
    ...(items.some((i) => i.onlyAfterChanges) ? ['onboard_changed_before=$onboard_changed'] : []),
  ];
  items.forEach((item, i) => {
    const n = i + 1;
    const run = renderCommand(item.command, r);
    // With a confirm, the command runs in _do_ and _run_ judges it by the Mac's state.
    const runName = item.confirm ? `${prefix}_do_${n}` : `${prefix}_run_${n}`;
    if (!item.fallback) functions.push(`${runName}() { ${run}; }`);
    else if (!report.quietRefusal) functions.push(`${runName}() { ${run} || ${renderCommand(item.fallback, r)}; }`);
    else functions.push(...quietFallback(runName, run, renderCommand(item.fallback, r)));
    if (item.confirm)
      functions.push(
        `${prefix}_run_${n}() {`,
        `  ${runName} || return`,
        `  if ${renderCheck(item.confirm, r)}; then return 0; fi`,
        "  printf '%s\n' 'onboard: the command reported success, but the change is not there.' >&2",
        '  return 1',
        '}',
      );
    if (item.check && mode === 'apply') functions.push(`${prefix}_check_${n}() { ${renderCheck(item.check, r)}; }`);
    const undoable = mode === 'apply' && item.undo && item.undo.length > 0;
    if (undoable) {
      functions.push(`${prefix}_undo_${n}() {`, '  onboard_urc=0');
      for (const u of item.undo!) functions.push(`  ${renderCommand(u, r)} || onboard_urc=$?`);
      functions.push('  return "$onboard_urc"', '}');
    }
    const runLines = [
      ...report.starting(n, item),
      `${prefix}_run_${n} ${report.runRedirect(n)}`.trimEnd(),
      'onboard_rc=$?',
      ...report.finished(n, item),
    ];
    const afterRun =
      mode === 'apply'
        ? [
            'if [ "$onboard_rc" -ne 0 ]; then',
            ...report.failed(n, item).map((l) => '  ' + l),
            `  onboard_rollback ${prefix}`,
            '  exit 1',
            'fi',
            ...report.done(n, item),
            ...(trackChanges ? ['onboard_changed=1'] : []),
            ...(undoable ? [`onboard_completed="${n} $onboard_completed"`] : []),
            // A point of no return: what ran before it is kept rather than half put back.
            ...(item.irreversible ? ["onboard_completed=''"] : []),
          ]
        : [
            'if [ "$onboard_rc" -ne 0 ]; then',
            ...report.failed(n, item).map((l) => '  ' + l),
            'else',
            ...report.done(n, item).map((l) => '  ' + l),
            'fi',
          ];
    let block = [...runLines, ...afterRun];
    if (item.check && mode === 'apply') {
      block = [
        `if ${prefix}_check_${n}; then`,
        ...report.skipped(n, item).map((l) => '  ' + l),
        'else',
        ...block.map((l) => '  ' + l),
        'fi',
      ];
    }
    if (item.onlyAfterChanges)
      block = ['if [ "$onboard_changed_before" = 1 ]; then', ...block.map((l) => '  ' + l), 'fi'];
    body.push(`# ${n}. ${oneLine(item.title)}`, ...block);
  });
  return { functions, body };
}

/**
 * `run || fallback`, with each one's error output held back (standard output passes through on
 * fd 3) and printed, in order, only when both fail: the status is the fallback's.
 */
function quietFallback(name: string, run: string, fallback: string): string[] {
  return [
    `${name}() {`,
    `  { onboard_err=$(${run} 2>&1 1>&3 3>&-); } 3>&1 && return 0`,
    `  { onboard_ferr=$(${fallback} 2>&1 1>&3 3>&-); } 3>&1 && return 0`,
    '  onboard_frc=$?',
    '  if [ -n "$onboard_err" ]; then printf \'%s\\n\' "$onboard_err" >&2; fi',
    '  if [ -n "$onboard_ferr" ]; then printf \'%s\\n\' "$onboard_ferr" >&2; fi',
    '  return "$onboard_frc"',
    '}',
  ];
}

/**
 * Right after the shebang, so it covers the whole file: the per-action functions are called
 * by name (SC2317), and a `$` inside single quotes is data, never meant to expand (SC2016).
 */
export const SHELLCHECK_DIRECTIVE = '# shellcheck disable=SC2317,SC2016';

/** The shared helpers every generated script starts with: the newline constant and the rollback loop. */
export function renderPreamble(report: ShReporter, trackChanges = false): string[] {
  return [
    '# shellcheck disable=SC2034',
    "onboard_nl='",
    "'",
    ...(trackChanges ? ['onboard_changed=0'] : []),
    'onboard_rollback() {',
    '  for onboard_n in $onboard_completed; do',
    `    "$1_undo_$onboard_n" ${report.undoRedirect()}`.trimEnd(),
    '    onboard_urc=$?',
    ...report.undone().map((l) => '    ' + l),
    '  done',
    '}',
  ];
}

/** Titles go into `#` comments: one line, no control characters. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
