// Reads the 1E Client's logs for known failure signatures and turns each into a finding with a fix.
import { finding, type FindingStatus, type VerifyFinding } from './findings';

/** One known way the 1E Client fails, as it shows in its logs. */
export interface LogSignature {
  /** The finding id is `log-<id>`. */
  id: string;
  status: FindingStatus;
  title: string;
  patterns: RegExp[];
  meaning: string;
  fix: string;
}

// Only the private-key line is confirmed in 1E's documentation; the others match the wording of
// the macOS, OpenSSL and socket errors the client passes through, which is stable across versions.
export const LOG_SIGNATURES: readonly LogSignature[] = [
  {
    id: 'private-key-access',
    status: 'fail',
    title: "The 1E Client cannot use the client certificate's private key",
    patterns: [
      /private key/i,
      /user ?name or passphrase (?:you )?entered is not correct/i,
      /errSecAuthFailed|-25293\b/,
    ],
    meaning:
      'The identity is in the keychain, but the 1E Client binary is not allowed to use its private key. This happens after an import without -T for the client, and after every 1E Client upgrade.',
    fix: "Re-import the PFX: sudo security import FILE.pfx -k /Library/Keychains/System.keychain -t agg -f pkcs12 -P ... -T '/Library/Application Support/1E/Client/1E.Client' (or re-run the identity step of this app), then restart the 1E Client.",
  },
  {
    id: 'certificate-not-found',
    status: 'fail',
    title: 'The 1E Client found no client certificate',
    patterns: [
      /(?:no|could ?not find|cannot find|unable to find|failed to find)(?: a)?(?: suitable| valid| matching)? (?:client )?certificate/i,
      /certificate (?:was )?not found/i,
      /errSecItemNotFound|-25300\b/,
    ],
    meaning:
      "No identity in the System keychain matched what the client looks for: a client-authentication certificate whose subject or DNS name is this Mac's host name exactly (case included).",
    fix: "Import the identity into the System keychain (not the login keychain), and check that its CN or DNS name is exactly this Mac's name, e.g. MAC01.local.",
  },
  {
    id: 'switch-untrusted',
    status: 'fail',
    title: "The 1E Client does not trust the Switch's certificate",
    patterns: [
      /certificate verify failed/i,
      /unable to get (?:local )?issuer certificate/i,
      /self[- ]signed certificate/i,
      /unable to verify the first certificate/i,
    ],
    meaning:
      "The client could not validate the Switch's certificate: the root or issuing CA certificate is missing from the System keychain, or not trusted.",
    fix: 'Import each CA certificate into the System keychain and set the root to Always Trust (the CA step of this app).',
  },
  {
    id: 'tls-rejected',
    status: 'fail',
    title: 'The Switch rejected the TLS connection',
    patterns: [
      /alert (?:unknown ca|certificate revoked|certificate expired|unsupported certificate|bad certificate|certificate required|handshake failure)/i,
      /(?:ssl|tls) handshake (?:failed|failure|error)/i,
      /handshake failure/i,
    ],
    meaning:
      'The TLS handshake with the Switch failed; the log line names the alert (unknown CA, revoked, expired, unsupported certificate purpose...).',
    fix: 'Run the Switch probe of this verification: it repeats the handshake and names the cause and its fix.',
  },
  {
    id: 'crl',
    status: 'warn',
    title: 'Certificate revocation could not be checked',
    patterns: [/unable to get certificate CRL/i, /CRL has expired/i, /CRL is not yet valid/i, /CRL signature failure/i],
    meaning: 'A CRL was missing, expired or badly signed when the certificate chain was checked.',
    fix: 'Check the CRL findings of this verification; publish fresh CRLs at the distribution points.',
  },
  {
    id: 'connection-refused',
    status: 'warn',
    title: 'The Switch refused connections',
    patterns: [/connection refused/i, /ECONNREFUSED/],
    meaning:
      'Nothing accepted the connection at the Switch address: wrong port, Switch service stopped, or a firewall rejecting.',
    fix: 'Check the Switch value in 1E.Client.conf (host:port, 4000 by default) and that the Switch service runs.',
  },
  {
    id: 'connection-timeout',
    status: 'warn',
    title: 'Connections to the Switch timed out',
    patterns: [/timed ?out/i, /ETIMEDOUT/, /operation timeout/i],
    meaning:
      'Packets to the Switch went unanswered: usually a firewall dropping them, a VPN that is down, or the wrong address.',
    fix: 'Check that TCP to the Switch port is allowed outbound from this network, and the VPN.',
  },
  {
    id: 'dns',
    status: 'warn',
    title: 'The Switch name did not resolve',
    patterns: [
      /nodename nor servname provided/i,
      /could not resolve host/i,
      /name or service not known/i,
      /host not found/i,
    ],
    meaning: "The 1E Client could not resolve the Switch's name at the time.",
    fix: 'Check the spelling of the Switch in 1E.Client.conf and DNS on this Mac (dscacheutil -q host -a name NAME).',
  },
  {
    id: 'rosetta',
    status: 'fail',
    title: 'The 1E Client cannot start: Rosetta 2 is missing',
    patterns: [/bad CPU type in executable/i],
    meaning:
      'The 1E Client is Intel code; on Apple silicon it needs Rosetta 2, which a daemon never prompts to install.',
    fix: 'Install Rosetta: sudo /usr/sbin/softwareupdate --install-rosetta --agree-to-license, then restart the 1E Client.',
  },
];

