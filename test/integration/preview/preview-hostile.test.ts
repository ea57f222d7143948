// The preview under hostile HTTP and WebSocket traffic: every bad request or frame is refused and logged, and the
// server still answers afterwards; lab CAs asked for by the page stay in the session's own folder.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, writeFile, rm, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import WebSocket from 'ws';
import { startPreviewServer, type PreviewServer } from '../../../src/preview/server';
import { testSessions } from '../../support/preview-sessions';
import { initLab } from '../../../src/core/lab/pki';

let server: PreviewServer;
let dir: string;
const logged: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-preview-hostile-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Onboard</title>');
  server = await startPreviewServer({
    rendererDir: dir,
    sessions: testSessions({ log: (m) => logged.push(m) }),
    log: (m) => logged.push(m),
  });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Sends raw bytes as an HTTP request and returns the status line of the answer ('' when the socket just closed). */
function raw(text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = netConnect(server.port, '127.0.0.1', () => s.write(text));
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    s.on('error', () => resolve(got.split('\r\n')[0] ?? ''));
    s.setTimeout(5000, () => s.destroy());
  });
}

const host = () => `127.0.0.1:${server.port}`;
const get = (path: string) => raw(`GET ${path} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${host()}/rpc?token=${server.token}`, { origin: server.origin });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

function nextMessage(
  ws: WebSocket,
): Promise<{ id: unknown; result: { ok: boolean; value?: unknown; error?: { code: string } } }> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
}

async function answers(): Promise<void> {
  expect(await get('/')).toBe('HTTP/1.1 200 OK');
  const ws = await open();
  const reply = nextMessage(ws);
  ws.send(JSON.stringify({ id: 1, method: 'getCaCertificates', payload: {} }));
  expect((await reply).result.ok).toBe(true);
  ws.close();
}

describe('the preview under hostile HTTP', () => {
  for (const path of ['/%E0%A4%A', '/%', '/%zz', '/%C0%AF..%C0%AF', '/%ED%A0%80', '//%FF']) {
    it(`answers GET ${path} with 400 and keeps serving`, async () => {
      expect(await get(path)).toBe('HTTP/1.1 400 Bad Request');
      await answers();
    });
  }

  it('refuses a malformed request line, an upgrade to a malformed URL, and a header flood', async () => {
    expect(await raw('GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await raw(
        `GET /%E0%A4%A?token=x HTTP/1.1\r\nHost: ${host()}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(
      await raw(`GET / HTTP/1.1\r\nHost: ${host()}\r\nX: ${'a'.repeat(20_000)}\r\n${'Y: b\r\n'.repeat(3000)}\r\n`),
    ).toMatch(/^HTTP\/1\.1 4\d\d/);
    await answers();
    expect(logged.some((m) => /refused/.test(m))).toBe(true);
  });
});

describe('the preview under hostile WebSocket frames (with the token)', () => {
  for (const text of ['null', '42', '"x"', '[]', '{"id":{},"method":null}', '{']) {
    it(`answers ${text} as a malformed message and keeps the connection`, async () => {
      const ws = await open();
      const reply = nextMessage(ws);
      ws.send(text);
      expect((await reply).result).toMatchObject({ ok: false });
      const next = nextMessage(ws);
      ws.send(JSON.stringify({ id: 2, method: 'getCaCertificates', payload: {} }));
      expect((await next).result.ok).toBe(true);
      ws.close();
    });
  }

  it('closes a connection that sends invalid UTF-8, and still answers others', async () => {
    const ws = await open();
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('error', () => undefined);
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
    await answers();
    expect(logged.some((m) => /UTF-8/i.test(m))).toBe(true);
  });

  it('closes a connection that sends a frame over the size limit, and still answers others', async () => {
    const ws = await open();
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('error', () => undefined);
    ws.send(Buffer.alloc(33 * 1024 * 1024, 0x20), { binary: false });
    expect(await closed).toBe(1009);
    await answers();
  }, 30_000);
});

describe('lab CAs in the preview', () => {
  it('never writes where the page says: a new lab goes in the session folder, an opened one is copied', async () => {
    const work = await mkdtemp(join(tmpdir(), 'onboard-preview-paths-'));
    try {
      const ws = await open();
      const named = join(work, 'page-chosen');
      let reply = nextMessage(ws);
      const lab = { name: 'Page', crlBaseUrl: 'http://x.test/crl', caPassword: 'pw-1', intermediate: false };
      ws.send(JSON.stringify({ id: 1, method: 'createLabCa', payload: { ...lab, directory: named } }));
      const created = (await reply).result;
      expect(created.ok).toBe(true);
      expect(existsSync(named)).toBe(false);
      const createdDir = (created.value as { directory: string }).directory;
      expect(createdDir).not.toContain(work);

      const existing = join(work, 'existing');
      await initLab({ dir: existing, ...lab, intermediate: false });
      const indexBefore = await readFile(join(existing, 'index.json'), 'utf8');
      reply = nextMessage(ws);
      ws.send(JSON.stringify({ id: 2, method: 'openLabCa', payload: { directory: existing, caPassword: 'pw-1' } }));
      expect((await reply).result.ok).toBe(true);
      reply = nextMessage(ws);
      ws.send(JSON.stringify({ id: 3, method: 'issueLabCertificate', payload: { hostname: 'MAC01.local' } }));
      expect((await reply).result.ok).toBe(true);
      expect(await readFile(join(existing, 'index.json'), 'utf8')).toBe(indexBefore);
      expect(existsSync(join(existing, 'lab.lock'))).toBe(false);

      const gone = new Promise((r) => ws.on('close', r));
      ws.close();
      await gone;
      for (let i = 0; i < 50 && existsSync(createdDir); i++) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(createdDir)).toBe(false);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('refused clients hold nothing', () => {
  it('closes a refused upgrade itself, though the client keeps its side open', async () => {
    // A client that never closes: before, the server only half-closed, so each such socket held a descriptor (and
    // held up Ctrl-C) for as long as the client liked.
    const outcome = await new Promise<string>((resolve) => {
      const s = netConnect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true }, () =>
        s.write(
          `GET /rpc HTTP/1.1\r\nHost: ${host()}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://evil\r\n\r\n`,
        ),
      );
      let status = '';
      s.on('data', (d: Buffer) => (status ||= d.toString('latin1').split('\r\n')[0] ?? ''));
      // The server's own close is seen only when we send again: a socket it has let go answers with a reset.
      s.on('end', () => {
        for (const wait of [100, 400, 1200]) setTimeout(() => !s.destroyed && s.write('more'), wait);
      });
      s.on('close', () => resolve(`closed after ${status}`));
      s.on('error', () => resolve(`closed after ${status}`));
    });
    expect(outcome).toBe('closed after HTTP/1.1 403 Forbidden');
  }, 15_000);

  it('closes once, however often it is asked (a second Ctrl-C)', async () => {
    const site = await mkdtemp(join(tmpdir(), 'onboard-preview-twice-'));
    await writeFile(join(site, 'index.html'), '<!doctype html><title>Onboard</title>');
    const folders: string[] = [];
    const sessions = testSessions({ onWorkerExit: (e) => folders.push(e.folder) });
    const twice = await startPreviewServer({ rendererDir: site, sessions });
    const first = twice.close();
    expect(twice.close()).toBe(first);
    await first;
    await rm(site, { recursive: true, force: true });
  });
});
