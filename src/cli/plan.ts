// `onboard plan`: prints every change onboarding would make (text, JSON) or exports it as a POSIX sh script.
import type { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { OnboardError, describeError } from '../core/errors';
import { readInputFile, writeFileAtomic } from '../core/fsutil';
import { renderPlanText, viewPlan, type Plan } from '../core/macos/action';
import { gatherFacts, unknownFacts, type MacFacts } from '../core/macos/facts';
import { approvalRefusal } from '../core/macos/approval';
import { planOnboarding, planUninstall, type OnboardingRequest } from '../core/macos/onboarding';
import { exportPlansAsScript } from '../core/macos/script';
import type { Executor } from '../core/macos/types';
import type { SimulatedMac, SimulatedMacState } from '../core/macos/executors/simulated';
import {
  validateBackgroundUrl,
  validateConfSetting,
  validateInputFile,
  validateLoggingLevel,
  validateSwitchAddress,
} from '../core/macos/validate';
import { PlanWorkspace } from '../core/macos/workspace';
import { openPfx } from '../core/pki/identity';
import { loadFile } from '../core/pki/load';
import { version } from '../core/version';
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
  'remove-old-identities': { type: 'boolean' },
  uninstall: { type: 'boolean' },
  simulate: { type: 'boolean' },
  'simulate-macos': { type: 'string' },
  'simulate-arch': { type: 'string' },
  'simulate-state': { type: 'string' },
  'simulate-session': { type: 'string' },
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
  --remove-old-identities  after importing the identity, delete the older identities for the same
                           host name from the System keychain (certificate and private key; cannot
                           be undone), so the 1E Client can only pick the new one
  --uninstall              instead of onboarding: remove the 1E Client (its package files only)
  --simulate               work against a simulated Mac (macOS 14, Apple Silicon, nothing installed)
  --simulate-macos VER     ... with this macOS version, e.g. 13.6 or 15.1
  --simulate-arch ARCH     ... with this architecture: arm64 or x86_64
  --simulate-state FILE    ... that starts as FILE says, if it exists (JSON); apply writes the
                           simulated Mac back to FILE after the run, so a second run shows what
                           a rerun on a real Mac would do
  --simulate-session S     ... run from this launchd session: aqua (default: a person at the
                           Mac, who approves each trust dialog), background (an SSH login) or
                           system (a launchd daemon, as an MDM agent runs); overrides the one
                           in --simulate-state, since a rerun may come from elsewhere`;

const HELP = `Usage: onboard plan --switch HOST:PORT --background-url URL [--ca FILE]...
                    [--pfx FILE [--password-env VAR | --password-file F]] [--installer FILE]
                    [--logging-level LEVEL] [--set NAME=VALUE]... [--allow-any-app]
                    [--remove-old-identities] [--format text|json|sh]
                    [--simulate [--simulate-state FILE] [--simulate-session S]]
       onboard plan --uninstall [--format text|json] [--simulate [--simulate-state FILE]]

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
  switch?: string;
  'background-url'?: string;
  ca?: string[];
  pfx?: string;
  'password-env'?: string;
  'password-file'?: string;
  installer?: string;
  'logging-level'?: string;
  set?: string[];
  'allow-any-app'?: boolean;
  'remove-old-identities'?: boolean;
  uninstall?: boolean;
  simulate?: boolean;
  'simulate-macos'?: string;
  'simulate-arch'?: string;
  'simulate-state'?: string;
  'simulate-session'?: string;
  json?: boolean;
}

