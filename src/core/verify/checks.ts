// Runs verify's independent checks all at once and reports them in a stable order: the order of the list,
// whatever order the network answers in.
import { OnboardError } from '../errors';
import type { VerifyFinding } from './findings';

/** One piece of a check's work that needs nothing from any other: a probe, one CRL, one OCSP request. */
export type CheckPart = () => Promise<VerifyFinding[]> | VerifyFinding[];

/**
 * A check as the technician sees it ('switch', 'crl', ...): its parts run at once, and its findings come in
 * the order of the parts. Work that must happen in sequence (DNS, then TCP, then TLS) is one part.
 */
export interface VerifyCheck {
  id: string;
  parts: CheckPart[];
}

export interface VerifyProgress {
  /** A check's id ('switch', 'crl', ...) for 'running' and 'checked'; a finding's id for 'done'. */
  id: string;
  /**
   * 'running': the check started (the independent checks all start together, in the list's order);
   * 'done': one of its findings, reported in the list's order whatever order the checks finished in;
   * 'checked': every finding of that check has been reported.
   */
  status: 'running' | 'done' | 'checked';
  /** For 'done': the check the finding belongs to. */
  check?: string;
  finding?: VerifyFinding;
}

export const cancelled = () =>
  new OnboardError('verify-cancelled', 'Verification was cancelled.', 'Start it again when ready.');

export interface RunChecksOptions {
  /** The caller's cancel: the run rejects with 'verify-cancelled' as soon as it fires. */
  signal?: AbortSignal;
  /**
   * Aborted when the run ends early (cancelled, or a check threw), so that the parts still running stop;
   * the parts are given its signal.
   */
  stop: AbortController;
  emit: (e: VerifyProgress) => void;
}

/**
 * Starts every part of every check at once and resolves with all findings in list order, emitting progress
 * as each check's turn comes. Findings are the outcome of network trouble; a part that throws (cancellation,
 * a bug) ends the run with that error, and the others are stopped.
 */
export async function runChecks(checks: readonly VerifyCheck[], opts: RunChecksOptions): Promise<VerifyFinding[]> {
  if (opts.signal?.aborted) throw cancelled();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelled());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
  let failed: (e: unknown) => void = () => undefined;
  const firstFailure = new Promise<never>((_, reject) => (failed = reject));
  const running = checks.map((check) => {
    opts.emit({ id: check.id, status: 'running' });
    const parts = check.parts.map((part) => Promise.resolve().then(part));
    for (const p of parts) p.catch(failed);
    return Promise.all(parts);
  });
  // Every rejection reaches firstFailure or the loop below; none may go unhandled while an earlier check is awaited.
  for (const p of [aborted, firstFailure, ...running]) p.catch(() => undefined);
  try {
    const findings: VerifyFinding[] = [];
    for (const [i, check] of checks.entries()) {
      const got = (await Promise.race([running[i]!, aborted, firstFailure])).flat();
      if (opts.signal?.aborted) throw cancelled();
      for (const f of got) {
        findings.push(f);
        opts.emit({ id: f.id, status: 'done', check: check.id, finding: f });
      }
      opts.emit({ id: check.id, status: 'checked' });
    }
    return findings;
  } catch (e) {
    opts.stop.abort();
    throw opts.signal?.aborted ? cancelled() : e;
  } finally {
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** An AbortController that also aborts when `outer` does (the caller's cancel reaches every part). */
export function linkedStop(outer: AbortSignal | undefined): AbortController {
  const stop = new AbortController();
  if (outer?.aborted) stop.abort();
  else outer?.addEventListener('abort', () => stop.abort(), { once: true });
  return stop;
}
