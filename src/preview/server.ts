// The browser preview: serves the built renderer and carries each connection's requests over a loopback WebSocket
// that only our page, holding the per-run token, may open, to that connection's own session thread (sessions.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeError } from '../core/errors';
import type { PreviewConnection, PreviewSessions } from './sessions';
import { MALFORMED } from './replies';

export interface PreviewServerOptions {
  /**
   * Serves each connection: its session and router in a thread of its own (workerSessions), so the server's thread
   * only carries messages and files and never waits on one connection's work. Closed with the server.
   */
  sessions: PreviewSessions;
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

export async function startPreviewServer(opts: PreviewServerOptions): Promise<PreviewServer> {
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

  // No request may stop the server: whatever one throws (a malformed %-escape, an odd URL) is logged and answered.
  const server = createServer((req, res) => {
    serveStatic(req, res).catch((e: unknown) => {
      const bad = e instanceof URIError || e instanceof TypeError;
      opts.log?.(`${bad ? 'refused' : 'failed'} ${req.method ?? '?'} request: ${describeError(e)}`);
      if (!res.headersSent) res.writeHead(bad ? 400 : 500, { 'content-type': 'text/plain' });
      res.end(bad ? 'Bad request' : 'Error');
    });
  });
  server.on('clientError', (e: Error, socket: Duplex) => {
    opts.log?.(`refused a malformed request: ${e.message}`);
    // Destroyed once the answer is out: a client that never closes its side must not hold a descriptor.
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => socket.destroy());
    else socket.destroy();
  });

  function refuse(socket: Duplex, status: number, reason: string): void {
    opts.log?.(`refused WebSocket: ${reason}`);
    // Destroyed once the answer is out, not merely half-closed: a refused client that keeps its side open would
    // otherwise hold a descriptor (and hold up the server's close) for as long as it likes.
    socket.end(
      `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      () => socket.destroy(),
    );
  }

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', (e) => opts.log?.(`WebSocket connection error: ${e.message}`));
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      return refuse(socket, 400, 'malformed URL');
    }
    if (url.pathname !== '/rpc') return refuse(socket, 400, 'wrong path');
    if (req.headers.host !== hostHeader) return refuse(socket, 403, `wrong Host ${req.headers.host}`);
    if (req.headers.origin !== origin) return refuse(socket, 403, `wrong Origin ${req.headers.origin ?? '(none)'}`);
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(socket, 403, 'missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('error', (e) => opts.log?.(`WebSocket server error: ${e.message}`));
  wss.on('connection', (ws: WebSocket) => {
    const send = (msg: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    let connection: PreviewConnection | null;
    try {
      connection = opts.sessions.open(send, () => {
        opts.log?.("a connection's session thread stopped by itself; closing the connection");
        ws.close(1011, 'Session ended');
      });
    } catch (e) {
      opts.log?.(`could not start a session: ${describeError(e)}`);
      connection = null;
    }
    if (!connection) {
      opts.log?.('refused WebSocket: no session for it (too many connections, or none could start)');
      ws.close(1013, 'Try again later');
      return;
    }
    const served = connection;
    // Invalid UTF-8, frames over maxPayload and protocol errors arrive here; ws then closes the connection itself.
    ws.on('error', (e) => opts.log?.(`closed a WebSocket connection: ${e.message}`));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        opts.log?.('refused a malformed message: binary frame');
        send(MALFORMED);
        return;
      }
      // Even reading the JSON of a big upload is the connection's own work, done in its thread.
      served.request(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
    });
    // The connection's work stops with it: its thread is ended, whatever it was doing.
    ws.on('close', () => {
      served.close().catch((e: unknown) => opts.log?.(`closing a session failed: ${describeError(e)}`));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => resolve());
  });
  let closing: Promise<void> | undefined;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  origin = `http://${HOST}:${port}`;
  hostHeader = `${HOST}:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    // Once: a second Ctrl-C waits for the first close instead of racing it.
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          for (const c of wss.clients) c.terminate();
          wss.close();
          server.closeAllConnections();
          server.close(() => resolve());
        });
        await opts.sessions.close();
      })()),
  };
}
