// What CLI verbs read from the technician: passwords named by options (never argv), files that may need one, outputs not to overwrite.
import { isOnboardError, OnboardError } from '../core/errors';
import { refuseExisting } from '../core/fsutil';
import { loadFile, type LoadedMaterial } from '../core/pki/load';
import { readSecret, resolvePath, UsageError } from './common';
import type { CliIo } from './io';

/** The option pairs that name a password: --password-env/--password-file, --new-password-env/..., --key-..., --ca-.... */
export type PasswordOptionPrefix = '' | 'new-' | 'key-' | 'ca-';
export type PasswordOptionValues<P extends PasswordOptionPrefix> = {
  [K in `${P}password-env` | `${P}password-file`]?: string;
};

/**
 * The password named by the `--<prefix>password-env` / `--<prefix>password-file` options, else asked
 * on the terminal as `prompt`; without a terminal, a usage error that names the options.
 */
export function readPasswordOption<P extends PasswordOptionPrefix>(
  io: CliIo,
  values: PasswordOptionValues<P>,
  prefix: P,
  prompt: string,
): Promise<string | undefined> {
  const env = `${prefix}password-env` as const;
  const file = `${prefix}password-file` as const;
  return readSecret(io, { env: values[env], file: values[file], prompt, optionNames: [`--${env}`, `--${file}`] });
}

/** True when either option of the pair was given. */
export function passwordOptionGiven<P extends PasswordOptionPrefix>(
  values: PasswordOptionValues<P>,
  prefix: P,
): boolean {
  return values[`${prefix}password-env`] !== undefined || values[`${prefix}password-file`] !== undefined;
}

export function parsePasswordOptions(values: PasswordOptionValues<''>): { env?: string; file?: string } {
  if (values['password-env'] !== undefined && values['password-file'] !== undefined) {
    throw new UsageError('Give either --password-env or --password-file, not both.');
  }
  return { env: values['password-env'], file: values['password-file'] };
}

/** Asks for a password only when a file turns out to need one, and reuses it for later files. */
export class PasswordSource {
  private value: string | undefined;
  private asked = false;

  constructor(
    private readonly io: CliIo,
    private readonly env?: string,
    private readonly file?: string,
  ) {}

  /** The password given by option, if any (read once). */
  async given(): Promise<string | undefined> {
    if (!this.env && !this.file) return this.value;
    if (!this.asked) {
      this.value = await readSecret(this.io, {
        env: this.env,
        file: this.file,
        prompt: 'Password',
        optionNames: ['--password-env', '--password-file'],
      });
      this.asked = true;
    }
    return this.value;
  }

  /** Loads a file, prompting on the terminal once if it needs a password none of the options gave. */
  async load(path: string, label: string): Promise<LoadedMaterial> {
    const pw = await this.given();
    try {
      return await loadFile(path, { password: pw });
    } catch (e) {
      if (!(isOnboardError(e) && e.code === 'password-required') || this.env || this.file || this.asked) throw e;
      if (!(this.io.stdin.isTTY && this.io.stdin.setRawMode)) {
        // No prompt possible: advice.ts says which options give the password instead.
        throw new OnboardError('password-required', e.message, e.hint, { ...e.details, prompt: 'none' });
      }
      this.value = await readSecret(this.io, {
        prompt: `Password for ${label}`,
        optionNames: ['--password-env', '--password-file'],
      });
      this.asked = true;
      return loadFile(path, { password: this.value });
    }
  }

  /** Loads a file named on the command line; its errors name it as typed, not by its resolved path. */
  async loadArgument(p: string): Promise<LoadedMaterial> {
    const resolved = resolvePath(this.io, p);
    try {
      return await this.load(resolved, p);
    } catch (e) {
      const asTyped = (text: string) => text.split(resolved).join(p);
      if (isOnboardError(e) && !(e instanceof UsageError)) {
        const details = e.details && Object.fromEntries(Object.entries(e.details).map(([k, v]) => [k, asTyped(v)]));
        throw new OnboardError(e.code, asTyped(e.message), e.hint, details);
      }
      throw e;
    }
  }
}

/** Refuses outputs that exist unless --force, before any password is asked or slow work done. */
export async function refuseExistingOutputs(paths: readonly string[], force: boolean): Promise<void> {
  if (!force) await refuseExisting(paths);
}
