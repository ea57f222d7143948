// One preview connection's session and router, in a worker thread of its own: its slow work (PKCS#12 derivations,
// key generation, big files, lab CAs) never holds up the server's thread or another connection, and stops when the
// server ends this thread. Started by sessions.ts; the Mac it drives lives in the server's thread (mac-link.ts).
import { parentPort } from 'node:worker_threads';
import { createRouter } from '../main/ipc/router';
import { createHandlers } from '../main/ipc/handlers';
import { createSession, type Session } from '../main/ipc/session';
import { SimulatedMac } from '../core/macos/executors/simulated';
import type { OnboardEvent } from '../shared/contract';
import { describeError } from '../core/errors';
import { INTERNAL, MALFORMED } from './replies';
import { RemoteMac, type MacAnswer, type MacDescription, type MacRequest } from './mac-link';

/** The server's messages: the connection's Mac once it opens, each WebSocket request, and the Mac's answers. */
export type ToWorker = { type: 'open'; mac: MacDescription } | { type: 'request'; frame: Uint8Array } | MacAnswer;

/** The worker's messages: a WebSocket reply (a result or an event) to send as it is, a log line, or a Mac request. */
export type FromWorker =
  | { type: 'reply'; body: unknown; done?: boolean }
  | { type: 'log'; message: string }
  | { type: 'ready' }
  | { type: 'started'; id: string | number | null }
  | MacRequest;

const port = parentPort;
if (!port) throw new Error('session-worker.ts runs only as a worker thread');
const post = (m: FromWorker) => port.postMessage(m);

const router = createRouter(createHandlers(), {
  logInternal: (method, e) => post({ type: 'log', message: `${method} failed: ${describeError(e)}` }),
});
let mac: RemoteMac | undefined;
let session: Session | undefined;

port.on('message', (m: ToWorker) => {
  if (m.type === 'open') {
    mac = new RemoteMac(m.mac, post);
    session = createSession({ shell: 'preview', executor: mac });
    return;
  }
  if (m.type === 'mac-done' || m.type === 'mac-item') {
    mac?.settle(m);
    return;
  }
  if (session) handle(session, m.frame);
});

/** Reads one frame and answers it: every frame gets one reply marked done, a malformed one included. */
function handle(session: Session, frame: Uint8Array): void {
  let msg: { id?: unknown; method?: unknown; payload?: unknown; requestId?: unknown };
  try {
    const parsed: unknown = JSON.parse(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('utf8'));
    // null, numbers, strings and arrays are valid JSON but no request.
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
    msg = parsed;
  } catch (e) {
    post({ type: 'log', message: `refused a malformed message: ${describeError(e)}` });
    post({ type: 'reply', body: MALFORMED, done: true });
    return;
  }
  const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
  post({ type: 'started', id });
  router
    .dispatch(msg.method, msg.payload, {
      session,
      ...(typeof msg.requestId === 'string' ? { requestId: msg.requestId } : {}),
      emit: (event: OnboardEvent) => post({ type: 'reply', body: { event } }),
    })
    .then(
      (result) => post({ type: 'reply', body: { id, result }, done: true }),
      (e: unknown) => {
        post({ type: 'log', message: `a request failed: ${describeError(e)}` });
        post({ type: 'reply', body: { id, result: INTERNAL }, done: true });
      },
    );
}

/**
 * A spare thread is loaded before its page connects; it also runs what a page asks first (the app's and the Mac's
 * facts) once on a throw-away session and a Mac of its own, so that code is compiled before a page waits on it.
 */
async function warmUp(): Promise<void> {
  const spare = createSession({ shell: 'preview', executor: new SimulatedMac() });
  const ctx = { session: spare, emit: () => undefined };
  await router.dispatch('getAppInfo', {}, ctx);
  await router.dispatch('getMacFacts', {}, ctx);
}

void warmUp()
  .catch((e: unknown) => post({ type: 'log', message: `warming a session thread failed: ${describeError(e)}` }))
  .then(() => post({ type: 'ready' }));
