// The one error type core code throws for anything a technician can act on.
import type { ErrorCode } from './error-codes';

export { ERROR_CODES, type ErrorCode } from './error-codes';

/**
 * A failure with a stable code, a plain-language message and a fix hint.
 * The CLI prints `message` (and `hint`) on one or two lines; the IPC router turns it
 * into `{ ok: false, error: { code, message, hint } }`. Anything that is not an
 * OnboardError is a bug and is reported as `internal` without its stack.
 */
export class OnboardError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;

  constructor(code: ErrorCode, message: string, hint = '') {
    super(message);
    this.name = 'OnboardError';
    this.code = code;
    this.hint = hint;
  }
}

export function isOnboardError(e: unknown): e is OnboardError {
  return e instanceof OnboardError;
}

/** Shorthand for `throw new OnboardError(...)` in expression position. */
export function fail(code: ErrorCode, message: string, hint = ''): never {
  throw new OnboardError(code, message, hint);
}

/** Text of any thrown value, for wrapping low-level errors (never a stack trace). */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
