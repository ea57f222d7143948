// Runs a plan: skips what is already done, stops at the first failure, undoes completed actions in reverse, always cleans up.
import { promises as fs } from 'node:fs';
import { OnboardError, type ErrorCode } from '../errors';
import type { Action, Check, Plan } from './action';
import { commandsOf } from './action';
import { isTrustedRoot, parseTrustSettings } from './facts/keychain';
import { approvalRefusal, SESSION_COMMAND } from './approval';
import { displayCommand, redactSecrets } from './quote';
import type { Command, CommandResult, Executor } from './types';

/** Output kept per command in results: enough to explain a failure, never a flood. */
export const RESULT_OUTPUT_LIMIT = 16 * 1024;

export type ActionOutcome = 'done' | 'skipped' | 'failed' | 'not-run' | 'undone' | 'undo-failed';

export interface ActionResult {
  id: string;
  title: string;
  root: boolean;
  outcome: ActionOutcome;
  exitCode?: number;
  /** Combined output (secrets masked, capped). */
  output?: string;
  reason?: string;
}

export interface PlanResult {
  step: Plan['step'];
  title: string;
  ok: boolean;
  /** Something on the Mac was changed (and not undone). */
  changed: boolean;
  rolledBack: boolean;
  actions: ActionResult[];
  failure?: { actionId: string; code: ErrorCode; message: string; hint: string };
  cleanup: { line: string; exitCode: number }[];
}

export type ProgressPhase = 'running' | 'done' | 'skipped' | 'failed' | 'undoing' | 'undone' | 'undo-failed';
export interface ProgressEvent {
  step: Plan['step'];
  actionId: string;
  title: string;
  phase: ProgressPhase;
}

/** One action as a privileged runner sees it. */
export interface BatchItem {
  id: string;
  title: string;
  command: Command;
  check?: Check;
  fallback?: Command;
  /** After an exit 0, the change is made only when this holds (see Action.confirm). */
  confirm?: Check;
  undo?: readonly Command[];
  /** A point of no return: after it has run, a later failure undoes nothing that came before it. */
  irreversible?: boolean;
}

export interface BatchItemResult {
  id: string;
  outcome: 'done' | 'skipped' | 'failed' | 'not-run';
  exitCode?: number;
  output: string;
  /** Set when this runner undid the item after a later failure in the same batch. */
  undo?: { exitCode: number; output: string };
}

export interface BatchResult {
  /** False when the batch never ran (administrator prompt cancelled or refused). */
  ran: boolean;
  items: BatchItemResult[];
  message?: string;
}

/** Told as each item of a batch starts and ends, so progress moves as the actions really run. */
export type ItemProgress = (id: string, phase: 'running' | 'done' | 'skipped' | 'failed') => void;

/**
 * Runs a list of items as administrator behind ONE authorisation. `apply`: check, run
 * (fallback on failure), stop at the first failure and undo the completed items in reverse.
 * `undo-only`: run each item's command (an undo) regardless of earlier failures.
 * `onItem`, when the runner can tell, hears each item start and end while the batch runs.
 */
export interface PrivilegedRunner {
  runBatch(
    title: string,
    items: readonly BatchItem[],
    mode: 'apply' | 'keep-going',
    onItem?: ItemProgress,
  ): Promise<BatchResult>;
}

/** Lets a stateful executor (the simulated Mac) know which action a command belongs to. */
export interface ActionAwareExecutor extends Executor {
  beginAction(actionId: string | null): void;
}

function isActionAware(e: Executor): e is ActionAwareExecutor {
  return typeof (e as Partial<ActionAwareExecutor>).beginAction === 'function';
}

function cap(text: string): string {
  return text.length > RESULT_OUTPUT_LIMIT ? text.slice(0, RESULT_OUTPUT_LIMIT) + '\n[output cut]' : text;
}

function outputOf(r: CommandResult): string {
  return cap([r.stdout, r.stderr].filter((s) => s.length > 0).join(r.stdout.endsWith('\n') || !r.stdout ? '' : '\n'));
}

/**
 * Evaluates an "already done?" check with any executor. An admin trust check reads the file the
 * export wrote on this computer (the executor's temporary folder: see Check.adminTrust); a file
 * that cannot be read or parsed means "not done", so the change is made (and its check reruns).
 */
