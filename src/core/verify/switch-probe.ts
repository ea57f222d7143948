// The Switch probe: name, TCP, TLS with the client identity, then a WebSocket upgrade whose
// answer (or alert) is the Switch's real verdict on the client certificate.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { lookup } from 'node:dns/promises';
import { randomBytes, X509Certificate } from 'node:crypto';
import { OnboardError } from '../errors';
import { validateSwitchAddress } from '../macos/validate';
import { finding, type VerifyFinding } from './findings';
import { explainServerCertificateError, explainTlsError, type TlsProblem } from './tls-alerts';
import { buildChain } from '../pki/chain';
import { isSelfSigned } from '../pki/inspect';
import { certificateLabel } from './crl';
import type { Identity } from '../pki/identity';
import { nameLabel, nameOnOneLine } from '../pki/names';

/** A client certificate with its private key and the CA certificates sent along with it: the one identity type. */
export type ClientIdentity = Identity;

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

export interface SwitchProbeOptions {
  /** host:port, e.g. tachyon.acme.local:4000 or [fd00::1]:4000. */
  switchAddress: string;
  /** Absent only to test what the Switch does with no client certificate. */
  identity?: ClientIdentity;
  /** The only certificates trusted for the Switch's own certificate. */
  caCertificates: X509Certificate[];
  /** Per stage (name, connect, handshake + answer). Default 10 s. */
  timeoutMs?: number;
  /** Forces one TLS version; by default 1.3 is offered with 1.2 as fallback. */
  tlsVersion?: TlsVersion;
  signal?: AbortSignal;
  now?: Date;
}

export interface SwitchProbeResult {
  findings: VerifyFinding[];
  /** True only when the Switch asked for the client certificate and answered after a complete exchange with it. */
  accepted: boolean;
  /**
   * Whether the server sent a CertificateRequest during the handshake (absent when the handshake
   * did not get that far). A server that never asks has proven nothing about the certificate.
   */
  certificateRequested?: boolean;
  /** 'TLSv1.3' or 'TLSv1.2' when a handshake completed (or got far enough to tell). */
  protocol?: string;
  /** The first line of the Switch's answer, e.g. "HTTP/1.1 101 Switching Protocols". */
  answer?: string;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/** Splits HOST:PORT (IPv6 in brackets) with the same rules as every other Switch field. */
export function parseSwitchAddress(address: string): { host: string; port: number } {
  const { host, port } = validateSwitchAddress(address);
  return { host, port };
}

const cancelled = () => new OnboardError('verify-cancelled', 'Verification was cancelled.');

function withTimeout<T>(p: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      resolve('timeout');
    }, ms);
    const onAbort = () => {
      cleanup();
      reject(cancelled());
    };
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (e) => {
        cleanup();
        reject(e);
      },
    );
  });
}

const notChecked = (id: string, title: string, why: string) => finding(id, 'info', `${title}: not checked`, why);

/** Probes the Switch the way the 1E Client connects to it. Never throws for network outcomes. */
export async function probeSwitch(opts: SwitchProbeOptions): Promise<SwitchProbeResult> {
  const { host, port } = parseSwitchAddress(opts.switchAddress);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  if (opts.signal?.aborted) throw cancelled();
  const findings: VerifyFinding[] = [];
  const skipRest = (why: string): SwitchProbeResult => {
    findings.push(
      notChecked('switch-tls', 'TLS handshake', why),
      notChecked('switch-server-cert', 'Switch certificate', why),
      notChecked('switch-client-auth', 'Client certificate accepted by the Switch', why),
    );
    return { findings, accepted: false };
  };

  // 1. Name
  let addresses: string[];
  if (net.isIP(host)) {
    addresses = [host];
    findings.push(
      finding(
        'switch-dns',
        'pass',
        `${host} is an IP address`,
        "No name to resolve. The 1E Client is usually configured with the Switch's name, which must match its certificate.",
      ),
    );
  } else {
    const resolved = await withTimeout(
      lookup(host, { all: true }).then(
        (r) => r.map((a) => a.address),
        (e: NodeJS.ErrnoException) => e,
      ),
      timeoutMs,
      opts.signal,
    );
    if (resolved === 'timeout' || resolved instanceof Error) {
      const code = resolved === 'timeout' ? 'no answer in time' : (resolved.code ?? resolved.message);
      findings.push(
        finding(
          'switch-dns',
          'fail',
          `The Switch name ${host} does not resolve`,
          `Looking up ${host} on this Mac failed (${code}).`,
          `Check the spelling of the Switch name, this Mac's DNS servers and VPN; the name must resolve from this network (try: dscacheutil -q host -a name ${host}).`,
        ),
      );
      return skipRest(`${host} does not resolve.`);
    }
    addresses = resolved;
    findings.push(finding('switch-dns', 'pass', `${host} resolves`, `Addresses: ${addresses.join(', ')}.`));
  }

  // 2. TCP: the first few addresses in order, like a client would.
  let socket: net.Socket | undefined;
  const failures: string[] = [];
  for (const address of addresses.slice(0, 3)) {
    const outcome = await connectTcp(address, port, timeoutMs, opts.signal);
    if (outcome instanceof net.Socket) {
      socket = outcome;
      break;
    }
    failures.push(`${address}: ${outcome}`);
  }
  if (!socket) {
    const refused = failures.some((f) => f.includes('refused'));
    findings.push(
      finding(
        'switch-tcp',
        'fail',
        `Cannot connect to the Switch at ${host}:${port}`,
        failures.join('; ') + '.',
        refused
          ? `Nothing accepts connections on port ${port}: check the Switch port (1E uses 4000 by default) and that the Switch service runs on the 1E server.`
          : `Check firewalls between this Mac and the 1E server (TCP ${port} outbound), VPN and proxy settings.`,
      ),
    );
    return skipRest(`No TCP connection to ${host}:${port}.`);
  }
  findings.push(
    finding(
      'switch-tcp',
      'pass',
      `TCP connection to ${host}:${port} works`,
      `Connected to ${socket.remoteAddress}:${socket.remotePort}.`,
    ),
  );

  // 3 + 4. TLS, then the Switch's verdict on the client certificate.
  const outcome = await tlsExchange(socket, host, port, opts, timeoutMs);
  findings.push(...judgeExchange(outcome, host, port, opts));
  const accepted =
    outcome.answer !== undefined &&
    !outcome.lateError &&
    outcome.certificateRequested === true &&
    opts.identity !== undefined;
  return {
    findings,
    accepted,
    certificateRequested: outcome.certificateRequested,
    protocol: outcome.protocol,
    answer: outcome.answer,
  };
}

