// Prepared plans: kept in the session under a fresh id, shown masked, applied as one batch.
import { randomBytes } from 'node:crypto';
import { viewPlan, type Action, type Plan, type StepName } from '../../../core/macos/action';
import { InProcessPrivilegedRunner, type PrivilegedRunner } from '../../../core/macos/execute';
import type { PlanWorkspace } from '../../../core/macos/workspace';
import { OnboardError } from '../../../core/errors';
import type { Session } from '../session';
import { disposePrepared, type PreparedEntry } from '../state-changes';
import type { ChangePurpose, PreparedChanges } from '../../../shared/contract';

/**
 * Keeps `plans` as the one prepared change of its purpose (an older one is dropped with its
 * workspace) and returns what the technician reads.
 */
export async function keepPrepared(
  session: Session,
  purpose: ChangePurpose,
  plans: Plan[],
  workspace: PlanWorkspace | null,
  extra: Partial<PreparedEntry> = {},
): Promise<PreparedChanges> {
  await disposePrepared(session.changes, purpose);
  const planId = `${purpose}-${randomBytes(8).toString('hex')}`;
  session.changes.prepared.set(planId, { planId, purpose, plans, workspace, ...extra });
  return describePrepared(planId, purpose, plans);
}

export function describePrepared(planId: string, purpose: ChangePurpose, plans: Plan[]): PreparedChanges {
  const pending = plans.flatMap((p) => p.actions.filter((a) => a.status === 'pending'));
  return {
    planId,
    purpose,
    plans: plans.map(viewPlan),
    pendingCount: pending.length,
    needsAdmin: pending.some((a) => a.root),
    adminPrompts: promptsFor(pending),
  };
}

/** Consecutive root actions share one prompt; a user action between them splits them. */
function promptsFor(pending: Action[]): number {
  let prompts = 0;
  let inRootRun = false;
  for (const a of pending) {
    if (a.root && !inRootRun) prompts++;
    inRootRun = a.root;
  }
  return prompts;
}

/**
 * The parts of one wizard step run as ONE plan, so the step costs one administrator prompt
 * and a failure anywhere undoes everything the step had done, across its parts.
 */
export function asOnePlan(step: StepName, title: string, plans: Plan[]): Plan {
  const seen = new Set<string>();
  const actions: Action[] = [];
  for (const p of plans) {
    for (const a of p.actions) {
      if (seen.has(a.id)) throw new OnboardError('internal', `Two actions of one step share the id ${a.id}.`);
      seen.add(a.id);
      actions.push(a);
    }
  }
  return {
    step,
    title,
    actions,
    warnings: plans.flatMap((p) => p.warnings),
    cleanup: plans.flatMap((p) => p.cleanup),
    files: plans.flatMap((p) => p.files),
  };
}

/**
 * The runner for root actions: one osascript administrator prompt per batch on a real Mac;
 * the simulated Mac's own runner (which counts its prompts) in the preview and tests.
 */
export function privilegedRunner(session: Session): PrivilegedRunner {
  if (session.changes.privileged) return session.changes.privileged;
  const executor = session.executor as Session['executor'] & { privilegedRunner?: () => PrivilegedRunner };
  let runner: PrivilegedRunner;
  if (executor.kind === 'local') {
    const { PrivilegedBatch } =
      require('../../../core/macos/executors/privileged-batch') as typeof import('../../../core/macos/executors/privileged-batch');
    runner = new PrivilegedBatch({ executor });
  } else if (typeof executor.privilegedRunner === 'function') {
    runner = executor.privilegedRunner();
  } else {
    runner = new InProcessPrivilegedRunner(executor);
  }
  session.changes.privileged = runner;
  return runner;
}
