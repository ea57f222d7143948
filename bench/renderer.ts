// The renderer's weight (gzip of dist/renderer/app.js, goal 200 KB) and how soon Welcome shows the Mac's facts in headless Chromium (goal p95 300 ms), beside a bare page.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import { startPreviewServer } from '../src/preview/server';
import { workerSessions } from '../src/preview/sessions';
import { SimulatedMac } from '../src/core/macos/executors/simulated';
import type { BenchSection } from './types';

// This file runs from dist/bench/: the built renderer is a sibling, the sources two levels up.
const rendererDir = join(__dirname, '..', 'renderer');
const root = join(__dirname, '..', '..');
const SIZE_GOAL_KB = 200;
const FACTS_GOAL_MS = 300;
const RUNS = 15;

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Minified bytes per package, from a metafile build with the same options as scripts/build.mjs. */
async function composition(): Promise<{ name: string; bytes: number }[]> {
  const r = await build({
    entryPoints: { app: join(root, 'renderer/main.tsx') },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    metafile: true,
    outdir: '/tmp/onboard-bench-renderer',
    logLevel: 'silent',
  });
  const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = m ? m[1]! : input.startsWith('src/') ? `${input} (main-side code!)` : 'Onboard renderer (renderer/)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

function chromiumPath(): string {
  const p = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (c) => c && existsSync(c),
  );
  if (!p) throw new Error("Chromium not found: install Debian's chromium or set CHROMIUM_PATH.");
  return p;
}

interface WelcomeTiming {
  heading: number;
  facts: number;
  /** The anchor of the same round: a one-heading page, no script, in a fresh context of the same browser. */
  bare: number;
}

/** The anchor: what a fresh context and a navigation cost on this machine right now, before any app code. */
const BARE_PAGE = 'data:text/html,<!doctype html><title>bare</title><h1 id="step-heading">Welcome</h1>';

