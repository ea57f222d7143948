// Safe file primitives: bounded reads, atomic writes, private temporary directories.
import { closeSync, fstatSync, openSync, promises as fs, readSync, constants as fsc } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { OnboardError, describeError } from './errors';

/** Certificates, keys, PFX and CRL files are small; anything larger is a wrong file. */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

/** A password file holds one line; anything larger is a wrong file (or a device such as /dev/zero). */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** Opened without blocking (a FIFO would otherwise wait for a writer forever), never as a controlling terminal. */
const READ_FLAGS = fsc.O_RDONLY | fsc.O_NONBLOCK | (fsc.O_NOCTTY ?? 0);

/**
 * Reads a regular file, refusing directories, devices, FIFOs, missing files and files over `limit`
 * bytes. The file is opened without blocking (a FIFO would otherwise wait for a writer forever),
 * checked on the open descriptor (so it cannot be swapped after the check), and read no further
 * than `limit` + 1 bytes (so a file that grows meanwhile is still refused).
 */
export async function readInputFile(path: string, limit = MAX_INPUT_BYTES): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, READ_FLAGS);
  } catch (e) {
    throw openFailed(path, e);
  }
  try {
    const st = await handle.stat();
    refuseByStat(path, st, limit);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(nextReadLength(limit, total, st.size));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw tooLarge(path, total, limit);
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    throw new OnboardError('file-unreadable', `${path}: ${describeError(e)}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * readInputFile without the event loop, for many small files in a row (check --batch reads
 * thousands, and each asynchronous open, stat, read and close costs more than the file itself).
 * The same refusals, in the same words.
 */
export function readInputFileSync(path: string, limit = MAX_INPUT_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (e) {
    throw openFailed(path, e);
  }
  try {
    const st = fstatSync(fd);
    refuseByStat(path, st, limit);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(nextReadLength(limit, total, st.size));
      const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw tooLarge(path, total, limit);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    throw new OnboardError('file-unreadable', `${path}: ${describeError(e)}`);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // nothing was written: a failed close loses nothing
    }
  }
}

/** What the descriptor's stat already rules out: anything but a regular file, and a file over the limit. */
function refuseByStat(path: string, st: { isFile(): boolean; size: number }, limit: number): void {
  if (!st.isFile()) throw notAFile(path);
  if (st.size > limit) throw tooLarge(path, st.size, limit);
}

/**
 * The next read's length: up to the size stat gave plus one byte (so one read usually ends it, and the extra byte
 * tells a file that grew since), never past `limit` + 1 in all (enough to refuse it), at most 1 MB at a time.
 */
function nextReadLength(limit: number, total: number, size: number): number {
  return Math.max(1, Math.min(limit + 1 - total, size + 1 - total, 1024 * 1024));
}

function openFailed(path: string, e: unknown): OnboardError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new OnboardError('file-not-found', `${path}: no such file.`, 'Check the path and try again.');
  if (code === 'EACCES' || code === 'EPERM')
    return new OnboardError(
      'file-unreadable',
      `${path}: permission denied.`,
      'Copy the file somewhere you can read, or fix its permissions.',
    );
  if (code === 'EISDIR' || code === 'ENXIO' || code === 'ENODEV') return notAFile(path);
  return new OnboardError('file-unreadable', `${path}: ${describeError(e)}`);
}

function notAFile(path: string): OnboardError {
  return new OnboardError(
    'not-a-file',
    `${path} is not a regular file.`,
    'Give the path of a file, not a folder, device or pipe.',
  );
}

function tooLarge(path: string, size: number, limit: number): OnboardError {
  return limit >= 1048576
    ? new OnboardError(
        'file-too-large',
        `${path} is ${(size / 1048576).toFixed(1)} MB; certificate files are never larger than ${(limit / 1048576).toFixed(0)} MB.`,
        'This is probably not a certificate, key or PFX file. Check that you picked the right file.',
      )
    : new OnboardError(
        'file-too-large',
        `${path} is larger than ${limit / 1024} KB, which no file of this kind is.`,
        'Check that you picked the right file.',
      );
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
  /**
   * Also flush the folder after the rename, so that the new name itself survives a crash or a
   * power cut: for records that must not be lost (a lab's index), not for every output.
   */
  durable?: boolean;
}

/** A temporary name beside `path` (same folder, so the final rename is atomic); hidden and marked .tmp. */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes `data` to a new file at `tmp` (never an existing one), flushed to disk, with `mode`. */
async function writeStaged(tmp: string, data: string | Uint8Array, mode: number): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.chmod(tmp, mode);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Flushes a folder's entries (renames, new names) to disk; a no-op where the platform cannot. */
export async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, fsc.O_RDONLY);
    await handle.sync();
  } catch (e) {
    // Some file systems refuse fsync on a folder (EINVAL, EISDIR); the rename is then as durable as they allow.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw e;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function writeFailed(path: string, e: unknown): OnboardError {
  if (e instanceof OnboardError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const hint =
    code === 'ENOSPC'
      ? 'Free some disk space and try again.'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'Choose a folder you can write to.'
        : code === 'ENOENT'
          ? 'Create the folder first, or choose an existing one.'
          : '';
  return new OnboardError('write-failed', `Could not write ${path}: ${describeError(e)}`, hint);
}

/**
 * Writes a file atomically: the data goes to a temporary name in the same folder, is
 * flushed, then renamed over the target. A failure midway (disk full, permission)
 * leaves neither a half-written target nor the temporary file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: WriteOptions = {}): Promise<void> {
  const mode = opts.mode ?? 0o644;
  if (!opts.overwrite) await refuseExisting([path]);
  const tmp = tempNameFor(path);
  try {
    await writeStaged(tmp, data, mode);
    await fs.rename(tmp, path);
    if (opts.durable) await syncDir(dirname(path));
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw writeFailed(path, e);
  }
}

export interface FileToWrite {
  path: string;
  data: string | Uint8Array;
  /** Default 0o644. */
  mode?: number;
}

/**
 * Writes several files as one change, for outputs that are useless apart (a key and its request):
 * every file is first written in full beside its target, then all are renamed into place. If any
 * step fails, every target is as it was before: a replaced file gets its old content back (kept
 * under a hard link until the end), a new one is removed. Existing targets are refused unless
 * `overwrite`.
 */
export async function writeFilesTogether(
  files: readonly FileToWrite[],
  opts: { overwrite?: boolean } = {},
): Promise<void> {
  if (!opts.overwrite) await refuseExisting(files.map((f) => f.path));
  const staged: { file: FileToWrite; tmp: string; backup: string | undefined; placed: boolean }[] = [];
  let current = files[0]?.path ?? '';
  try {
    for (const file of files) {
      current = file.path;
      const entry = { file, tmp: tempNameFor(file.path), backup: undefined as string | undefined, placed: false };
      staged.push(entry);
      await writeStaged(entry.tmp, file.data, file.mode ?? 0o644);
    }
    for (const entry of staged) {
      current = entry.file.path;
      const backup = tempNameFor(entry.file.path);
      try {
        await fs.link(entry.file.path, backup);
        entry.backup = backup;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    for (const entry of staged) {
      current = entry.file.path;
      await fs.rename(entry.tmp, entry.file.path);
      entry.placed = true;
    }
  } catch (e) {
    for (const entry of staged.slice().reverse()) {
      if (entry.placed) {
        if (entry.backup) await fs.rename(entry.backup, entry.file.path).catch(() => undefined);
        else await fs.rm(entry.file.path, { force: true }).catch(() => undefined);
      }
      await fs.rm(entry.tmp, { force: true }).catch(() => undefined);
      if (entry.backup) await fs.rm(entry.backup, { force: true }).catch(() => undefined);
    }
    throw writeFailed(current, e);
  }
  for (const entry of staged) if (entry.backup) await fs.rm(entry.backup, { force: true }).catch(() => undefined);
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
