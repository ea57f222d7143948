// Shared pieces for CLI verbs: strict option parsing, secret input, output helpers.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolve } from 'node:path';
import { OnboardError, isOnboardError } from '../core/errors';
import { MAX_SECRET_FILE_BYTES, readInputFile } from '../core/fsutil';
import type { CliIo } from './io';
import { forTerminal } from './terminal';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Thrown for wrong words on the command line; the CLI prints it and exits 2. */
export class UsageError extends OnboardError {
  constructor(message: string, hint = 'Run `onboard <verb> --help` for the options.') {
    super('usage', message, hint);
  }
}

/**
 * Parses argv strictly against `options` (node:util parseArgs), turning its errors into
 * one-line UsageErrors. Every verb also accepts --help and --json.
 */
export function parseOptions<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals,
      strict: true,
    });
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? 'invalid options';
    throw new UsageError(msg.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** Prints the verb's help when --help was given, so the verb can return EXIT.ok at once. */
export function helpAsked(io: CliIo, values: { help?: boolean }, help: string): boolean {
  if (values.help) io.stdout.write(help + '\n');
  return values.help === true;
}

export function resolvePath(io: CliIo, p: string): string {
  return resolve(io.cwd, p);
}

export function requireOption<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required.`);
  return value;
}

export interface SecretSource {
  /** Name of an environment variable that holds the secret (--password-env VAR). */
  env?: string;
  /** Path of a file whose first line is the secret (--password-file F). */
  file?: string;
  /** What to ask on a terminal when neither is given, e.g. "PFX password". */
  prompt: string;
  /** The option names, for messages: e.g. ['--password-env', '--password-file']. */
  optionNames: [string, string?];
  /** When true and no source is given and there is no terminal, return undefined instead of failing. */
  optional?: boolean;
}

/**
 * Gets a secret without ever taking it from argv: from an environment variable, from a
 * file, or by asking on the terminal without echo.
 */
export async function readSecret(io: CliIo, src: SecretSource): Promise<string | undefined> {
  if (src.env) {
    const v = io.env[src.env];
    if (v === undefined)
      throw new UsageError(
        `The environment variable ${src.env} (from ${src.optionNames[0]}) is not set.`,
        `Set it first, e.g. read -rs ${src.env}; export ${src.env}`,
      );
    return v;
  }
  if (src.file) {
    let bytes: Buffer;
    try {
      // The same checks as every input: a regular file of a sane size, never a FIFO or a device like /dev/zero.
      bytes = await readInputFile(resolvePath(io, src.file), MAX_SECRET_FILE_BYTES);
    } catch (e) {
      if (!isOnboardError(e)) throw e;
      const f = src.file;
      const why: Record<string, string> = {
        'file-not-found': `The password file ${f} does not exist.`,
        'not-a-file': `The password file ${f} is not a regular file (it is a folder, a device or a pipe).`,
        'file-too-large': `The password file ${f} is larger than ${MAX_SECRET_FILE_BYTES / 1024} KB, so it is not a password file.`,
      };
      throw new OnboardError(
        e.code,
        why[e.code] ?? `Cannot read the password file ${f}: ${e.message}`,
        `Check the path given to ${src.optionNames[1] ?? src.optionNames[0]}: a small text file whose first line is the password.`,
      );
    }
    return bytes.toString('utf8').replace(/\r?\n[\s\S]*$/, '');
  }
  if (io.stdin.isTTY && io.stdin.setRawMode) return promptHidden(io, `${src.prompt}: `);
  if (src.optional) return undefined;
  throw new UsageError(
    `A ${src.prompt.toLowerCase()} is needed and there is no terminal to ask on.`,
    `Pass ${src.optionNames.filter(Boolean).join(' VAR or ')} F. Passwords are never taken on the command line.`,
  );
}

/** Reads one line from a terminal with echo off. */
export function promptHidden(io: CliIo, question: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const stdin = io.stdin;
    io.stderr.write(question);
    stdin.setRawMode?.(true);
    stdin.resume();
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      io.stderr.write('\n');
      if (err) reject(err);
      else resolvePromise(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('Cancelled.', ''));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints lines; a newline or control character inside one (from a certificate, a file name) is escaped, never obeyed. */
export function writeLines(io: CliIo, lines: string[]): void {
  io.stdout.write(lines.map((l) => forTerminal(l)).join('\n') + (lines.length ? '\n' : ''));
}
