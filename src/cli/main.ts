// The `onboard` command: dispatches to verb modules, loaded lazily so start-up stays fast.
import { processIo, EXIT, type CliIo, type VerbModule } from './io';
import { isOnboardError } from '../core/errors';
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

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
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
