// The bounds of the preview's session threads: a connection whose thread dies by itself (here out of memory, with a
// heap made small for the test) is closed with its requests failed while the server and the others go on; and no more
// connections are served at once than allowed (two here), the next being refused until one closes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startPreviewServer, type PreviewServer } from '../../../src/preview/server';
import { openRpc, testSessions } from '../../support/preview-sessions';
import type { PreviewSessions } from '../../../src/preview/sessions';

let server: PreviewServer;
let sessions: PreviewSessions;
let dir: string;
const logged: string[] = [];
const exits: { unfinished: number; folder: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-preview-lost-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Onboard</title>');
  sessions = testSessions({
    heapLimitMb: 32,
    maxConnections: 2,
    log: (m) => logged.push(m),
    onWorkerExit: (e) => exits.push(e),
  });
  server = await startPreviewServer({
    sessions,
    rendererDir: dir,
    log: (m) => logged.push(m),
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const open = (): Promise<WebSocket> => openRpc(server);

function ask(ws: WebSocket, id: number, method: string, payload: unknown): Promise<{ ok: boolean }> {
  return new Promise((resolve) => {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { id?: unknown; result?: { ok: boolean } };
      if (m.id === id && m.result) resolve(m.result);
    });
    ws.send(JSON.stringify({ id, method, payload }));
  });
}

describe('a session thread that runs out of memory', () => {
  it('closes its connection, and the server and another connection go on', async () => {
    const other = await open();
    expect((await ask(other, 1, 'getAppInfo', {})).ok).toBe(true);
    const doomed = await open();
    expect((await ask(doomed, 1, 'getAppInfo', {})).ok).toBe(true);
    const closed = new Promise<number>((r) => doomed.on('close', (code) => r(code)));
    // 30 MB of base64 (within the frame limit): read and decoded, it needs more than the thread's 32 MB heap.
    const base64 = 'A'.repeat(30 * 1024 * 1024);
    doomed.send(JSON.stringify({ id: 2, method: 'openPfx', payload: { fileName: 'big.pfx', base64, password: '' } }));
    expect(await closed).toBe(1011);
    expect(logged.some((m) => /stopped by itself/.test(m))).toBe(true);
    expect(exits.length).toBe(1);
    for (let i = 0; i < 200 && existsSync(exits[0]!.folder); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(exits[0]!.folder)).toBe(false);
    expect((await ask(other, 2, 'getMacFacts', {})).ok).toBe(true);
    other.close();
  }, 120_000);
});

describe('the number of connections', () => {
  it('is bounded: one more than allowed is refused (1013), and served again once one closes', async () => {
    for (let i = 0; i < 200 && sessions.live() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    const a = await open();
    const b = await open();
    expect((await ask(a, 1, 'getAppInfo', {})).ok).toBe(true);
    expect((await ask(b, 1, 'getAppInfo', {})).ok).toBe(true);
    const refused = await open();
    expect(await new Promise<number>((r) => refused.on('close', (code) => r(code)))).toBe(1013);
    expect(logged.some((m) => /too many connections/.test(m))).toBe(true);
    a.close();
    for (let i = 0; i < 200 && sessions.live() > 1; i++) await new Promise((r) => setTimeout(r, 50));
    const c = await open();
    expect((await ask(c, 1, 'getMacFacts', {})).ok).toBe(true);
    b.close();
    c.close();
  }, 120_000);
});
