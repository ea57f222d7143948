// The Background Channel probe: an HTTPS GET of the configured URL, trusting only the chosen
// CA certificates, reported as reachability, server certificate and what the status means.
import * as https from 'node:https';
import * as net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { OnboardError } from '../errors';
import { finding, type VerifyFinding } from './findings';
import { explainServerCertificateError, explainTlsError } from './tls-alerts';
import { nameLabel, certificateLabel } from './crl';

export interface BackgroundProbeOptions {
  /** e.g. https://tachyon.acme.local/Background/ */
  url: string;
  caCertificates: X509Certificate[];
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Checks a Background Channel URL's form; throws OnboardError 'bad-background-url'. */
export function parseBackgroundUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OnboardError('bad-background-url', `"${url}" is not a URL.`, 'Give the Background Channel as https://server/Background/ (as in the 1E Client configuration).');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new OnboardError('bad-background-url', `"${url}" is not an http(s) URL.`, 'Give the Background Channel as https://server/Background/.');
  }
  return u;
}

interface Exchange {
  status?: number;
  location?: string;
  error?: NodeJS.ErrnoException;
  timedOut?: boolean;
  authorized?: boolean;
  authorizationError?: string;
  serverCert?: X509Certificate;
  protocol?: string;
}

/** Findings `background-server-cert` and `background-channel`, in that order. Never throws for network outcomes. */
export async function probeBackgroundChannel(opts: BackgroundProbeOptions): Promise<VerifyFinding[]> {
  const u = parseBackgroundUrl(opts.url);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (u.protocol === 'http:') {
    return [
      finding('background-server-cert', 'info', 'Background Channel certificate: not checked', 'The URL is plain http, so there is no certificate.'),
      finding('background-channel', 'fail', 'The Background Channel URL is not HTTPS', `${opts.url} uses plain http; the 1E Client downloads from the Background Channel over HTTPS only.`, 'Use the https:// address of the Background Channel, e.g. https://tachyon.acme.local/Background/.'),
    ];
  }
  if (opts.signal?.aborted) throw new OnboardError('verify-cancelled', 'Verification was cancelled.');
  const ex = await get(u, opts.caCertificates, timeoutMs, opts.signal);
  return [judgeCertificate(ex, u), judgeReachability(ex, u, timeoutMs)];
}

function get(u: URL, cas: X509Certificate[], timeoutMs: number, signal: AbortSignal | undefined): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const ex: Exchange = {};
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      if (err) reject(err);
      else resolve(ex);
    };
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const req = https.request(u, {
      method: 'GET',
      agent: false,
      ca: cas.map((c) => c.toString()),
      // Judged below as its own finding, so the reachability verdict is still learned.
      rejectUnauthorized: false,
      servername: net.isIP(host) ? undefined : host,
      headers: { 'user-agent': 'onboard-verify', accept: '*/*' },
    }, (res) => {
      ex.status = res.statusCode;
      ex.location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
      res.resume();
      done();
    });
    req.on('socket', (s) => {
      const t = s as TLSSocket;
      t.once('secureConnect', () => {
        ex.authorized = t.authorized;
        ex.authorizationError = t.authorizationError ? String(t.authorizationError) : undefined;
        ex.protocol = t.getProtocol() ?? undefined;
        const raw = t.getPeerCertificate()?.raw;
        if (raw) ex.serverCert = new X509Certificate(raw);
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => { ex.error = e; done(); });
    const timer = setTimeout(() => { ex.timedOut = true; done(); }, timeoutMs);
    const onAbort = () => done(new OnboardError('verify-cancelled', 'Verification was cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}

function judgeCertificate(ex: Exchange, u: URL): VerifyFinding {
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!ex.serverCert) {
    return finding('background-server-cert', 'info', 'Background Channel certificate: not checked', 'No TLS handshake took place, so no certificate was seen.');
  }
  const label = `"${certificateLabel(ex.serverCert)}" (issued by ${nameLabel(ex.serverCert.issuer)})`;
  if (ex.authorized === false && ex.authorizationError && ex.authorizationError !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const p = explainServerCertificateError(ex.authorizationError);
    return finding('background-server-cert', 'fail', 'The Background Channel\'s certificate is not trusted', `The server presented ${label}, and ${p.meaning}. The 1E Client would refuse to download from it. (The probe continued without trusting it, only to learn whether the URL answers.)`, p.fix);
  }
  const nameOk = net.isIP(host) ? ex.serverCert.checkIP(host) !== undefined : ex.serverCert.checkHost(host) !== undefined;
  if (!nameOk) {
    return finding('background-server-cert', 'fail', `The Background Channel's certificate is not valid for ${host}`, `The server presented ${label}, whose names (${ex.serverCert.subjectAltName ?? ex.serverCert.subject.replace(/\n/g, ', ')}) do not include ${host}.`, 'Use the server name that is in its certificate (usually the FQDN) in the Background Channel URL.');
  }
  return finding('background-server-cert', 'pass', 'The Background Channel\'s certificate is trusted', `${label} is valid for ${host} and chains to the chosen CA certificates.`);
}

function judgeReachability(ex: Exchange, u: URL, timeoutMs: number): VerifyFinding {
  const url = u.toString();
  if (ex.timedOut) {
    return finding('background-channel', 'fail', 'The Background Channel did not answer', `No answer from ${url} within ${timeoutMs} ms.`, 'Check firewalls between this Mac and the 1E server (TCP 443 outbound), VPN and proxy settings.');
  }
  if (ex.error) {
    const code = ex.error.code ?? '';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return finding('background-channel', 'fail', `The Background Channel name ${u.hostname} does not resolve`, `Looking up ${u.hostname} failed (${code}).`, 'Check the URL\'s spelling and this Mac\'s DNS and VPN.');
    }
    if (code === 'ECONNREFUSED') {
      return finding('background-channel', 'fail', `The Background Channel at ${u.host} refused the connection`, `Nothing accepts connections at ${u.host}.`, 'Check the port in the URL and that the 1E web server (IIS) is running.');
    }
    const p = explainTlsError(ex.error);
    return finding('background-channel', 'fail', `The Background Channel's TLS connection failed: ${p.name}`, `${p.alert !== undefined ? `TLS alert ${p.alert}. ` : ''}${p.meaning.replace(/the Switch/gi, 'the server')}`, p.fix.replace(/the Switch/gi, 'the 1E web server'));
  }
  const status = ex.status ?? 0;
  const over = ex.protocol ? ` over ${ex.protocol.replace('TLSv', 'TLS ')}` : '';
  if (status >= 200 && status < 300) {
    return finding('background-channel', 'pass', `The Background Channel answers (HTTP ${status})`, `${url} is reachable${over} and served the request.`);
  }
  if (status === 401 || status === 403) {
    return finding('background-channel', 'pass', `The Background Channel answers (HTTP ${status})`, `${url} is reachable${over}. HTTP ${status} on the folder itself is normal (no directory listing): the 1E Client asks for named files in it.`);
  }
  if (status >= 300 && status < 400) {
    const to = ex.location ? new URL(ex.location, url).toString() : 'an unnamed place';
    const downgrade = to.startsWith('http:');
    return finding('background-channel', downgrade ? 'warn' : 'pass', `The Background Channel answers with a redirect (HTTP ${status})`, `${url} is reachable${over} and redirects to ${to}.`, downgrade ? 'The redirect leaves HTTPS: configure the 1E Client with the final https URL.' : ex.location ? `Consider configuring the 1E Client with ${to} directly.` : '');
  }
  if (status === 404) {
    return finding('background-channel', 'warn', 'The Background Channel server answers, but not at this path (HTTP 404)', `${u.host} is reachable${over}, which proves name, network and TLS, but it has nothing at ${u.pathname}.`, 'Check the path: 1E uses https://server/Background/ (compare with the 1E server\'s configuration).');
  }
  return finding('background-channel', 'warn', `The Background Channel answers with HTTP ${status}`, `${u.host} is reachable${over}, but answered HTTP ${status}${status >= 500 ? ' (a server error)' : ''}.`, 'Look at the 1E web server (IIS) logs for this request.');
}
