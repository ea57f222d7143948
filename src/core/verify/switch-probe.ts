// The Switch probe: name, TCP, TLS with the client identity, then a WebSocket upgrade whose
// answer (or alert) is the Switch's real verdict on the client certificate.
import * as net from 'node:net';
import { lookup } from 'node:dns/promises';
import { validateSwitchAddress } from '../macos/validate';
import { finding, type VerifyFinding } from './findings';
import {
  DEFAULT_PROBE_TIMEOUT_MS,
  cancelled,
  tlsExchange,
  type ExchangeOutcome,
  type SwitchProbeOptions,
} from './switch-exchange';
import { judgeExchange, notChecked } from './switch-verdict';

export {
  DEFAULT_PROBE_TIMEOUT_MS,
  clientIdentityTlsOptions,
  watchCertificateRequest,
  type ClientIdentity,
  type SwitchProbeOptions,
  type TlsVersion,
} from './switch-exchange';

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
  /** What ended the TLS exchange, when it started: see tlsExchange for why each is final. */
  decidedBy?: ExchangeOutcome['decidedBy'];
}

/** Splits HOST:PORT (IPv6 in brackets) with the same rules as every other Switch field. */
export function parseSwitchAddress(address: string): { host: string; port: number } {
  const { host, port } = validateSwitchAddress(address);
  return { host, port };
}

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
    decidedBy: outcome.decidedBy,
  };
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
