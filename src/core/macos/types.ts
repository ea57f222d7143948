// What an executor is: a command (absolute program and argv, never a shell string), its result, and the Executor interface.

/** One program invocation: an absolute path and an argv array. Never a shell string. */
export interface Command {
  /** Absolute path, e.g. /usr/bin/security. */
  program: string;
  args: readonly string[];
  /** Indexes into `args` whose values are secret: shown as •••• everywhere. */
  secretArgs?: readonly number[];
  /** Milliseconds before the command is killed. Executors apply a default. */
  timeoutMs?: number;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs commands on a Mac. Implementations: LocalExecutor (execFile on a real Mac),
 * DryRun (records, changes nothing), SimulatedMac (stateful model for preview and tests).
 * Running whole plans (one administrator prompt per batch of root actions, a macOS dialog
 * per admin trust change) is built on top of this; see plan execution in src/core/macos/.
 */
export interface Executor {
  readonly kind: 'local' | 'dry-run' | 'simulated';
  /** Runs one command as the current user; never throws for a non-zero exit. */
  run(command: Command): Promise<CommandResult>;
}
