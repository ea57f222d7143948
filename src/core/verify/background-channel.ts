// The Background Channel probe: an HTTPS GET of the configured URL as the 1E Client makes it
// (trusting only the chosen CA certificates, presenting the client identity when the server asks
// for one), reported as server certificate, then reachability worded by what was observed.
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { OnboardError } from '../errors';
import { finding, type VerifyFinding } from './findings';
import { explainServerCertificateError, explainTlsError, type TlsProblem } from './tls-alerts';
import { certificateLabel } from './crl';
import { clientIdentityTlsOptions, watchCertificateRequest, type ClientIdentity } from './switch-probe';
import { peerChain } from './switch-exchange';
import { culprit } from './switch-verdict';
import { verifyServerChain } from '../pki/server-chain';
import { nameLabel, nameOnOneLine } from '../pki/names';

export interface BackgroundProbeOptions {
  /** e.g. https://tachyon.acme.local/Background/ */
  url: string;
  /** The only certificates trusted for the server's own certificate. */
  caCertificates: X509Certificate[];
  /** When to judge the server's certificate at; default now. */
  now?: Date;
  /**
   * The client identity, presented (with its CA certificates) when the server asks for a client
   * certificate, as the 1E Client does. Without it, a server that asks gets no certificate.
   */
  identity?: ClientIdentity;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Checks a Background Channel URL's form; throws OnboardError 'bad-background-url'. */
export function parseBackgroundUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OnboardError(
      'bad-background-url',
      `"${url}" is not a URL.`,
      'Give the Background Channel as https://server/Background/ (as in the 1E Client configuration).',
    );
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new OnboardError(
      'bad-background-url',
      `"${url}" is not an http(s) URL.`,
      'Give the Background Channel as https://server/Background/.',
    );
  }
  return u;
}

interface Exchange {
  status?: number;
  location?: string;
  error?: NodeJS.ErrnoException;
  /** The identity could not be loaded into TLS (e.g. the key does not match the certificate). */
  localError?: TlsProblem;
  timedOut?: boolean;
  /** The client's side of the TLS handshake completed. */
  handshakeDone?: boolean;
  /** The server sent a CertificateRequest (see watchCertificateRequest). */
  certificateRequested?: boolean;
  /** The chain the server sent, its own certificate first. */
  serverChain?: X509Certificate[];
  protocol?: string;
}

/** Findings `background-server-cert` and `background-channel`, in that order. Never throws for network outcomes. */
export async function probeBackgroundChannel(opts: BackgroundProbeOptions): Promise<VerifyFinding[]> {
  const u = parseBackgroundUrl(opts.url);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (u.protocol === 'http:') {
    return [
      finding(
        'background-server-cert',
        'info',
        'Background Channel certificate: not checked',
        'The URL is plain http, so there is no certificate.',
      ),
      finding(
        'background-channel',
        'fail',
        'The Background Channel URL is not HTTPS',
        `The URL ${opts.url} uses plain http; the 1E Client downloads from the Background Channel over HTTPS only.`,
        'Use the https:// address of the Background Channel, e.g. https://tachyon.acme.local/Background/.',
      ),
    ];
  }
  if (opts.signal?.aborted) throw new OnboardError('verify-cancelled', 'Verification was cancelled.');
  const ex = await get(u, opts, timeoutMs);
  return [
    judgeCertificate(ex, u, opts.caCertificates, opts.now ?? new Date()),
    judgeReachability(ex, u, timeoutMs, opts.identity),
  ];
}

