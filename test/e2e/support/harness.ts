// End-to-end harness: the real preview server (real router and handlers, simulated Mac)
// and Debian's Chromium driven by playwright-core. No browser is ever downloaded.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startPreviewServer, type PreviewServer } from '../../../src/preview/server';
import { testSessions, ensurePreviewBuilt } from '../../support/preview-sessions';
import type { Executor } from '../../../src/core/macos/types';
import { initLab } from '../../../src/core/lab/pki';

export const root = join(__dirname, '..', '..', '..');
export const artifactsDir = join(root, 'test-results');
const rendererDir = join(root, 'dist', 'renderer');

export function chromiumPath(): string {
  const p = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (c) => c && existsSync(c),
  );
  if (!p)
    throw new Error("Chromium not found: install Debian's chromium or set CHROMIUM_PATH (npm test does this for you).");
  return p;
}

/** Builds the renderer and the preview's session thread once if `npm test` has not already done it. */
export const ensureBuilt = ensurePreviewBuilt;

/**
 * The preview as `onboard preview` runs it: each connection's session in a thread of its own, its Mac (made by
 * makeExecutor, so the test may hold it) in this thread.
 */
export async function startPreview(makeExecutor?: () => Executor): Promise<PreviewServer> {
  return startPreviewServer({
    sessions: testSessions({
      ...(makeExecutor ? { makeExecutor } : {}),
      log: (m) => {
        if (/failed/.test(m)) console.error(`preview: ${m}`);
      },
    }),
    rendererDir,
  });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

export async function openWizard(
  browser: Browser,
  server: PreviewServer,
  opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1100, height: opts.height ?? 760 },
    colorScheme: opts.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
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

// ---- helpers for the changes half's flows (added; nothing above changed)

export { freeLoopbackPort } from '../../support/net';

/**
 * A Background Channel stand-in: HTTPS on 127.0.0.1 with the given server certificate,
 * answering 200 under /Background/ and 404 elsewhere, as IIS would for the 1E folder.
 */
export async function startBackgroundChannel(
  certPem: string,
  keyPem: string,
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const { createServer } = await import('node:https');
  const requests: string[] = [];
  const server = createServer({ cert: certPem, key: keyPem, minVersion: 'TLSv1.2' }, (req, res) => {
    requests.push(req.url ?? '');
    if ((req.url ?? '').startsWith('/Background/'))
      res.writeHead(200, { 'content-type': 'text/plain' }).end('1E Background Channel stand-in\n');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return {
    url: `https://127.0.0.1:${port}/Background/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A file the simulated Mac's `installer` accepts as a package: the xar header a real .pkg starts with. */
export async function writeInstallerPackage(dir: string, name = '1EClient-macOS.v24.1.0.5.pkg'): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  const path = join(dir, name);
  await writeFile(path, Buffer.concat([Buffer.from('xar!'), Buffer.alloc(252)]));
  return path;
}

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is. The script is evaluated
 * through the debugging protocol, so the page's CSP stays as strict as it ships.
 */
export async function axeSeriousViolations(page: Page, alsoModerate = false): Promise<AxeFinding[]> {
  const { readFileSync } = await import('node:fs');
  const source = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.evaluate(source);
  const all = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  const counted = alsoModerate ? ['moderate', 'serious', 'critical'] : ['serious', 'critical'];
  return all.filter((v) => v.impact !== null && counted.includes(v.impact));
}

/**
 * WCAG contrast ratio of an element's text against its background as drawn: the computed
 * colours blended by the element's opacity over the nearest ancestor background (a faded
 * button is composited onto the panel behind it).
 */
export async function textContrast(locator: Locator, pseudo?: '::placeholder'): Promise<number> {
  return locator.evaluate((el, pseudo) => {
    const rgba = (c: string) => {
      const v = (c.match(/[\d.]+/g) ?? []).map(Number);
      return { r: v[0]!, g: v[1]!, b: v[2]!, a: v[3] ?? 1 };
    };
    let backdrop = { r: 255, g: 255, b: 255, a: 1 };
    for (let p = el.parentElement; p; p = p.parentElement) {
      const c = rgba(getComputedStyle(p).backgroundColor);
      if (c.a > 0) {
        backdrop = c;
        break;
      }
    }
    const style = getComputedStyle(el);
    const opacity = Number(style.opacity);
    const over = (c: { r: number; g: number; b: number; a: number }, under: { r: number; g: number; b: number }) => {
      const a = c.a * opacity;
      return { r: c.r * a + under.r * (1 - a), g: c.g * a + under.g * (1 - a), b: c.b * a + under.b * (1 - a) };
    };
    const bg = rgba(style.backgroundColor).a > 0 ? over(rgba(style.backgroundColor), backdrop) : backdrop;
    // A placeholder's colour is its pseudo-element's, over the field's own background.
    const fg = over(rgba(pseudo ? getComputedStyle(el, pseudo).color : style.color), bg);
    const luminance = (c: { r: number; g: number; b: number }) => {
      const [r, g, b] = [c.r, c.g, c.b].map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    return (a! + 0.05) / (b! + 0.05);
  }, pseudo);
}

/**
 * A screenshot of the whole step: the wizard scrolls inside its content pane, so the window is
 * made tall enough for the pane's content for the shot, then put back.
 */
export async function screenshotWholeStep(page: Page, name: string): Promise<string> {
  const size = page.viewportSize() ?? { width: 1100, height: 760 };
  const extra = await page.evaluate(() => {
    const pane = document.querySelector('main.content');
    return pane ? Math.max(0, pane.scrollHeight - pane.clientHeight) : 0;
  });
  if (extra === 0) return screenshot(page, name);
  await page.setViewportSize({ width: size.width, height: Math.min(size.height + extra, 8000) });
  try {
    return await screenshot(page, name);
  } finally {
    await page.setViewportSize(size);
  }
}

/** What a changes-half flow stands on: a lab CA made before, an installer file, the preview over a simulated Mac, and Chromium. */
export interface LabBench {
  work: string;
  labDir: string;
  lab: Awaited<ReturnType<typeof initLab>>;
  installer: string;
  server: PreviewServer;
  browser: Browser;
  /** Closes the browser and the preview and removes the bench's folder. */
  close(): Promise<void>;
}

export async function startLabBench(o: {
  name: string;
  caPassword: string;
  makeExecutor: () => Executor;
  intermediate?: boolean;
  crlBaseUrl?: string;
  installerName?: string;
}): Promise<LabBench> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const work = await mkdtemp(join(tmpdir(), 'onboard-e2e-bench-'));
  const opened: { server?: PreviewServer; browser?: Browser } = {};
  const close = async () => {
    await opened.browser?.close();
    await opened.server?.close();
    await rm(work, { recursive: true, force: true });
  };
  try {
    const labDir = join(work, 'lab');
    const lab = await initLab({
      dir: labDir,
      name: o.name,
      intermediate: o.intermediate ?? true,
      crlBaseUrl: o.crlBaseUrl ?? 'http://127.0.0.1:9/crl',
      caPassword: o.caPassword,
    });
    const installer = await writeInstallerPackage(work, o.installerName);
    opened.server = await startPreview(o.makeExecutor);
    opened.browser = await launchChromium();
    return { work, labDir, lab, installer, server: opened.server, browser: opened.browser, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Presses Continue and waits for the next step's heading. */
export async function continueTo(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/** What the setup half needs typed to reach Install with a lab-CA identity. */
export interface LabWalk {
  mode: 'New setup' | 'Upgrade' | 'Replace the certificate';
  switchAddress?: string;
  backgroundUrl?: string;
  labDir: string;
  caPassword: string;
  hostname?: string;
  /** Also checks that each background action's result takes focus (lab CA opened, certificate issued). */
  checkFocus?: boolean;
}

/** Waits until the element with this id has keyboard focus (a background action's result took it). */
export async function focusLandsOn(page: Page, id: string): Promise<void> {
  await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 30_000 });
}

/** The step after the client certificate, and that step's own name, as each job calls them. */
export function stepsAfterClient(mode: LabWalk['mode']): { client: string; next: string } {
  if (mode === 'Replace the certificate') return { client: 'New certificate', next: 'Trust & identity' };
  return { client: 'Client certificate', next: mode === 'Upgrade' ? 'Upgrade' : 'Install' };
}

/**
 * Walks Welcome, CA certificates and Client certificate as a technician does (a lab CA made
 * before, opened with its password), and stops on the step after (Install, Upgrade, or Trust & identity).
 */
export async function walkSetupWithLabCa(page: Page, w: LabWalk): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(w.mode) }).check();
  if (w.switchAddress !== undefined) await page.getByLabel('Switch address').fill(w.switchAddress);
  if (w.backgroundUrl !== undefined) await page.getByLabel('Background Channel URL').fill(w.backgroundUrl);
  // Upgrade and replace fill the addresses in from the installed configuration once the Mac's facts are back.
  const field = page.getByLabel('Background Channel URL');
  for (let i = 0; i < 120 && (await field.inputValue()) === ''; i++) await page.waitForTimeout(250);
  const url = w.backgroundUrl ?? (await field.inputValue());
  await page.getByText(`Valid: ${url}`, { exact: false }).waitFor();
  const titles = stepsAfterClient(w.mode);
  await continueTo(page, 'CA certificates');
  await continueTo(page, titles.client);
  await page.getByRole('radio', { name: /A lab CA/ }).check();
  await page.getByRole('radio', { name: /Use one made before/ }).check();
  await page.getByLabel('Lab folder').fill(w.labDir);
  await page.getByLabel('CA password').fill(w.caPassword);
  await page.getByRole('button', { name: 'Open lab CA' }).click();
  if (w.checkFocus) await focusLandsOn(page, 'lab-ready');
  const host = w.hostname ?? 'MAC01.local';
  await page.getByLabel("Host name for this Mac's certificate").fill(host);
  await page.getByRole('button', { name: `Issue a certificate for ${host}` }).click();
  if (w.checkFocus) await focusLandsOn(page, 'identity-verdict');
  const go = page.getByRole('button', { name: 'Continue' });
  for (let i = 0; i < 120 && !(await go.isEnabled()); i++) await page.waitForTimeout(250);
  await continueTo(page, titles.next);
}

/**
 * A button of the step's own page (the footer mirrors the step's action under the same name, so a bare name would
 * find both).
 */
export function inStep(page: Page, name: string | RegExp) {
  return page.getByRole('main').getByRole('button', { name, exact: typeof name === 'string' });
}

/** On Install: types the installer's path and asks for the plan; waits until the configuration diff shows. */
export async function planInstallWith(page: Page, installer: string): Promise<void> {
  await page.getByLabel('Installer file on this Mac').fill(installer);
  await inStep(page, 'Review the changes').click();
  await page.getByRole('table').waitFor({ timeout: 30_000 });
}

/** On Install, after planInstallWith: presses the install button and waits for the result. */
export async function applyInstall(
  page: Page,
  button: 'Install and start' | 'Upgrade and start' = 'Install and start',
): Promise<void> {
  await inStep(page, button).click();
  await page
    .getByRole('heading', { level: 2, name: /^The 1E Client is (installed|upgraded), configured and started$/ })
    .waitFor({ timeout: 30_000 });
}

/** The Trust & identity step's button, as each job names it. */
export const TRUST_BUTTON = /^Import (into the keychain|the identity again|the new certificate)$/;

/** On Trust & identity: waits for the plan, applies it and waits for the result. */
export async function applyTrust(page: Page): Promise<void> {
  await inStep(page, TRUST_BUTTON).click();
  await page.getByRole('heading', { level: 2, name: /(are|is) in the System keychain/ }).waitFor({ timeout: 30_000 });
}
