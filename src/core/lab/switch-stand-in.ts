// The lab's Switch stand-in: a wss server that judges each client certificate the way a 1E Switch does and says why it rejects one.
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { X509Certificate, KeyObject, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { WebSocketServer } from 'ws';
import { OnboardError, describeError } from '../errors';
import { commonName } from '../pki/names';
import { checkClientCertificate } from '../pki/requirements';
import { unlockCa, buildServerCertificate, issuerChain, labPaths, type Lab } from './pki';
import { crlPem, crlStamp, loadCrls } from './crl-server';
import type { LabServerLog } from './serve-events';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The stand-in's own certificate and key. */
export interface StandInCredentials {
  /** Server certificate and key (PEM, certificate first then chain) for the stand-in; without them one is issued in memory with the CA password. */
  serverCertificate?: { certPem: string; keyPem: string };
  caPassword?: string;
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

interface TlsMaterial {
  key: string;
  cert: string;
  ca: string[];
  crl: string[];
  stamp: string;
}

async function serverCredentials(
  lab: Lab,
  o: StandInCredentials,
  host: string,
): Promise<{ key: string; cert: string }> {
  if (o.serverCertificate) return { key: o.serverCertificate.keyPem, cert: o.serverCertificate.certPem };
  if (o.caPassword === undefined) {
    throw new OnboardError(
      'lab-serve-needs-password',
      'The Switch stand-in needs a server certificate from the lab CA.',
      'Give the CA password, or a server certificate and its key issued by the lab CA.',
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

/**
 * The Switch stand-in for a lab, not yet listening. It verifies each client certificate the way a
 * Switch does (OpenSSL: chain, CRL of every CA, clientAuth purpose; rejected handshakes get
 * OpenSSL's alert), then checks the rest of the 1E requirements and closes the connection of a
 * device that fails them. CRL files are re-read when they change on disk.
 */
export async function createSwitchStandIn(
  lab: Lab,
  o: StandInCredentials,
  host: string,
  log: LabServerLog,
): Promise<{ https: HttpsServer; wss: WebSocketServer }> {
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

  return { https, wss };
}