export interface LogText {
  /** Where it came from, e.g. /Library/Logs/1E.Client.log */
  path: string;
  /** The last lines of the log; undefined when the file could not be read. */
  text?: string;
  /** Why it could not be read, when text is undefined. */
  unreadable?: string;
}

const MAX_SHOWN_LINE = 300;

function cleanLine(line: string): string {
  // Control characters would garble terminals and reports.
  const printable = Array.from(line, (ch) => {
    const code = ch.charCodeAt(0);
    return (code < 0x20 && code !== 0x09) || code === 0x7f ? '?' : ch;
  })
    .join('')
    .trim();
  return printable.length > MAX_SHOWN_LINE ? printable.slice(0, MAX_SHOWN_LINE) + '…' : printable;
}

/**
 * One finding per signature found in any of the logs (`log-<signature>`), showing the most
 * recent matching line and how often it occurred; `logs` passes when none is found.
 */
export function diagnoseLogs(logs: readonly LogText[]): VerifyFinding[] {
  const hits = new Map<string, { sig: LogSignature; count: number; last: string; where: Set<string> }>();
  for (const log of logs) {
    if (log.text === undefined) continue;
    for (const line of log.text.split(/\r?\n/)) {
      if (!line.trim()) continue;
      // A line is blamed on the first signature it matches, so one failure is not counted twice.
      const sig = LOG_SIGNATURES.find((s) => s.patterns.some((p) => p.test(line)));
      if (!sig) continue;
      const h = hits.get(sig.id) ?? { sig, count: 0, last: '', where: new Set<string>() };
      h.count += 1;
      h.last = cleanLine(line);
      h.where.add(log.path);
      hits.set(sig.id, h);
    }
  }
  const read = logs.filter((l) => l.text !== undefined);
  const findings: VerifyFinding[] = [];
  for (const sig of LOG_SIGNATURES) {
    const h = hits.get(sig.id);
    if (!h) continue;
    findings.push(
      finding(
        `log-${sig.id}`,
        sig.status,
        sig.title,
        `${sig.meaning} Seen ${h.count} time(s) in ${[...h.where].join(' and ')}; most recent: "${h.last}"`,
        sig.fix,
      ),
    );
  }
  for (const l of logs.filter((x) => x.text === undefined)) {
    findings.push(
      finding(
        'logs-unreadable',
        'info',
        `Could not read ${l.path}`,
        l.unreadable ?? 'The file could not be read.',
        'If the 1E Client was just installed, start it once so it creates its logs.',
      ),
    );
  }
  if (findings.every((f) => f.id === 'logs-unreadable') && read.length > 0) {
    const lines = read.reduce((n, l) => n + l.text!.split(/\r?\n/).filter((x) => x.trim()).length, 0);
    findings.unshift(
      finding(
        'logs',
        'pass',
        'No known failure in the 1E Client logs',
        `${lines} recent line(s) read from ${read.map((l) => l.path).join(' and ')}; none matches a known failure.`,
        '',
      ),
    );
  }
  return findings;
}
