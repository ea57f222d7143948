// The Switch's verdict, in a technician's words: findings for the handshake, the Switch's certificate and the client certificate.
import * as net from 'node:net';
import type { X509Certificate } from 'node:crypto';
import { finding, type VerifyFinding } from './findings';
import { explainServerCertificateError, type TlsProblem } from './tls-alerts';
import { verifyServerChain } from '../pki/server-chain';
import { certificateLabel } from './crl';
import { nameLabel, nameOnOneLine } from '../pki/names';
import { authority, DEFAULT_PROBE_TIMEOUT_MS, type ExchangeOutcome, type SwitchProbeOptions } from './switch-exchange';

/** A check that could not run because an earlier stage failed. */
export const notChecked = (id: string, title: string, why: string) => finding(id, 'info', `${title}: not checked`, why);

/**
 * The Switch's certificate as OpenSSL would judge it for a TLS client with only the chosen CAs trusted, from the
 * chain the Switch sent (node is given no CA to judge it with: see tlsExchange), then its name.
 */
function judgeServerCertificate(
  out: ExchangeOutcome,
  host: string,
  caCertificates: X509Certificate[],
  now: Date,
): VerifyFinding {
  const leaf = out.serverChain[0];
  if (!leaf)
    return notChecked(
      'switch-server-cert',
      'Switch certificate',
      'The handshake ended before the Switch sent its certificate.',
    );
  const continued = out.handshakeDone
    ? ' The probe went on without trusting it, only to learn whether the Switch accepts the client certificate.'
    : '';
  const label = `"${certificateLabel(leaf)}" (issued by ${nameLabel(leaf.issuer)})`;
  const verdict = verifyServerChain(out.serverChain, caCertificates, now);
  const problem = verdict.ok
    ? undefined
    : explainServerCertificateError(
        verdict.error,
        verdict.depth,
        culprit(verdict.depth > 0 ? verdict.chain[verdict.depth] : undefined),
      );
  if (problem) {
    return finding(
      'switch-server-cert',
      'fail',
      "The Switch's certificate is not trusted",
      `The Switch presented ${label}, and ${problem.meaning}. The 1E Client would refuse this Switch.${continued}`,
      problem.fix,
    );
  }
  const nameOk = net.isIP(host) ? leaf.checkIP(host) !== undefined : leaf.checkHost(host) !== undefined;
  if (!nameOk) {
    return finding(
      'switch-server-cert',
      'fail',
      `The Switch's certificate is not valid for the name ${host}`,
      `The Switch presented ${label}, whose names (${leaf.subjectAltName ?? nameOnOneLine(leaf.subject)}) do not include ${host}.${continued}`,
      'Configure the 1E Client with a Switch name that is in the server certificate (usually its FQDN), or reissue the server certificate with that name.',
    );
  }
  return finding(
    'switch-server-cert',
    'pass',
    "The Switch's certificate is trusted",
    `Its certificate ${label} is valid for ${host} and chains to the chosen CA certificates${out.handshakeDone ? '' : ' (checked from the chain it sent, since the handshake ended early)'}.`,
  );
}

/** The CA certificate an error is about, as its label; undefined for none. */
export const culprit = (c: X509Certificate | undefined) => (c ? `"${certificateLabel(c)}"` : undefined);