/** Every input checked before anything is planned, each failure with its own message. */
export async function readOnboardingRequest(values: OnboardingValues, io: CliIo): Promise<OnboardingRequest> {
  if (values.switch === undefined)
    throw new UsageError('--switch HOST:PORT is required (the 1E Switch, e.g. tachyon.acme.local:4000).');
  if (values['background-url'] === undefined)
    throw new UsageError('--background-url URL is required (e.g. https://tachyon.acme.local/Background/).');
  const sw = validateSwitchAddress(values.switch);
  const backgroundUrl = validateBackgroundUrl(values['background-url']);
  const loggingLevel =
    values['logging-level'] !== undefined ? validateLoggingLevel(values['logging-level']) : undefined;
  const settings: Record<string, string> = {};
  for (const s of values.set ?? []) {
    const { key, value } = validateConfSetting(s);
    if (/^(switch|backgroundchannelurl|logginglevel)$/i.test(key))
      throw new UsageError(
        `Set ${key} with its own option (--switch, --background-url or --logging-level), not --set.`,
      );
    settings[key] = value;
  }
  if ((values['password-env'] || values['password-file']) && !values.pfx)
    throw new UsageError('--password-env/--password-file go with --pfx FILE.');
  if (values['allow-any-app'] && !values.pfx)
    throw new UsageError('--allow-any-app only applies to importing an identity with --pfx FILE.');
  if (values['remove-old-identities'] && !values.pfx)
    throw new UsageError(
      '--remove-old-identities only applies when an identity is imported: add --pfx FILE with the new certificate.',
    );
  const caCertificates: X509Certificate[] = [];
  for (const f of values.ca ?? []) {
    const path = await validateInputFile(resolvePath(io, f), 'CA certificate file');
    const loaded = await loadFile(path);
    if (loaded.certificates.length === 0)
      throw new OnboardError(
        'no-certificates',
        `${f} holds no certificate.`,
        'Give the CA certificates as PEM, DER or PKCS#7 files.',
      );
    if (loaded.privateKeys.length > 0)
      throw new OnboardError(
        'ca-has-key',
        `${f} contains a private key; CA files must hold certificates only.`,
        'Use --pfx for the client identity, and give the CA certificates without keys.',
      );
    caCertificates.push(...loaded.certificates);
  }
  let pfx: { path: string; bytes: Buffer; password: string } | undefined;
  if (values.pfx) {
    const path = await validateInputFile(resolvePath(io, values.pfx), 'PFX file');
    const bytes = await readInputFile(path);
    const password = await readPasswordOption(io, values, '', 'PFX password');
    pfx = { path, bytes, password: password ?? '' };
  }
  const installerPath = values.installer
    ? await validateInputFile(resolvePath(io, values.installer), 'installer')
    : undefined;
  // The PFX is opened here, once, after every other input was checked (so errors come in the order
  // the options are described); the plans get the identity, never the file and its password.
  const identity = pfx ? openPfx(pfx.bytes, pfx.password).identity : undefined;
  return {
    switchAddress: sw.value,
    backgroundUrl,
    ...(loggingLevel ? { loggingLevel } : {}),
    settings,
    caCertificates,
    ...(identity && pfx ? { identity, pfxPath: pfx.path } : {}),
    ...(installerPath ? { installerPath } : {}),
    allowAnyApp: values['allow-any-app'] ?? false,
    ...(values['remove-old-identities'] ? { removeOldIdentities: true } : {}),
  };
}

/** The simulated Mac the --simulate option works against: fresh, or as --simulate-state FILE left it. */
export async function simulatedMac(values: OnboardingValues, io: CliIo): Promise<SimulatedMac> {
  const arch = values['simulate-arch'];
  if (arch !== undefined && arch !== 'arm64' && arch !== 'x86_64')
    throw new UsageError(`--simulate-arch must be arm64 or x86_64, not '${arch}'.`);
  const ver = values['simulate-macos'];
  if (ver !== undefined && !/^\d{2}(\.\d+){0,2}$/.test(ver))
    throw new UsageError(`--simulate-macos must be a macOS version like 14.4.1, not '${ver}'.`);
  const session = values['simulate-session'];
  if (session !== undefined && session !== 'aqua' && session !== 'background' && session !== 'system')
    throw new UsageError(`--simulate-session must be aqua, background or system, not '${session}'.`);
  if ((arch || ver || session || values['simulate-state'] !== undefined) && !values.simulate)
    throw new UsageError(
      '--simulate-macos, --simulate-arch, --simulate-state and --simulate-session go with --simulate.',
    );
  const { SimulatedMac } = await import('../core/macos/executors/simulated');
  const state = values['simulate-state'] !== undefined ? await readSimulatedState(io, values['simulate-state']) : null;
  if (!state)
    return new SimulatedMac({
      ...(ver ? { macosVersion: ver } : {}),
      ...(arch ? { arch } : {}),
      ...(session ? { session } : {}),
    });
  const file = values['simulate-state']!;
  const differs = (given: string | undefined, saved: string) => given !== undefined && given !== saved;
  if (differs(ver, state.macosVersion) || differs(arch, state.arch)) {
    throw new UsageError(
      `--simulate-macos/--simulate-arch disagree with ${file}, a simulated ${state.arch} Mac with macOS ${state.macosVersion}.`,
      'Leave them out (the state file says which Mac it is), or give a new --simulate-state file to start another Mac.',
    );
  }
  try {
    const mac = SimulatedMac.fromJSON(state);
    if (session) mac.session = session;
    return mac;
  } catch (e) {
    throw badState(file, describeError(e));
  }
}

