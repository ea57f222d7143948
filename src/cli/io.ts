// What a CLI verb may touch of the outside world, passed in so tests can run verbs in-process.
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  env: NodeJS.ProcessEnv;
  /** Working directory that relative paths are resolved against. */
  cwd: string;
}

export const processIo = (): CliIo => ({
  stdout: process.stdout,
  // Node builds process.stderr and process.stdin (streams over a TTY, pipe or file) on first access: only a run
  // that warns or prompts pays for them.
  get stderr() {
    return process.stderr;
  },
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  cwd: process.cwd(),
});

/** Exit codes shared by every verb. */
export const EXIT = {
  ok: 0,
  /** The verb ran, and at least one check failed. */
  failed: 1,
  /** Usage error or unreadable input. */
  usage: 2,
} as const;

/** A verb module: the CLI loads it lazily and calls run(). */
export interface VerbModule {
  run(argv: string[], io: CliIo): Promise<number>;
}
