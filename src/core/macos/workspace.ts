// The private 0700 folder a plan's own files live in, from planning until execution ends.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnboardError } from '../errors';

export class PlanWorkspace {
  private disposed = false;

  private constructor(readonly dir: string) {}

  static async create(parent = tmpdir()): Promise<PlanWorkspace> {
    const dir = await fs.mkdtemp(join(parent, 'onboard-plan-'));
    await fs.chmod(dir, 0o700);
    return new PlanWorkspace(dir);
  }

  path(name: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..')
      throw new OnboardError('internal', `Bad workspace file name ${name}.`);
    return join(this.dir, name);
  }

  /**
   * Writes a new 0600 file and returns its path. When `name` is taken (the same step planned
   * again in this workspace) a numbered name is used instead: plans never share a file.
   */
  async writeFile(name: string, data: string | Uint8Array): Promise<string> {
    return this.create(name, (p) => fs.writeFile(p, data, { mode: 0o600, flag: 'wx' }));
  }

  /** Makes a new empty 0700 subfolder (a mount point or extraction folder) and returns its path. */
  async makeDir(name: string): Promise<string> {
    return this.create(name, (p) => fs.mkdir(p, { mode: 0o700 }));
  }

  private async create(name: string, make: (path: string) => Promise<unknown>): Promise<string> {
    if (this.disposed) throw new OnboardError('internal', 'The plan workspace was already removed.');
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 1; n <= 1000; n++) {
      const p = this.path(n === 1 ? name : `${stem}-${n}${ext}`);
      try {
        await make(p);
        return p;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    throw new OnboardError('internal', `Too many plan files named ${name}.`);
  }

  /** Removes the folder and everything in it; safe to call more than once. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs `fn` with a fresh workspace that is removed afterwards, whatever happens. */
export async function withPlanWorkspace<T>(fn: (ws: PlanWorkspace) => Promise<T>): Promise<T> {
  const ws = await PlanWorkspace.create();
  try {
    return await fn(ws);
  } finally {
    await ws.dispose();
  }
}
