// The fleet kit: the files an MDM admin deploys (CA profile, install.sh, extension-attribute.sh) and the README that says how.
import type { X509Certificate } from 'node:crypto';
import { basename } from 'node:path';
import { withPlanWorkspace } from '../macos/workspace';
import type { Identity } from '../pki/identity';
import { certificateLabel } from '../pki/inspect';
import { sortCaCertificates } from './ca-set';
import { buildExtensionAttribute, KIT_REPORT_PATH } from './kit-attribute';
import { buildKitInstallScript } from './kit-install';
import { buildProfile, signProfile, type BuiltProfile } from './profile';

export interface KitInput {
  switchAddress: string;
  backgroundUrl: string;
  loggingLevel?: string;
  settings?: Record<string, string>;
  caCertificates: readonly X509Certificate[];
  organization?: string;
  identifier?: string;
  installerPath?: string;
  signer?: Identity;
  generatedAt?: Date;
  toolVersion?: string;
}

export interface KitFile {
  name: string;
  content: string | Buffer;
  mode: number;
  what: string;
}

export interface BuiltKit {
  files: KitFile[];
  profile: BuiltProfile;
  signed: boolean;
  warnings: string[];
}

export const PROFILE_FILE = 'onboard-ca-trust.mobileconfig';

export async function buildFleetKit(input: KitInput): Promise<BuiltKit> {
  const at = input.generatedAt ?? new Date();
  // The profile refuses what does not belong (device certificates, incomplete chains, expired CAs) first.
  const profile = buildProfile({
    caCertificates: input.caCertificates,
    ...(input.organization !== undefined ? { organization: input.organization } : {}),
    ...(input.identifier !== undefined ? { identifier: input.identifier } : {}),
    at,
  });
  const cas = sortCaCertificates(input.caCertificates, at);
  const install = await withPlanWorkspace((workspace) =>
    buildKitInstallScript(
      {
        switchAddress: input.switchAddress,
        backgroundUrl: input.backgroundUrl,
        ...(input.loggingLevel ? { loggingLevel: input.loggingLevel } : {}),
        ...(input.settings ? { settings: input.settings } : {}),
        cas,
        ...(input.installerPath ? { installerPath: input.installerPath } : {}),
        profileName: profile.displayName,
        workspace,
      },
      { generatedAt: at, ...(input.toolVersion ? { toolVersion: input.toolVersion } : {}) },
    ),
  );
  const profileBytes = input.signer ? signProfile(profile.xml, input.signer, at) : Buffer.from(profile.xml, 'utf8');
  const files: KitFile[] = [
    { name: PROFILE_FILE, content: profileBytes, mode: 0o644, what: 'the CA trust profile (deploy first)' },
    { name: 'install.sh', content: install, mode: 0o755, what: 'the unattended onboarding script (as root)' },
    {
      name: 'extension-attribute.sh',
      content: buildExtensionAttribute(cas),
      mode: 0o755,
      what: "one line of each Mac's onboarding state",
    },
  ];
  files.push({ name: 'README.md', content: readme(input, profile, files), mode: 0o644, what: 'for the MDM admin' });
  return { files, profile, signed: input.signer !== undefined, warnings: profile.warnings };
}

