// The fleet kit's install.sh: the onboarding plans as one unattended root script for an MDM, which checks (never sets) the CA trust a profile delivers before any change.
import type { Plan } from '../macos/action';
import { unknownFacts } from '../macos/facts';
import { planOnboarding } from '../macos/onboarding';
import { BIN, CLIENT_BINARY, CLIENT_PACKAGE_ID, SYSTEM_KEYCHAIN } from '../macos/paths';
import { emptyPlan } from '../macos/plans/common';
import { shellQuote } from '../macos/quote';
import { exportPlansAsScript } from '../macos/script';
import type { PlanWorkspace } from '../macos/workspace';
// The one line to change when issue #13 lands: '../macos/sh-trust' has the same two functions.
import { shAdminTrustFunction, shAdminTrustedCall } from '../macos/sh-trust';
import { caName, type CaSet } from './ca-set';

export interface KitScriptInput {
  switchAddress: string;
  backgroundUrl: string;
  loggingLevel?: string;
  settings?: Record<string, string>;
  cas: CaSet;
  /** Read here for its kind; the script expects it at the same path on the Mac unless ONBOARD_INSTALLER names another. */
  installerPath?: string;
  /** The profile's display name, which the stop message tells the admin to deploy. */
  profileName: string;
  workspace: PlanWorkspace;
}

export interface KitScriptOptions {
  generatedAt?: Date;
  toolVersion?: string;
  /** Prepended to every program path: ONLY for tests that run the script against stand-ins. */
  programPrefix?: string;
  /** Skip the root guard: ONLY for tests. */
  allowNonRoot?: boolean;
}

/** Plan-time stand-ins the script replaces with its own values (see PlanScriptSupport.substitutions). */
const ONE_TIME = 'onboard-kit-one-time-password';
const SHA1 = 'onboard-kit-identity-sha1';
const PRESENT = 'onboard-kit-identity-present';
const REGRANT = 'onboard-kit-identity-regrant';
const INSTALLER_VAR = 'onboard_kit_installer';
/** Not in BIN: only the kit reads a file's owner and mode. */
const LS = '/bin/ls';

const stop = (text: string) => [`  printf '%s\\n' ${text} >&2`, '  exit 2'];
const said = (text: string) => shellQuote(`onboard: ${text}`);

/**
 * Stops the script, before it changes anything, unless the admin trust settings already trust
 * every root (the profile's com.apple.security.root payloads put them there): the kit never
 * changes trust, which since macOS 11 needs a person or a profile (issue #13).
 */
function trustGate(cas: CaSet, profileName: string, prefix: string): string[] {
  const file = '"$work"/admin-trust.plist';
  const out = [...shAdminTrustFunction({ programPrefix: prefix }), "onboard_untrusted=''"];
  for (const root of cas.roots)
    out.push(
      `if ! ${shAdminTrustedCall(root.sha1, file)}; then onboard_untrusted="$onboard_untrusted, "${shellQuote(`"${caName(root.certificate)}" (SHA-1 ${root.sha1})`)}; fi`,
    );
  out.push(
    'if [ -n "$onboard_untrusted" ]; then',
    ...stop(
      `"onboard: this Mac does not trust the root CA \${onboard_untrusted#, } yet. Deploy the configuration profile "${shellQuote(`"${profileName}"`)}" from your MDM to this Mac first, then run this again: this script never changes CA trust (since macOS 11 only a profile, or a person at the Mac, can). Nothing was changed."`,
    ),
    'fi',
  );
  return out;
}

function clientGate(installerPath: string | undefined, prefix: string): string[] {
  if (installerPath === undefined)
    return [
      `if ! ${shellQuote(prefix + BIN.pkgutil)} --pkg-info ${CLIENT_PACKAGE_ID} >/dev/null 2>&1; then`,
      ...stop(
        said(
          'the 1E Client is not installed on this Mac and this kit has no installer: install the client first (or make the kit again with its installer). Nothing was changed.',
        ),
      ),
      'fi',
    ];
  return [
    `${INSTALLER_VAR}=${shellQuote(installerPath)}`,
    `if [ -n "\${ONBOARD_INSTALLER:-}" ]; then ${INSTALLER_VAR}=$ONBOARD_INSTALLER; fi`,
    `if [ ! -f "$${INSTALLER_VAR}" ]; then`,
    ...stop(
      `"onboard: the 1E Client installer $${INSTALLER_VAR} is not on this Mac: have the MDM put it there first, or set ONBOARD_INSTALLER to where it is. Nothing was changed."`,
    ),
    'fi',
  ];
}

/** This Mac's PFX and its password, from the MDM: never from the script text, never asked for. */
function identityInputs(prefix: string): string[] {
  const p = (program: string) => shellQuote(prefix + program);
  const ssl = p(BIN.openssl);
  return [
    'onboard_pfx=${ONBOARD_PFX:-}',
    'if [ -z "$onboard_pfx" ] || [ ! -f "$onboard_pfx" ]; then',
    ...stop(
      `"onboard: set ONBOARD_PFX to this Mac's PFX file (now: '$onboard_pfx', not a file on this Mac). Nothing was changed."`,
    ),
    'fi',
    'if [ -z "${ONBOARD_PFX_PASSWORD+set}" ]; then',
    '  onboard_pwf=${ONBOARD_PFX_PASSWORD_FILE:-}',
    '  if [ -z "$onboard_pwf" ] || [ ! -f "$onboard_pwf" ]; then',
    ...stop(
      said(
        'set ONBOARD_PFX_PASSWORD to the PFX password, or ONBOARD_PFX_PASSWORD_FILE to a file owned by root that only root can read holding it. Nothing was changed.',
      ),
    ).map((l) => '  ' + l),
    '  fi',
    // `ls -ln`: mode, links, owner uid; the same columns on macOS and elsewhere.
    `  onboard_ls=$(${p(LS)} -ln "$onboard_pwf") || exit 2`,
    '  read -r onboard_mode _ onboard_uid _ <<ONBOARD_LS',
    '$onboard_ls',
    'ONBOARD_LS',
    '  case $onboard_uid:$onboard_mode in',
    '    0:-r[w-]-------*) ;;',
    '    *)',
    ...stop(
      `"onboard: the password file $onboard_pwf must be owned by root and readable by root alone (chown root \\"FILE\\"; chmod 600 \\"FILE\\"). Nothing was changed."`,
    ).map((l) => '    ' + l),
    '      ;;',
    '  esac',
    `  ONBOARD_PFX_PASSWORD=$(${p(BIN.cat)} "$onboard_pwf") || exit 2`,
    'fi',
    'export ONBOARD_PFX_PASSWORD',
    `ONBOARD_IMPORT_PASSWORD=$(${ssl} rand -hex 24) || exit 1`,
    'export ONBOARD_IMPORT_PASSWORD',
    // macOS's own openssl (LibreSSL) re-wraps with defaults every macOS imports (3DES, SHA-1 MAC).
    `if ! ${ssl} pkcs12 -in "$onboard_pfx" -passin env:ONBOARD_PFX_PASSWORD -nodes -out "$work"/identity.pem 2>/dev/null ||`,
    `  ! ${ssl} pkcs12 -in "$onboard_pfx" -passin env:ONBOARD_PFX_PASSWORD -clcerts -nokeys -out "$work"/leaf.pem 2>/dev/null ||`,
    `  ! onboard_fp=$(${ssl} x509 -in "$work"/leaf.pem -noout -fingerprint -sha1 2>/dev/null); then`,
    ...stop(
      `"onboard: could not open $onboard_pfx: wrong password, no certificate for its key, or a format macOS's openssl cannot read (re-wrap it in the compatible format). Nothing was changed."`,
    ),
    'fi',
    // "SHA1 Fingerprint=AB:CD:…" → ABCD…, as `security find-identity` prints it.
    "onboard_rest=${onboard_fp#*=}; onboard_sha1=''",
    'while [ -n "$onboard_rest" ]; do',
    '  onboard_sha1=$onboard_sha1${onboard_rest%%:*}',
    "  case $onboard_rest in *:*) onboard_rest=${onboard_rest#*:} ;; *) onboard_rest='' ;; esac",
    'done',
    "case $onboard_sha1 in *[!0-9A-F]*) onboard_sha1='' ;; esac",
    'if [ "${#onboard_sha1}" -ne 40 ]; then',
    ...stop('"onboard: could not read the SHA-1 of the certificate in $onboard_pfx. Nothing was changed."'),
    'fi',
    `${ssl} pkcs12 -export -in "$work"/identity.pem -passout env:ONBOARD_IMPORT_PASSWORD -out "$work"/identity.p12 || exit 1`,
    `${p(BIN.rm)} -f "$work"/identity.pem "$work"/leaf.pem`,
    'unset ONBOARD_PFX_PASSWORD',
    // The import's check: is this very certificate's identity already in the System keychain?
    'onboard_kit_identity_in() {',
    `  onboard_ids=$(${p(BIN.security)} find-identity -p ssl-client ${shellQuote(SYSTEM_KEYCHAIN)} 2>/dev/null) || return 0`,
    '  case $onboard_ids in *"$onboard_sha1"*) echo yes ;; esac',
    '}',
    // A client package replaced by this run has no access to a key imported for the old one:
    // then the identity is taken out and imported again (as the interactive plan's re-grant).
    `onboard_pkg_before=$(${p(BIN.pkgutil)} --pkg-info ${CLIENT_PACKAGE_ID} 2>/dev/null) || onboard_pkg_before=''`,
    'onboard_kit_regrant() {',
    '  [ -n "$(onboard_kit_identity_in)" ] || return 0',
    `  onboard_pkg_now=$(${p(BIN.pkgutil)} --pkg-info ${CLIENT_PACKAGE_ID} 2>/dev/null) || onboard_pkg_now=''`,
    '  [ "$onboard_pkg_now" = "$onboard_pkg_before" ] || echo yes',
    '}',
  ];
}