/**
 * Watches a client TLS socket for the server asking for a client certificate. Node has no client
 * certificate callback, and getCertificate() names our certificate whether or not it was sent;
 * but OpenSSL fills the client's shared signature algorithms only while processing a
 * CertificateRequest (TLS 1.2 and 1.3 alike), so a non-empty list means the server asked.
 * The list is gone once a failed socket is destroyed, so it is also read at each 'keylog' event:
 * those fire inside the handshake, in TLS 1.2 while the client answers the server's first flight
 * (which carries the request) and in TLS 1.3 after the server's Finished. The key lines
 * themselves are ignored. Attach before the handshake starts; `sample()` reads once more.
 */
export function watchCertificateRequest(s: tls.TLSSocket): { readonly requested: boolean; sample(): boolean } {
  let requested = false;
  const sample = () => {
    try {
      if ((s.getSharedSigalgs() ?? []).length > 0) requested = true;
    } catch {
      // The socket can no longer tell; what was seen before stands.
    }
    return requested;
  };
  s.on('keylog', () => {
    sample();
  });
  return {
    get requested() {
      return requested;
    },
    sample,
  };
}

/**
 * The TLS options that present a client identity as the 1E Client does: the leaf and the CA
 * certificates above it, never a self-signed root (the server builds the path from what is sent).
 */
export function clientIdentityTlsOptions(identity: ClientIdentity): { cert: string; key: string } {
  const leaf = identity.certificate;
  const sent = [leaf, ...identity.chain.filter((c) => !isSelfSigned(c) && c.fingerprint256 !== leaf.fingerprint256)];
  return { cert: sent.map(toPem).join(''), key: identity.key.export({ type: 'pkcs8', format: 'pem' }) as string };
}

function connectTcp(
  address: string,
  port: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<net.Socket | string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: address, port });
    const done = (v: net.Socket | string | Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      s.removeAllListeners('error');
      s.removeAllListeners('connect');
      if (v instanceof Error) {
        s.destroy();
        reject(v);
      } else if (typeof v === 'string') {
        s.destroy();
        resolve(v);
      } else resolve(v);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    const onAbort = () => done(cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });
    s.once('connect', () => done(s));
    s.once('error', (e: NodeJS.ErrnoException) =>
      done(e.code === 'ECONNREFUSED' ? 'connection refused' : `${e.code ?? e.message}`),
    );
  });
}

interface ExchangeOutcome {
  protocol?: string;
  cipher?: string;
  /** Set when secureConnect fired: the client's side of the handshake completed. */
  handshakeDone: boolean;
  /** node's verdict on the Switch's certificate (only known after secureConnect). */
  authorized?: boolean;
  authorizationError?: string;
  serverChain: X509Certificate[];
  handshakeError?: TlsProblem;
  /** An error after our handshake completed: with TLS 1.3, the Switch's rejection. */
  lateError?: TlsProblem;
  answer?: string;
  closedWithoutAnswer?: boolean;
  timedOut?: boolean;
  /** Local problem before anything was sent (e.g. key does not match certificate). */
  localError?: TlsProblem;
  /** See certificateWasRequested: read when the handshake completed or failed. */
  certificateRequested?: boolean;
}

const toPem = (c: X509Certificate) => c.toString();