function readme(input: KitInput, profile: BuiltProfile, files: readonly KitFile[]): string {
  const roots = profile.payloads.filter((p) => p.type === 'com.apple.security.root');
  const inter = profile.payloads.filter((p) => p.type === 'com.apple.security.pkcs1');
  const installer = input.installerPath ? basename(input.installerPath) : null;
  return [
    '# Onboard fleet kit',
    '',
    `Made by onboard${input.toolVersion ? ` ${input.toolVersion}` : ''} on ${(input.generatedAt ?? new Date()).toISOString()} for the Switch \`${input.switchAddress}\` and the Background Channel \`${input.backgroundUrl}\`.`,
    '',
    '| file | what it is |',
    '|---|---|',
    ...files.map((f) => `| \`${f.name}\` | ${f.what} |`),
    '',
    '## 1. Deploy the profile to every Mac first',
    '',
    `\`${PROFILE_FILE}\` ("${profile.displayName}", identifier \`${profile.identifier}\`, scope System) puts ${roots.length} root CA(s) into the System keychain, trusted for every user, and ${inter.length} intermediate(s), not trusted as roots:`,
    '',
    ...profile.payloads.map(
      (p) => `- ${p.displayName}: ${p.subject} (SHA-256 \`${p.sha256}\`, until ${p.notAfter.slice(0, 10)})`,
    ),
    '',
    `Upload it as a custom configuration profile (Jamf Pro: Configuration Profiles → Upload; Intune: Devices → macOS → Configuration → Custom, Device channel; Kandji: Custom Profile). ${input.signer ? `It is signed by ${certificateLabel(input.signer.certificate)} (CMS).` : 'It is not signed: most MDMs sign profiles when they send them.'} Since macOS 11 only a profile from an MDM can make a Mac trust a root CA without a person at the Mac; \`install.sh\` therefore never changes CA trust. Exporting the same certificates again gives the same identifiers, so a new profile replaces the old one.`,
    '',
    "## 2. Then run install.sh on each Mac, as root, with that Mac's identity",
    '',
    `\`install.sh\` checks first that this Mac's admin trust settings trust every root of the profile; if not, it stops with exit 2 before changing anything (deploy the profile, then run it again: Jamf Pro can retry the policy, or scope it to a smart group of Macs with the profile). Then it installs Rosetta on Apple silicon, ${installer ? `the 1E Client from \`${installer}\`` : 'nothing else: this kit has no installer, so the 1E Client must already be installed (otherwise it stops with exit 2 before any change)'}, imports this Mac's identity for the 1E Client only (\`security import -T\`), writes 1E.Client.conf and starts the client. Each change is made only when needed, so running it again is safe.`,
    '',
    'It holds no secret. Give it, through the MDM (script parameters or environment), never inside the file:',
    '',
    "- `ONBOARD_PFX`: the path of this Mac's PFX file (each Mac its own, e.g. delivered by the MDM's certificate or file payload to a root-only folder);",
    '- `ONBOARD_PFX_PASSWORD`: its password; or `ONBOARD_PFX_PASSWORD_FILE`: a file owned by root with mode 600 that holds it (anything else is refused);',
    installer
      ? `- \`ONBOARD_INSTALLER\` (optional): where \`${installer}\` is on the Mac, when not at \`${input.installerPath}\` (deliver it with the MDM first).`
      : '- nothing else.',
    '',
    'A wrapper for a Jamf Pro policy script (parameters 4 and 5) could be: `ONBOARD_PFX="$4" ONBOARD_PFX_PASSWORD_FILE="$5" /bin/sh install.sh`.',
    '',
    'Exit status: 0 done or nothing to do; 1 a change failed (that step was undone); 2 stopped before any change (trust not yet in place, client missing, PFX or password wrong).',
    '',
    '## 3. Inventory: extension-attribute.sh',
    '',
    "Read-only; prints one line, e.g. `<result>ok; client 24.5.0 running; identity mac-042.local expires May  1 12:00:00 2027 GMT; root CA trusted (1); verify pass 2026-12-01T10:00:00.000Z</result>`, or `attention; …` when a part is not as it should be (client missing or stopped, no identity for the Mac's name, root not trusted, last verification not passed). In Jamf Pro: Settings → Extension Attributes → Script; elsewhere any custom attribute or script result.",
    '',
    `It shows the last verification when the Mac's report is at \`${KIT_REPORT_PATH}\` (have \`onboard verify --report\` write it there). Collect those reports and merge them with \`onboard fleet report\`.`,
    '',
  ].join('\n');
}
