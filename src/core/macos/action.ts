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
  /**
   * Instead of the output: `command` is `security trust-settings-export -d FILE`, and it is done
   * when the admin trust settings written to FILE hold the certificate with this SHA-1 as trusted
   * (see isTrustedRoot; "No Trust Settings were found." means not). Presence in the keychain is
   * not trust: `add-trusted-cert -k` adds the certificate before it asks for the trust.
   */
  adminTrust?: { sha1: string };
  /** Every one of these must hold as well (e.g. the receipt's version AND the program on disk). */
  and?: readonly Check[];
}

/**
 * What macOS makes a person approve, beyond the administrator batch: `trust-settings` is an
 * admin trust change, which since macOS 11 shows a SecurityAgent dialog of its own for each
 * certificate, whoever runs it (root too), and is refused where no dialog can appear (an SSH
 * login, a launchd daemon such as an MDM agent, an osascript administrator batch).
 */
export type Approval = 'trust-settings';

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
  /**
   * A person at the Mac approves it in a dialog of its own (and its undo too). Such an action
   * runs as the user in the GUI session, never in the administrator batch, where macOS cannot
   * show the dialog.
   */
  approval?: Approval;
  check?: Check;
  /** Run when `command` fails (e.g. `launchctl load -w` when `bootstrap` is refused). */
  fallback?: Command;
  /**
   * After the command (or its fallback) exited 0, the change counts as made only when this holds:
   * for commands whose exit status does not tell (the legacy `launchctl load` exits 0 on failure).
   */
  confirm?: Check;
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
    if (a.check) out.push(...checkCommands(a.check));
    if (a.fallback) out.push(a.fallback);
    if (a.confirm) out.push(...checkCommands(a.confirm));
    out.push(...(a.undo ?? []));
  }
  out.push(...plan.cleanup);
  return out;
}

function checkCommands(c: Check): Command[] {
  return [c.command, ...(c.and ?? []).flatMap(checkCommands)];
}

/** What applying costs a person: administrator passwords and macOS trust dialogs. */
export interface PromptCount {
  /** One per run of consecutive pending root actions: the executors run each run as one batch. */
  adminPrompts: number;
  /** One per pending action a person approves (each admin trust change); undoing one asks again. */
  trustDialogs: number;
}

export function countPrompts(actions: readonly Action[]): PromptCount {
  let adminPrompts = 0;
  let trustDialogs = 0;
  let inRootRun = false;
  for (const a of actions) {
    if (a.status !== 'pending') continue;
    if (a.root && !inRootRun) adminPrompts++;
    inRootRun = a.root;
    if (a.approval) trustDialogs++;
  }
  return { adminPrompts, trustDialogs };
}

/** "1 administrator password and 2 macOS trust dialogs", or '' when applying asks nothing. */
export function describePrompts(p: PromptCount): string {
  const parts = [
    ...(p.adminPrompts ? [`${p.adminPrompts} administrator password${p.adminPrompts === 1 ? '' : 's'}`] : []),
    ...(p.trustDialogs ? [`${p.trustDialogs} macOS trust dialog${p.trustDialogs === 1 ? '' : 's'}`] : []),
  ];
  return parts.join(' and ');
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

export interface CheckView {
  command: CommandView;
  stdoutIncludes?: string;
  negate?: boolean;
  adminTrust?: { sha1: string };
  and?: CheckView[];
}

export interface ActionView {
  id: string;
  title: string;
  detail: string;
  root: boolean;
  approval?: Approval;
  status: PlannedStatus;
  reason?: string;
  command: CommandView;
  check?: CheckView;
  fallback?: CommandView;
  confirm?: CheckView;
  undo: CommandView[];
  irreversible?: true;
}

export interface PlanView {
  step: StepName;
  title: string;
  /** What applying this plan asks of a person. */
  prompts: PromptCount;
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
    prompts: countPrompts(plan.actions),
    warnings: [...plan.warnings],
    actions: plan.actions.map((a) => ({
      id: a.id,
      title: a.title,
      detail: a.detail,
      root: a.root,
      ...(a.approval ? { approval: a.approval } : {}),
      status: a.status,
      ...(a.reason ? { reason: a.reason } : {}),
      command: viewCommand(a.command),
      ...(a.check ? { check: viewCheck(a.check) } : {}),
      ...(a.fallback ? { fallback: viewCommand(a.fallback) } : {}),
      ...(a.confirm ? { confirm: viewCheck(a.confirm) } : {}),
      undo: (a.undo ?? []).map(viewCommand),
      ...(a.irreversible ? { irreversible: true as const } : {}),
    })),
    cleanup: plan.cleanup.map(viewCommand),
    files: plan.files.map((f) => ({ path: f.path, description: f.description, secret: f.secret })),
  };
}

function viewCheck(c: Check): CheckView {
  return {
    command: viewCommand(c.command),
    ...(c.stdoutIncludes !== undefined ? { stdoutIncludes: c.stdoutIncludes } : {}),
    ...(c.negate ? { negate: true } : {}),
    ...(c.adminTrust ? { adminTrust: { sha1: c.adminTrust.sha1 } } : {}),
    ...(c.and?.length ? { and: c.and.map(viewCheck) } : {}),
  };
}

/** A check in words for a terminal, e.g. `security find-certificate ... shows "SHA-1 hash: …"`. */
export function describeCheck(c: Check): string {
  const one = c.adminTrust
    ? `${displayCommand(c.command)} holds SHA-1 ${c.adminTrust.sha1} as trusted`
    : `${displayCommand(c.command)}${c.stdoutIncludes !== undefined ? ` shows "${c.stdoutIncludes.trim()}"` : ' succeeds'}`;
  return [c.negate ? `NOT: ${one}` : one, ...(c.and ?? []).map(describeCheck)].join(', and ');
}

/** The plan as text for a terminal: each action with its exact command line (quoted, secrets masked). */
export function renderPlanText(plans: readonly Plan[]): string {
  const out: string[] = [];
  plans.forEach((p, n) => {
    const pending = pendingActions(p).length;
    const asks = describePrompts(countPrompts(p.actions));
    out.push(
      `Step ${n + 1}: ${p.title}  (${pending === 0 ? 'nothing to do' : `${pending} change${pending === 1 ? '' : 's'}${asks ? `; asks for ${asks}` : ''}`})`,
    );
    for (const w of p.warnings) out.push(`  ! ${w}`);
    for (const a of p.actions) {
      const mark = a.status === 'skip' ? '=' : a.approval ? '*' : a.root ? '#' : '$';
      out.push(`  ${mark} ${a.title}${a.status === 'skip' ? `  [skip: ${a.reason ?? 'already done'}]` : ''}`);
      if (a.detail) out.push(`      ${a.detail}`);
      out.push(`      ${displayCommand(a.command)}`);
      if (a.check) out.push(`      already done if: ${describeCheck(a.check)}`);
      if (a.fallback) out.push(`      if refused: ${displayCommand(a.fallback)}`);
      if (a.confirm) out.push(`      made only if afterwards: ${describeCheck(a.confirm)}`);
      for (const u of a.undo ?? []) out.push(`      undo: ${displayCommand(u)}`);
      if (a.irreversible) out.push('      cannot be undone');
    }
    for (const c of p.cleanup) out.push(`  afterwards: ${displayCommand(c)}`);
    out.push('');
  });
  out.push(
    'Legend: # runs as administrator (each run of them is one administrator password), $ runs as you,',
    '        * runs as you and macOS asks a person at the Mac to approve it in a dialog of its own',
    '          (one per certificate; undoing it asks again), = already done.',
  );
  return out.join('\n') + '\n';
}