export async function isDone(executor: Executor, check: Check): Promise<boolean> {
  const r = await executor.run(check.command);
  let yes = r.exitCode === 0 && (check.stdoutIncludes === undefined || r.stdout.includes(check.stdoutIncludes));
  if (yes && check.adminTrust) yes = await trustedInExport(check.command.args.at(-1) ?? '', check.adminTrust.sha1);
  if (check.negate) yes = !yes;
  for (const more of check.and ?? []) if (yes) yes = await isDone(executor, more);
  return yes;
}

async function trustedInExport(file: string, sha1: string): Promise<boolean> {
  try {
    const text = await fs.readFile(file, 'utf8');
    await fs.rm(file, { force: true });
    return isTrustedRoot(parseTrustSettings(text), sha1);
  } catch {
    return false;
  }
}

/** The batch semantics in-process, over an executor; used for user actions and by in-process privileged runners. */
export async function runItemsInProcess(
  executor: Executor,
  items: readonly BatchItem[],
  mode: 'apply' | 'keep-going',
  onItem?: ItemProgress,
): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = items.map((i) => ({ id: i.id, outcome: 'not-run', output: '' }));
  const completed: number[] = [];
  const aware = isActionAware(executor) ? executor : null;
  try {
    for (let n = 0; n < items.length; n++) {
      const item = items[n]!;
      const res = results[n]!;
      aware?.beginAction(item.id);
      onItem?.(item.id, 'running');
      if (mode === 'apply' && item.check && (await isDone(executor, item.check))) {
        res.outcome = 'skipped';
        onItem?.(item.id, 'skipped');
        continue;
      }
      let r = await executor.run(item.command);
      let output = outputOf(r);
      if (r.exitCode !== 0 && item.fallback) {
        r = await executor.run(item.fallback);
        output += outputOf(r);
      }
      if (r.exitCode === 0 && item.confirm && !(await isDone(executor, item.confirm))) {
        // The command said yes and the Mac says no: a failure, with the command's own words.
        r = { ...r, exitCode: 1 };
        output += 'onboard: the command reported success, but the change is not there.\n';
      }
      res.exitCode = r.exitCode;
      res.output = cap(output);
      onItem?.(item.id, r.exitCode === 0 ? 'done' : 'failed');
      if (r.exitCode === 0) {
        res.outcome = 'done';
        // Past an action that cannot be undone, the Mac cannot be put back as it was: keep what ran.
        if (item.irreversible) completed.length = 0;
        else completed.push(n);
        continue;
      }
      res.outcome = 'failed';
      if (mode === 'keep-going') continue;
      for (const k of completed.reverse()) {
        const undo = items[k]!.undo;
        if (!undo || undo.length === 0) continue;
        aware?.beginAction(`${items[k]!.id}:undo`);
        let code = 0;
        let out = '';
        for (const u of undo) {
          const ur = await executor.run(u);
          out += outputOf(ur);
          if (ur.exitCode !== 0 && code === 0) code = ur.exitCode;
        }
        results[k]!.undo = { exitCode: code, output: cap(out) };
      }
      break;
    }
  } finally {
    aware?.beginAction(null);
  }
  return results;
}

/** An executor that can also act as root in-process and show (simulated) administrator prompts, like the simulated Mac. */
interface RootCapable {
  asRoot(): Executor;
  /** Root as an osascript administrator batch has it (no GUI session), when the executor tells the two apart. */
  asBatchRoot?(): Executor;
  adminPrompt(title: string): boolean;
}

function isRootCapable(e: Executor): e is Executor & RootCapable {
  const r = e as Partial<RootCapable>;
  return typeof r.asRoot === 'function' && typeof r.adminPrompt === 'function';
}

/**
 * Privileged runner for executors that run root commands in-process (the simulated Mac, a
 * dry run). Given the simulated Mac itself, it runs as its root and records one prompt per batch.
 */
export class InProcessPrivilegedRunner implements PrivilegedRunner {
  private readonly rootExecutor: Executor;
  private readonly onPrompt: (title: string) => boolean;

  constructor(executor: Executor, onPrompt?: (title: string) => boolean) {
    this.rootExecutor = isRootCapable(executor) ? (executor.asBatchRoot?.() ?? executor.asRoot()) : executor;
    this.onPrompt = onPrompt ?? (isRootCapable(executor) ? (t) => executor.adminPrompt(t) : () => true);
  }

