// Contract of the changes every step that touches the Mac shares: a change is prepared first (a plan the technician
// reads, secrets masked) and applied second by its planId, so what runs is exactly what was shown.
import { z } from 'zod';
import { type } from './type';
import type { PlanView } from '../../core/macos/action';
import type { IpcError } from '../result';

export type { PlanView, ActionView, CommandView } from '../../core/macos/action';

/** What a prepared set of plans is for; the summary groups changes by it. */
export type ChangePurpose = 'trust' | 'install' | 'debug-logging' | 'uninstall' | 'undo';

/** Plans made in main and kept there until applied (or replaced by a newer preparation). */
export interface PreparedChanges {
  planId: string;
  purpose: ChangePurpose;
  /** One plan per step of the change (e.g. CA import, then identity import), masked for display. */
  plans: PlanView[];
  /** Actions that will run; the rest are skipped with their reason. */
  pendingCount: number;
  /** True when at least one pending action needs an administrator. */
  needsAdmin: boolean;
  /** How many administrator prompts applying will show (one per run of consecutive root actions: one batch each). */
  adminPrompts: number;
  /**
   * How many macOS trust dialogs a person at the Mac will approve (one per root CA whose admin
   * trust changes; undoing one after a failure asks again).
   */
  trustDialogs: number;
}

/** What happened to one action when a plan ran. */
export interface ActionOutcome {
  id: string;
  title: string;
  status: 'done' | 'skipped' | 'failed' | 'undone' | 'not-run';
  detail?: string;
}

export interface ApplyOutcome {
  planId: string;
  purpose: ChangePurpose;
  ok: boolean;
  actions: ActionOutcome[];
  /** When something failed: the actions put back as they were, in the order they were undone. */
  rolledBack: ActionOutcome[];
  /** Why it stopped, in plain words, with what to do; its code lets each front end advise it in its own words. */
  failure?: Pick<IpcError, 'code' | 'message' | 'hint'>;
  /**
   * When it failed after an action that cannot be undone had run: the changes kept (that action
   * and those before it), since the Mac could no longer be put back as it was.
   */
  kept?: ActionOutcome[];
}

const planId = z.string().regex(/^[a-z-]+-[0-9a-f]{16}$/, 'not a plan id');

export const planMethods = {
  /** Runs a prepared set of plans; progress events carry each action's id. */
  applyChanges: { request: z.object({ planId }).strict(), result: type<ApplyOutcome>() },
} as const;
