// The helpers of the store's one state idiom (types.ts): a Loadable from main's answer, what a request in flight is
// doing, and a Run kept up to date from the progress events of its own request.
import type { ApplyOutcome, PreparedChanges } from '../../src/shared/contract';
import type { IpcError, IpcResult, Loadable, ProgressItem, Run, SliceCreator, WizardState } from './types';
import { getApi, newRequestId } from '../api';

export const idle = { state: 'idle' } as const;

export function loaded<T>(r: IpcResult<T>): Loadable<T> {
  return r.ok ? { state: 'ready', value: r.value } : { state: 'error', error: r.error };
}

export function loading(label: string): { state: 'loading'; label: string } {
  return { state: 'loading', label };
}

export function failed(error: IpcError): { state: 'error'; error: IpcError } {
  return { state: 'error', error };
}

/** What is being done right now, for the busy line; null when nothing is. */
export function busyText(l: Loadable<unknown>): string | null {
  return l.state === 'loading' ? (l.label ?? '') : null;
}

export function errorOf(l: Loadable<unknown>): IpcError | null {
  return l.state === 'error' ? l.error : null;
}

/** The same request with its error forgotten (a request in flight stays). */
export function withoutError<T>(l: Loadable<T>): Loadable<T> {
  return l.state === 'error' ? idle : l;
}

type Set = Parameters<SliceCreator<unknown>>[0];
type Get = Parameters<SliceCreator<unknown>>[1];

/** Where a run lives in the store, so one helper can drive all of them. */
export interface RunSlot<T> {
  /** Names the requests of this run (e.g. "trust-…"), for the transport and the logs. */
  name: string;
  read(s: WizardState): Run<T>;
  write(s: WizardState, run: Run<T>): Partial<WizardState>;
}

/**
 * Starts a request whose progress events update the run in `slot`; a second start while one is running is
 * ignored (one administrator prompt per press, never two).
 */
export async function track<T>(
  set: Set,
  get: Get,
  slot: RunSlot<T>,
  start: (requestId: string) => Promise<IpcResult<T>>,
): Promise<IpcResult<T> | null> {
  if (slot.read(get()).state === 'running') return null;
  const requestId = newRequestId(slot.name);
  set((s) => slot.write(s, { state: 'running', requestId, progress: {} }));
  const unsubscribe = getApi().onEvent((e) => {
    if (e.type !== 'progress' || e.requestId !== requestId) return;
    set((s) => {
      const run = slot.read(s);
      if (run.state !== 'running' || run.requestId !== requestId) return {};
      const item: ProgressItem = { status: e.status };
      if (e.label !== undefined) item.label = e.label;
      if (e.detail !== undefined) item.detail = e.detail;
      return slot.write(s, { ...run, progress: { ...run.progress, [e.id]: item } });
    });
  });
  try {
    const r = await start(requestId);
    set((s) => {
      const run = slot.read(s);
      const progress = run.state === 'idle' ? {} : run.progress;
      return slot.write(
        s,
        r.ok ? { state: 'done', value: r.value, progress } : { state: 'error', error: r.error, progress },
      );
    });
    return r;
  } finally {
    unsubscribe();
  }
}

/** True when an apply finished and everything in it went through. */
export function appliedCleanly(run: Run<ApplyOutcome>): boolean {
  return run.state === 'done' && run.value.ok;
}

/** A plan that has nothing left to do counts as applied: the Mac is already as wanted. */
export function nothingToDo(plan: Loadable<PreparedChanges>): boolean {
  return plan.state === 'ready' && plan.value.pendingCount === 0;
}

/** What the live region says when an apply is over: done, or why it stopped. */
export function outcomeWords(r: IpcResult<ApplyOutcome>, done: string): string {
  if (!r.ok) return `Could not apply: ${r.error.message}`;
  if (r.value.ok) return done;
  return `The step stopped: ${r.value.failure?.message ?? 'an action failed.'} What was changed is listed below.`;
}
