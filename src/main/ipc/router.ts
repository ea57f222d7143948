// The one router behind both transports (Electron IPC and the preview WebSocket):
// validates every request against the contract, dispatches, and turns failures into values.
import type { z } from 'zod';
import {
  contract,
  type MethodName,
  type ParsedRequestOf,
  type ResultOf,
  type OnboardEvent,
  type ProgressUpdate,
} from '../../shared/contract';
import type { IpcError, IpcResult } from '../../shared/result';
import { isOnboardError, type OnboardError } from '../../core/errors';

/** What a handler gets besides its validated request. */
export interface HandlerContext<S> {
  /** Per-window (or per-connection) state held in main-process memory only. */
  session: S;
  /** Reports progress to the renderer that made the request, tagged with that request's id. */
  emit(update: ProgressUpdate): void;
  /** Aborted when the renderer cancels this request (cancelRequest) or goes away. */
  signal: AbortSignal;
}

/** Every method but cancelRequest, which the router answers itself. */
export type HandledMethod = Exclude<MethodName, 'cancelRequest'>;

export type Handlers<S> = {
  [M in HandledMethod]: (request: ParsedRequestOf<M>, ctx: HandlerContext<S>) => Promise<ResultOf<M>> | ResultOf<M>;
};

export interface DispatchContext<S> {
  session: S;
  emit(event: OnboardEvent): void;
  /** Identifies the request so that cancelRequest can abort it. */
  requestId?: string;
}

export interface Router<S> {
  dispatch(method: unknown, payload: unknown, ctx: DispatchContext<S>): Promise<IpcResult<unknown>>;
  /** Aborts every running request of a session (window closed, socket gone). */
  abortAll(session: S): void;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'request'}: ${i.message}`)
    .join('; ');
}

/** An OnboardError as the renderer receives it: the core's neutral words, and the fix's parameters when it has any. */
export function ipcError(e: OnboardError): IpcError {
  return { code: e.code, message: e.message, hint: e.hint, ...(e.details ? { details: e.details } : {}) };
}

export function createRouter<S extends object>(
  handlers: Handlers<S>,
  opts: { logInternal?: (method: string, e: unknown) => void } = {},
): Router<S> {
  const running = new WeakMap<S, Map<string, AbortController>>();
  const jobsOf = (session: S) => {
    let m = running.get(session);
    if (!m) running.set(session, (m = new Map()));
    return m;
  };

  return {
    async dispatch(method, payload, ctx) {
      if (typeof method !== 'string' || !Object.hasOwn(contract, method)) {
        return {
          ok: false,
          error: {
            code: 'unknown-method',
            message: `Unknown request ${JSON.stringify(String(method)).slice(0, 80)}.`,
            hint: 'The app and its window are out of step: restart Onboard.',
          },
        };
      }
      const name = method as MethodName;
      if (name === 'cancelRequest') {
        const parsed = contract.cancelRequest.request.safeParse(payload);
        if (!parsed.success)
          return {
            ok: false,
            error: {
              code: 'invalid-request',
              message: `Invalid cancelRequest request: ${describeIssues(parsed.error)}.`,
              hint: '',
            },
          };
        const job = jobsOf(ctx.session).get(parsed.data.requestId);
        job?.abort();
        return { ok: true, value: { cancelled: Boolean(job) } };
      }
      const schema = contract[name].request as z.ZodType;
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) {
        return {
          ok: false,
          error: {
            code: 'invalid-request',
            message: `Invalid ${name} request: ${describeIssues(parsed.error)}.`,
            hint: 'The app and its window are out of step: restart Onboard.',
          },
        };
      }
      const controller = new AbortController();
      const jobs = jobsOf(ctx.session);
      if (ctx.requestId) jobs.set(ctx.requestId, controller);
      try {
        const handler = handlers[name as HandledMethod] as (r: unknown, c: HandlerContext<S>) => Promise<unknown>;
        const requestId = ctx.requestId;
        // Progress means something only to a renderer that can tell which request it belongs to.
        const emit = (update: ProgressUpdate) => {
          if (requestId) ctx.emit({ type: 'progress', requestId, ...update });
        };
        const value = await handler(parsed.data, { session: ctx.session, emit, signal: controller.signal });
        return { ok: true, value };
      } catch (e) {
        if (isOnboardError(e)) return { ok: false, error: ipcError(e) };
        if (controller.signal.aborted)
          return { ok: false, error: { code: 'cancelled', message: 'Cancelled.', hint: '' } };
        opts.logInternal?.(name, e);
        return {
          ok: false,
          error: {
            code: 'internal',
            message: 'Something went wrong inside Onboard.',
            hint: 'Try again; if it happens again, restart Onboard and report what you were doing.',
          },
        };
      } finally {
        if (ctx.requestId) jobs.delete(ctx.requestId);
      }
    },
    abortAll(session) {
      const jobs = running.get(session);
      if (!jobs) return;
      for (const c of jobs.values()) c.abort();
      jobs.clear();
    },
  };
}
