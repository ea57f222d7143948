// The shape of every answer the renderer receives: a value, or an error a technician can act on.
import type { ErrorCode } from '../core/error-codes';

export type { ErrorCode } from '../core/error-codes';

export interface IpcError {
  /** Stable machine code, e.g. 'pfx-wrong-password', 'invalid-request', 'unknown-method'. */
  code: ErrorCode;
  /** One plain sentence: what went wrong (neutral: the renderer's advice.ts may say it in the wizard's words). */
  message: string;
  /** What to do about it (may be empty). */
  hint: string;
  /** The fix's parameters by name (a file name, an issuer), when it has any: see renderer/ui/advice.ts. */
  details?: Readonly<Record<string, string>>;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };
