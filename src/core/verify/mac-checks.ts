// The Mac's side of verification, through an executor: client installed and running, its
// configuration, the identity and CA certificates in the System keychain, and its logs.
import type { X509Certificate } from 'node:crypto';
import type { Executor } from '../macos/types';
import { gatherFacts, isTrustedRoot, tailCommand, type MacFacts } from '../macos/facts';
import { CLIENT_BINARY, CLIENT_LOG, CLIENT_PLIST, DAEMON_LOG } from '../macos/paths';
import { configureClient, restartClient } from '../macos/plans';
import type { Plan } from '../macos/action';
import type { PlanWorkspace } from '../macos/workspace';
import { certificateRole, inspectCertificate } from '../pki/inspect';
import { SYSTEM_KEYCHAIN } from '../macos/paths';
import { matchHostname } from '../pki/hostname';
import { finding, type VerifyFinding } from './findings';
import { diagnoseLogs, type LogText } from './log-diagnosis';
import type { ClientIdentity } from './switch-probe';
import { certificateLabel } from './crl';

export interface MacCheckInput {
  executor: Executor;
  identity: ClientIdentity;
  caCertificates: X509Certificate[];
  /** Settings this onboarding wrote; by default Switch (and BackgroundChannelUrl) from the addresses below. */
  expectedConf?: Record<string, string>;
  /** The host name the certificate must carry; by default the name macOS gives this Mac. */
  hostname?: string;
  switchAddress?: string;
  backgroundUrl?: string;
  /** Lines read from the end of each log. Default 200. */
  logLines?: number;
}

export interface MacCheckResult {
  findings: VerifyFinding[];
  facts: MacFacts;
}

const sha1Of = (c: X509Certificate) => c.fingerprint.replace(/:/g, '').toUpperCase();

/** Runs the Mac-side checks with read-only commands only. */
export async function checkMac(input: MacCheckInput): Promise<MacCheckResult> {
  const facts = await gatherFacts(input.executor);
  const findings: VerifyFinding[] = [
    clientInstalled(facts),
    ...rosetta(facts),
    daemonRunning(facts),
    confMatches(facts, input),
    hostnameMatches(facts, input),
    identityInKeychain(facts, input.identity),
    caCertificatesTrusted(facts, input.caCertificates),
  ];
  const lines = input.logLines ?? 200;
  const logs: LogText[] = [];
  for (const path of [CLIENT_LOG, DAEMON_LOG]) {
    const r = await input.executor.run(tailCommand(path, lines));
    logs.push(
      r.exitCode === 0
        ? { path, text: r.stdout }
        : { path, unreadable: r.stderr.trim() || `tail exited with ${r.exitCode}` },
    );
  }
  findings.push(...diagnoseLogs(logs));
  const level = Object.entries(facts.conf?.values ?? {}).find(([k]) => k.toLowerCase() === 'logginglevel')?.[1];
  if (facts.conf && level?.toLowerCase() !== 'debug') {
    findings.push(
      finding(
        'mac-debug-logging',
        'info',
        'More detail is available with debug logging',
        `LoggingLevel is ${level ?? 'not set'}. With LoggingLevel=debug the 1E Client logs why it cannot use its certificate or reach the Switch.`,
        'Use the "debug logging" action (sets LoggingLevel=debug in 1E.Client.conf and restarts the client), then verify again.',
      ),
    );
  }
  return { findings, facts };
}

/**
 * The "more detail" action: LoggingLevel=debug in 1E.Client.conf, then a client restart,
 * built with the same plan builders as onboarding so it is shown before it runs.
 */
export async function planDebugLogging(facts: MacFacts, workspace: PlanWorkspace): Promise<Plan[]> {
  return [await configureClient({ settings: { LoggingLevel: 'debug' }, facts, workspace }), restartClient(facts)];
}

function clientInstalled(facts: MacFacts): VerifyFinding {
  if (!facts.client) {
    return finding(
      'mac-client-installed',
      'fail',
      'The 1E Client is not installed',
      'pkgutil knows no com.1e.pkg.1E.Client package.',
      'Install the 1E Client (the install step of this app, or sudo installer -pkg ... -target /).',
    );
  }
  return finding(
    'mac-client-installed',
    'pass',
    `The 1E Client ${facts.client.version} is installed`,
    `Package ${facts.client.packageId}, location ${facts.client.volume}${facts.client.location}.`,
  );
}

