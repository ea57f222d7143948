// The preview's connections, each served by a worker thread of its own (session-worker.ts) with a private temporary
// folder: one connection's slow request never holds up the server or another connection, and a closed connection's
// work is stopped at once (the thread is ended) and everything it wrote goes with its folder.
import { Worker } from 'node:worker_threads';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Executor } from '../core/macos/types';
import { SimulatedMac } from '../core/macos/executors/simulated';
import { hostMac, type MacRequest } from './mac-link';
import type { FromWorker, ToWorker } from './session-worker';
import { INTERNAL } from './replies';

/** What serves one connection: takes its requests; replies (results and events) go to the `send` given to open. */
export interface PreviewConnection {
  /** One text frame as it came (JSON of { id, method, payload, requestId }); the thread reads it. */
  request(frame: Uint8Array): void;
  /** Stops the connection's work (its thread) and removes what it wrote. */
  close(): Promise<void>;
}

export interface PreviewSessions {
  /**
   * Serves a new connection; null when as many are open as the preview allows. `lost` is called when its thread
   * stopped by itself (out of memory, a bug): its answered requests are sent, the rest fail, the connection should go.
   */
  open(send: (body: unknown) => void, lost: () => void): PreviewConnection | null;
  /** Connections whose thread is running. */
  live(): number;
  /** Ends every connection's thread and the spares. */
  close(): Promise<void>;
}

export interface WorkerSessionsOptions {
  /** The Mac of each connection; a fresh simulated Mac by default (the preview never touches the real system). */
  makeExecutor?: () => Executor;
  /** The compiled session-worker.js; found beside this file, or in dist/ when this file runs from its TypeScript. */
  workerFile?: string;
  log?(message: string): void;
  /** Connections served at once (MAX_CONNECTIONS unless a test asks for fewer). */
  maxConnections?: number;
  /** Each connection's heap, in MB (HEAP_LIMIT_MB unless a test asks for less). */
  heapLimitMb?: number;
  /** Told when a connection's thread has stopped: how many of its requests it cut short, and its folder (then removed). */
  onWorkerExit?(info: { connection: number; unfinished: number; folder: string }): void;
}

/** More open connections than one technician's browser tabs ever need; each holds a thread. */
export const MAX_CONNECTIONS = 16;

/** Threads kept loaded for the next pages (each an idle isolate of a few tens of MB). */
const SPARES = 2;

/** A connection's heap: a 32 MB upload read, decoded and opened needs a few times that. */
export const HEAP_LIMIT_MB = 512;

interface Spawned {
  worker: Worker;
  /** The thread's temporary folder (its TMPDIR): the session writes nowhere else. */
  folder: string;
  /**
   * Settles when the thread has stopped. Listened to from the moment it is made: a thread that fails to start
   * (EMFILE, out of memory) may stop while it is still a spare, before any connection could hear its exit.
   */
  exited: Promise<void>;
  dead: boolean;
}

/** The compiled worker: beside this file in dist/, or dist/'s copy when the server runs from TypeScript (tests). */
export function sessionWorkerFile(): string {
  const beside = join(__dirname, 'session-worker.js');
  if (existsSync(beside)) return beside;
  const built = join(__dirname, '..', '..', 'dist', 'src', 'preview', 'session-worker.js');
  if (existsSync(built)) return built;
  throw new Error('The preview is not built (no session-worker.js): run `npm run build` first.');
}

