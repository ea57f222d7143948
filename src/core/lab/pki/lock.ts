// One writer at a time for a lab folder: the lock file every changing command holds, and how a stale one is told apart.
//
// Node has no fcntl/flock, so the lock is a file, `DIR/lab.lock`, holding the owner's pid, host name and a random
// nonce. It is created whole and atomically (written beside it, then hard-linked to the name, which fails if the name
// exists), so a reader never sees a half-written lock. A lock is stale when it names this host and a pid that no
// longer exists (kill(pid, 0) says ESRCH): a command killed by SIGKILL, SIGTERM or Ctrl-C then blocks nobody. A lock
// from another host (a lab on a shared folder) is never judged stale, because its process cannot be seen from here;
// the busy message names the file to remove. Breaking a stale lock is itself guarded by `lab.lock.break` (held for
// microseconds, so one older than a minute is left by a killed breaker), and the lock is re-read under that guard,
// so two waiters never both break it and a fresh lock is never removed.
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { OnboardError, describeError } from '../../errors';
import { tempNameFor } from '../../fsutil';
import { openLab, type Lab } from './folder';
import { finishIntermediateChange } from './intermediate-change';

/** How long a changing command waits for another to finish before it says the lab is busy. */
export const LAB_LOCK_WAIT_MS = 10_000;
const POLL_MS = 100;
const BREAK_GUARD_STALE_MS = 60_000;

interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
  since: string;
}

export const lockPath = (dir: string) => join(dir, 'lab.lock');

/** Takes the lab's lock (waiting up to `waitMs`), runs `fn`, and releases the lock whatever happens. */
export async function withLabLock<T>(dir: string, fn: () => Promise<T>, waitMs = LAB_LOCK_WAIT_MS): Promise<T> {
  const owner = await acquire(dir, waitMs);
  try {
    return await fn();
  } finally {
    await release(dir, owner);
  }
}

/**
 * Runs `fn` holding the lab's lock, on the lab as it is on disk now: `lab` is read again under the lock (another
 * command may have issued, revoked or replaced the intermediate since it was opened), after finishing an
 * intermediate swap a killed command left committed.
 */
export async function withLockedLab<T>(lab: Lab, fn: () => Promise<T>, waitMs = LAB_LOCK_WAIT_MS): Promise<T> {
  return withLabLock(
    lab.dir,
    async () => {
      try {
        await finishIntermediateChange(lab.dir);
      } catch (e) {
        throw new OnboardError(
          'write-failed',
          `An interrupted change of the intermediate in ${lab.dir} cannot be finished: ${describeError(e)}`,
          'Make the lab folder and its crl folder writable, then try again.',
        );
      }
      const fresh = await openLab(lab.dir);
      for (const k of Object.keys(lab)) delete (lab as unknown as Record<string, unknown>)[k];
      Object.assign(lab, fresh);
      return fn();
    },
    waitMs,
  );
}

async function acquire(dir: string, waitMs: number): Promise<LockOwner> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    nonce: randomBytes(12).toString('hex'),
    since: new Date().toISOString(),
  };
  const path = lockPath(dir);
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await tryCreate(path, owner)) return owner;
    const held = await readOwner(path);
    if (held === 'gone') continue;
    if (await isStale(path, held)) {
      await breakStale(path, held);
      continue;
    }
    if (Date.now() >= deadline) throw busy(dir, held);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Creates the lock with its content in one step; false when another holds it. */
async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  const text = JSON.stringify(owner) + '\n';
  const tmp = tempNameFor(path);
  try {
    await fs.writeFile(tmp, text, { flag: 'wx', mode: 0o644 });
    try {
      await fs.link(tmp, path);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // File systems without hard links (FAT, some network shares): exclusive create, a few bytes written at once.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
      try {
        await fs.writeFile(path, text, { flag: 'wx', mode: 0o644 });
        return true;
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e2;
      }
    }
  } catch (e) {
    throw new OnboardError(
      'write-failed',
      `Cannot lock the lab (${path}): ${describeError(e)}`,
      'Check that the lab folder is writable.',
    );
  } finally {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** The lock's owner, 'gone' when it vanished meanwhile, or null when it cannot be read as one. */
async function readOwner(path: string): Promise<LockOwner | null | 'gone'> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return null;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner> | null;
    if (o && Number.isInteger(o.pid) && typeof o.host === 'string' && typeof o.nonce === 'string')
      return o as LockOwner;
  } catch {
    // fall through: not a lock this program wrote whole
  }
  return null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function isStale(path: string, held: LockOwner | null): Promise<boolean> {
  if (held === null) {
    // Only the no-hard-link fallback can leave an unreadable lock, for a moment; older than that, its writer died.
    const st = await fs.stat(path).catch(() => null);
    return st !== null && Date.now() - st.mtimeMs > 5_000;
  }
  return held.host === hostname() && held.pid !== process.pid && !alive(held.pid);
}

async function breakStale(path: string, judged: LockOwner | null): Promise<void> {
  const guard = `${path}.break`;
  try {
    await fs.writeFile(guard, String(process.pid), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const st = await fs.stat(guard).catch(() => null);
    if (st && Date.now() - st.mtimeMs > BREAK_GUARD_STALE_MS) await fs.rm(guard, { force: true });
    else await new Promise((r) => setTimeout(r, POLL_MS));
    return;
  }
  try {
    const now = await readOwner(path);
    const same = now !== 'gone' && (now === null ? judged === null : judged !== null && now.nonce === judged.nonce);
    if (same) await fs.rm(path, { force: true });
  } finally {
    await fs.rm(guard, { force: true });
  }
}

async function release(dir: string, owner: LockOwner): Promise<void> {
  const path = lockPath(dir);
  const held = await readOwner(path);
  // Never remove a lock that is not ours (someone removed ours by hand and another command took it).
  if (held !== null && held !== 'gone' && held.nonce === owner.nonce) await fs.rm(path, { force: true });
}

function busy(dir: string, held: LockOwner | null): OnboardError {
  const who =
    held === null
      ? 'another command'
      : held.host === hostname()
        ? `process ${held.pid}, since ${held.since}`
        : `process ${held.pid} on ${held.host}, since ${held.since}`;
  return new OnboardError(
    'lab-busy',
    `The lab in ${dir} is busy: another command (${who}) is changing it. Nothing was changed.`,
    `Wait for it to finish and try again. If no command is using this lab, remove ${lockPath(dir)}.`,
  );
}