function rosetta(facts: MacFacts): VerifyFinding[] {
  if (facts.arch !== 'arm64') return [];
  return facts.rosettaWorks
    ? [
        finding(
          'mac-rosetta',
          'pass',
          'Rosetta 2 is installed',
          'This Mac has Apple silicon; the 1E Client (Intel code) runs through Rosetta 2.',
        ),
      ]
    : [
        finding(
          'mac-rosetta',
          'fail',
          'Rosetta 2 is missing',
          'This Mac has Apple silicon and the 1E Client is Intel code: without Rosetta 2 the daemon cannot start, and a daemon never prompts to install it.',
          'sudo /usr/sbin/softwareupdate --install-rosetta --agree-to-license (or the Rosetta step of this app).',
        ),
      ];
}

function daemonRunning(facts: MacFacts): VerifyFinding {
  const d = facts.daemon;
  if (!d) {
    return finding(
      'mac-daemon',
      'fail',
      'The 1E Client daemon is not loaded',
      'launchd does not know system/com.1e.pkg.1E.Client.',
      `Start it: sudo launchctl bootstrap system ${CLIENT_PLIST} (or the start step of this app); then look at /Library/Logs/1E.Client.Daemon.log if it stops again.`,
    );
  }
  if (!d.running) {
    return finding(
      'mac-daemon',
      'fail',
      'The 1E Client daemon is loaded but not running',
      `launchd state: ${d.state}${d.lastExitCode ? `, last exit code ${d.lastExitCode}` : ''}.`,
      'Start it: sudo launchctl kickstart -k system/com.1e.pkg.1E.Client; if it stops again, read /Library/Logs/1E.Client.Daemon.log.',
    );
  }
  return finding(
    'mac-daemon',
    'pass',
    'The 1E Client daemon is running',
    `pid ${d.pid ?? 'unknown'}${d.program ? `, program ${d.program}` : ''}.`,
  );
}

