// What the CLI prints: untrusted text made inert for a terminal (one function), and output streams that end quietly.
import { Writable } from 'node:stream';

// C0 and C1 controls, DEL, invisible format characters (bidi overrides, zero-width) and line/paragraph separators:
// what can retitle or clear a terminal, move its cursor, forge a line or reorder what is shown.
const CONTROLS = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

const escapeOne = (ch: string) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;

/**
 * The one sanitiser for anything the CLI prints from untrusted data (certificate names, SANs, URLs, file names):
 * every control or invisible character, newline included, becomes a visible \uXXXX escape, so one value stays on
 * one line and cannot drive the terminal. The same escape is valid inside a JSON string, where it means the same
 * character again.
 */
export function forTerminal(text: string, keep: readonly string[] = []): string {
  return text.replace(CONTROLS, (ch) => (keep.includes(ch) ? ch : escapeOne(ch)));
}

/** What ends the command quietly or with one line when its output cannot be written. */
export type StreamFailure = 'closed' | 'full' | 'other';

export function streamFailure(e: unknown): StreamFailure {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET') return 'closed';
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') return 'full';
  return 'other';
}

/** The first failure of a guarded stream; later writes are dropped (there is no one left to read them). */
export interface OutputState {
  failure?: { kind: StreamFailure; message: string };
}

/**
 * Wraps a stream so nothing written to it can reach the terminal as a control sequence: everything goes through
 * forTerminal, keeping only the newlines and tabs the CLI itself lays out with. Each verb still keeps untrusted
 * values on their own line (writeLines escapes a newline inside one line); this is the net under all of them.
 * A write that fails (a reader gone: EPIPE; a full disk: ENOSPC, thrown at once by a file stdout) is recorded in
 * `state` instead of thrown or emitted, so no verb ever dies of it with a stack trace.
 */
export function guardedStream(target: NodeJS.WritableStream, state: OutputState): Writable {
  const fail = (e: unknown) => {
    state.failure ??= { kind: streamFailure(e), message: (e as Error)?.message ?? String(e) };
  };
  // A pipe reports EPIPE as an 'error' event as well as to the write's callback: without a listener it would crash.
  if (target.listenerCount('error') === 0) target.on('error', fail);
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      if (state.failure) return callback();
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      try {
        target.write(forTerminal(text, ['\n', '\t']), (e) => {
          if (e) fail(e);
          callback();
        });
      } catch (e) {
        fail(e);
        callback();
      }
    },
  });
}
