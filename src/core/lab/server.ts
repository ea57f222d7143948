// The lab's network side: an HTTP server for the CRLs and a Switch stand-in (wss) that judges client certificates.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Socket, AddressInfo } from 'node:net';
import { promises as fs, statSync, readFileSync } from 'node:fs';
import { X509Certificate, KeyObject, generateKeyPair } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { OnboardError, describeError } from '../errors';
import { toPem } from '../pki/der';
import { commonName } from '../pki/names';
import { checkClientCertificate } from '../pki/requirements';
import { openLab, unlockCa, buildServerCertificate, issuerChain, labPaths, type Lab, type CaName } from './pki';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface LabServerEvent {
  time: string;
  kind: 'accepted' | 'rejected' | 'crl-served' | 'crl-reloaded';
  /** The client certificate's CN, when the device sent one. */
  device?: string;
  serial?: string;
  remoteAddress?: string;
  /** Why a device was rejected, in the words a technician understands. */
  reason?: string;
  /** One line for a log file or terminal. */
  message: string;
}

export interface LabServerOptions {
  dir: string;
  /** Address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** 0 = an ephemeral port. */
  httpPort: number;
  switchPort: number;
  log?: (e: LabServerEvent) => void;
  /** Server certificate and key (PEM, certificate first then chain) for the stand-in; without them one is issued in memory with the CA password. */
  serverCertificate?: { certPem: string; keyPem: string };
  caPassword?: string;
}

export interface LabServer {
  /** Base URL the CRLs are served under, e.g. http://127.0.0.1:8080/crl (append /root.crl). */
  crlUrl: string;
  /** wss://host:port of the Switch stand-in. */
  switchUrl: string;
  close(): Promise<void>;
}

/** Reasons OpenSSL gives, as a Switch log would explain them to a technician. */
const TLS_REASONS: Record<string, string> = {
  CERT_REVOKED: "the certificate is revoked (it is on the CA's CRL)",
  UNABLE_TO_GET_CRL: 'no CRL is available for the issuing CA',
  CRL_HAS_EXPIRED: "the CA's CRL has expired",
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate was not issued by the lab CA',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate was not issued by the lab CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate was not issued by the lab CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chains to a root the Switch does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  INVALID_PURPOSE: 'the certificate is not for client authentication (Extended Key Usage lacks Client Authentication)',
  CERT_SIGNATURE_FAILURE: "the certificate's signature is invalid",
};

function reasonOf(err: Error & { code?: string }): string {
  const text = `${err.code ?? ''} ${err.message}`;
  if (/PEER_DID_NOT_RETURN_A_CERTIFICATE|no certificate returned|certificate required/i.test(text))
    return 'the device sent no client certificate';
  if (/unsuitable certificate purpose|INVALID_PURPOSE/i.test(text)) return TLS_REASONS.INVALID_PURPOSE!;
  if (/certificate revoked|CERT_REVOKED/i.test(text)) return TLS_REASONS.CERT_REVOKED!;
  if (/unable to get certificate CRL/i.test(text)) return TLS_REASONS.UNABLE_TO_GET_CRL!;
  if (/CRL has expired/i.test(text)) return TLS_REASONS.CRL_HAS_EXPIRED!;
  if (/certificate has expired/i.test(text)) return TLS_REASONS.CERT_HAS_EXPIRED!;
  if (/unable to get (local )?issuer certificate|unknown ca|self.signed/i.test(text))
    return 'the certificate was not issued by the lab CA';
  if (err.code && TLS_REASONS[err.code]) return TLS_REASONS[err.code]!;
  if (/wrong version number|unsupported protocol|version too low/i.test(text))
    return 'the device does not speak TLS 1.2 or 1.3';
  return `TLS handshake failed (${err.message})`;
}

/** Findings that do not apply on the Switch's side of the connection (it never sees the key or the PFX). */
const NOT_SWITCH_FINDINGS = new Set(['private-key-present', 'private-key-matches', 'pfx-macos-compatible']);

/**
 * The 1E requirements a Switch adds on top of TLS verification (chain, CRL and the clientAuth
 * purpose are OpenSSL's job): every failing requirement finding, with the CN as the host name,
 * and Client Authentication listed explicitly (OpenSSL alone would accept a certificate with no EKU).
 */
export function switchRequirementProblems(
  cert: X509Certificate,
  caCertificates: X509Certificate[],
  at = new Date(),
): string[] {
  const hostname =
    deviceName(cert) ??
    (cert.subjectAltName ?? '')
      .split(', ')
      .find((s) => s.startsWith('DNS:'))
      ?.slice(4) ??
    '';
  const problems = checkClientCertificate({ certificate: cert, caCertificates, hostname, at })
    .filter((f) => f.status === 'fail' && !NOT_SWITCH_FINDINGS.has(f.id))
    .map((f) => `${f.id}: ${f.detail}`);
  if (!cert.keyUsage?.includes('1.3.6.1.5.5.7.3.2') && !problems.some((p) => p.startsWith('eku-client-auth'))) {
    problems.push('eku-client-auth: Extended Key Usage does not list Client Authentication, which 1E requires');
  }
  if (!hostname) problems.push("subject-hostname: no subject CN or DNS name to match the device's host name");
  return problems;
}

