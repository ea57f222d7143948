// The browser preview: serves the built renderer and carries the router over a loopback
// WebSocket that only our page, holding the per-run token, may open.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Router } from '../main/ipc/router';
import type { OnboardEvent } from '../shared/contract';

export interface PreviewServerOptions<S extends object> {
  router: Router<S>;
  /** Makes the state of one connection (the preview always uses a simulated Mac). */
  createSession(): S;
  /** Releases what a connection's state holds (temporary folders) when it closes. */
  closeSession?(session: S): Promise<void>;
  /** Folder with the built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Token to require; random 256-bit by default (tests may pass one). */
  token?: string;
  log?(message: string): void;
}

export interface PreviewServer {
  /** The address to open, with the token in the fragment (never sent to the server by a browser). */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
// The same policy as renderer/index.html's meta tag, sent as a header too.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self' ws://127.0.0.1:*; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startPreviewServer<S extends object>(opts: PreviewServerOptions<S>): Promise<PreviewServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let origin = '';
  let hostHeader = '';

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A wrong Host header means another site is reaching us through DNS rebinding.
    if (req.headers.host !== hostHeader) {
      res.writeHead(421).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
    const rel = normalize(path === '/' ? '/index.html' : path).replace(/^[/\\]+/, '');
    const file = join(opts.rendererDir, rel);
    if (!file.startsWith(opts.rendererDir + sep) || rel.includes('\0')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  }

  const server = createServer((req, res) => {
    void serveStatic(req, res);
  });

  function refuse(socket: Duplex, status: number, reason: string): void {
    opts.log?.(`refused WebSocket: ${reason}`);
    socket.end(
      `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/rpc') return refuse(socket, 400, 'wrong path');
    if (req.headers.host !== hostHeader) return refuse(socket, 403, `wrong Host ${req.headers.host}`);
    if (req.headers.origin !== origin) return refuse(socket, 403, `wrong Origin ${req.headers.origin ?? '(none)'}`);
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(socket, 403, 'missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const session = opts.createSession();
    const send = (msg: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    ws.on('message', (data) => {
      let msg: { id?: unknown; method?: unknown; payload?: unknown; requestId?: unknown };
      try {
        msg = JSON.parse(data.toString());
      } catch {
        send({
          id: null,
          result: { ok: false, error: { code: 'invalid-request', message: 'Malformed message.', hint: '' } },
        });
        return;
      }
      const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
      void opts.router
        .dispatch(msg.method, msg.payload, {
          session,
          requestId: typeof msg.requestId === 'string' ? msg.requestId : undefined,
          emit: (event: OnboardEvent) => send({ event }),
        })
        .then((result) => send({ id, result }));
    });
    ws.on('close', () => {
      opts.router.abortAll(session);
      void opts.closeSession?.(session);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  origin = `http://${HOST}:${port}`;
  hostHeader = `${HOST}:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