/** The identity step: the PFX is this Mac's own, so everything about it is decided on the Mac. */
function kitIdentityPlan(workspace: PlanWorkspace): Plan {
  const plan = emptyPlan('client-identity', "Import this Mac's identity (ONBOARD_PFX) for the 1E Client only");
  const file = workspace.path('identity.p12');
  const args = [
    'import',
    file,
    '-k',
    SYSTEM_KEYCHAIN,
    '-t',
    'agg',
    '-f',
    'pkcs12',
    '-P',
    ONE_TIME,
    '-T',
    CLIENT_BINARY,
  ];
  const importCommand = { program: BIN.security, args, secretArgs: [args.indexOf(ONE_TIME)] };
  plan.actions.push({
    id: 'identity-regrant-delete',
    title: "After a 1E Client upgrade only: take out this Mac's identity so that the new client can be given its key",
    detail:
      'The new 1E Client binary has no access to a private key imported for the old one; the identity is imported again right after.',
    command: { program: BIN.security, args: ['delete-identity', '-Z', SHA1, SYSTEM_KEYCHAIN] },
    root: true,
    // "Done" (skipped) unless the identity is there and this run replaced the client package.
    check: { command: { program: BIN.test, args: ['-z', REGRANT] } },
    undo: [importCommand],
    status: 'pending',
  });
  plan.actions.push({
    id: 'identity-import',
    title: "Import this Mac's identity into the System keychain",
    detail: 'Only the 1E Client may use the private key (-T). The certificate is the one in ONBOARD_PFX.',
    command: importCommand,
    root: true,
    check: { command: { program: BIN.test, args: ['-n', PRESENT] } },
    undo: [{ program: BIN.security, args: ['delete-identity', '-Z', SHA1, SYSTEM_KEYCHAIN] }],
    status: 'pending',
  });
  plan.script = {
    setup: [],
    substitutions: [
      { value: ONE_TIME, expression: '"$ONBOARD_IMPORT_PASSWORD"' },
      { value: SHA1, expression: '"$onboard_sha1"' },
      { value: PRESENT, expression: '"$(onboard_kit_identity_in)"' },
      { value: REGRANT, expression: '"$(onboard_kit_regrant)"' },
    ],
  };
  return plan;
}

