// How a simulated program answers: the handler signature, the table type, and the exit-code helpers every program uses.
import type { CommandResult } from '../../types';
import type { MacState } from './state';

/** One SecurityAgent dialog an admin trust change showed (see trust-settings.ts). */
export interface SimTrustDialog {
  change: 'add' | 'remove';
  /** The certificate's common name. */
  certificate: string;
  approved: boolean;
}

/** Who is calling, beyond root or not: what the caller's session allows, and its environment. */
export interface CallContext {
  /**
   * The caller's audit session can show a SecurityAgent dialog: true in an Aqua session (a user's
   * process, or root through `sudo` typed there), false over SSH, in a daemon, and for root
   * started by `osascript … with administrator privileges` (research: arduino-create-agent#637,
   * jorangreef/sudo-prompt#137).
   */
  gui: boolean;
  /** Shows one dialog to the person at the Mac; true when they approve it. */
  askApproval(dialog: Omit<SimTrustDialog, 'approved'>): boolean;
  /** NAME=VALUE assignments given through /usr/bin/env. */
  env: Readonly<Record<string, string>>;
}

/** One program of the simulated Mac: its argv (without the program), whether it runs as root, the caller, and its answer. */
export type ProgramHandler = (mac: MacState, args: readonly string[], root: boolean, ctx: CallContext) => CommandResult;

/** Absolute program path to the handler that answers for it. */
export type ProgramTable = Readonly<Record<string, ProgramHandler>>;

export const ok = (stdout = '', stderr = ''): CommandResult => ({ exitCode: 0, stdout, stderr });

/** A failure; the message gets the newline the real tools end their messages with. */
export const err = (exitCode: number, stderr: string, stdout = ''): CommandResult => ({
  exitCode,
  stdout,
  stderr: stderr.endsWith('\n') ? stderr : stderr + '\n',
});

/** A failure whose message has no final newline, as a few tools print it (delete-certificate's "Unable to delete ..."). */
export const errRaw = (exitCode: number, stderr: string): CommandResult => ({ exitCode, stdout: '', stderr });

/** An exit status with no output (test, cmp -s, the merge check). */
export const status = (exitCode: number): CommandResult => ({ exitCode, stdout: '', stderr: '' });