  async runBatch(
    title: string,
    items: readonly BatchItem[],
    mode: 'apply' | 'keep-going',
    onItem?: ItemProgress,
  ): Promise<BatchResult> {
    if (!this.onPrompt(title))
      return {
        ran: false,
        items: items.map((i) => ({ id: i.id, outcome: 'not-run', output: '' })),
        message: 'The administrator prompt was cancelled.',
      };
    return { ran: true, items: await runItemsInProcess(this.rootExecutor, items, mode, onItem) };
  }
}

export interface ExecuteOptions {
  /** Runs user actions, checks and cleanup. */
  executor: Executor;
  /** Runs root actions, one authorisation per call. */
  privileged: PrivilegedRunner;
  onProgress?: (e: ProgressEvent) => void;
}

function toItem(a: Action): BatchItem {
  return {
    id: a.id,
    title: a.title,
    command: a.command,
    ...(a.check ? { check: a.check } : {}),
    ...(a.fallback ? { fallback: a.fallback } : {}),
    ...(a.confirm ? { confirm: a.confirm } : {}),
    ...(a.undo ? { undo: a.undo } : {}),
    ...(a.irreversible ? { irreversible: true } : {}),
  };
}

/** Runs one step's plan. Never throws for a failed action: the result says what happened. */
export async function executePlan(plan: Plan, opts: ExecuteOptions): Promise<PlanResult> {
  const secrets = commandsOf(plan);
  const clean = (s: string) => redactSecrets(s, secrets);
  // A phase is told once: the runner may tell it while the batch runs and the results tell it again afterwards.
  const told = new Map<string, ProgressPhase>();
  const emit = (a: Action, phase: ProgressPhase) => {
    if (told.get(a.id) === phase) return;
    told.set(a.id, phase);
    opts.onProgress?.({ step: plan.step, actionId: a.id, title: a.title, phase });
  };
  const results = new Map<string, ActionResult>();
  for (const a of plan.actions) {
    results.set(
      a.id,
      a.status === 'skip'
        ? { id: a.id, title: a.title, root: a.root, outcome: 'skipped', ...(a.reason ? { reason: a.reason } : {}) }
        : { id: a.id, title: a.title, root: a.root, outcome: 'not-run' },
    );
    if (a.status === 'skip') emit(a, 'skipped');
  }
  const pending = plan.actions.filter((a) => a.status === 'pending');
  // A change a person must approve cannot be made where no dialog can appear: stop before any change.
  const refusal = pending.some((a) => a.approval)
    ? approvalRefusal(pending, (await opts.executor.run(SESSION_COMMAND)).stdout.trim() || null)
    : null;
  if (refusal) {
    const first = pending.find((a) => a.approval)!;
    return {
      step: plan.step,
      title: plan.title,
      ok: false,
      changed: false,
      rolledBack: false,
      actions: plan.actions.map((a) => results.get(a.id)!),
      failure: { actionId: first.id, code: refusal.code, message: refusal.message, hint: refusal.hint },
      cleanup: [],
    };
  }
  // Consecutive root actions share one privileged batch (one password prompt).
  const groups: Action[][] = [];
  for (const a of pending) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.root === a.root) last.push(a);
    else groups.push([a]);
  }
  const completed: Action[] = [];
  let failure: PlanResult['failure'];
  let rolledBack = false;
  for (const group of groups) {
    const root = group[0]!.root;
    // Each action is said to run when it really starts (a runner that cannot tell leaves the rest waiting until the
    // batch returns), never the whole group at once.
    emit(group[0]!, 'running');
    const byId = new Map(group.map((a) => [a.id, a] as const));
    const onItem: ItemProgress = (id, phase) => {
      const a = byId.get(id);
      if (a && !(phase === 'running' && a === group[0])) emit(a, phase);
    };
    let items: BatchItemResult[];
    if (root) {
      const batch = await opts.privileged.runBatch(plan.title, group.map(toItem), 'apply', onItem);
      items = batch.items;
      if (!batch.ran) {
        failure = {
          actionId: group[0]!.id,
          code: 'admin-cancelled',
          message: clean(batch.message ?? 'Administrator rights were not granted.'),
          hint: 'Run the step again and enter an administrator name and password when macOS asks.',
        };
      }
    } else {
      items = await runItemsInProcess(opts.executor, group.map(toItem), 'apply', onItem);
    }
    for (const [n, item] of items.entries()) {
      const a = group[n]!;
      const res = results.get(a.id)!;
      res.outcome = item.outcome;
      if (item.exitCode !== undefined) res.exitCode = item.exitCode;
      if (item.output) res.output = clean(item.output);
      if (item.outcome === 'done') {
        // A point of no return: a later failure must not half undo the step around it.
        if (a.irreversible) completed.length = 0;
        else completed.push(a);
      }
      if (item.outcome === 'skipped') res.reason = 'already done';
      if (item.undo) {
        res.outcome = item.undo.exitCode === 0 ? 'undone' : 'undo-failed';
        if (item.undo.output) res.output = clean((res.output ?? '') + item.undo.output);
        rolledBack = true;
        if (completed.includes(a)) completed.splice(completed.indexOf(a), 1);
      }
      // Actions after a failure never ran: they get no event of their own.
      if (item.outcome !== 'not-run')
        emit(
          a,
          item.outcome === 'done' && item.undo ? (item.undo.exitCode === 0 ? 'undone' : 'undo-failed') : item.outcome,
        );
      if (item.outcome === 'failed' && !failure) {
        const first = (res.output ?? '').trim().split('\n').slice(-3).join(' ').trim();
        failure = {
          actionId: a.id,
          code: 'action-failed',
          message: `"${a.title}" failed (exit ${item.exitCode ?? '?'})${first ? `: ${first}` : '.'}`,
          hint: `The command was: ${displayCommand(a.command)}`,
        };
      }
    }
    if (failure) break;
  }
  if (failure && completed.length > 0) {
    rolledBack = true;
    await undoCompleted(plan, completed.reverse(), opts, results, emit, clean);
  }
  const cleanup: PlanResult['cleanup'] = [];
  for (const c of plan.cleanup) {
    const r = await opts.executor.run(c);
    cleanup.push({ line: displayCommand(c), exitCode: r.exitCode });
  }
  const actions = plan.actions.map((a) => results.get(a.id)!);
  return {
    step: plan.step,
    title: plan.title,
    ok: !failure,
    changed: actions.some((r) => r.outcome === 'done' || r.outcome === 'undo-failed'),
    rolledBack,
    actions,
    ...(failure ? { failure } : {}),
    cleanup,
  };
}

