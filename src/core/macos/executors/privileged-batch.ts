// Runs a step's root actions as ONE script behind ONE administrator prompt (osascript), and reads back each action's result.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { withPrivateTempDir } from '../../fsutil';
import type { BatchItem, BatchItemResult, BatchResult, ItemProgress, PrivilegedRunner } from '../execute';
import { RESULT_OUTPUT_LIMIT } from '../execute';
import { BIN } from '../paths';
import { appleScriptString, shellQuote, shellQuoteArgv } from '../quote';
import { shAdminTrustFunction } from '../sh-trust';
import {
  SHELLCHECK_DIRECTIVE,
  renderItems,
  renderPreamble,
  usesAdminTrust,
  type ShReporter,
  type WordRenderer,
} from '../shgen';
import type { Command, Executor } from '../types';
import { LocalExecutor } from './local';

/** Result files: <n>.status (skipped|done|failed), <n>.rc, <n>.out, <n>.undo.rc, <n>.undo.out. */
function fileReporter(): ShReporter {
  return {
    runRedirect: (n) => `>"$R/${n}.out" 2>&1`,
    undoRedirect: () => '>"$R/$onboard_n.undo.out" 2>&1',
    skipped: (n) => [`echo 'skipped' >"$R/${n}.status"`],
    starting: () => [],
    finished: (n) => [`echo "$onboard_rc" >"$R/${n}.rc"`],
    failed: (n) => [`echo 'failed' >"$R/${n}.status"`],
    done: (n) => [`echo 'done' >"$R/${n}.status"`],
    undone: () => ['echo "$onboard_urc" >"$R/$onboard_n.undo.rc"'],
  };
}

/** The batch script: every item in order, results written under `resultDir`. */
export function buildBatchScript(
  title: string,
  items: readonly BatchItem[],
  mode: 'apply' | 'keep-going',
  resultDir: string,
  words: WordRenderer = {},
): string {
  const report = fileReporter();
  const { functions, body } = renderItems(items, 'item', mode, words, report);
  return [
    '#!/bin/sh',
    SHELLCHECK_DIRECTIVE,
    `# Onboard administrator batch: ${title.replace(/[\r\n]+/g, ' ')}`,
    '# Generated for one run; each action is checked, run, and on failure the completed ones are undone newest first.',
    // Result files must stay readable by the user who asked for this batch (the folder itself is 0700).
    'umask 022',
    `R=${shellQuote(resultDir)}`,
    ...renderPreamble(report),
    ...(usesAdminTrust(items) ? shAdminTrustFunction({ programPrefix: words.programPrefix ?? '' }) : []),
    ...functions,
    ...body,
    'exit 0',
    '',
  ].join('\n');
}

export interface PrivilegedBatchOptions {
  /** Runs the launcher; default a LocalExecutor. */
  executor?: Executor;
  /** The command that runs `/bin/sh SCRIPT` as administrator; default osascript "with administrator privileges". */
  launcher?: (scriptPath: string, title: string) => Command;
  /** Prepended to every program path inside the script: ONLY for tests that run the script against fake programs. */
  programPrefix?: string;
  /** Where the private folder is made (default the system temp folder). */
  tempParent?: string;
}

/** `osascript -e 'do shell script "/bin/sh SCRIPT" with prompt "…" with administrator privileges'`. */
export function osascriptLauncher(scriptPath: string, title: string): Command {
  const shell = shellQuoteArgv([BIN.sh, scriptPath]);
  const prompt = `Onboard needs an administrator to: ${title}`;
  return {
    program: BIN.osascript,
    args: [
      '-e',
      `do shell script ${appleScriptString(shell)} with prompt ${appleScriptString(prompt)} with administrator privileges`,
    ],
    timeoutMs: 30 * 60_000,
  };
}

