// The one error type core code throws for anything a technician can act on.
import type { ErrorCode } from './error-codes';

export { ERROR_CODES, type ErrorCode } from './error-codes';

/** The parameters of a fix (a file name, an issuer, a folder), by name, for front ends that word the fix their own way. */
export type ErrorDetails = Readonly<Record<string, string>>;

// A registered symbol is the same in every copy of this module: the CLI is bundled per verb (scripts/build.mjs), so
// an error a verb's bundle throws is not `instanceof` the dispatcher's own OnboardError class.
const ONBOARD_ERROR = Symbol.for('onboard.OnboardError');

/**
 * A failure with a stable code, a plain-language message, a fix hint and, where the fix needs them, its
 * parameters as `details`. Message and hint are neutral: they say what is wrong and what to do in words that fit
 * the command line and the wizard alike (no options, no verbs, no buttons); each front end adds its own advice by
 * code (src/cli/advice.ts, renderer/ui/advice.ts). The IPC router turns it into
 * `{ ok: false, error: { code, message, hint, details } }`. Anything that is not an OnboardError is a bug and is
 * reported as `internal` without its stack.
 */
export class OnboardError extends Error {
  /** Marks every OnboardError, whichever copy of this module made it (see isOnboardError). */
  readonly [ONBOARD_ERROR] = true;
  readonly code: ErrorCode;
  readonly hint: string;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, hint = '', details?: ErrorDetails) {
    super(message);
    this.name = 'OnboardError';
    this.code = code;
    this.hint = hint;
    this.details = details;
  }
}

/** Whether `e` is an OnboardError, also one made by another bundle's copy of this module (the CLI's verbs). */
export function isOnboardError(e: unknown): e is OnboardError {
  return typeof e === 'object' && e !== null && (e as { [ONBOARD_ERROR]?: unknown })[ONBOARD_ERROR] === true;
}

/** Shorthand for `throw new OnboardError(...)` in expression position. */
export function fail(code: ErrorCode, message: string, hint = '', details?: ErrorDetails): never {
  throw new OnboardError(code, message, hint, details);
}

/** Text of any thrown value, for wrapping low-level errors (never a stack trace). */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
