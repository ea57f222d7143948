// End-to-end harness: the real preview server (real router and handlers, simulated Mac)
// and Debian's Chromium driven by playwright-core. No browser is ever downloaded.
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPreviewServer, type PreviewServer } from '../../../electron/preview/server';
import { createRouter } from '../../../electron/ipc/router';
import { createHandlers } from '../../../electron/ipc/handlers';
import { createSession } from '../../../electron/ipc/session';
import type { Executor } from '../../../electron/core/macos/types';

export const root = join(__dirname, '..', '..', '..');
export const artifactsDir = join(root, 'test-results');
const rendererDir = join(root, 'dist', 'renderer');

export function chromiumPath(): string {
  const p = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((c) => c && existsSync(c));
  if (!p) throw new Error('Chromium not found: install Debian\'s chromium or set CHROMIUM_PATH (npm test does this for you).');
  return p;
}

/** Builds the renderer once if `npm test` has not already done it. */
export function ensureBuilt(): void {
  if (!existsSync(join(rendererDir, 'app.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', env: { ...process.env, ONBOARD_QUIET_BUILD: '1' } });
  }
}

export async function startPreview(makeExecutor?: () => Executor): Promise<PreviewServer> {
  ensureBuilt();
  return startPreviewServer({
    router: createRouter(createHandlers(), { logInternal: (m, e) => console.error(`preview ${m}:`, e) }),
    rendererDir,
    createSession: () => createSession({ shell: 'preview', executor: makeExecutor?.() }),
  });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

export async function openWizard(browser: Browser, server: PreviewServer, opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1100, height: opts.height ?? 760 }, colorScheme: opts.colorScheme ?? 'light', acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(server.url);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
