// How the renderer reaches main: window.onboard in the desktop app (preload), or the
// preview's WebSocket carrying the very same contract.
import type {
  IpcResult,
  MacFactsView,
  MethodName,
  OnboardApi,
  OnboardEvent,
  RequestOf,
  ResultOf,
} from '../src/shared/contract';

/** What boot.js started before the app's own script ran (see startEarly). */
export interface EarlyStart {
  api: OnboardApi;
  /** The session's first reading of the Mac, asked at once. */
  facts: Promise<IpcResult<MacFactsView>>;
  /** The answer once it is in, so Welcome can show it in its first paint instead of a turn later. */
  answer?: IpcResult<MacFactsView>;
  /** Welcome's first reading has used it: every later reading asks main again. */
  taken: boolean;
}

declare global {
  interface Window {
    onboard?: OnboardApi;
    onboardEarly?: EarlyStart;
  }
}

const TOKEN_KEY = 'onboard.previewToken';

/** Takes the preview token from the address fragment (once) and keeps it for reloads of this tab. */
export function previewToken(loc: Location = window.location, store: Storage = window.sessionStorage): string | null {
  const m = /(?:^#|&)token=([0-9a-f]{16,128})/.exec(loc.hash);
  if (m) {
    store.setItem(TOKEN_KEY, m[1]!);
    history.replaceState(null, '', loc.pathname + loc.search);
    return m[1]!;
  }
  return store.getItem(TOKEN_KEY);
}

type Pending = (r: IpcResult<unknown>) => void;

/** The preview transport: one WebSocket, requests matched to answers by id. */
export function createWebSocketApi(url: string): OnboardApi {
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(e: OnboardEvent) => void>();

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    opened = new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        socket = ws;
        resolve(ws);
      };
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as { id?: number; result?: IpcResult<unknown>; event?: OnboardEvent };
        if (msg.event) listeners.forEach((l) => l(msg.event!));
        else if (typeof msg.id === 'number') {
          pending.get(msg.id)?.(msg.result!);
          pending.delete(msg.id);
        }
      };
      ws.onclose = () => {
        socket = null;
        opened = null;
        for (const p of pending.values())
          p({
            ok: false,
            error: {
              code: 'disconnected',
              message: 'Lost the connection to the Onboard preview.',
              hint: 'Check that `npm start` is still running, then reload the page.',
            },
          });
        pending.clear();
        resolve(ws);
      };
    });
    return opened;
  }

  const api: Record<string, unknown> = {
    onEvent(listener: (e: OnboardEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return new Proxy(api, {
    get(target, prop: string) {
      if (prop in target) return target[prop];
      return async (payload: unknown, requestId?: string) => {
        const ws = await connect();
        if (ws !== socket || ws.readyState !== WebSocket.OPEN) {
          return {
            ok: false,
            error: {
              code: 'disconnected',
              message: 'Cannot reach the Onboard preview.',
              hint: 'Check that `npm start` is still running, then reload the page.',
            },
          };
        }
        const id = nextId++;
        return new Promise((resolve) => {
          pending.set(id, resolve as Pending);
          ws.send(JSON.stringify({ id, method: prop as MethodName, payload, requestId }));
        });
      };
    },
  }) as unknown as OnboardApi;
}

/** This page's way to main: the preload's API in the desktop app, else a WebSocket to the preview that served it. */
function openTransport(): OnboardApi {
  if (window.onboard) return window.onboard;
  const token = previewToken();
  return createWebSocketApi(`ws://${window.location.host}/rpc?token=${token ?? ''}`);
}

/**
 * Run by boot.js, a 1.5 KB script loaded before the app's: opens the way to main and asks for the Mac's
 * facts at once, so the answer travels while the browser still parses and runs React (most of the wait before Welcome
 * could show it). The app then uses this same transport, and Welcome's first reading takes this answer.
 */
export function startEarly(): void {
  if (window.onboardEarly) return;
  const api = openTransport();
  const early: EarlyStart = { api, facts: api.getMacFacts({ refresh: false }), taken: false };
  // Only notes the answer; whoever takes the promise sees its failure, if any.
  early.facts.then(
    (r) => {
      early.answer = r;
    },
    () => undefined,
  );
  window.onboardEarly = early;
}

/**
 * The facts boot.js asked for, given once to the first reading that wants them (with `answeredOnly`, only if the
 * answer is already in); null when there are none, they were used, or this page talks to main another way (tests).
 */
export function takeEarlyFacts(opts: { answeredOnly?: boolean } = {}): Pick<EarlyStart, 'facts' | 'answer'> | null {
  const early = window.onboardEarly;
  if (!early || early.taken || early.api !== getApi() || (opts.answeredOnly && !early.answer)) return null;
  early.taken = true;
  return early;
}

let cached: OnboardApi | null = null;

export function getApi(): OnboardApi {
  if (cached) return cached;
  return (cached = window.onboardEarly?.api ?? openTransport());
}

/** For tests: use this API instead of the real transport. */
export function setApi(api: OnboardApi | null): void {
  cached = api;
}

/** Every request to main goes through here: one method of the contract, its request, and the id progress carries. */
export function call<M extends MethodName>(
  method: M,
  request: RequestOf<M>,
  requestId?: string,
): Promise<IpcResult<ResultOf<M>>> {
  const fn = getApi()[method] as (r: RequestOf<M>, id?: string) => Promise<IpcResult<ResultOf<M>>>;
  return fn(request, requestId);
}

let requestCounter = 0;
export function newRequestId(prefix = 'req'): string {
  requestCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${requestCounter}`;
}

/**
 * The path of a file the technician picked, where the desktop app can tell it (the preload
 * asks Electron); null in the browser preview, which never sees paths.
 */
export function pickedFilePath(file: File): string | null {
  return window.onboard?.pathForFile?.(file) ?? null;
}

/** True when a picked file's path can be known (the desktop app). */
export function canPickFilePaths(): boolean {
  return typeof window.onboard?.pathForFile === 'function';
}