/** Times, from the page's own navigation start, until the Welcome heading and then the Mac's facts are on screen. */
async function welcomeTimings(): Promise<{ cold: WelcomeTiming; warm: WelcomeTiming[] }> {
  const server = await startPreviewServer({
    sessions: workerSessions({ makeExecutor: () => new SimulatedMac() }),
    rendererDir,
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const bare = async (): Promise<number> => {
      const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
      try {
        const page = await context.newPage();
        await page.goto(BARE_PAGE, { waitUntil: 'commit' });
        return await page
          .waitForFunction(() => document.getElementById('step-heading') !== null && performance.now(), undefined, {
            polling: 'raf',
            timeout: 10_000,
          })
          .then((h) => h.jsonValue() as Promise<number>);
      } finally {
        await context.close();
      }
    };
    const once = async (): Promise<Omit<WelcomeTiming, 'bare'>> => {
      const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
      try {
        const page = await context.newPage();
        await page.goto(server.url, { waitUntil: 'commit' });
        // Predicates are functions, not strings: the page's CSP forbids evaluating strings. One predicate, polled
        // every frame, notes the frame the heading first shows and returns at the frame the facts do: two waits in a
        // row would add the browser round trip between them to the facts' time.
        const { heading, facts } = await page
          .waitForFunction(
            () => {
              const now = performance.now();
              const w = window as unknown as { benchHeadingAt?: number };
              if (w.benchHeadingAt === undefined && document.getElementById('step-heading')?.textContent === 'Welcome')
                w.benchHeadingAt = now;
              const shown = Array.from(document.querySelectorAll('dt')).some(
                (d) => d.textContent === 'Name 1E expects',
              );
              return shown && { heading: w.benchHeadingAt ?? now, facts: now };
            },
            undefined,
            { polling: 'raf', timeout: 10_000 },
          )
          .then((h) => h.jsonValue() as Promise<{ heading: number; facts: number }>);
        return { heading, facts };
      } finally {
        await context.close();
      }
    };
    const cold = { ...(await once()), bare: NaN };
    const warm: WelcomeTiming[] = [];
    // In turn, round after round: the bare page, then Welcome, so the machine's load weighs on both alike.
    for (let i = 0; i < RUNS; i++) {
      const b = await bare();
      warm.push({ ...(await once()), bare: b });
    }
    return { cold, warm };
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function run(): Promise<BenchSection> {
  const appJs = readFileSync(join(rendererDir, 'app.js'));
  const bootJs = readFileSync(join(rendererDir, 'boot.js'));
  const appCss = readFileSync(join(rendererDir, 'app.css'));
  const gz = gzipSync(appJs, { level: 9 }).length;
  const cssGz = gzipSync(appCss, { level: 9 }).length;
  const parts = await composition();
  const leaked = parts.filter((p) => p.name.includes('main-side') || /node-forge|^ws$|^zod$/.test(p.name));
  const loadBefore = loadavg()[0]!;
  const { cold, warm } = await welcomeTimings();
  const loadAfter = loadavg()[0]!;
  const headings = warm.map((t) => t.heading).sort((a, b) => a - b);
  const facts = warm.map((t) => t.facts).sort((a, b) => a - b);
  const bares = warm.map((t) => t.bare).sort((a, b) => a - b);
  const sizeMet = gz <= SIZE_GOAL_KB * 1024;
  const timeMet = pct(facts, 95) <= FACTS_GOAL_MS;

  return {
    title: 'Renderer: bundle size and time to Welcome',
    markdown: [
      '**Bundle.** `dist/renderer/app.js` as `npm run build` makes it (minified IIFE), gzip level 9.',
      '',
      '| file | bytes | gzip |',
      '| --- | ---: | ---: |',
      `| app.js | ${kb(appJs.length)} KB | **${kb(gz)} KB** |`,
      `| boot.js (runs first: asks for the Mac's facts while app.js loads) | ${kb(bootJs.length)} KB | ${kb(gzipSync(bootJs, { level: 9 }).length)} KB |`,
      `| app.css | ${kb(appCss.length)} KB | ${kb(cssGz)} KB |`,
      '',
      'What is inside app.js (minified bytes per package, from an esbuild metafile build with the same options):',
      '',
      '| part | minified |',
      '| --- | ---: |',
      ...parts.map((p) => `| ${p.name} | ${kb(p.bytes)} KB |`),
      '',
      leaked.length
        ? `**Main-side code reached the bundle:** ${leaked.map((p) => p.name).join(', ')}.`
        : 'No main-side code (node-forge, ws, zod, src/) is in the bundle.',
      '',
      `Goal: ≤ ${SIZE_GOAL_KB} KB gzip. ${sizeMet ? '**Met**' : '**Not met**'} (${kb(gz)} KB).`,
      '',
      `**Time to Welcome.** The preview server (real router and handlers, simulated Mac) on 127.0.0.1 and Debian's headless Chromium at 900×640; each run is a fresh browser context (no cache), timed by the page's own \`performance.now()\` from navigation start until the Welcome heading is on screen, and until the Mac's facts have come back through the WebSocket and are shown, both noted by one check run at every animation frame (before 2026-12-03 two checks in a row were used, which added a browser round trip, tens of ms, to the facts' time). One cold run (first page of a new browser), then ${RUNS} rounds, each a bare page (one heading, no script, as a \`data:\` URL, the anchor: a fresh context and a navigation on this machine now) and then Welcome.`,
      '',
      '| | bare page shown, ms | Welcome heading shown, ms | facts shown, ms | facts ÷ bare page |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| cold (first run) | | ${cold.heading.toFixed(0)} | ${cold.facts.toFixed(0)} | |`,
      ...([50, 95] as const).map(
        (p) =>
          `| ${p === 50 ? 'median' : 'p95'} of ${RUNS} | ${pct(bares, p).toFixed(0)} | ${pct(headings, p).toFixed(0)} | ${pct(facts, p).toFixed(0)} | ${(pct(facts, p) / pct(bares, p)).toFixed(2)}× |`,
      ),
      `| max of ${RUNS} | ${bares[bares.length - 1]!.toFixed(0)} | ${headings[headings.length - 1]!.toFixed(0)} | ${facts[facts.length - 1]!.toFixed(0)} | |`,
      '',
      `Machine load while measuring (1-minute load average on ${cpus().length} cores): ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after${Math.max(loadBefore, loadAfter) > cpus().length ? ': busier than the machine has cores, which slows both columns' : ''}. Chromium parses and runs about 300 KB of minified JavaScript (react-dom is two thirds of it) before the first render; the facts' round trip through the WebSocket to the simulated Mac starts before that, from boot.js, and Welcome's first render shows them when they are already in. These times grow with the load.`,
      '',
      `Goal: the Mac's facts shown within ${FACTS_GOAL_MS} ms of navigation at p95: ${timeMet ? '**met**' : '**not met**'} (p95 ${pct(facts, 95).toFixed(0)} ms; the bare page alone ${pct(bares, 95).toFixed(0)} ms at p95).${pct(bares, 95) > FACTS_GOAL_MS ? ' On this machine at this load even a page with no script misses the goal, so it cannot be judged here; the ratio to the bare page is the measure to compare.' : ''}`,
    ].join('\n'),
  };
}
