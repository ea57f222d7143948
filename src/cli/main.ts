// The `onboard` command: dispatches to verb modules, loaded lazily so start-up stays fast.
import type { Writable } from 'node:stream';
import { processIo, EXIT, type CliIo, type VerbModule } from './io';
import { isOnboardError } from '../core/errors';
import { forTerminal, guardedStream, type OutputState } from './terminal';
import { errorLines } from './advice';
import { version } from '../core/version';

interface Verb {
  summary: string;
  load: () => Promise<VerbModule>;
}

// One line per verb; each module owns its own --help text.
const VERBS: Record<string, Verb> = {
  inspect: { summary: 'Show every certificate, key, CSR and PFX in files', load: () => import('./inspect') },
  check: { summary: 'Check a client certificate against every 1E requirement', load: () => import('./check') },
  csr: { summary: 'Make a key and a certificate request for this Mac', load: () => import('./csr') },
  pfx: { summary: 'Build a .pfx that macOS imports, or re-wrap an existing one', load: () => import('./pfx') },
  lab: {
    summary: 'Run a lab PKI: CA, device and server certificates, CRLs, a Switch stand-in',
    load: () => import('./lab'),
  },
  plan: {
    summary: 'Show (or export as a shell script) every change onboarding would make',
    load: () => import('./plan'),
  },
  apply: { summary: 'Carry out the onboarding plan on this Mac', load: () => import('./apply') },
  verify: {
    summary: 'Check the Mac really connects, as the Switch judges it; write a report',
    load: () => import('./verify'),
  },
  profile: {
    summary: 'Write the CA trust configuration profile (.mobileconfig) for an MDM',
    load: () => import('./profile'),
  },
  fleet: {
    summary: 'Roll out to many Macs with an MDM (fleet kit) and one view of their verify reports (fleet report)',
    load: () => import('./fleet'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(VERBS).map((v) => v.length));
  return [
    `onboard ${version}: get a Mac onto the 1E platform`,
    '',
    "Usage: onboard <verb> [options]     (onboard <verb> --help for a verb's options)",
    '',
    'Verbs:',
    ...Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(width)}  ${v.summary}`),
    '',
    'Exit codes: 0 all good, 1 a check failed, 2 usage error or unreadable input.',
    'Passwords are never taken on the command line: use --password-env VAR, --password-file F, or answer the prompt.',
  ].join('\n');
}

export async function main(argv: string[], given: CliIo = processIo()): Promise<number> {
  // Everything printed goes through the terminal guard (controls escaped), and a failing output is told once.
  const out: OutputState = {};
  const err: OutputState = {};
  // stderr and stdin stay unbuilt until used (processIo's getters): Node makes each stream on first access, and
  // copying `given` with a spread would read both (a few milliseconds on every run, --version included).
  let guardedErr: Writable | undefined;
  const io: CliIo = {
    env: given.env,
    cwd: given.cwd,
    stdout: guardedStream(given.stdout, out),
    get stderr() {
      return (guardedErr ??= guardedStream(given.stderr, err));
    },
    get stdin() {
      return given.stdin;
    },
  };
  const code = await runVerb(argv, io);
  const used = guardedErr ? [io.stdout, guardedErr] : [io.stdout];
  await Promise.all(used.map((s) => new Promise<void>((r) => s.end(r))));
  if (!out.failure) return code;
  // A reader that went away (`| head -1`) is not an error of this command: it ends quietly with its own result.
  if (out.failure.kind === 'closed') return code;
  const why = out.failure.kind === 'full' ? 'the disk is full' : out.failure.message;
  try {
    given.stderr.write(`onboard: cannot write the output: ${forTerminal(why)}. Free some space or write elsewhere.\n`);
  } catch {
    // stderr is gone as well: the exit code still says it.
  }
  return EXIT.usage;
}

async function runVerb(argv: string[], io: CliIo): Promise<number> {
  const [verbName, ...rest] = argv;
  if (verbName === undefined || verbName === '--help' || verbName === '-h' || verbName === 'help') {
    io.stdout.write(usage() + '\n');
    return verbName === undefined ? EXIT.usage : EXIT.ok;
  }
  if (verbName === '--version' || verbName === '-v') {
    io.stdout.write(version + '\n');
    return EXIT.ok;
  }
  const verb = VERBS[verbName];
  if (!verb) {
    io.stderr.write(`onboard: unknown verb '${verbName}'. Run \`onboard --help\` for the list.\n`);
    return EXIT.usage;
  }
  try {
    const mod = await verb.load();
    return await mod.run(rest, io);
  } catch (e) {
    if (isOnboardError(e)) {
      io.stderr.write(errorLines(verbName, e));
      return EXIT.usage;
    }
    io.stderr.write(
      `onboard ${verbName}: internal error: ${(e as Error)?.message ?? String(e)}\n  Please report this with the command you ran.\n`,
    );
    return EXIT.usage;
  }
}
