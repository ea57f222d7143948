// An in-memory terminal for running CLI verbs in-process: output captured, and optionally a TTY that answers prompts.
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io';

export interface MemoryIo extends CliIo {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

export interface MemoryIoOptions {
  /** Working directory relative paths resolve against (default: the test process's). */
  cwd?: string;
  /** Act as a terminal on which this line is typed at every prompt (stderr text ending in ": "). Without it stdin is a pipe, so nothing is asked. */
  tty?: string;
}

export function memoryIo(env: NodeJS.ProcessEnv = {}, opts: MemoryIoOptions = {}): MemoryIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  if (opts.tty !== undefined) {
    const typed = opts.tty;
    stdin.isTTY = true;
    stdin.setRawMode = () => stdin;
    stderr.on('data', (d: Buffer) => {
      if (/: $/.test(d.toString())) stdin.write(typed + '\r');
    });
  }
  return { stdout, stderr, stdin, env, cwd: opts.cwd ?? process.cwd(), out: () => out, err: () => err };
}

export type Verb = (argv: string[], io: CliIo) => Promise<number>;

export interface VerbRun {
  code: number;
  out: string;
  err: string;
}

/** Runs a verb's `run` (or the CLI's `main`) in-process and returns its exit code and what it printed. */
export async function runInMemory(
  verb: Verb,
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  opts: MemoryIoOptions = {},
): Promise<VerbRun> {
  const io = memoryIo(env, opts);
  const code = await verb(argv, io);
  return { code, out: io.out(), err: io.err() };
}