function get(u: URL, opts: BackgroundProbeOptions, timeoutMs: number): Promise<Exchange> {
  const ex: Exchange = {};
  let presented: { cert: string; key: string } | undefined;
  if (opts.identity) {
    try {
      presented = clientIdentityTlsOptions(opts.identity);
      // Tried alone first, to tell a key that does not match from a network failure; `ca: []` as below.
      tls.createSecureContext({ ...presented, ca: [] });
    } catch (e) {
      ex.localError = explainTlsError(e as NodeJS.ErrnoException);
      return Promise.resolve(ex);
    }
  }
  const signal = opts.signal;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (watcher) ex.certificateRequested = watcher.requested;
      req.destroy();
      if (err) reject(err);
      else resolve(ex);
    };
    const host = u.hostname.replace(/^\[|\]$/g, '');
    let watcher: ReturnType<typeof watchCertificateRequest> | undefined;
    const req = https.request(
      u,
      {
        method: 'GET',
        agent: false,
        ...presented,
        // The server's chain is judged below from what it sent, as its own finding, so the reachability verdict
        // is still learned. No CA for node, and an empty list rather than none: see tlsExchange (switch-exchange.ts).
        ca: [],
        rejectUnauthorized: false,
        servername: net.isIP(host) ? undefined : host,
        headers: { 'user-agent': 'onboard-verify', accept: '*/*' },
      },
      (res) => {
        ex.status = res.statusCode;
        ex.location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
        res.resume();
        done();
      },
    );
    req.on('socket', (s) => {
      const t = s as tls.TLSSocket;
      watcher = watchCertificateRequest(t);
      t.once('secureConnect', () => {
        ex.handshakeDone = true;
        watcher?.sample();
        ex.protocol = t.getProtocol() ?? undefined;
        ex.serverChain = peerChain(t);
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      ex.error = e;
      done();
    });
    const timer = setTimeout(() => {
      ex.timedOut = true;
      done();
    }, timeoutMs);
    const onAbort = () => done(new OnboardError('verify-cancelled', 'Verification was cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}

function judgeCertificate(ex: Exchange, u: URL, cas: X509Certificate[], now: Date): VerifyFinding {
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const serverCert = ex.serverChain?.[0];
  if (!ex.serverChain || !serverCert) {
    const why = ex.localError
      ? 'The client identity could not be loaded, so nothing was sent.'
      : ex.error?.code === 'ENOTFOUND' || ex.error?.code === 'EAI_AGAIN' || ex.error?.code === 'ECONNREFUSED'
        ? 'No connection was made, so no certificate was seen.'
        : "The TLS handshake did not complete, so the server's certificate was not judged.";
    return finding('background-server-cert', 'info', 'Background Channel certificate: not checked', why);
  }
  const label = `"${certificateLabel(serverCert)}" (issued by ${nameLabel(serverCert.issuer)})`;
  const verdict = verifyServerChain(ex.serverChain, cas, now);
  if (!verdict.ok) {
    const p = explainServerCertificateError(
      verdict.error,
      verdict.depth,
      culprit(verdict.depth > 0 ? verdict.chain[verdict.depth] : undefined),
    );
    return finding(
      'background-server-cert',
      'fail',
      "The Background Channel's certificate is not trusted",
      `The server presented ${label}, and ${p.meaning}. The 1E Client would refuse to download from it. (The probe continued without trusting it, only to learn whether the URL answers.)`,
      p.fix,
    );
  }
  const nameOk = net.isIP(host) ? serverCert.checkIP(host) !== undefined : serverCert.checkHost(host) !== undefined;
  if (!nameOk) {
    return finding(
      'background-server-cert',
      'fail',
      `The Background Channel's certificate is not valid for ${host}`,
      `The server presented ${label}, whose names (${serverCert.subjectAltName ?? nameOnOneLine(serverCert.subject)}) do not include ${host}.`,
      'Use the server name that is in its certificate (usually the FQDN) in the Background Channel URL.',
    );
  }
  return finding(
    'background-server-cert',
    'pass',
    "The Background Channel's certificate is trusted",
    `Its certificate ${label} is valid for ${host} and chains to the chosen CA certificates.`,
  );
}

/** What to do when the Background Channel's web server refuses the client certificate, by alert. */
const REFUSAL_FIX: Record<number, string> = {
  40: 'Check that the web server trusts the CA that issued the client certificate and that the certificate is one it accepts; its log names the reason.',
  42: 'Reissue the client certificate for this Mac and import the new PFX.',
  43: 'Request a certificate from a template with Client Authentication in Extended Key Usage and Digital Signature in Key Usage.',
  44: 'Request a new certificate for this Mac and import it; a revoked certificate can never be used again.',
  45: 'Check the dates of the certificate and the clocks of this Mac and the web server; renew the certificate if it has expired.',
  46: "Check that the web server can fetch the CRLs of the client certificate's CAs and that they are current.",
  48: "Install the root and issuing CA certificates of the client certificate in the web server's trusted stores (on IIS: the Local Computer's Trusted Root and Intermediate stores), and include the issuing CA in the PFX.",
  49: 'Ask the 1E administrator whether this device is allowed to download from the Background Channel.',
  51: 'Export the PFX again with the certificate and its own private key, then re-import it.',
  116: 'Import the client identity (certificate and private key) so that it can be presented.',
};

const FIX_NO_IDENTITY =
  'Verify with the client identity (the PFX): the 1E Client presents its certificate when the Background Channel asks for one.';

/** The shared TLS explanations speak of the Switch; here the peer is the Background Channel's web server. */
const aboutServer = (text: string) => text.replace(/\b([Tt])he Switch\b/g, '$1he server');

function tlsFailureFix(p: TlsProblem): string {
  if (p.name === 'not TLS')
    return "Check that the URL's host and port are the 1E web server's HTTPS site (443 by default).";
  if (p.protocolMismatch)
    return 'Check the TLS protocols enabled on the 1E web server (IIS): the 1E Client uses TLS 1.2 or 1.3.';
  if (p.alert === 112)
    return 'Use the server name exactly as in its certificate (usually the FQDN) in the Background Channel URL.';
  if (p.name === 'connection reset')
    return "Look at the 1E web server's logs (IIS: HTTPERR), and check for firewalls or proxies that cut TLS connections.";
  return "Look at the 1E web server's logs (IIS: HTTPERR) for this connection, and check that no TLS-inspecting proxy sits in between.";
}

function judgeReachability(
  ex: Exchange,
  u: URL,
  timeoutMs: number,
  identity: ClientIdentity | undefined,
): VerifyFinding {
  const url = u.toString();
  const who = identity ? `"${certificateLabel(identity.certificate)}"` : undefined;
  if (ex.localError) {
    return finding(
      'background-channel',
      'fail',
      'The client certificate cannot be presented to the Background Channel',
      ex.localError.meaning,
      ex.localError.fix,
    );
  }
  if (ex.timedOut) {
    return finding(
      'background-channel',
      'fail',
      'The Background Channel did not answer',
      `No answer from ${url} within ${timeoutMs} ms${ex.handshakeDone ? ' (the TLS handshake had completed)' : ''}.`,
      'Check firewalls between this Mac and the 1E server (TCP 443 outbound), VPN and proxy settings.',
    );
  }
  if (ex.error) {
    const code = ex.error.code ?? '';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return finding(
        'background-channel',
        'fail',
        `The Background Channel name ${u.hostname} does not resolve`,
        `Looking up ${u.hostname} failed (${code}).`,
        "Check the URL's spelling and this Mac's DNS and VPN.",
      );
    }
    if (code === 'ECONNREFUSED') {
      return finding(
        'background-channel',
        'fail',
        `The Background Channel at ${u.host} refused the connection`,
        `Nothing accepts connections at ${u.host}.`,
        'Check the port in the URL and that the 1E web server (IIS) is running.',
      );
    }
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') {
      return finding(
        'background-channel',
        'fail',
        `The Background Channel at ${u.host} cannot be reached`,
        `Connecting to ${u.host} failed (${code}).`,
        'Check firewalls between this Mac and the 1E server (TCP 443 outbound), VPN and proxy settings.',
      );
    }
    const p = explainTlsError(ex.error);
    const alert = p.alert !== undefined ? `TLS alert ${p.alert} (${p.name})` : undefined;
    const late = ex.handshakeDone ? ' after the handshake had completed on this side, as TLS 1.3 does' : '';
    if (ex.certificateRequested && (p.aboutClientCertificate || p.name === 'connection reset')) {
      // The server asked for a client certificate and then ended the connection: its verdict on it.
      const how = alert
        ? `answered with ${alert}${late}`
        : `closed the connection without a TLS alert or an HTTP answer${late}`;
      if (!who) {
        return finding(
          'background-channel',
          'fail',
          'The Background Channel requires a client certificate',
          `The server at ${u.host} asked for a client certificate, the probe had none to present, and it ${how}.`,
          FIX_NO_IDENTITY,
        );
      }
      const meaning = alert
        ? ` ${aboutServer(p.meaning)}`
        : ' This is how some servers refuse a client certificate they do not accept; a firewall or proxy cutting the connection looks the same.';
      return finding(
        'background-channel',
        'fail',
        `The Background Channel refused the client certificate ${who}${alert ? `: ${p.name}` : ''}`,
        `The server at ${u.host} asked for a client certificate; the probe presented ${who} with its CA certificates, as the 1E Client does, and the server ${how}.${meaning}`,
        (p.alert !== undefined ? REFUSAL_FIX[p.alert] : undefined) ??
          "Look at the web server's log for this connection; check that it trusts the CA that issued the client certificate and that the certificate is within its dates.",
      );
    }
    if (p.alert === 40) {
      return finding(
        'background-channel',
        'fail',
        "The Background Channel's TLS handshake failed: handshake failure",
        `${alert} before the server asked for any client certificate: this Mac and the server share no cipher suite, TLS version or signature algorithm.`,
        'Check the TLS protocols and cipher suites enabled on the 1E web server (IIS): the 1E Client uses TLS 1.2 or 1.3 with current cipher suites.',
      );
    }
    return finding(
      'background-channel',
      'fail',
      `The Background Channel's TLS connection failed: ${p.name}`,
      `${alert ? `${alert}. ` : ''}${aboutServer(p.meaning)}`,
      tlsFailureFix(p),
    );
  }
  const status = ex.status ?? 0;
  const over = ex.protocol ? ` over ${ex.protocol.replace('TLSv', 'TLS ')}` : '';
  const asked = !ex.certificateRequested
    ? ' The server did not ask for a client certificate.'
    : who
      ? ` The server asked for a client certificate and the probe presented ${who}, as the 1E Client does.`
      : ' The server asked for a client certificate; the probe had none to present.';
  if (status >= 200 && status < 300) {
    return finding(
      'background-channel',
      'pass',
      `The Background Channel answers (HTTP ${status})`,
      `The Background Channel at ${url} is reachable${over} and served the request.${asked}`,
    );
  }
  if (status === 401 || status === 403) {
    const iis = ex.certificateRequested
      ? ' A web server that refuses a client certificate at the HTTP level (IIS: 403.7 or 403.16) answers the same way; its log shows which.'
      : '';
    return finding(
      'background-channel',
      'pass',
      `The Background Channel answers (HTTP ${status})`,
      `The Background Channel at ${url} is reachable${over}. HTTP ${status} on the folder itself is normal (no directory listing): the 1E Client asks for named files in it.${asked}${iis}`,
    );
  }
  if (status >= 300 && status < 400) {
    const to = ex.location ? new URL(ex.location, url).toString() : 'an unnamed place';
    const downgrade = to.startsWith('http:');
    return finding(
      'background-channel',
      downgrade ? 'warn' : 'pass',
      `The Background Channel answers with a redirect (HTTP ${status})`,
      `The Background Channel at ${url} is reachable${over} and redirects to ${to}.${asked}`,
      downgrade
        ? 'The redirect leaves HTTPS: configure the 1E Client with the final https URL.'
        : ex.location
          ? `Consider configuring the 1E Client with ${to} directly.`
          : '',
    );
  }
  if (status === 404) {
    return finding(
      'background-channel',
      'warn',
      'The Background Channel server answers, but not at this path (HTTP 404)',
      `The server at ${u.host} is reachable${over}, which proves name, network and TLS, but it has nothing at ${u.pathname}.${asked}`,
      "Check the path: 1E uses https://server/Background/ (compare with the 1E server's configuration).",
    );
  }
  return finding(
    'background-channel',
    'warn',
    `The Background Channel answers with HTTP ${status}`,
    `The server at ${u.host} is reachable${over}, but answered HTTP ${status}${status >= 500 ? ' (a server error)' : ''}.${asked}`,
    'Look at the 1E web server (IIS) logs for this request.',
  );
}
