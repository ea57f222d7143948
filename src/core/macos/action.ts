// Actions and plans: every system change as data a technician can read before anything runs.
import type { Command } from './types';
import { displayCommand, maskedArgs } from './quote';

/**
 * "Is this already done?": `command` exits 0 (and, when given, its output contains
 * `stdoutIncludes`). `negate` turns the answer round, e.g. "the daemon is NOT loaded".
 */
export interface Check {
  command: Command;
  stdoutIncludes?: string;
  negate?: boolean;
}

export type PlannedStatus = 'pending' | 'skip';

export interface Action {
  /** Stable within a plan, e.g. `ca-trust-3f2a…`, `identity-import`. */
  id: string;
  /** What it does, in a technician's words. */
  title: string;
  /** Why, or what exactly changes. */
  detail: string;
  command: Command;
  /** Needs administrator rights (runs inside the step's one privileged batch). */
  root: boolean;
  check?: Check;
  /** Run when `command` fails (e.g. `launchctl load -w` when `bootstrap` is refused). */
  fallback?: Command;
  /** Commands that reverse this action, run in order, when a later action of the step fails. */
  undo?: readonly Command[];
  /** Decided at plan time from the Mac's facts; executors re-run `check` anyway. */
  status: PlannedStatus;
  /** Why it is skipped, e.g. "already in the System keychain". */
  reason?: string;
  /** Only worth running when earlier steps changed something (a restart); the sh export tests that at run time. */
  onlyAfterChanges?: boolean;
  /**
   * Cannot be undone at all (e.g. deleting an identity: its private key is gone); said wherever
   * the plan is shown. A point of no return: once it has run, a later failure in the step undoes
   * nothing at or before it (executors and the sh scripts alike), so the Mac is left consistent.
   */
  irreversible?: boolean;
}

/** A file the plan made at plan time in its private workspace (the re-wrapped PFX, the merged conf). */
export interface PlanFile {
  path: string;
  description: string;
  /** Holds a secret (the re-wrapped PFX): never shown, never copied out. */
  secret: boolean;
}

/**
 * How the exported sh script reproduces the plan-time pieces it cannot carry: lines run
 * before the step (asking for a password, re-wrapping, merging the conf) and the sh
 * expressions that replace plan-time values in argv.
 */
export interface PlanScriptSupport {
  setup: string[];
  /** Exact argv values replaced by an sh expression, e.g. the one-time password by "$onboard_import_password". */
  substitutions: { value: string; expression: string }[];
  /** Lines run once at the very start of the script, before any step (e.g. saving the existing conf). */
  prelude?: string[];
}

export type StepName =
  | 'ca-certificates'
  | 'client-identity'
  | 'rosetta'
  | 'install-client'
  | 'configure-client'
  | 'start-client'
  | 'restart-client'
  | 'stop-client'
  | 'uninstall-client';

export interface Plan {
  step: StepName;
  title: string;
  actions: Action[];
  warnings: string[];
  /** Always run after the actions, whatever happened (e.g. hdiutil detach). */
  cleanup: Command[];
  files: PlanFile[];
  script?: PlanScriptSupport;
}

export function pendingActions(plan: Plan): Action[] {
  return plan.actions.filter((a) => a.status === 'pending');
}

export function commandsOf(plan: Plan): Command[] {
  const out: Command[] = [];
  for (const a of plan.actions) {
    out.push(a.command);
    if (a.check) out.push(a.check.command);
    if (a.fallback) out.push(a.fallback);
    out.push(...(a.undo ?? []));
  }
  out.push(...plan.cleanup);
  return out;
}

/** A command as shown and exported: program, masked argv, and the quoted line. */
export interface CommandView {
  program: string;
  args: string[];
  line: string;
}

export function viewCommand(c: Command): CommandView {
  return { program: c.program, args: maskedArgs(c), line: displayCommand(c) };
}

export interface ActionView {
  id: string;
  title: string;
  detail: string;
  root: boolean;
  status: PlannedStatus;
  reason?: string;
  command: CommandView;
  check?: { command: CommandView; stdoutIncludes?: string; negate?: boolean };
  fallback?: CommandView;
  undo: CommandView[];
  irreversible?: true;
}

export interface PlanView {
  step: StepName;
  title: string;
  warnings: string[];
  actions: ActionView[];
  cleanup: CommandView[];
  files: { path: string; description: string; secret: boolean }[];
}

/** The plan as JSON-safe data with every secret masked: what `onboard plan --format json` prints and the UI shows. */
export function viewPlan(plan: Plan): PlanView {
  return {
    step: plan.step,
    title: plan.title,
    warnings: [...plan.warnings],
    actions: plan.actions.map((a) => ({
      id: a.id,
      title: a.title,
      detail: a.detail,
      root: a.root,
      status: a.status,
      ...(a.reason ? { reason: a.reason } : {}),
      command: viewCommand(a.command),
      ...(a.check
        ? {
            check: {
              command: viewCommand(a.check.command),
              ...(a.check.stdoutIncludes !== undefined ? { stdoutIncludes: a.check.stdoutIncludes } : {}),
              ...(a.check.negate ? { negate: true } : {}),
            },
          }
        : {}),
      ...(a.fallback ? { fallback: viewCommand(a.fallback) } : {}),
      undo: (a.undo ?? []).map(viewCommand),
      ...(a.irreversible ? { irreversible: true as const } : {}),
    })),
    cleanup: plan.cleanup.map(viewCommand),
    files: plan.files.map((f) => ({ path: f.path, description: f.description, secret: f.secret })),
  };
}

/** The plan as text for a terminal: each action with its exact command line (quoted, secrets masked). */
export function renderPlanText(plans: readonly Plan[]): string {
  const out: string[] = [];
  plans.forEach((p, n) => {
    const pending = pendingActions(p).length;
    out.push(
      `Step ${n + 1}: ${p.title}  (${pending === 0 ? 'nothing to do' : `${pending} change${pending === 1 ? '' : 's'}`})`,
    );
    for (const w of p.warnings) out.push(`  ! ${w}`);
    for (const a of p.actions) {
      const mark = a.status === 'skip' ? '=' : a.root ? '#' : '$';
      out.push(`  ${mark} ${a.title}${a.status === 'skip' ? `  [skip: ${a.reason ?? 'already done'}]` : ''}`);
      if (a.detail) out.push(`      ${a.detail}`);
      out.push(`      ${displayCommand(a.command)}`);
      if (a.check) {
        const c = a.check;
        const test = `${displayCommand(c.command)}${c.stdoutIncludes !== undefined ? ` shows "${c.stdoutIncludes.trim()}"` : ' succeeds'}`;
        out.push(`      already done if${c.negate ? ' NOT' : ''}: ${test}`);
      }
      if (a.fallback) out.push(`      if refused: ${displayCommand(a.fallback)}`);
      for (const u of a.undo ?? []) out.push(`      undo: ${displayCommand(u)}`);
      if (a.irreversible) out.push('      cannot be undone');
    }
    for (const c of p.cleanup) out.push(`  afterwards: ${displayCommand(c)}`);
    out.push('');
  });
  out.push('Legend: # runs as administrator (one password prompt per step), $ runs as you, = already done.');
  return out.join('\n') + '\n';
}