async function readCapped(path: string): Promise<string | null> {
  try {
    const fh = await fs.open(path, 'r');
    try {
      const buf = Buffer.alloc(RESULT_OUTPUT_LIMIT + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const text = buf.subarray(0, Math.min(bytesRead, RESULT_OUTPUT_LIMIT)).toString('utf8');
      return bytesRead > RESULT_OUTPUT_LIMIT ? text + '\n[output cut]' : text;
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

/** How often the result folder is read while a batch runs, to tell progress (cheap: one small file per look). */
const WATCH_INTERVAL_MS = 200;

/**
 * Tells each item's end as its status file appears while the batch runs, and the next item's start with it (the
 * script goes straight on after a done or skipped item). Items are told in order, each once.
 */
function watchResults(resultDir: string, items: readonly BatchItem[], onItem: ItemProgress) {
  let next = 0;
  let looking = false;
  const look = async () => {
    if (looking) return;
    looking = true;
    try {
      while (next < items.length) {
        const status = (await readCapped(join(resultDir, `${next + 1}.status`)))?.trim();
        if (status !== 'done' && status !== 'skipped' && status !== 'failed') break;
        onItem(items[next]!.id, status);
        next++;
        if (status === 'failed') {
          next = items.length;
          break;
        }
        if (next < items.length) onItem(items[next]!.id, 'running');
      }
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look(), WATCH_INTERVAL_MS);
  return {
    async stop() {
      clearInterval(timer);
      while (looking) await new Promise((r) => setTimeout(r, 5));
      await look();
    },
  };
}

export class PrivilegedBatch implements PrivilegedRunner {
  private readonly executor: Executor;
  private readonly launcher: (scriptPath: string, title: string) => Command;

  private readonly opts: PrivilegedBatchOptions;

  /** Takes options, or just the executor that runs the launcher. */
  constructor(options: PrivilegedBatchOptions | Executor = {}) {
    const opts: PrivilegedBatchOptions = 'run' in options ? { executor: options } : options;
    this.opts = opts;
    this.executor = opts.executor ?? new LocalExecutor({ timeoutMs: 30 * 60_000 });
    this.launcher = opts.launcher ?? osascriptLauncher;
  }

  runBatch(
    title: string,
    items: readonly BatchItem[],
    mode: 'apply' | 'keep-going',
    onItem?: ItemProgress,
  ): Promise<BatchResult> {
    return withPrivateTempDir(async (dir) => {
      const results = join(dir, 'results');
      await fs.mkdir(results, { mode: 0o700 });
      const scriptPath = join(dir, 'batch.sh');
      const words: WordRenderer = this.opts.programPrefix ? { programPrefix: this.opts.programPrefix } : {};
      await fs.writeFile(scriptPath, buildBatchScript(title, items, mode, results, words), { mode: 0o700, flag: 'wx' });
      const watcher = onItem ? watchResults(results, items, onItem) : null;
      let launched;
      try {
        launched = await this.executor.run(this.launcher(scriptPath, title));
      } finally {
        await watcher?.stop();
      }
      const out: BatchItemResult[] = [];
      let any = false;
      for (const [i, item] of items.entries()) {
        const n = i + 1;
        const status = (await readCapped(join(results, `${n}.status`)))?.trim();
        const rc = (await readCapped(join(results, `${n}.rc`)))?.trim();
        const res: BatchItemResult = {
          id: item.id,
          outcome: 'not-run',
          output: (await readCapped(join(results, `${n}.out`))) ?? '',
        };
        if (status === 'skipped' || status === 'done' || status === 'failed') {
          res.outcome = status;
          any = true;
        }
        if (rc !== undefined && /^\d+$/.test(rc)) res.exitCode = Number(rc);
        const undoRc = (await readCapped(join(results, `${n}.undo.rc`)))?.trim();
        if (undoRc !== undefined && /^\d+$/.test(undoRc))
          res.undo = { exitCode: Number(undoRc), output: (await readCapped(join(results, `${n}.undo.out`))) ?? '' };
        out.push(res);
      }
      if (!any && items.length > 0) {
        const cancelled = /-128|cancel/i.test(launched.stderr);
        return {
          ran: false,
          items: out,
          message: cancelled
            ? 'The administrator prompt was cancelled.'
            : `The administrator batch did not run: ${launched.stderr.trim() || `exit ${launched.exitCode}`}`,
        };
      }
      return { ran: true, items: out };
    }, 'onboard-batch-');
  }
}
