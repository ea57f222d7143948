// One connection's slow work never holds up another: a PFX at the derivation budget sent on one connection, while a
// second connection and a plain GET are answered first; closing the busy connection ends its thread mid-work.
// Ordering and events only, never timings.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startPreviewServer, type PreviewServer } from '../../../src/preview/server';
import type { PreviewSessions } from '../../../src/preview/sessions';
import { MAX_DERIVATION_ROUNDS } from '../../../src/core/pki/work-budget';
import { openRpc, testSessions } from '../../support/preview-sessions';
import { opensslOk } from '../../support/openssl';

let server: PreviewServer;
let sessions: PreviewSessions;
let dir: string;
let hostilePfx: string;
const exits: { connection: number; unfinished: number; folder: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-preview-worker-'));
  const site = join(dir, 'site');
  await mkdir(site);
  await writeFile(join(site, 'index.html'), '<!doctype html><title>Onboard</title>');
  // OpenSSL's -legacy profile: a MAC, a 3DES key bag and an RC2 certificate bag, each derivation `iter` rounds over
  // six output blocks in all. At this count the file asks for just under the whole budget, and is still accepted.
  const iter = Math.floor(MAX_DERIVATION_ROUNDS / 6);
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await opensslOk(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert].concat([
      '-subj',
      '/CN=MAC01.local',
      '-days',
      '30',
    ]),
  );
  const pfx = join(dir, 'slow.pfx');
  await opensslOk(
    ['pkcs12', '-export', '-legacy', '-iter', String(iter), '-in', cert, '-inkey', key].concat([
      '-out',
      pfx,
      '-passout',
      'pass:pw',
    ]),
  );
  hostilePfx = (await readFile(pfx)).toString('base64');
  sessions = testSessions({ onWorkerExit: (info) => exits.push(info) });
  server = await startPreviewServer({ sessions, rendererDir: site });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const open = (): Promise<WebSocket> => openRpc(server);

type Reply = { id: unknown; result: { ok: boolean; error?: { code: string } } };

/** Every reply on a connection, in order, and a way to wait for the one to a given id. */
function replies(ws: WebSocket): { all: Reply[]; to(id: number): Promise<Reply> } {
  const all: Reply[] = [];
  const waiting = new Map<unknown, (r: Reply) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as Reply;
    if (!('id' in m)) return;
    all.push(m);
    waiting.get(m.id)?.(m);
  });
  return {
    all,
    to: (id) =>
      new Promise((resolve) => {
        const done = all.find((r) => r.id === id);
        if (done) resolve(done);
        else waiting.set(id, resolve);
      }),
  };
}

function getIndex(): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: server.port, path: '/' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

/** Waits (up to a minute, in small steps) until `cond` holds; says whether it did. */
async function until(cond: () => boolean): Promise<boolean> {
  for (let i = 0; i < 1200 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  return cond();
}

const openPfx = (id: number) =>
  JSON.stringify({ id, method: 'openPfx', payload: { fileName: 'slow.pfx', base64: hostilePfx, password: 'pw' } });

describe('a connection busy deriving keys from a hostile PFX', () => {
  it('holds up neither another connection nor the page itself', async () => {
    const busy = await open();
    const other = await open();
    const busyReplies = replies(busy);
    const otherReplies = replies(other);
    // Both threads are up and answering before the slow work starts.
    busy.send(JSON.stringify({ id: 1, method: 'getAppInfo', payload: {} }));
    other.send(JSON.stringify({ id: 1, method: 'getAppInfo', payload: {} }));
    expect((await busyReplies.to(1)).result.ok).toBe(true);
    expect((await otherReplies.to(1)).result.ok).toBe(true);

    // Three files in a row: seconds of derivation in the busy connection's thread.
    const order: string[] = [];
    const slow = [2, 3, 4].map((id) => busyReplies.to(id).then((r) => (order.push(`busy ${id}`), r)));
    for (const id of [2, 3, 4]) busy.send(openPfx(id));
    other.send(JSON.stringify({ id: 2, method: 'getMacFacts', payload: {} }));
    const facts = otherReplies.to(2).then((r) => (order.push('other facts'), r));
    const page = getIndex().then((status) => (order.push('GET /'), status));

    expect((await facts).result.ok).toBe(true);
    expect(await page).toBe(200);
    const opened = await Promise.all(slow);
    // The files were really opened (the work was done, not refused), and only after the others had their answers.
    expect(opened.map((r) => r.result.ok)).toEqual([true, true, true]);
    expect(order.slice(0, 2).sort()).toEqual(['GET /', 'other facts']);
    busy.close();
    other.close();
  }, 120_000);

  it('stops that work when the connection closes: its thread ends with the requests unanswered, its folder goes', async () => {
    // The first test's connections are gone, so the one opened here is the only thread that can end.
    expect(await until(() => sessions.live() === 0)).toBe(true);
    const before = exits.length;
    const busy = await open();
    const busyReplies = replies(busy);
    busy.send(JSON.stringify({ id: 1, method: 'getAppInfo', payload: {} }));
    expect((await busyReplies.to(1)).result.ok).toBe(true);
    expect(sessions.live()).toBe(1);
    for (const id of [2, 3, 4]) busy.send(openPfx(id));
    busy.close();
    expect(await until(() => exits.length > before)).toBe(true);
    const exit = exits.at(-1)!;
    // Three files of about a second of derivation each cannot all be done when the close is seen: the thread was
    // ended in the middle of its work.
    expect(exit.unfinished).toBeGreaterThan(0);
    expect(sessions.live()).toBe(0);
    expect(await until(() => !existsSync(exit.folder))).toBe(true);
    // The server still serves new connections.
    const next = await open();
    const nextReplies = replies(next);
    next.send(JSON.stringify({ id: 1, method: 'getMacFacts', payload: {} }));
    expect((await nextReplies.to(1)).result.ok).toBe(true);
    next.close();
  }, 120_000);
});
