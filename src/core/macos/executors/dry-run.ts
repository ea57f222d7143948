// Records every command instead of running it; read-only commands may be answered by a real or simulated Mac.
import { displayCommand } from '../quote';
import type { Command, CommandResult, Executor } from '../types';
import { BIN } from '../paths';

/** Commands that only look: facts, checks and log reads. Anything else is a change. */
export function isReadOnlyCommand(c: Command): boolean {
  const [a0, a1] = c.args;
  switch (c.program) {
    case BIN.swVers:
    case BIN.uname:
    case BIN.hostname:
    case BIN.id:
    case BIN.cat:
    case BIN.tail:
    case BIN.cmp:
    case BIN.test:
      return true;
    case BIN.sysctl:
      return a0 === '-n';
    case BIN.arch:
      return a0 === '-x86_64' && a1 === BIN.true && c.args.length === 2;
    case BIN.scutil:
      return a0 === '--get';
    case BIN.dsconfigad:
      return a0 === '-show';
    case BIN.pkgutil:
      return a0 === '--pkg-info' || a0 === '--files' || a0 === '--only-files' || a0 === '--pkgs';
    case BIN.launchctl:
      return a0 === 'print' || a0 === 'list';
    // trust-settings-export writes only the file it is given: our private temp folder.
    case BIN.security:
      return (
        a0 === 'find-certificate' ||
        a0 === 'find-identity' ||
        a0 === 'verify-cert' ||
        a0 === 'dump-trust-settings' ||
        a0 === 'trust-settings-export'
      );
    // The configuration merge's check mode only reads; its merge mode writes and is a change.
    case BIN.awk:
      return a0 === '-f' && c.args[2] === 'check';
    default:
      return false;
  }
}

export class DryRunExecutor implements Executor {
  readonly kind = 'dry-run' as const;
  /** The command lines that would have run (quoted, secrets masked). */
  readonly recorded: string[] = [];

  /** With `answersFrom`, read-only commands are really asked so checks and facts are right. */
  constructor(private readonly answersFrom?: Executor) {}

  async run(command: Command): Promise<CommandResult> {
    if (isReadOnlyCommand(command)) {
      // Without a Mac to ask, nothing counts as already done.
      return this.answersFrom
        ? this.answersFrom.run(command)
        : { exitCode: 1, stdout: '', stderr: 'dry run: not asked' };
    }
    this.recorded.push(displayCommand(command));
    return { exitCode: 0, stdout: '', stderr: '' };
  }
}