const HEADER = [
  '# install.sh from an Onboard fleet kit: onboards this Mac onto the 1E platform, unattended, as root',
  '# (an MDM policy or script). Steps: Rosetta (Apple silicon), the 1E Client (when the kit has its',
  "# installer), this Mac's identity for the 1E Client only, 1E.Client.conf, the launchd job.",
  '# It never changes CA trust: it first checks that the roots are trusted (the kit profile does that)',
  '# and otherwise stops with exit 2 before any change. Inputs, from the MDM, never in this file:',
  "#   ONBOARD_PFX                 this Mac's PFX file",
  '#   ONBOARD_PFX_PASSWORD        its password, or',
  '#   ONBOARD_PFX_PASSWORD_FILE   a file owned by root, mode 600, holding it',
  '#   ONBOARD_INSTALLER           where the 1E Client installer is, when not where the kit says',
  '# Exit: 0 done (or nothing to do), 1 a change failed (that step was undone), 2 stopped before any change.',
];

export async function buildKitInstallScript(input: KitScriptInput, opts: KitScriptOptions = {}): Promise<string> {
  const prefix = opts.programPrefix ?? '';
  const plans = await planOnboarding(
    {
      switchAddress: input.switchAddress,
      backgroundUrl: input.backgroundUrl,
      ...(input.loggingLevel ? { loggingLevel: input.loggingLevel } : {}),
      ...(input.settings ? { settings: input.settings } : {}),
      caCertificates: [],
      ...(input.installerPath ? { installerPath: input.installerPath } : {}),
    },
    unknownFacts(),
    input.workspace,
    { forScript: true },
  );
  const install = plans.find((p) => p.step === 'install-client');
  if (install && input.installerPath)
    install.script = {
      setup: install.script?.setup ?? [],
      prelude: install.script?.prelude ?? [],
      substitutions: [
        ...(install.script?.substitutions ?? []),
        { value: input.installerPath, expression: `"$${INSTALLER_VAR}"` },
      ],
    };
  const identity = kitIdentityPlan(input.workspace);
  // The gates and the PFX go first of all: preludes run, in plan order, before any step's inputs and setup.
  const first = plans[0] ?? identity;
  first.script = {
    setup: first.script?.setup ?? [],
    substitutions: first.script?.substitutions ?? [],
    prelude: [
      '# ===== Before anything changes: the CA trust from the profile, the client, the identity',
      ...trustGate(input.cas, input.profileName, prefix),
      ...clientGate(input.installerPath, prefix),
      ...identityInputs(prefix),
      ...(first.script?.prelude ?? []),
    ],
  };
  const at = plans.findIndex((p) => p.step === 'configure-client');
  plans.splice(at < 0 ? plans.length : at, 0, identity);
  const text = exportPlansAsScript(plans, {
    workspaceDir: input.workspace.dir,
    ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}),
    ...(opts.toolVersion ? { toolVersion: opts.toolVersion } : {}),
    ...(prefix ? { programPrefix: prefix } : {}),
    ...(opts.allowNonRoot ? { allowNonRoot: true } : {}),
  });
  const lines = text.split('\n');
  const end = lines.indexOf('set -u');
  const stamp = `# Made by onboard${opts.toolVersion ? ` ${opts.toolVersion}` : ''}${opts.generatedAt ? ` on ${opts.generatedAt.toISOString()}` : ''}.`;
  return [...lines.slice(0, 2), ...HEADER, stamp, ...lines.slice(end)].join('\n');
}
