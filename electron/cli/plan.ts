// `onboard plan`: prints every change onboarding would make (text, JSON) or exports it as a POSIX sh script.
import type { X509Certificate } from 'node:crypto';
import { OnboardError } from '../core/errors';
import { readInputFile } from '../core/fsutil';
import { renderPlanText, viewPlan, type Plan } from '../core/macos/action';
import { gatherFacts, unknownFacts, type MacFacts } from '../core/macos/facts';
import { planOnboarding, planUninstall, type OnboardingRequest } from '../core/macos/onboarding';
import { exportPlansAsScript } from '../core/macos/script';
import type { Executor } from '../core/macos/types';
import type { SimulatedMac } from '../core/macos/executors/simulated';
import {
  validateBackgroundUrl, validateConfSetting, validateInputFile, validateLoggingLevel, validateSwitchAddress,
} from '../core/macos/validate';
import { PlanWorkspace } from '../core/macos/workspace';
import { loadFile } from '../core/pki/load';
import { version } from '../version';
import { helpAsked, parseOptions, resolvePath, UsageError, writeJson } from './common';
import { readPasswordOption } from './inputs';
import { EXIT, type CliIo } from './io';

export const ONBOARDING_OPTIONS = {
  switch: { type: 'string' },
  'background-url': { type: 'string' },
  ca: { type: 'string', multiple: true },
  pfx: { type: 'string' },
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
  installer: { type: 'string' },
  'logging-level': { type: 'string' },
  set: { type: 'string', multiple: true },
  'allow-any-app': { type: 'boolean' },
  uninstall: { type: 'boolean' },
  simulate: { type: 'boolean' },
  'simulate-macos': { type: 'string' },
  'simulate-arch': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const INPUT_HELP = `  --switch HOST:PORT       the Switch, e.g. tachyon.acme.local:4000 (written to 1E.Client.conf)
  --background-url URL     the Background Channel, https, e.g. https://tachyon.acme.local/Background/
  --ca FILE                CA certificates (any format; bundles are split, one import per certificate).
                           Repeat for several files. Roots are trusted, intermediates only added.
  --pfx FILE               the client identity (.pfx/.p12) to import into the System keychain
  --password-env VAR       the PFX password from environment variable VAR
  --password-file F        ... or from the first line of file F (otherwise asked, without echo)
  --installer FILE         the 1E Client: the .zip from 1E, the .dmg inside it, or the .pkg
  --logging-level LEVEL    LoggingLevel in 1E.Client.conf: fatal, error, warning, info, debug, trace
  --set NAME=VALUE         any other 1E.Client.conf setting (repeatable); other settings are kept
  --allow-any-app          import the identity with -A (any app may use the key; Apple advises
                           against it) instead of -T for the 1E Client only
  --uninstall              instead of onboarding: remove the 1E Client (its package files only)
  --simulate               work against a simulated Mac (macOS 14, Apple Silicon, nothing installed)
  --simulate-macos VER     ... with this macOS version, e.g. 13.6 or 15.1
  --simulate-arch ARCH     ... with this architecture: arm64 or x86_64`;

const HELP = `Usage: onboard plan --switch HOST:PORT --background-url URL [--ca FILE]...
                    [--pfx FILE [--password-env VAR | --password-file F]] [--installer FILE]
                    [--logging-level LEVEL] [--set NAME=VALUE]... [--allow-any-app]
                    [--format text|json|sh] [--simulate]
       onboard plan --uninstall [--format text|json] [--simulate]

Shows every change onboarding would make to this Mac, step by step, with the exact command
lines (secrets shown as ••••), what is already done, and how each change is undone. Nothing
is changed. On a Mac the plan looks at the Mac first; elsewhere every change is listed and
decided at run time by its check.

Options:
${INPUT_HELP}
  --format FORMAT          text (default), json, or sh: a POSIX script for MDM tools that runs
                           the same commands, asks for the PFX password at run time and re-wraps
                           the PFX with macOS's /usr/bin/openssl (see docs/cli-plan.md)
  --json                   same as --format json

Exit codes: 0 plan printed, 2 usage error or unreadable input.`;

/** The option values `plan` and `apply` share. */
export interface OnboardingValues {
  switch?: string; 'background-url'?: string; ca?: string[]; pfx?: string; 'password-env'?: string; 'password-file'?: string;
  installer?: string; 'logging-level'?: string; set?: string[]; 'allow-any-app'?: boolean; uninstall?: boolean;
  simulate?: boolean; 'simulate-macos'?: string; 'simulate-arch'?: string; json?: boolean;
}

/** Every input checked before anything is planned, each failure with its own message. */
export async function readOnboardingRequest(values: OnboardingValues, io: CliIo): Promise<OnboardingRequest> {
  if (values.switch === undefined) throw new UsageError('--switch HOST:PORT is required (the 1E Switch, e.g. tachyon.acme.local:4000).');
  if (values['background-url'] === undefined) throw new UsageError('--background-url URL is required (e.g. https://tachyon.acme.local/Background/).');
  const sw = validateSwitchAddress(values.switch);
  const backgroundUrl = validateBackgroundUrl(values['background-url']);
  const loggingLevel = values['logging-level'] !== undefined ? validateLoggingLevel(values['logging-level']) : undefined;
  const settings: Record<string, string> = {};
  for (const s of values.set ?? []) {
    const { key, value } = validateConfSetting(s);
    if (/^(switch|backgroundchannelurl|logginglevel)$/i.test(key)) throw new UsageError(`Set ${key} with its own option (--switch, --background-url or --logging-level), not --set.`);
    settings[key] = value;
  }
  if ((values['password-env'] || values['password-file']) && !values.pfx) throw new UsageError('--password-env/--password-file go with --pfx FILE.');
  if (values['allow-any-app'] && !values.pfx) throw new UsageError('--allow-any-app only applies to importing an identity with --pfx FILE.');
  const caCertificates: X509Certificate[] = [];
  for (const f of values.ca ?? []) {
    const path = await validateInputFile(resolvePath(io, f), 'CA certificate file');
    const loaded = await loadFile(path);
    if (loaded.certificates.length === 0) throw new OnboardError('no-certificates', `${f} holds no certificate.`, 'Give the CA certificates as PEM, DER or PKCS#7 files.');
    if (loaded.privateKeys.length > 0) throw new OnboardError('ca-has-key', `${f} contains a private key; CA files must hold certificates only.`, 'Use --pfx for the client identity, and give the CA certificates without keys.');
    caCertificates.push(...loaded.certificates);
  }
  let identity: OnboardingRequest['identity'];
  if (values.pfx) {
    const path = await validateInputFile(resolvePath(io, values.pfx), 'PFX file');
    const pfx = await readInputFile(path);
    const password = await readPasswordOption(io, values, '', 'PFX password');
    identity = { pfx, password: password ?? '', sourcePath: path };
  }
  const installerPath = values.installer ? await validateInputFile(resolvePath(io, values.installer), 'installer') : undefined;
  return {
    switchAddress: sw.value,
    backgroundUrl,
    ...(loggingLevel ? { loggingLevel } : {}),
    settings,
    caCertificates,
    ...(identity ? { identity } : {}),
    ...(installerPath ? { installerPath } : {}),
    allowAnyApp: values['allow-any-app'] ?? false,
  };
}

/** The simulated Mac the --simulate option works against. */
export async function simulatedMac(values: OnboardingValues): Promise<SimulatedMac> {
  const arch = values['simulate-arch'];
  if (arch !== undefined && arch !== 'arm64' && arch !== 'x86_64') throw new UsageError(`--simulate-arch must be arm64 or x86_64, not '${arch}'.`);
  const ver = values['simulate-macos'];
  if (ver !== undefined && !/^\d{2}(\.\d+){0,2}$/.test(ver)) throw new UsageError(`--simulate-macos must be a macOS version like 14.4.1, not '${ver}'.`);
  if ((arch || ver) && !values.simulate) throw new UsageError('--simulate-macos and --simulate-arch go with --simulate.');
  const { SimulatedMac } = await import('../core/macos/executors/simulated');
  return new SimulatedMac({ ...(ver ? { macosVersion: ver } : {}), ...(arch ? { arch } : {}) });
}

export function isMac(): boolean {
  return process.platform === 'darwin';
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { ...ONBOARDING_OPTIONS, format: { type: 'string' } });
  if (helpAsked(io, values, HELP)) return EXIT.ok;
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (format !== 'text' && format !== 'json' && format !== 'sh') throw new UsageError(`--format must be text, json or sh, not '${format}'.`);
  if (values.json && format !== 'json') throw new UsageError('--json and --format disagree; give one of them.');

  let executor: Executor | null = null;
  if (values.simulate) executor = await simulatedMac(values);
  else {
    await simulatedMac(values);
    if (isMac()) {
      const { LocalExecutor } = await import('../core/macos/executors/local');
      executor = new LocalExecutor();
    }
  }

  if (values.uninstall) {
    if (format === 'sh') throw new UsageError('The uninstall plan cannot be exported as a script: it lists the files the package receipt names on this Mac.', 'Run onboard apply --uninstall on the Mac, or use the uninstall script in the 1E Client disk image.');
    if (!executor) throw new UsageError('The uninstall plan needs the Mac: it is made from the package receipt.', 'Run it on the Mac, or add --simulate.');
    const plan = await planUninstall(executor);
    printPlans(io, [plan], format);
    return EXIT.ok;
  }

  const request = await readOnboardingRequest(values, io);
  let facts: MacFacts;
  if (executor) facts = await gatherFacts(executor);
  else {
    facts = unknownFacts();
    if (format === 'text') io.stderr.write('onboard plan: not on a Mac, so the plan is made without looking at one: every change is listed, and each is decided at run time by its check.\n');
  }
  const workspace = await PlanWorkspace.create();
  try {
    const plans = await planOnboarding(request, facts, workspace);
    if (format === 'sh') io.stdout.write(exportPlansAsScript(plans, { workspaceDir: workspace.dir, generatedAt: new Date(), toolVersion: version }));
    else printPlans(io, plans, format);
  } finally {
    await workspace.dispose();
  }
  return EXIT.ok;
}

function printPlans(io: CliIo, plans: Plan[], format: 'text' | 'json'): void {
  if (format === 'json') writeJson(io, { plans: plans.map(viewPlan) });
  else io.stdout.write(renderPlanText(plans));
}
