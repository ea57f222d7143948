// How a simulated program answers: the handler signature, the table type, and the exit-code helpers every program uses.
import type { CommandResult } from '../../types';
import type { MacState } from './state';

/** One program of the simulated Mac: its argv (without the program), whether it runs as root, and its answer. */
export type ProgramHandler = (mac: MacState, args: readonly string[], root: boolean) => CommandResult;

/** Absolute program path to the handler that answers for it. */
export type ProgramTable = Readonly<Record<string, ProgramHandler>>;

export const ok = (stdout = '', stderr = ''): CommandResult => ({ exitCode: 0, stdout, stderr });

/** A failure; the message gets the newline the real tools end their messages with. */
export const err = (exitCode: number, stderr: string, stdout = ''): CommandResult => ({
  exitCode,
  stdout,
  stderr: stderr.endsWith('\n') ? stderr : stderr + '\n',
});

/** An exit status with no output (test, cmp -s, the merge check). */
export const status = (exitCode: number): CommandResult => ({ exitCode, stdout: '', stderr: '' });
