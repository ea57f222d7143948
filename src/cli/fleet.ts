// `onboard fleet`: what an MDM needs to roll out many Macs, and one view of their verify reports.
import { helpAsked, parseOptions, UsageError } from './common';
import { EXIT, type CliIo } from './io';

const HELP = `Usage: onboard fleet kit --switch HOST:PORT --background-url URL --ca FILE... --out DIR [...]
       onboard fleet report REPORT.json... (--html FILE | --csv FILE | --json)

  kit      the folder an MDM deploys: CA profile, install.sh, extension-attribute.sh, README.md
           (onboard fleet kit --help)
  report   merge the Macs' onboard verify reports into one view (onboard fleet report --help)`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'report') return (await import('./fleet-report')).run(rest, io);
  if (sub === 'kit') return (await import('./fleet-kit')).run(rest, io);
  const { values } = parseOptions(argv, {}, true);
  if (helpAsked(io, values, HELP)) return EXIT.ok;
  throw new UsageError(
    sub === undefined ? 'Say what to do: onboard fleet kit or onboard fleet report.' : `onboard fleet has no '${sub}'.`,
    'Run `onboard fleet --help` for what it does.',
  );
}
