// Puts the errors of Welcome, CA certificates and the client certificate in the wizard's words (wording.ts) on
// their way to the screen, with the advice of the screen each method's errors are shown on.
import { isOnboardError } from '../../core/errors';
import { screenError, type SetupScreen } from './wording';

type AnyHandler = (request: never, ctx: never) => unknown;

/** The same handlers; an OnboardError any of them throws is reworded for `screenOf[method]` (else 'other'). */
export function worded<H extends Record<string, AnyHandler>>(
  handlers: H,
  screenOf: Partial<Record<keyof H, SetupScreen>> = {},
): H {
  const out: Record<string, unknown> = {};
  for (const [method, handler] of Object.entries(handlers)) {
    const run = handler as (request: unknown, ctx: unknown) => unknown;
    out[method] = async (request: unknown, ctx: unknown) => {
      try {
        return await run(request, ctx);
      } catch (e) {
        throw isOnboardError(e) ? screenError(e, screenOf[method as keyof H] ?? 'other') : e;
      }
    };
  }
  return out as H;
}
