// The shape of every answer the renderer receives: a value, or an error a technician can act on.
import type { ErrorCode } from '../core/error-codes';

export type { ErrorCode } from '../core/error-codes';

export interface IpcError {
  /** Stable machine code, e.g. 'pfx-wrong-password', 'invalid-request', 'unknown-method'. */
  code: ErrorCode;
  /** One plain sentence: what went wrong. */
  message: string;
  /** What to do about it (may be empty). */
  hint: string;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };
