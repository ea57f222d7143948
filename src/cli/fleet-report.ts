// `onboard fleet report`: many Macs' verify reports merged into one HTML page, a CSV, or JSON.
import { promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import { OnboardError, describeError } from '../core/errors';
import { readInputFile, writeFileAtomic } from '../core/fsutil';
import { mergeFleet, readFleetReport, renderFleetCsv, type FleetView, type ReadResult } from '../core/mdm/fleet';
import { renderFleetHtml } from '../core/mdm/fleet-html';
import { helpAsked, parseOptions, resolvePath, UsageError, writeJson } from './common';
import { refuseExistingOutputs } from './inputs';
import { EXIT, type CliIo } from './io';

const HELP = `Usage: onboard fleet report REPORT.json|FOLDER... (--html FILE | --csv FILE | --json) [--force]

Merges the JSON reports that \`onboard verify --report MAC.json\` wrote on each Mac into one view:
every Mac once (its newest report wins), worst first, with its failing checks and their fixes,
and the client certificates by expiry, soonest first. A folder stands for the .json files in it.
Files that are not readable reports are listed, never fatal.

Options:
  --html FILE   one self-contained page (no external assets), sortable by any column
  --csv FILE    one row per Mac: host, verdict, failing and warning check ids, certificate
                expiry, 1E Client version, report time, simulated, Onboard version, file
  --json        the merged view as JSON on stdout (see docs/cli-fleet.md)
  --force       replace --html/--csv files that exist

Exit codes: 0 every report read and no Mac fails, 1 a Mac fails or a file could not be read,
2 usage error or no readable report at all.`;

const OPTIONS = {
  html: { type: 'string' },
  csv: { type: 'string' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

/** Reports are a few kilobytes; anything much larger is not one. */
const MAX_REPORT_BYTES = 4 * 1024 * 1024;
/** Bounds the work any command line can cause. */
const MAX_REPORTS = 50_000;

/** The report files the arguments name: files as given, folders as the .json files directly inside. */
async function reportFiles(io: CliIo, args: string[]): Promise<{ files: string[]; missing: ReadEntry[] }> {
  const files: string[] = [];
  const missing: ReadEntry[] = [];
  for (const a of args) {
    const path = resolvePath(io, a);
    const st = await fs.stat(path).catch(() => null);
    if (st?.isDirectory()) {
      const names = (await fs.readdir(path)).filter((n) => n.toLowerCase().endsWith('.json')).sort();
      files.push(...names.map((n) => join(path, n)));
    } else if (st) files.push(path);
    else missing.push({ file: a, ok: false, reason: 'no such file' });
    if (files.length > MAX_REPORTS)
      throw new OnboardError(
        'too-many-reports',
        `More than ${MAX_REPORTS.toLocaleString('en')} report files were given.`,
        'Merge the reports in smaller groups, e.g. one folder per site.',
      );
  }
  return { files, missing };
}

type ReadEntry = { file: string } & ReadResult;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, OPTIONS, true);
  if (helpAsked(io, values, HELP)) return EXIT.ok;
  if (positionals.length === 0)
    throw new UsageError('Give the report files (or folders of them) that onboard verify --report wrote.');
  if (values.html === undefined && values.csv === undefined && !values.json)
    throw new UsageError('Say what to write: --html FILE, --csv FILE or --json.');
  const outputs = [values.html, values.csv].filter((p): p is string => p !== undefined).map((p) => resolvePath(io, p));
  await refuseExistingOutputs(outputs, values.force ?? false);

  const { files, missing } = await reportFiles(io, positionals);
  const shown = (abs: string) => (abs.startsWith(io.cwd + '/') ? relative(io.cwd, abs) : abs);
  const read: ReadEntry[] = [...missing];
  for (const f of files) {
    // An output given among the inputs (a folder holding fleet.json) is not a report of a Mac.
    if (outputs.includes(f)) continue;
    try {
      const text = (await readInputFile(f, MAX_REPORT_BYTES)).toString('utf8');
      read.push({ file: shown(f), ...readFleetReport(text, shown(f)) });
    } catch (e) {
      read.push({ file: shown(f), ok: false, reason: describeError(e).split(f).join(shown(f)) });
    }
  }
  const view: FleetView = mergeFleet(read);
  for (const u of view.unreadable) io.stderr.write(`onboard fleet report: ${u.file}: ${u.reason}\n`);
  if (view.macs.length === 0)
    throw new OnboardError(
      'no-readable-reports',
      'None of the files given is a readable Onboard report.',
      'Give the .json files that onboard verify --report MAC.json wrote on each Mac.',
    );
  const now = new Date();
  if (values.html !== undefined)
    await writeFileAtomic(resolvePath(io, values.html), renderFleetHtml(view, now), {
      overwrite: values.force ?? false,
    });
  if (values.csv !== undefined)
    await writeFileAtomic(resolvePath(io, values.csv), renderFleetCsv(view), { overwrite: values.force ?? false });
  if (values.json) writeJson(io, { generatedAt: now.toISOString(), ...view });
  else {
    const c = view.counts;
    io.stdout.write(
      [
        `${view.macs.length} Mac${view.macs.length === 1 ? '' : 's'}: ${c.fail} failing, ${c.warn} with warnings, ${c.pass} passing${view.simulated ? ` (${view.simulated} SIMULATED)` : ''}.`,
        ...view.macs.filter((m) => m.verdict === 'fail').map((m) => `  ✗ ${m.host}: ${m.failing.join(', ')}`),
        ...(view.superseded.length
          ? [
              `${view.superseded.length} older report${view.superseded.length === 1 ? '' : 's'} replaced by newer ones of the same Mac.`,
            ]
          : []),
        ...view.notes.map((n) => `! ${n}`),
        ...(values.html !== undefined ? [`Wrote ${values.html}`] : []),
        ...(values.csv !== undefined ? [`Wrote ${values.csv}`] : []),
      ].join('\n') + '\n',
    );
  }
  return view.counts.fail > 0 || view.unreadable.length > 0 ? EXIT.failed : EXIT.ok;
}