async function undoCompleted(
  plan: Plan,
  actions: Action[],
  opts: ExecuteOptions,
  results: Map<string, ActionResult>,
  emit: (a: Action, p: ProgressPhase) => void,
  clean: (s: string) => string,
): Promise<void> {
  const withUndo = actions.filter((a) => a.undo && a.undo.length > 0);
  for (const a of withUndo) emit(a, 'undoing');
  const record = (a: Action, code: number, output: string) => {
    const res = results.get(a.id)!;
    res.outcome = code === 0 ? 'undone' : 'undo-failed';
    if (output) res.output = clean((res.output ?? '') + output);
    emit(a, res.outcome);
  };
  const runAll = async (list: Action[], root: boolean) => {
    // Each undo command is its own item, so one that fails does not stop the others.
    const flat: { action: Action; item: BatchItem }[] = [];
    for (const a of list)
      a.undo!.forEach((u, k) =>
        flat.push({ action: a, item: { id: `${a.id}:undo:${k}`, title: `Undo: ${a.title}`, command: u } }),
      );
    const items = flat.map((f) => f.item);
    const out = root
      ? (await opts.privileged.runBatch(`Undo: ${plan.title}`, items, 'keep-going')).items
      : await runItemsInProcess(opts.executor, items, 'keep-going');
    for (const a of list) {
      const mine = out.filter((_, k) => flat[k]!.action === a);
      const bad = mine.find((r) => r.outcome !== 'done');
      record(a, bad ? (bad.exitCode ?? 1) || 1 : 0, mine.map((r) => r.output).join(''));
    }
  };
  // `actions` is newest first; consecutive actions of one kind are undone together (root ones behind one prompt).
  for (let i = 0; i < withUndo.length;) {
    let j = i;
    while (j < withUndo.length && withUndo[j]!.root === withUndo[i]!.root) j++;
    await runAll(withUndo.slice(i, j), withUndo[i]!.root);
    i = j;
  }
}

/** Turns a failed plan result into the error a technician reads. */
export function failureError(result: PlanResult): OnboardError | null {
  return result.failure ? new OnboardError(result.failure.code, result.failure.message, result.failure.hint) : null;
}
