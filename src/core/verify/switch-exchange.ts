// The TLS exchange with the Switch: present the client identity as the 1E Client does, send a WebSocket upgrade, and record what came back.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { randomBytes, X509Certificate } from 'node:crypto';
import { OnboardError } from '../errors';
import { explainTlsError, type TlsProblem } from './tls-alerts';
import { isSelfSigned } from '../pki/inspect';
import type { Identity } from '../pki/identity';

/** A client certificate with its private key and the CA certificates sent along with it: the one identity type. */

/**
 * host:port as a URI authority (RFC 3986 section 3.2.2): an IPv6 address, the only host with colons, in brackets.
 * A colon test rather than net.isIPv6, whose first call compiles a large regular expression (milliseconds a run).
 */
export const authority = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
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

export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

export const cancelled = () => new OnboardError('verify-cancelled', 'Verification was cancelled.');

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

export interface ExchangeOutcome {
  protocol?: string;
  cipher?: string;
  /** Set when secureConnect fired: the client's side of the handshake completed. */
  handshakeDone: boolean;
  /** The chain the Switch sent, its own certificate first (judged by verifyServerChain, not by node). */
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
  /** What ended the exchange (an alert or other socket error is 'error'); the verdict is taken at that moment. */
  decidedBy?: 'answer' | 'error' | 'close' | 'timeout' | 'local';
}

const toPem = (c: X509Certificate) => c.toString();

/**
 * TLS over the connected socket, then the WebSocket upgrade; resolves with what happened, whatever it was
 * (rejects only when cancelled), at the first moment the Switch's verdict is final:
 *
 * - TLS 1.3 (RFC 8446): the client's Certificate, CertificateVerify and Finished travel before the request, in
 *   one ordered stream of records (section 5), and the request is protected with the client application keys
 *   the server takes up only after it has processed the client's Finished (sections 4.4.4 and 7.1). A server
 *   that refuses the certificate aborts with a fatal alert and closes (sections 4.4.2.4 and 6.2); it never
 *   reads the request. So an answer to the request means the certificate got past the server's check, and a
 *   rejection can only come before any answer. (A server may send "0.5-RTT" data before the client's Finished,
 *   section 2; an HTTP server never speaks first, and only an HTTP status line counts as acceptance in
 *   switch-verdict.ts.)
 * - TLS 1.2 (RFC 5246 sections 7.4.6 to 7.4.9): the server sends its Finished only after the client's
 *   Certificate, CertificateVerify and Finished; a refusal is an alert in place of it. The verdict is final at
 *   'secureConnect', and the answer line, one round trip later, shows what answers on the port.
 *
 * Hence the exchange ends at the answer's first line, at an alert, at a close or at the timeout; nothing is
 * awaited after the answer.
 */
export function tlsExchange(
  socket: net.Socket,
  host: string,
  port: number,
  opts: SwitchProbeOptions,
  timeoutMs: number,
): Promise<ExchangeOutcome> {
  const out: ExchangeOutcome = { handshakeDone: false, serverChain: [] };
  const connectOpts: tls.ConnectionOptions = {
    socket,
    // Over a socket of our own node knows no host, so its name check would test the certificate against
    // "localhost" (and compile its large IPv6 pattern to learn that is no address): name the one dialled.
    host,
    // No CA for node: the Switch's chain is judged from what it sent (switch-verdict.ts), as a finding of its own,
    // so that an untrusted Switch is reported and the client-certificate verdict can still be learned. An EMPTY
    // list, not none: a context given any CA (or none at all) first copies node's whole root store, parsing its
    // ~140 bundled roots (node's SecureContext::AddCACert / AddRootCerts), ~44 ms a run; an empty list adds nothing.
    ca: [],
    rejectUnauthorized: false,
    minVersion: opts.tlsVersion ?? 'TLSv1.2',
    maxVersion: opts.tlsVersion ?? 'TLSv1.3',
  };
  if (!net.isIP(host)) connectOpts.servername = host;
  return new Promise<ExchangeOutcome>((resolve, reject) => {
    let settled = false;
    let received = '';
    let s: tls.TLSSocket;
    let request: ReturnType<typeof watchCertificateRequest>;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      s?.destroy();
      socket.destroy();
      if (err) reject(err);
      else resolve(out);
    };
    const timer = setTimeout(() => {
      out.timedOut = true;
      out.decidedBy = 'timeout';
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
      out.decidedBy = 'local';
      finish();
      return;
    }
    s.on('secureConnect', () => {
      out.handshakeDone = true;
      out.certificateRequested = request.sample();
      out.protocol = s.getProtocol() ?? undefined;
      out.cipher = s.getCipher()?.name;
      out.serverChain = peerChain(s);
      const hostHeader = authority(host, port);
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
        // Final: the server read the request, so it got past the client certificate (see above).
        out.decidedBy = 'answer';
        finish();
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
      out.decidedBy ??= 'error';
      finish();
    });
    s.on('close', () => {
      if (out.answer === undefined && !out.lateError && !out.handshakeError) out.closedWithoutAnswer = true;
      out.decidedBy ??= 'close';
      finish();
    });
  });
}

/** The certificates the peer sent, its own first, each issuer after the certificate it issued (node's order). */
export function peerChain(s: tls.TLSSocket): X509Certificate[] {
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