function badState(file: string, why: string): OnboardError {
  return new OnboardError(
    'bad-simulate-state',
    `${file} is not a simulated Mac state (${why}).`,
    'Give a file that `onboard apply --simulate --simulate-state FILE` wrote, or a new name to start from a fresh simulated Mac.',
  );
}

/** The saved state, or null when the file does not exist yet (the run starts from a fresh simulated Mac). */
async function readSimulatedState(io: CliIo, file: string): Promise<SimulatedMacState | null> {
  const path = resolvePath(io, file);
  const exists = await fs.stat(path).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const folder = await fs.stat(dirname(path)).catch(() => null);
    if (!folder?.isDirectory())
      throw new OnboardError(
        'bad-simulate-state',
        `--simulate-state ${file}: the folder ${dirname(path)} does not exist.`,
        'Create the folder first, or give a path in an existing one.',
      );
    return null;
  }
  let state: unknown;
  try {
    state = JSON.parse((await readInputFile(path)).toString('utf8'));
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    throw badState(file, 'not JSON');
  }
  if ((state as { format?: unknown })?.format !== 'onboard-simulated-mac/1')
    throw badState(file, 'no "format": "onboard-simulated-mac/1"');
  return state as SimulatedMacState;
}

/** Writes the simulated Mac back to --simulate-state FILE (when given), replacing the file atomically. */
export async function saveSimulatedState(io: CliIo, values: OnboardingValues, mac: SimulatedMac): Promise<void> {
  const file = values['simulate-state'];
  if (file === undefined) return;
  await writeFileAtomic(resolvePath(io, file), JSON.stringify(mac.toJSON(), null, 2) + '\n', { overwrite: true });
}

export function isMac(): boolean {
  return process.platform === 'darwin';
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { ...ONBOARDING_OPTIONS, format: { type: 'string' } });
  if (helpAsked(io, values, HELP)) return EXIT.ok;
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (format !== 'text' && format !== 'json' && format !== 'sh')
    throw new UsageError(`--format must be text, json or sh, not '${format}'.`);
  if (values.json && format !== 'json') throw new UsageError('--json and --format disagree; give one of them.');

  let executor: Executor | null = null;
  if (values.simulate) executor = await simulatedMac(values, io);
  else {
    await simulatedMac(values, io);
    if (isMac()) {
      const { LocalExecutor } = await import('../core/macos/executors/local');
      executor = new LocalExecutor();
    }
  }

  if (values.uninstall) {
    if (format === 'sh')
      throw new UsageError(
        'The uninstall plan cannot be exported as a script: it lists the files the package receipt names on this Mac.',
        'Run onboard apply --uninstall on the Mac, or use the uninstall script in the 1E Client disk image.',
      );
    if (!executor)
      throw new UsageError(
        'The uninstall plan needs the Mac: it is made from the package receipt.',
        'Run it on the Mac, or add --simulate.',
      );
    const plan = await planUninstall(executor);
    printPlans(io, [plan], format);
    return EXIT.ok;
  }

  const request = await readOnboardingRequest(values, io);
  let facts: MacFacts;
  if (executor) facts = await gatherFacts(executor);
  else {
    facts = unknownFacts();
    if (format === 'text')
      io.stderr.write(
        'onboard plan: not on a Mac, so the plan is made without looking at one: every change is listed, and each is decided at run time by its check.\n',
      );
  }
  if (request.removeOldIdentities && !facts.known) {
    io.stderr.write(
      'onboard plan: --remove-old-identities: without looking at a Mac no older identity is known, so this plan removes none; run it on the Mac (or apply there) to find them.\n',
    );
  }
  const workspace = await PlanWorkspace.create();
  try {
    const plans = await planOnboarding(request, facts, workspace, { forScript: format === 'sh' });
    if (
      request.removeOldIdentities &&
      facts.known &&
      format === 'text' &&
      !plans.some((p) => p.actions.some((a) => a.id.startsWith('identity-remove-')))
    ) {
      io.stderr.write(
        "onboard plan: --remove-old-identities: this Mac holds no older identity for the certificate's host name; nothing to remove.\n",
      );
    }
    if (format === 'text' && facts.known) {
      const refusal = approvalRefusal(
        plans.flatMap((p) => p.actions),
        facts.session,
      );
      if (refusal) io.stderr.write(`onboard plan: applying it here would stop before any change: ${refusal.message}\n`);
    }
    if (format === 'sh')
      io.stdout.write(
        exportPlansAsScript(plans, { workspaceDir: workspace.dir, generatedAt: new Date(), toolVersion: version }),
      );
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
