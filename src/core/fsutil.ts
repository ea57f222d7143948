// Safe file primitives: bounded reads, atomic writes, private temporary directories.
import { promises as fs, constants as fsc } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { OnboardError, describeError } from './errors';

/** Certificates, keys, PFX and CRL files are small; anything larger is a wrong file. */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

/** Reads a regular file, refusing directories, missing files and files over `limit` bytes. */
export async function readInputFile(path: string, limit = MAX_INPUT_BYTES): Promise<Buffer> {
  let st;
  try {
    st = await fs.stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new OnboardError('file-not-found', `${path}: no such file.`, 'Check the path and try again.');
    if (code === 'EACCES')
      throw new OnboardError(
        'file-unreadable',
        `${path}: permission denied.`,
        'Copy the file somewhere you can read, or fix its permissions.',
      );
    throw new OnboardError('file-unreadable', `${path}: ${describeError(e)}`);
  }
  if (!st.isFile())
    throw new OnboardError(
      'not-a-file',
      `${path} is not a regular file.`,
      'Give the path of a file, not a folder or device.',
    );
  if (st.size > limit) {
    throw new OnboardError(
      'file-too-large',
      `${path} is ${(st.size / 1048576).toFixed(1)} MB; certificate files are never larger than ${(limit / 1048576).toFixed(0)} MB.`,
      'This is probably not a certificate, key or PFX file. Check that you picked the right file.',
    );
  }
  try {
    return await fs.readFile(path);
  } catch (e) {
    throw new OnboardError('file-unreadable', `${path}: ${describeError(e)}`);
  }
}

/**
 * Throws OnboardError 'output-exists' for the first of `paths` that exists, so a command can
 * refuse before it asks for passwords or does slow work, rather than only when it writes.
 */
export async function refuseExisting(paths: readonly string[], hint = 'Choose another name.'): Promise<void> {
  for (const path of paths) {
    if (
      await fs.lstat(path).then(
        () => true,
        () => false,
      )
    )
      throw new OnboardError('output-exists', `${path} already exists.`, hint, { path });
  }
}

export interface WriteOptions {
  /** File mode, e.g. 0o600 for private keys and PFX files. Default 0o644. */
  mode?: number;
  /** Replace an existing file. Default false: an existing file is refused. */
  overwrite?: boolean;
}

/**
 * Writes a file atomically: the data goes to a temporary name in the same folder, is
 * flushed, then renamed over the target. A failure midway (disk full, permission)
 * leaves neither a half-written target nor the temporary file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: WriteOptions = {}): Promise<void> {
  const mode = opts.mode ?? 0o644;
  if (!opts.overwrite) await refuseExisting([path]);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.chmod(tmp, mode);
    await fs.rename(tmp, path);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    const hint =
      code === 'ENOSPC'
        ? 'Free some disk space and try again.'
        : code === 'EACCES' || code === 'EPERM'
          ? 'Choose a folder you can write to.'
          : code === 'ENOENT'
            ? 'Create the folder first, or choose an existing one.'
            : '';
    throw new OnboardError('write-failed', `Could not write ${path}: ${describeError(e)}`, hint);
  }
}

/**
 * Runs `fn` with a fresh 0700 directory and removes the directory afterwards, whatever
 * happens. Files that hold secrets (re-wrapped PFX, scripts) live only in here.
 */
export async function withPrivateTempDir<T>(fn: (dir: string) => Promise<T>, prefix = 'onboard-'): Promise<T> {
  const dir = await fs.mkdtemp(join(tmpdir(), prefix));
  await fs.chmod(dir, 0o700);
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Writes a private (0600) file inside a directory made by withPrivateTempDir. */
export async function writePrivateFile(dir: string, name: string, data: string | Uint8Array): Promise<string> {
  const p = join(dir, name);
  await fs.writeFile(p, data, { mode: 0o600, flag: 'wx' });
  return p;
}
