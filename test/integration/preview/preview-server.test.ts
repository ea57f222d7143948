import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startPreviewServer, type PreviewServer } from '../../../src/preview/server';
import { testSessions } from '../../support/preview-sessions';

let server: PreviewServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-preview-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Onboard</title>');
  await writeFile(join(dir, 'app.js'), 'console.log(1)');
  server = await startPreviewServer({
    rendererDir: dir,
    sessions: testSessions(),
  });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens a WebSocket with the given token and Origin; resolves 'open' or the HTTP status of the refusal. */
function connect(
  token: string | null,
  origin: string | undefined,
  host?: string,
): Promise<{ ws?: WebSocket; status?: number }> {
  const url = `ws://127.0.0.1:${server.port}/rpc${token === null ? '' : `?token=${token}`}`;
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (host) headers.host = host;
    const ws = new WebSocket(url, { origin, headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

function call(
  ws: WebSocket,
  method: string,
  payload: unknown,
): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 1e9);
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.id === id) resolve(m.result);
    });
    ws.send(JSON.stringify({ id, method, payload }));
  });
}

function get(
  path: string,
  host = `127.0.0.1:${server.port}`,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the preview server', () => {
  it('binds to loopback and prints an address carrying a 256-bit token in the fragment', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[0-9a-f]{64}$`));
  });

  it('answers the contract over the WebSocket for our page holding the token, with the simulated Mac', async () => {
    const { ws } = await connect(server.token, server.origin);
    expect(ws).toBeDefined();
    const r = await call(ws!, 'getAppInfo', {});
    expect(r).toMatchObject({ ok: true, value: { shell: 'preview', simulated: true } });
    const bad = await call(ws!, 'noSuchMethod', {});
    expect(bad).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    ws!.close();
  });

  it('refuses a WebSocket without the token, or with a wrong one', async () => {
    expect((await connect(null, server.origin)).status).toBe(403);
    expect((await connect('0'.repeat(64), server.origin)).status).toBe(403);
    expect((await connect(server.token.slice(0, 10), server.origin)).status).toBe(403);
  });

  it('refuses a WebSocket from another Origin, even with the token', async () => {
    expect((await connect(server.token, 'http://evil.example')).status).toBe(403);
    expect((await connect(server.token, `http://localhost:${server.port}`)).status).toBe(403);
    expect((await connect(server.token, undefined)).status).toBe(403);
  });

  it('refuses requests whose Host is not the loopback address (DNS rebinding)', async () => {
    expect((await connect(server.token, server.origin, `evil.example:${server.port}`)).status).toBe(403);
    expect((await get('/', `evil.example:${server.port}`)).status).toBe(421);
  });

  it('serves the renderer with a strict Content-Security-Policy and nothing outside its folder', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await get('/app.js')).status).toBe(200);
    expect((await get('/../../etc/passwd')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });
});