/** The switch-tls, switch-server-cert and switch-client-auth findings for one exchange. */
export function judgeExchange(
  out: ExchangeOutcome,
  host: string,
  port: number,
  opts: SwitchProbeOptions,
): VerifyFinding[] {
  const now = opts.now ?? new Date();
  const version = out.protocol ? out.protocol.replace('TLSv', 'TLS ') : undefined;
  const forced = opts.tlsVersion ? ` (only ${opts.tlsVersion.replace('TLSv', 'TLS ')} offered)` : '';
  if (out.localError) {
    return [
      notChecked('switch-tls', 'TLS handshake', 'The client identity could not be loaded.'),
      notChecked('switch-server-cert', 'Switch certificate', 'The client identity could not be loaded.'),
      finding(
        'switch-client-auth',
        'fail',
        'The client certificate cannot be presented',
        out.localError.meaning,
        out.localError.fix,
      ),
    ];
  }
  const findings: VerifyFinding[] = [];
  const hs = out.handshakeError;
  // An alert that names the client certificate is only its verdict once the Switch asked for one;
  // before that (TLS 1.2's handshake failure for no shared cipher) it is about the handshake itself.
  const beforeRequest = hs?.aboutClientCertificate === true && out.certificateRequested === false;
  if (hs && (!hs.aboutClientCertificate || beforeRequest)) {
    const { meaning, fix } = beforeRequest ? alertBeforeRequest(hs) : hs;
    findings.push(
      finding(
        'switch-tls',
        'fail',
        `TLS handshake with ${host}:${port} failed${forced}`,
        `${hs.alert !== undefined ? `TLS alert ${hs.alert} (${hs.name}): ` : ''}${meaning}`,
        fix,
      ),
    );
    findings.push(judgeServerCertificate(out, host, opts.caCertificates, now));
    findings.push(
      notChecked(
        'switch-client-auth',
        'Client certificate accepted by the Switch',
        'The TLS handshake failed before the Switch judged the client certificate.',
      ),
    );
    return findings;
  }
  if (!out.handshakeDone && !hs) {
    findings.push(
      finding(
        'switch-tls',
        'fail',
        `TLS handshake with ${host}:${port} did not complete${forced}`,
        out.timedOut
          ? `No handshake within ${opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS} ms: something accepts TCP connections on this port but does not speak TLS.`
          : 'The Switch closed the connection during the handshake without an alert.',
        "Check that HOST:PORT is the 1E Switch (port 4000 by default) and look at the Switch's log.",
      ),
    );
    findings.push(judgeServerCertificate(out, host, opts.caCertificates, now));
    findings.push(
      notChecked(
        'switch-client-auth',
        'Client certificate accepted by the Switch',
        'The TLS handshake did not complete.',
      ),
    );
    return findings;
  }
  findings.push(
    hs
      ? finding(
          'switch-tls',
          'info',
          `${version ?? 'TLS'} handshake ended by the Switch's verdict on the client certificate${forced}`,
          'The Switch stopped the handshake when it judged the client certificate; see switch-client-auth.',
        )
      : finding(
          'switch-tls',
          'pass',
          `${version} handshake with ${host}:${port} completed${forced}`,
          `Cipher ${out.cipher ?? 'unknown'}. ${out.certificateRequested === false ? 'The server did not ask for a client certificate.' : 'The Switch asked for a client certificate.'} The 1E platform supports TLS 1.2 and 1.3.`,
        ),
  );
  findings.push(judgeServerCertificate(out, host, opts.caCertificates, now));
  findings.push(clientAuthVerdict(out, host, port, opts));
  return findings;
}

/** An alert that would name the client certificate, but came before the Switch asked for one. */
function alertBeforeRequest(hs: TlsProblem): { meaning: string; fix: string } {
  if (hs.alert === 40) {
    return {
      meaning:
        'The Switch ended the handshake before asking for a client certificate: this Mac and the Switch share no cipher suite, TLS version or signature algorithm.',
      fix: "Check the Switch's TLS settings (the 1E platform uses TLS 1.2 or 1.3 with current cipher suites) and that HOST:PORT is the 1E Switch.",
    };
  }
  return {
    meaning:
      'The Switch sent this alert before asking for a client certificate, so it is not a verdict on the certificate.',
    fix: "Check that HOST:PORT is the 1E Switch, and look at the Switch's log on the 1E server.",
  };
}

