// `onboard fleet kit`: writes the folder an MDM admin deploys (CA profile, install.sh, extension-attribute.sh, README.md), all or nothing.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OnboardError } from '../core/errors';
import { refuseExisting } from '../core/fsutil';
import { buildFleetKit } from '../core/mdm/kit';
import { certificateLabel } from '../core/pki/inspect';
import { version } from '../core/version';
import { helpAsked, parseOptions, requireOption, resolvePath, UsageError, writeJson } from './common';
import { EXIT, type CliIo } from './io';
import { readOnboardingRequest } from './plan';
import { readSigner, refuseLoneSignPassword } from './profile';

const HELP = `Usage: onboard fleet kit --switch HOST:PORT --background-url URL --ca FILE... --out DIR
                         [--organization NAME] [--identifier REVERSE.DNS] [--installer FILE]
                         [--logging-level LEVEL] [--set NAME=VALUE]...
                         [--sign-pfx FILE (--sign-password-env VAR | --sign-password-file F)] [--json]

Writes a new folder DIR for your MDM (Jamf Pro, Intune, Kandji, Mosyle, ...):
  onboard-ca-trust.mobileconfig  the CA trust profile (as onboard profile writes it): deploy it first
  install.sh                     onboards a Mac unattended, as root: Rosetta, the 1E Client (with
                                 --installer), the Mac's identity for the 1E Client only, 1E.Client.conf,
                                 the launchd job. It never changes CA trust: it stops with exit 2,
                                 before any change, on a Mac that does not trust the roots yet. The
                                 PFX comes from ONBOARD_PFX, its password from ONBOARD_PFX_PASSWORD or
                                 a root-only file named by ONBOARD_PFX_PASSWORD_FILE; no secret is in it
  extension-attribute.sh         prints one <result>...</result> line of the Mac's onboarding state
  README.md                      what to deploy, in which order, with which MDM settings

Options:
  --switch, --background-url, --logging-level, --set, --ca, --installer   as for onboard plan
                           (--installer is read here; install.sh expects it at the same path on
                           the Mac unless ONBOARD_INSTALLER says where it is)
  --organization, --identifier, --sign-pfx, --sign-password-env, --sign-password-file
                           as for onboard profile
  --out DIR                the kit's folder (must not exist yet)
  --json                   print the result as JSON (see docs/cli-fleet.md)

Exit codes: 0 written, 2 usage error or unusable input (nothing is written).`;

const OPTIONS = {
  switch: { type: 'string' },
  'background-url': { type: 'string' },
  'logging-level': { type: 'string' },
  set: { type: 'string', multiple: true },
  ca: { type: 'string', multiple: true },
  installer: { type: 'string' },
  organization: { type: 'string' },
  identifier: { type: 'string' },
  'sign-pfx': { type: 'string' },
  'sign-password-env': { type: 'string' },
  'sign-password-file': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export interface FleetKitJson {
  path: string;
  files: { name: string; mode: string; what: string }[];
  profile: { identifier: string; uuid: string; displayName: string; signed: boolean; signer?: string };
  roots: { name: string; sha256: string }[];
  installer: string | null;
  warnings: string[];
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  if (helpAsked(io, values, HELP)) return EXIT.ok;
  if (!values.ca?.length)
    throw new UsageError("--ca FILE is required: your organisation's root and intermediate CA certificates.");
  const out = resolvePath(io, requireOption(values.out, 'out'));
  refuseLoneSignPassword(values);
  await refuseExisting([out], 'Choose a new folder for the kit.');
  const request = await readOnboardingRequest(values, io);
  const signer = await readSigner(io, values);
  const kit = await buildFleetKit({
    switchAddress: request.switchAddress,
    backgroundUrl: request.backgroundUrl,
    ...(request.loggingLevel ? { loggingLevel: request.loggingLevel } : {}),
    ...(request.settings ? { settings: request.settings } : {}),
    caCertificates: request.caCertificates,
    ...(values.organization !== undefined ? { organization: values.organization } : {}),
    ...(values.identifier !== undefined ? { identifier: values.identifier } : {}),
    ...(request.installerPath ? { installerPath: request.installerPath } : {}),
    ...(signer ? { signer } : {}),
    toolVersion: version,
  });
  await writeKitFolder(out, kit.files);

  const roots = kit.profile.payloads
    .filter((p) => p.type === 'com.apple.security.root')
    .map((p) => ({ name: p.displayName, sha256: p.sha256 }));
  const signerLabel = signer ? certificateLabel(signer.certificate) : undefined;
  if (values.json) {
    const json: FleetKitJson = {
      path: out,
      files: kit.files.map((f) => ({ name: f.name, mode: f.mode.toString(8).padStart(4, '0'), what: f.what })),
      profile: {
        identifier: kit.profile.identifier,
        uuid: kit.profile.uuid,
        displayName: kit.profile.displayName,
        signed: kit.signed,
        ...(signerLabel ? { signer: signerLabel } : {}),
      },
      roots,
      installer: request.installerPath ?? null,
      warnings: kit.warnings,
    };
    writeJson(io, json);
    return EXIT.ok;
  }
  io.stdout.write(
    [
      `Wrote the fleet kit ${out}:`,
      ...kit.files.map((f) => `  ${f.name.padEnd(32)} ${f.what}`),
      `Deploy "${kit.profile.displayName}" first, then install.sh (as root, with ONBOARD_PFX and its password set by the MDM). See README.md.`,
      ...(request.installerPath
        ? []
        : ['! No --installer: install.sh configures a 1E Client already on the Mac, and stops where there is none.']),
      ...kit.warnings.map((w) => `! ${w}`),
    ].join('\n') + '\n',
  );
  return EXIT.ok;
}

/** Writes every file into a hidden sibling folder, then renames it to `out`: a failure leaves no half kit. */
async function writeKitFolder(out: string, files: readonly { name: string; content: string | Buffer; mode: number }[]) {
  const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await mkdir(tmp, { mode: 0o755 });
    for (const f of files) await writeFile(join(tmp, f.name), f.content, { mode: f.mode, flag: 'wx' });
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof OnboardError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new OnboardError(
      'write-failed',
      `Could not write the kit folder ${out} (${code}).`,
      code === 'ENOSPC' ? 'Free some disk space and try again.' : 'Choose a folder you can write to.',
    );
  }
}
