// The preview's session threads for tests, which run the server from TypeScript: the threads run dist/'s compiled
// session-worker.js, built here once when dist/ lacks it (npm test builds first, so it is fresh there).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { PreviewServer } from '../../src/preview/server';
import { workerSessions, type PreviewSessions, type WorkerSessionsOptions } from '../../src/preview/sessions';

const root = join(__dirname, '..', '..');

export function ensurePreviewBuilt(): void {
  const needed = [join(root, 'dist', 'src', 'preview', 'session-worker.js'), join(root, 'dist', 'renderer', 'app.js')];
  if (needed.every((f) => existsSync(f))) return;
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
    stdio: 'inherit',
    env: { ...process.env, ONBOARD_QUIET_BUILD: '1' },
  });
}

/** Worker-backed sessions, as `onboard preview` runs them. */
export function testSessions(opts: WorkerSessionsOptions = {}): PreviewSessions {
  ensurePreviewBuilt();
  return workerSessions(opts);
}

/** A WebSocket to the preview's RPC endpoint, opened with its token and its own origin, as the page opens it. */
export function openRpc(server: PreviewServer): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`, { origin: server.origin });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}