function confMatches(facts: MacFacts, input: MacCheckInput): VerifyFinding {
  if (!facts.conf) {
    return finding(
      'mac-conf',
      'fail',
      '1E.Client.conf was not found',
      'Neither /Library/Application Support/1E/Client/1E.Client.conf nor /etc/1E/Client/1E.Client.conf could be read.',
      'Install and configure the 1E Client: in the wizard, the Install step; on the command line, onboard apply with --installer.',
    );
  }
  const values = new Map(Object.entries(facts.conf.values).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const problems: string[] = [];
  const matched: string[] = [];
  if (input.expectedConf) {
    for (const [key, want] of Object.entries(input.expectedConf)) {
      const got = values.get(key.toLowerCase());
      if (got === want.trim()) matched.push(`${key}=${want}`);
      else
        problems.push(
          got === undefined ? `${key} is missing (expected ${want})` : `${key} is ${got} (expected ${want})`,
        );
    }
  } else {
    // The Switch setting may list several Switches (e.g. a DMZ one); ours must be among them.
    if (input.switchAddress) {
      const got = values.get('switch');
      const listed = (got ?? '').split(/[,;\s]+/).some((s) => s.toLowerCase() === input.switchAddress!.toLowerCase());
      if (listed) matched.push(`Switch=${got}`);
      else
        problems.push(
          got === undefined
            ? `Switch is missing (expected ${input.switchAddress})`
            : `Switch is ${got} (expected ${input.switchAddress})`,
        );
    }
    if (input.backgroundUrl) {
      const got = values.get('backgroundchannelurl');
      const norm = (u: string) => u.replace(/\/+$/, '').toLowerCase();
      const listed = (got ?? '').split(/[,;\s]+/).some((u) => norm(u) === norm(input.backgroundUrl!));
      if (listed) matched.push(`BackgroundChannelUrl=${got}`);
      else
        problems.push(
          got === undefined
            ? `BackgroundChannelUrl is missing (expected ${input.backgroundUrl})`
            : `BackgroundChannelUrl is ${got} (expected ${input.backgroundUrl})`,
        );
    }
  }
  if (problems.length) {
    return finding(
      'mac-conf',
      'fail',
      '1E.Client.conf does not hold the expected settings',
      `${facts.conf.path}: ${problems.join('; ')}.`,
      'Write the settings again, then restart the client: in the wizard, the Install step in New setup or Upgrade mode (replacing the certificate leaves the configuration as it is); on the command line, onboard apply with --switch and --background-url.',
    );
  }
  return finding(
    'mac-conf',
    'pass',
    '1E.Client.conf holds the expected settings',
    `${facts.conf.path}: ${matched.length ? matched.join('; ') : 'nothing specific was expected'}.`,
  );
}

function hostnameMatches(facts: MacFacts, input: MacCheckInput): VerifyFinding {
  const host = input.hostname ?? facts.expectedHostName;
  const info = inspectCertificate(input.identity.certificate);
  if (!host) {
    return finding(
      'mac-hostname',
      'warn',
      "This Mac's host name could not be read",
      "scutil gave no LocalHostName, so the certificate's name was not compared.",
      'Check System Settings > General > Sharing > Local hostname.',
    );
  }
  const m = matchHostname(host, info.commonName, info.subjectAltNames.dns);
  const names = m.names.map((n) => `${n.source} ${n.name}`).join(', ') || 'no names';
  if (m.status === 'exact') {
    return finding(
      'mac-hostname',
      'pass',
      `The client certificate names this Mac (${host})`,
      `Matched by ${m.source}.`,
    );
  }
  if (m.status === 'case-only') {
    return finding(
      'mac-hostname',
      'fail',
      `The client certificate names ${m.certificateName}, not ${host}`,
      'The names differ only in capitals, and 1E compares them character for character.',
      `Reissue the certificate for ${host} exactly, or rename this Mac to match (System Settings > General > Sharing).`,
    );
  }
  return finding(
    'mac-hostname',
    'fail',
    `The client certificate does not name this Mac (${host})`,
    `It carries ${names}.`,
    `Request a certificate whose CN or DNS name is exactly ${host}.`,
  );
}

function identityInKeychain(facts: MacFacts, identity: ClientIdentity): VerifyFinding {
  const sha1 = sha1Of(identity.certificate);
  const who = certificateLabel(identity.certificate);
  const found = facts.identities.find((i) => i.sha1 === sha1);
  // find-identity -v lists an identity whose trust evaluation failed too, with the CSSM error
  // after its label (identity_find.m#L198-262; recorded in bazelbuild/rules_apple#412).
  if (found?.problem) {
    return finding(
      'mac-identity',
      'fail',
      `The identity "${who}" is in the System keychain, but macOS does not trust it (${found.problem})`,
      `security find-identity lists it (SHA-1 ${sha1}) with the error ${found.problem}: its certificate or chain is expired, revoked or not trusted.`,
      'Check that its root CA is trusted for all users and that the certificate is within its dates; import a new certificate if it was revoked.',
    );
  }
  if (found) {
    return finding(
      'mac-identity',
      'pass',
      `The identity "${who}" is in the System keychain`,
      `security find-identity lists it as a valid SSL client identity (SHA-1 ${sha1}).`,
    );
  }
  if (facts.identities.length) {
    return finding(
      'mac-identity',
      'warn',
      `The System keychain holds other identities, not "${who}"`,
      `Found: ${facts.identities.map((i) => `"${i.name}" (${i.sha1})`).join(', ')}. The 1E Client may pick one of those instead of the verified one.`,
      `Import the verified PFX into the System keychain with access for ${CLIENT_BINARY}, and remove outdated identities.`,
    );
  }
  return finding(
    'mac-identity',
    'fail',
    'No client identity in the System keychain',
    'security find-identity -p ssl-client finds no valid identity in /Library/Keychains/System.keychain: the 1E Client has no certificate to present.',
    `Import the PFX into the System keychain with access for ${CLIENT_BINARY} (the identity step of this app).`,
  );
}

/**
 * Present AND trusted: every CA certificate must be in the System keychain, and every root
 * must carry an admin-domain trust setting that trusts it as a root (intermediates need none:
 * they are trusted through their root).
 */
function caCertificatesTrusted(facts: MacFacts, cas: X509Certificate[]): VerifyFinding {
  if (!cas.length)
    return finding(
      'mac-ca-certificates',
      'info',
      'CA certificates in the System keychain: not checked',
      'No CA certificates were given to look for.',
    );
  const present = new Set(facts.certificates.map((c) => c.sha1.toUpperCase()));
  const missing = cas.filter((c) => !present.has(sha1Of(c)));
  if (missing.length) {
    return finding(
      'mac-ca-certificates',
      'fail',
      `${missing.length} CA certificate(s) missing from the System keychain`,
      `Missing: ${missing.map(certificateLabel).join('; ')}. Without them the 1E Client cannot build its chain or trust the Switch.`,
      'Import each CA certificate into the System keychain and set the root to Always Trust (the Trust & identity step of this app).',
    );
  }
  const roots = cas.filter((c) => certificateRole(c) === 'root');
  const fix = (list: X509Certificate[]) =>
    `Trust ${list.length === 1 ? 'it' : 'each'} as a root for all users: sudo security add-trusted-cert -d -r trustRoot -k ${SYSTEM_KEYCHAIN} ROOT.cer (or apply the Trust & identity step of this app again); macOS asks for an administrator.`;
  if (facts.trustSettings === null) {
    return finding(
      'mac-ca-certificates',
      'warn',
      'The CA certificates are in the System keychain, but their trust could not be read',
      `security trust-settings-export -d gave no readable trust settings, so whether ${roots.map(certificateLabel).join('; ') || 'the root'} is trusted is unknown.`,
      'Open Keychain Access > System, double-click the root CA, and check that "When using this certificate" is "Always Trust".',
    );
  }
  const settings = new Map(facts.trustSettings.map((t) => [t.sha1, t] as const));
  const denied = roots.filter((c) => settings.get(sha1Of(c))?.result === 'deny');
  if (denied.length) {
    return finding(
      'mac-ca-certificates',
      'fail',
      `The root CA ${denied.map(certificateLabel).join('; ')} is set to Never Trust`,
      'Its admin trust setting denies it, so no certificate it issued is trusted on this Mac: the 1E Client rejects the Switch.',
      `Remove the setting (sudo security remove-trusted-cert -d ROOT.cer), then ${fix(denied).charAt(0).toLowerCase()}${fix(denied).slice(1)}`,
    );
  }
  const untrusted = roots.filter((c) => !isTrustedRoot(facts.trustSettings!, sha1Of(c)));
  if (untrusted.length) {
    return finding(
      'mac-ca-certificates',
      'fail',
      `The root CA ${untrusted.map(certificateLabel).join('; ')} is in the System keychain but not trusted`,
      "It has no admin trust setting, so macOS (and the 1E Client) do not trust the certificates it issued: the Switch's certificate and this Mac's own chain fail.",
      fix(untrusted),
    );
  }
  const limited = roots.map((c) => settings.get(sha1Of(c))).filter((t) => t && t.policies.length > 0);
  const rootsText = roots.length
    ? `; trusted as root${roots.length === 1 ? '' : 's'}: ${roots.map(certificateLabel).join('; ')}`
    : '';
  return finding(
    'mac-ca-certificates',
    'pass',
    'Every CA certificate is in the System keychain and the roots are trusted',
    `${cas.map(certificateLabel).join('; ')}${rootsText}${limited.length ? ` (only for: ${[...new Set(limited.flatMap((t) => t!.policies))].join(', ')})` : ''}.`,
  );
}

/** A fact about the machine, as one labelled line of the report. */
export interface MachineFact {
  label: string;
  value: string;
}

/** The facts a ticket needs about the Mac, in reading order; unknown facts are left out. */
export function describeMachine(facts: MacFacts): MachineFact[] {
  const out: MachineFact[] = [];
  const add = (label: string, value: string | null | undefined) => {
    if (value) out.push({ label, value });
  };
  add('macOS', facts.macos ? `${facts.macos.productName} ${facts.macos.version} (${facts.macos.build})` : null);
  add(
    'Architecture',
    facts.arch === 'arm64' ? 'Apple silicon (arm64)' : facts.arch === 'x86_64' ? 'Intel (x86_64)' : null,
  );
  add('Computer name', facts.computerName);
  add('Local host name', facts.localHostName ? `${facts.localHostName}.local` : null);
  add('Host name', facts.hostName ?? facts.hostname);
  add('Name 1E expects in the certificate', facts.expectedHostName);
  add('Active Directory domain', facts.domain?.domain);
  add('1E Client', facts.client ? facts.client.version : 'not installed');
  add(
    '1E Client daemon',
    facts.daemon
      ? facts.daemon.running
        ? `running (pid ${facts.daemon.pid ?? '?'})`
        : facts.daemon.state
      : 'not loaded',
  );
  add('Configuration file', facts.conf?.path);
  return out;
}
