// Runs commands on this Mac: execFile-style spawn without a shell, absolute paths, a clean environment, timeouts, output caps.
import { spawn } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { OnboardError } from '../../errors';
import type { Command, CommandResult, Executor } from '../types';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_OUTPUT_LIMIT = 4 * 1024 * 1024;

/** The only environment child programs see: no inherited secrets (e.g. a --password-env variable), a fixed PATH and locale. */
export function cleanEnvironment(home?: string): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin:/usr/sbin:/sbin',
    LANG: 'en_US.UTF-8',
    LC_ALL: 'en_US.UTF-8',
    ...(home ? { HOME: home } : {}),
  };
}

export interface LocalExecutorOptions {
  timeoutMs?: number;
  /** Bytes kept of each of stdout and stderr; the rest is dropped (the program keeps running). */
  outputLimit?: number;
  env?: NodeJS.ProcessEnv;
}

export class LocalExecutor implements Executor {
  readonly kind = 'local' as const;
  private readonly timeoutMs: number;
  private readonly outputLimit: number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(opts: LocalExecutorOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.outputLimit = opts.outputLimit ?? DEFAULT_OUTPUT_LIMIT;
    this.env = opts.env ?? cleanEnvironment(process.env.HOME);
  }

  run(command: Command): Promise<CommandResult> {
    if (!isAbsolute(command.program)) {
      return Promise.reject(
        new OnboardError('internal', `Refusing to run "${command.program}": programs are run by absolute path only.`),
      );
    }
    const timeout = command.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve) => {
      const child = spawn(command.program, [...command.args], {
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outLen = 0;
      let errLen = 0;
      let truncated = false;
      const keep = (into: Buffer[], chunk: Buffer, len: number): number => {
        const room = this.outputLimit - len;
        if (room <= 0) {
          truncated = true;
          return len;
        }
        into.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        if (chunk.length > room) truncated = true;
        return len + Math.min(chunk.length, room);
      };
      child.stdout.on('data', (c: Buffer) => {
        outLen = keep(out, c, outLen);
      });
      child.stderr.on('data', (c: Buffer) => {
        errLen = keep(err, c, errLen);
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeout);
      let spawnError: NodeJS.ErrnoException | null = null;
      child.on('error', (e: NodeJS.ErrnoException) => {
        spawnError = e;
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        let stderr = Buffer.concat(err).toString('utf8');
        let exitCode = code ?? (signal ? 128 + signalNumber(signal) : 1);
        if (spawnError) {
          exitCode = spawnError.code === 'ENOENT' ? 127 : 126;
          stderr += `${command.program}: ${spawnError.code === 'ENOENT' ? 'no such program' : spawnError.message}\n`;
        }
        if (timedOut) stderr += `\n[stopped after ${Math.round(timeout / 1000)} s without finishing]\n`;
        if (truncated) stderr += '\n[output cut]\n';
        resolve({ exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr });
      });
    });
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGKILL: 9,
    SIGTERM: 15,
    SIGSEGV: 11,
    SIGABRT: 6,
  };
  return table[signal] ?? 0;
}
