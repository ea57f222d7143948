// The one place that turns argv words into POSIX shell text; every script we write goes through it.
import { OnboardError } from '../errors';
import type { Command } from './types';

/** What a secret argument looks like wherever a command is shown. */
export const SECRET_MASK = '••••';

// Words made only of these characters mean the same to every POSIX shell when left bare.
// `=` is left out so a word can never be read as a variable assignment, `~` so it is never
// tilde-expanded, and `^` because old Bourne shells treat it as a pipe.
const BARE_WORD = /^[A-Za-z0-9_\-/.,:+@%]+$/;

function refuseUnrepresentable(word: string): void {
  if (word.includes('\0')) {
    throw new OnboardError(
      'nul-in-argument',
      'A command argument contains a NUL character, which no program can receive.',
      'Remove the NUL character from the value (it usually comes from a corrupted or binary file name).',
    );
  }
  // A lone UTF-16 surrogate has no UTF-8 form, so the program would receive different bytes.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(word)) {
    throw new OnboardError(
      'invalid-unicode-argument',
      'A command argument contains text that cannot be encoded as UTF-8.',
      'Retype the value; it contains a broken Unicode character.',
    );
  }
}

/**
 * One argv word as POSIX shell text that the shell turns back into exactly that word:
 * bare when harmless, otherwise in single quotes (inside which nothing is special) with
 * each embedded single quote written as '\''.
 */
export function shellQuote(word: string): string {
  refuseUnrepresentable(word);
  if (BARE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A whole argv (program first) as one shell command line. */
export function shellQuoteArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** The argv of a command with its secret arguments replaced by the mask. */
export function maskedArgs(command: Command): string[] {
  const secret = new Set(command.secretArgs ?? []);
  return command.args.map((a, i) => (secret.has(i) ? SECRET_MASK : a));
}

/** The command line a technician reads: quoted exactly as a shell would need it, secrets masked. */
export function displayCommand(command: Command): string {
  const secret = new Set(command.secretArgs ?? []);
  // The mask is shown bare: it is a placeholder, not a word anyone should paste.
  return [
    shellQuote(command.program),
    ...command.args.map((a, i) => (secret.has(i) ? SECRET_MASK : shellQuote(a))),
  ].join(' ');
}

/** Removes every secret argument value of `commands` from free text (program output, errors). */
export function redactSecrets(text: string, commands: readonly Command[]): string {
  let out = text;
  for (const c of commands) {
    for (const i of c.secretArgs ?? []) {
      const v = c.args[i];
      if (v) out = out.split(v).join(SECRET_MASK);
    }
  }
  return out;
}

/** Text inside an AppleScript string literal ("..."): backslashes and double quotes escaped. */
export function appleScriptString(text: string): string {
  refuseUnrepresentable(text);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