/** The device a certificate names (its CN), for the stand-in's log and answers. */
function deviceName(cert: X509Certificate): string | undefined {
  return commonName(cert) ?? undefined;
}

function crlPem(der: Buffer): string {
  return toPem('X509 CRL', der);
}

interface TlsMaterial {
  key: string;
  cert: string;
  ca: string[];
  crl: string[];
  stamp: string;
}

async function loadCrls(lab: Lab): Promise<{ crl: string[]; stamp: string }> {
  const cas: CaName[] = lab.intermediate ? ['root', 'intermediate'] : ['root'];
  const crl: string[] = [];
  const stamps: string[] = [];
  for (const ca of cas) {
    const p = labPaths(lab.dir).crl(ca);
    let der: Buffer;
    try {
      der = await fs.readFile(p);
    } catch {
      throw new OnboardError(
        'lab-no-crl',
        `${p} is missing, so the Switch stand-in cannot check revocation.`,
        'Run `onboard lab crl --dir ...` first.',
      );
    }
    crl.push(crlPem(der));
    stamps.push(crlStamp(p));
  }
  return { crl, stamp: stamps.join('|') };
}

function crlStamp(p: string): string {
  try {
    const s = statSync(p);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

async function serverCredentials(lab: Lab, o: LabServerOptions, host: string): Promise<{ key: string; cert: string }> {
  if (o.serverCertificate) return { key: o.serverCertificate.keyPem, cert: o.serverCertificate.certPem };
  if (o.caPassword === undefined) {
    throw new OnboardError(
      'lab-serve-needs-password',
      'The Switch stand-in needs a server certificate from the lab CA.',
      'Give the CA password (--ca-password-env VAR), or a certificate made by `onboard lab server-cert` with --cert and --key.',
    );
  }
  const issuerKey: KeyObject = await unlockCa(lab, lab.issuerName, o.caPassword);
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const dnsNames = ['localhost'];
  const ipAddresses = ['127.0.0.1', '::1'];
  if (/^[0-9.]+$/.test(host) || host.includes(':')) {
    if (!ipAddresses.includes(host) && host !== '0.0.0.0' && host !== '::') ipAddresses.push(host);
  } else if (!dnsNames.includes(host)) dnsNames.push(host);
  const cert = buildServerCertificate(lab, issuerKey, privateKey, { dnsNames, ipAddresses });
  const chain = lab.intermediate ? [lab.intermediate] : [];
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: [cert, ...chain].map((c) => c.toString()).join(''),
  };
}

function listen(server: HttpServer | HttpsServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(
        new OnboardError(
          'port-in-use',
          e.code === 'EADDRINUSE'
            ? `Port ${port} on ${host} is already in use.`
            : `Cannot listen on ${host}:${port}: ${describeError(e)}`,
          e.code === 'EACCES'
            ? 'Ports below 1024 need root; choose a higher port.'
            : 'Stop the other program, or choose another port.',
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const urlHost = (h: string) => (h.includes(':') ? `[${h}]` : h);

/**
 * Starts the CRL server and the Switch stand-in for a lab directory. The stand-in verifies each
 * client certificate the way a Switch does (OpenSSL: chain, CRL of every CA, clientAuth purpose;
 * rejected handshakes get OpenSSL's alert), then checks the rest of the 1E requirements and closes
 * the connection of a device that fails them. CRL files are re-read when they change on disk.
 */
export async function startLabServer(o: LabServerOptions): Promise<LabServer> {
  const host = o.host ?? '127.0.0.1';
  const lab = await openLab(o.dir);
  const log = (e: Omit<LabServerEvent, 'time'>) => o.log?.({ time: new Date().toISOString(), ...e });
  const basePath = new URL(lab.config.crlBaseUrl).pathname.replace(/\/+$/, '');

  // --- CRL server
  const crlNames = new Set(lab.intermediate ? ['root.crl', 'intermediate.crl'] : ['root.crl']);
  const http = createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const name = path.startsWith(basePath + '/') ? path.slice(basePath.length + 1) : '';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (!crlNames.has(name)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    fs.readFile(labPaths(lab.dir).crl(name.replace(/\.crl$/, '') as CaName)).then(
      (der) => {
        res.writeHead(200, {
          'content-type': 'application/pkix-crl',
          'content-length': der.length,
          'cache-control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : der);
        log({
          kind: 'crl-served',
          remoteAddress: req.socket.remoteAddress,
          message: `served ${name} to ${req.socket.remoteAddress}`,
        });
      },
      () => {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('CRL not published yet; run onboard lab crl\n');
      },
    );
  });

  // --- Switch stand-in
  const creds = await serverCredentials(lab, o, host);
  const caCerts = issuerChain(lab);
  const caPems = caCerts.map((c) => c.toString());
  let material: TlsMaterial = { ...creds, ca: caPems, ...(await loadCrls(lab)) };
  const tlsOptions = (m: TlsMaterial) => ({
    key: m.key,
    cert: m.cert,
    ca: m.ca,
    crl: m.crl,
    // Node decides after the handshake (it cannot make OpenSSL abort it), so the verdict is read in
    // 'secureConnection' and a rejected device's socket is closed, as a Switch closes it.
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2' as const,
  });
  const https = createHttpsServer(tlsOptions(material), (_req, res) => {
    res
      .writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
      .end('This is a Switch stand-in: connect with a WebSocket (wss).\n');
  });
  // Runs before TLS starts on each connection, so a CRL published a moment ago is already in force.
  https.prependListener('connection', (_socket: Socket) => {
    const stamp = (lab.intermediate ? (['root', 'intermediate'] as const) : (['root'] as const))
      .map((ca) => crlStamp(labPaths(lab.dir).crl(ca)))
      .join('|');
    if (stamp === material.stamp) return;
    try {
      const crl = (lab.intermediate ? (['root', 'intermediate'] as const) : (['root'] as const)).map((ca) =>
        crlPem(readFileSync(labPaths(lab.dir).crl(ca))),
      );
      material = { ...material, crl, stamp };
      https.setSecureContext(tlsOptions(material));
      log({ kind: 'crl-reloaded', message: 'CRL files changed on disk; the Switch stand-in now uses the new CRLs' });
    } catch (e) {
      log({
        kind: 'crl-reloaded',
        message: `could not reload the CRLs (${describeError(e)}); keeping the previous ones`,
      });
    }
  });
  https.on('tlsClientError', (err: Error & { code?: string }, socket: TLSSocket) => {
    let device: string | undefined;
    let serial: string | undefined;
    try {
      const peer = socket.getPeerX509Certificate();
      if (peer) {
        device = deviceName(peer);
        serial = peer.serialNumber.toLowerCase();
      }
    } catch {
      // no certificate to name the device by
    }
    const reason = reasonOf(err);
    log({
      kind: 'rejected',
      device,
      serial,
      remoteAddress: socket.remoteAddress,
      reason,
      message: `rejected ${device ?? 'a device'} from ${socket.remoteAddress ?? '?'}: ${reason}`,
    });
  });
  https.on('secureConnection', (socket: TLSSocket) => {
    const peer = socket.getPeerX509Certificate();
    const device = peer ? deviceName(peer) : undefined;
    const serial = peer?.serialNumber.toLowerCase();
    let problems: string[];
    if (!peer) problems = ['the device sent no client certificate'];
    else if (!socket.authorized) {
      const code = String(socket.authorizationError ?? 'UNKNOWN');
      problems = [TLS_REASONS[code] ?? `certificate verification failed (${code})`];
    } else problems = switchRequirementProblems(peer, caCerts);
    if (problems.length) {
      const reason = problems.join('; ');
      log({
        kind: 'rejected',
        device,
        serial,
        remoteAddress: socket.remoteAddress,
        reason,
        message: `rejected ${device ?? 'a device'} from ${socket.remoteAddress ?? '?'}: ${reason}`,
      });
      socket.destroy();
      return;
    }
    log({
      kind: 'accepted',
      device,
      serial,
      remoteAddress: socket.remoteAddress,
      message: `accepted ${device} (serial ${serial}) from ${socket.remoteAddress ?? '?'}`,
    });
  });
  const wss = new WebSocketServer({ server: https });
  wss.on('connection', (ws, req) => {
    const peer = (req.socket as TLSSocket).getPeerX509Certificate();
    ws.send(JSON.stringify({ switch: 'onboard-lab-stand-in', device: peer ? deviceName(peer) : null }));
    ws.on('message', () => ws.send(JSON.stringify({ ok: true })));
  });
  wss.on('error', () => undefined);

  let httpPort: number;
  let switchPort: number;
  try {
    httpPort = await listen(http, o.httpPort, host);
    switchPort = await listen(https, o.switchPort, host);
  } catch (e) {
    http.close();
    https.close();
    wss.close();
    throw e;
  }

  let closed: Promise<void> | undefined;
  return {
    crlUrl: `http://${urlHost(host)}:${httpPort}${basePath}`,
    switchUrl: `wss://${urlHost(host)}:${switchPort}`,
    close() {
      closed ??= (async () => {
        for (const c of wss.clients) c.terminate();
        await new Promise<void>((r) => wss.close(() => r()));
        https.closeAllConnections();
        http.closeAllConnections();
        await Promise.all([
          new Promise<void>((r) => https.close(() => r())),
          new Promise<void>((r) => http.close(() => r())),
        ]);
      })();
      return closed;
    },
  };
}