function tlsExchange(
  socket: net.Socket,
  host: string,
  port: number,
  opts: SwitchProbeOptions,
  timeoutMs: number,
): Promise<ExchangeOutcome> {
  const out: ExchangeOutcome = { handshakeDone: false, serverChain: [] };
  const connectOpts: tls.ConnectionOptions = {
    socket,
    ca: opts.caCertificates.map(toPem),
    // Verification is done below, as a finding of its own, so that an untrusted Switch
    // certificate is reported and the client-certificate verdict can still be learned.
    rejectUnauthorized: false,
    minVersion: opts.tlsVersion ?? 'TLSv1.2',
    maxVersion: opts.tlsVersion ?? 'TLSv1.3',
  };
  if (!net.isIP(host)) connectOpts.servername = host;
  return new Promise<ExchangeOutcome>((resolve, reject) => {
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let received = '';
    let s: tls.TLSSocket;
    let request: ReturnType<typeof watchCertificateRequest>;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      s?.destroy();
      socket.destroy();
      if (err) reject(err);
      else resolve(out);
    };
    const timer = setTimeout(() => {
      out.timedOut = true;
      finish();
    }, timeoutMs);
    const onAbort = () => finish(cancelled());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (opts.identity) Object.assign(connectOpts, clientIdentityTlsOptions(opts.identity));
      s = tls.connect(connectOpts);
      request = watchCertificateRequest(s);
    } catch (e) {
      out.localError = explainTlsError(e as NodeJS.ErrnoException);
      finish();
      return;
    }
    s.on('secureConnect', () => {
      out.handshakeDone = true;
      out.certificateRequested = request.sample();
      out.protocol = s.getProtocol() ?? undefined;
      out.cipher = s.getCipher()?.name;
      out.authorized = s.authorized;
      out.authorizationError = s.authorizationError ? String(s.authorizationError) : undefined;
      out.serverChain = peerChain(s);
      const hostHeader = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
      s.write(
        [
          'GET / HTTP/1.1',
          `Host: ${hostHeader}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          'User-Agent: onboard-verify',
          '',
          '',
        ].join('\r\n'),
      );
    });
    s.on('data', (chunk: Buffer) => {
      if (out.answer !== undefined) return;
      received += chunk.toString('latin1');
      if (received.includes('\n') || received.length >= 1024) {
        out.answer = received.split(/\r?\n/)[0]!.slice(0, 200);
        // An alert could in principle trail early data; give it a moment before believing the answer.
        graceTimer = setTimeout(() => finish(), Math.min(300, timeoutMs));
      }
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      const problem = explainTlsError(e);
      if (out.handshakeDone) out.lateError = problem;
      else {
        out.handshakeError = problem;
        out.certificateRequested = request.sample();
        out.protocol = s.getProtocol() ?? undefined;
        out.serverChain = peerChain(s);
      }
      finish();
    });
    s.on('close', () => {
      if (out.answer === undefined && !out.lateError && !out.handshakeError) out.closedWithoutAnswer = true;
      finish();
    });
  });
}

function peerChain(s: tls.TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  try {
    let c: tls.DetailedPeerCertificate | undefined = s.getPeerCertificate(true);
    while (c?.raw && chain.length < 10) {
      const x = new X509Certificate(c.raw);
      if (chain.some((p) => p.fingerprint256 === x.fingerprint256)) break;
      chain.push(x);
      c = c.issuerCertificate;
    }
  } catch {
    // No certificate seen: the handshake ended before the Switch sent one.
  }
  return chain;
}

/**
 * The Switch's certificate as OpenSSL would judge it with only the chosen CAs trusted. Uses
 * node's verdict when the handshake completed, otherwise walks the chain the Switch sent.
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
  let problem: { meaning: string; fix: string } | undefined;
  // node reports a name mismatch as an authorization error too, after the chain verified.
  if (out.authorized === false && out.authorizationError && out.authorizationError !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
    problem = explainServerCertificateError(out.authorizationError);
  } else if (out.authorized === undefined) {
    const path = buildChain(leaf, [...out.serverChain.slice(1), ...caCertificates]).chain;
    const trusted = path.some((c) => caCertificates.some((ca) => ca.fingerprint256 === c.fingerprint256));
    const expired = path.find(
      (c) => new Date(c.validTo).getTime() < now.getTime() || new Date(c.validFrom).getTime() > now.getTime(),
    );
    if (!trusted)
      problem = explainServerCertificateError(
        isSelfSigned(leaf) ? 'DEPTH_ZERO_SELF_SIGNED_CERT' : 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      );
    else if (expired) problem = explainServerCertificateError('CERT_HAS_EXPIRED');
  }
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
    `Its certificate ${label} is valid for ${host} and chains to the chosen CA certificates${out.authorized === undefined ? ' (checked from the chain it sent, since the handshake ended early)' : ''}.`,
  );
}

function judgeExchange(out: ExchangeOutcome, host: string, port: number, opts: SwitchProbeOptions): VerifyFinding[] {
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
  const server = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
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