export function workerSessions(opts: WorkerSessionsOptions = {}): PreviewSessions {
  const file = opts.workerFile ?? sessionWorkerFile();
  const makeExecutor = opts.makeExecutor ?? (() => new SimulatedMac());
  const open = new Set<PreviewConnection>();
  // Threads loaded ahead, oldest first: a page reloaded at once still finds one that has had time to load.
  const spares: Spawned[] = [];
  let counter = 0;
  let closed = false;
  let closing: Promise<void> | undefined;

  const spawn = (): Spawned => {
    const folder = mkdtempSync(join(tmpdir(), 'onboard-preview-session-'));
    const worker = new Worker(file, {
      env: { ...process.env, TMPDIR: folder },
      // One connection's memory is bounded too: past it, that thread dies and the server stays up.
      resourceLimits: { maxOldGenerationSizeMb: opts.heapLimitMb ?? HEAP_LIMIT_MB },
    });
    // A spare thread waiting for a connection does not keep the process alive.
    worker.unref();
    worker.on('error', (e) => opts.log?.(`a session thread failed: ${e.message}`));
    const spawned: Spawned = { worker, folder, dead: false, exited: Promise.resolve() };
    spawned.exited = new Promise<void>((resolve) => {
      worker.once('exit', () => {
        spawned.dead = true;
        // A spare that died is dropped with its folder; the next page gets a fresh thread instead.
        const at = spares.indexOf(spawned);
        if (at >= 0) {
          spares.splice(at, 1);
          void rm(folder, { recursive: true, force: true }).catch(() => undefined);
        }
        resolve();
      });
    });
    return spawned;
  };
  /** A live spare, or a new thread when none is left. */
  const take = (): Spawned => {
    for (let s = spares.shift(); s; s = spares.shift()) if (!s.dead) return s;
    return spawn();
  };
  // Loaded while the server starts, so the first page does not wait for its thread either.
  while (spares.length < SPARES) spares.push(spawn());
  const discard = async (s: Spawned) => {
    await s.worker.terminate();
    await rm(s.folder, { recursive: true, force: true });
  };

  return {
    open(send, lost) {
      if (closed || open.size >= (opts.maxConnections ?? MAX_CONNECTIONS)) return null;
      const { worker, folder, exited: stopped } = take();
      spares.push(spawn());
      worker.ref();
      const connection = ++counter;
      const executor = makeExecutor();
      const mac = hostMac(executor, (m) => worker.postMessage(m));
      const toWorker = (m: ToWorker) => worker.postMessage(m);
      // Frames not yet answered, and the ids of the requests among them as the thread read them: a thread that dies
      // by itself leaves none of them hanging.
      let unanswered = 0;
      const ids: unknown[] = [];
      let closing = false;
      let ended = false;

      worker.on('message', (m: FromWorker) => {
        if (m.type === 'reply') {
          if (m.done) {
            unanswered--;
            const at = ids.indexOf((m.body as { id?: unknown }).id);
            if (at >= 0) ids.splice(at, 1);
          }
          send(m.body);
        } else if (m.type === 'started') {
          ids.push(m.id);
        } else if (m.type === 'log') opts.log?.(m.message);
        else if (m.type === 'mac' || m.type === 'mac-action') mac(m satisfies MacRequest);
      });
      const exited = stopped.then(() => {
        ended = true;
        open.delete(handle);
        opts.onWorkerExit?.({ connection, unfinished: unanswered, folder });
        if (!closing) {
          for (const id of ids.splice(0)) send({ id, result: INTERNAL });
          lost();
        }
      });
      const handle: PreviewConnection = {
        request(frame) {
          if (ended) return send({ id: null, result: INTERNAL });
          unanswered++;
          toWorker({ type: 'request', frame });
        },
        async close() {
          if (!closing) {
            closing = true;
            // Ending the thread stops a derivation or a key generation in the middle; what it wrote goes with its folder.
            await worker.terminate();
          }
          await exited;
          await rm(folder, { recursive: true, force: true });
        },
      };
      open.add(handle);
      toWorker({ type: 'open', mac: { kind: executor.kind } });
      return handle;
    },
    live: () => open.size,
    close() {
      // Once: a second Ctrl-C must not finish before the first has removed every folder.
      closing ??= (async () => {
        closed = true;
        const all = [...open].map((c) => c.close());
        all.push(...spares.splice(0).map(discard));
        await Promise.all(all);
      })();
      return closing;
    },
  };
}