function clientAuthVerdict(out: ExchangeOutcome, host: string, port: number, opts: SwitchProbeOptions): VerifyFinding {
  const who = opts.identity ? `"${certificateLabel(opts.identity.certificate)}"` : 'no client certificate';
  const server = authority(host, port);
  const notAsked =
    out.certificateRequested === false
      ? ` The server did not ask for a client certificate during the handshake, so ${opts.identity ? `${who} was never sent` : 'none was expected'}.`
      : '';
  const rejection = out.handshakeError ?? out.lateError;
  if (rejection) {
    const when = out.lateError
      ? ' The rejection arrived after the handshake had completed on this side, as TLS 1.3 does.'
      : '';
    return finding(
      'switch-client-auth',
      'fail',
      `The Switch refused ${who}: ${rejection.name}`,
      `${rejection.alert !== undefined ? `TLS alert ${rejection.alert} (${rejection.name}). ` : ''}${rejection.meaning}${when}`,
      rejection.fix,
    );
  }
  if (out.answer !== undefined) {
    const answered = `It answered "${out.answer.replace(/[^\x20-\x7e]/g, '?')}".`;
    if (out.certificateRequested === false) {
      return finding(
        'switch-client-auth',
        'warn',
        `The server at ${server} did not ask for a client certificate`,
        `The ${out.protocol?.replace('TLSv', 'TLS ') ?? 'TLS'} handshake completed without a certificate request, so ${opts.identity ? `${who} was never sent` : 'no certificate was involved'} and nothing about it was proven. The 1E Switch always asks for the client certificate: this server is not the 1E Switch, or it is configured without client-certificate authentication. ${answered}`,
        `The server at ${server} did not ask for a client certificate: check that this address is the 1E Switch itself (port 4000 by default) and not another service or a TLS-terminating proxy in front of it, and that the Switch's client-certificate checking is on.`,
      );
    }
    if (!opts.identity) {
      return finding(
        'switch-client-auth',
        'warn',
        `The server at ${server} accepted a connection without a client certificate`,
        `It asked for a client certificate, none was presented, and it went on anyway. The 1E Switch requires one. ${answered}`,
        `Check that ${server} is the 1E Switch and that it requires client certificates.`,
      );
    }
    const status = out.answer.match(/^HTTP\/\d(?:\.\d)? (\d{3})/);
    if (!status) {
      return finding(
        'switch-client-auth',
        'warn',
        `The Switch accepted ${who}, but answered something other than HTTP`,
        `First line of the answer: "${out.answer.replace(/[^\x20-\x7e]/g, '?')}". TLS accepted the certificate; check that this port is really the 1E Switch.`,
        'Check the Switch address (1E uses port 4000 by default).',
      );
    }
    const code = Number(status[1]);
    const meaning =
      code === 101
        ? 'the Switch accepted the WebSocket connection'
        : `the Switch answered HTTP ${code} to the probe's WebSocket request, which proves the TLS layer accepted the certificate`;
    return finding(
      'switch-client-auth',
      'pass',
      `The Switch accepted ${who}`,
      `After the ${out.protocol?.replace('TLSv', 'TLS ') ?? 'TLS'} handshake ${meaning} ("${out.answer}").`,
    );
  }
  if (out.timedOut) {
    return finding(
      'switch-client-auth',
      'fail',
      `The Switch did not answer; acceptance of ${who} is not proven`,
      `The handshake completed but no answer and no alert came within ${opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS} ms of sending the WebSocket request.${notAsked}`,
      "Check that HOST:PORT is the 1E Switch and look at the Switch's log for this connection.",
    );
  }
  return finding(
    'switch-client-auth',
    'fail',
    `The Switch closed the connection without answering; ${who} was not accepted`,
    `The handshake completed on this side, then the Switch closed the connection without an answer or an alert. A Switch that accepted the certificate would answer the WebSocket request.${notAsked}`,
    "Look at the Switch's log for the reason; check the client certificate against the 1E requirements (onboard check).",
  );
}
