// The lab's OCSP responder: answers RFC 6960 requests (POST or GET) from the lab's records as they are on disk at each
// request, signed by delegated responder certificates the lab CAs issue for themselves (OCSP Signing, ocsp-nocheck).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promises as fs } from 'node:fs';
import { createPrivateKey, generateKeyPair, type KeyObject, type X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { OnboardError, describeError } from '../errors';
import { buildCertificate } from '../pki/build';
import { certificateDetails } from '../pki/inspect';
import { commonName } from '../pki/names';
import { certIdNamesIssuer, parseOcspRequest, type CertId } from '../pki/ocsp';
import {
  RESPONSE_STATUS,
  encodeOcspError,
  encodeOcspResponse,
  type AnswerSpec,
  type CertStatus,
} from '../pki/ocsp-response';
import { crlStamp } from './crl-server';
import { labPaths, serialOf, subjectLine, unlockCa, type CaName, type Lab, type LabIndex } from './pki';
import type { LabServerLog } from './serve-events';

const generateKeyPairAsync = promisify(generateKeyPair);
const DAY = 86_400_000;
/** How long a client may keep an answer: short, so a revocation reaches a caching client soon too. */
export const ANSWER_LIFETIME_MS = 10 * 60_000;
/** Responder certificates are short-lived (RFC 6960 4.2.2.2.1 for ocsp-nocheck) and renewed while serving. */
const RESPONDER_DAYS = 30;
/** A request names one certificate or a few; nothing larger is read. */
const MAX_REQUEST_BYTES = 16 * 1024;

/** A lab CA the responder answers for: its certificate, its key, and the responder certificate it issued. */
interface Authority {
  ca: X509Certificate;
  key: KeyObject;
  /** Which index records it issued ('intermediate' for retired intermediates too: serials tell them apart). */
  name: CaName;
  responder?: { certificate: X509Certificate; key: KeyObject };
}

export interface LabOcspResponder {
  /** Answers one HTTP request at the responder's path (POST body, or GET with the request after the path). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): void;
}

/**
 * Opens every CA key of the lab (root, intermediate, retired intermediates) with the CA password, so that
 * each can certify its own responder. A lab changed by `lab intermediate` while serving needs a restart,
 * as the Switch stand-in does; until then certificates of the new intermediate are answered "unknown".
 */
export async function createLabOcspResponder(
  lab: Lab,
  caPassword: string,
  log: LabServerLog,
  clock: () => Date = () => new Date(),
): Promise<LabOcspResponder> {
  const authorities: Authority[] = [{ ca: lab.root, key: await unlockCa(lab, 'root', caPassword), name: 'root' }];
  if (lab.intermediate)
    authorities.push({
      ca: lab.intermediate,
      key: await unlockCa(lab, 'intermediate', caPassword),
      name: 'intermediate',
    });
  for (const old of lab.retired ?? []) {
    const key = await retiredKey(lab, old, caPassword);
    if (key) authorities.push({ ca: old, key, name: 'intermediate' });
  }
  const issuing = authorities[lab.intermediate ? 1 : 0]!;
  const records = liveIndex(lab);

  const answer = async (body: Buffer): Promise<{ bytes: Buffer; summary: string; serials: string[] }> => {
    let request: ReturnType<typeof parseOcspRequest>;
    try {
      request = parseOcspRequest(body);
    } catch (e) {
      return {
        bytes: encodeOcspError(RESPONSE_STATUS.malformedRequest),
        summary: `malformed request (${describeError(e)})`,
        serials: [],
      };
    }
    let index: LabIndex;
    try {
      index = await records();
    } catch (e) {
      return {
        bytes: encodeOcspError(RESPONSE_STATUS.internalError),
        summary: `index.json unreadable (${describeError(e)})`,
        serials: [],
      };
    }
    const now = clock();
    // One signer per response: the CA of the first certificate asked about (else the issuing CA); anything
    // another CA issued in the same request is answered "unknown", never "good".
    const signerOf = (id: CertId) => authorities.find((a) => certIdNamesIssuer(id, a.ca));
    const signing = signerOf(request.certIds[0]!) ?? issuing;
    const answers: AnswerSpec[] = request.certIds.map((certId) => {
      const status =
        signerOf(certId) === signing ? statusOf(index, signing, certId.serial) : { status: 'unknown' as const };
      return { certId, thisUpdate: now, nextUpdate: new Date(now.getTime() + ANSWER_LIFETIME_MS), ...status };
    });
    const responder = await responderOf(lab, signing, now);
    const bytes = encodeOcspResponse({
      answers,
      signer: responder,
      producedAt: now,
      ...(request.nonceExtension ? { nonceExtension: request.nonceExtension } : {}),
    });
    const summary = answers
      .map((a) => {
        const r = index.issued.find((x) => x.serial === serialOf(a.certId.serial));
        return `${r ? `${subjectLine(r)} ` : ''}(serial ${a.certId.serial}): ${a.status}`;
      })
      .join(', ');
    return { bytes, summary, serials: answers.map((a) => a.certId.serial) };
  };

  return {
    handle(req, res, path) {
      const send = (status: number, bytes?: Buffer) => {
        if (!bytes) return void res.writeHead(status, { allow: 'GET, POST' }).end();
        res.writeHead(status, {
          'content-type': 'application/ocsp-response',
          'content-length': bytes.length,
          'cache-control': 'max-age=0, no-cache',
        });
        res.end(bytes);
      };
      const reply = (body: Buffer) =>
        answer(body).then(
          (a) => {
            send(200, a.bytes);
            log({
              kind: 'ocsp-answered',
              remoteAddress: req.socket.remoteAddress,
              ...(a.serials.length === 1 ? { serial: a.serials[0] } : {}),
              message: `answered OCSP for ${a.summary} to ${req.socket.remoteAddress}`,
            });
          },
          () => send(200, encodeOcspError(RESPONSE_STATUS.internalError)),
        );
      if (req.method === 'GET') {
        const encoded = (req.url ?? '').split('?')[0]!.slice(path.length + 1);
        let body: Buffer;
        try {
          body = Buffer.from(decodeURIComponent(encoded), 'base64');
        } catch {
          body = Buffer.alloc(0);
        }
        void reply(body);
        return;
      }
      if (req.method !== 'POST') return send(405);
      req.on('error', () => undefined); // a client that hangs up mid-request is no concern of the lab's
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_REQUEST_BYTES) {
          send(413);
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (size <= MAX_REQUEST_BYTES) void reply(Buffer.concat(chunks));
      });
    },
  };
}

/**
 * What the records say about a serial the CA `a` issued: unknown unless the lab recorded that CA issuing it. Records
 * name the CA by role and, since the OCSP responder, by key identifier, which tells an intermediate's generations
 * apart; for older records the 128 random bits of a serial still tell devices apart.
 */
function statusOf(index: LabIndex, a: Authority, serial: string): { status: CertStatus; revokedAt?: Date } {
  const keyId = certificateDetails(a.ca).subjectKeyId;
  const record = index.issued.find(
    (r) =>
      r.issuer === a.name &&
      r.serial === serialOf(serial) &&
      (r.issuerKeyId === undefined || keyId === undefined || r.issuerKeyId === keyId),
  );
  if (!record) return { status: 'unknown' };
  if (record.revokedAt) return { status: 'revoked', revokedAt: new Date(record.revokedAt) };
  return { status: 'good' };
}

/** index.json read again whenever it changed on disk (modification time, size, inode), so `lab revoke` shows at once. */
function liveIndex(lab: Lab): () => Promise<LabIndex> {
  const path = labPaths(lab.dir).index;
  let cached: { stamp: string; index: LabIndex } | undefined;
  return async () => {
    const stamp = crlStamp(path);
    if (cached?.stamp === stamp) return cached.index;
    const index = JSON.parse(await fs.readFile(path, 'utf8')) as LabIndex;
    if (!Array.isArray(index.issued)) throw new Error('index.json has no list of issued certificates');
    cached = { stamp, index };
    return index;
  };
}

/** The responder certificate of one CA, issued on first use and again when less than a day is left. */
async function responderOf(
  lab: Lab,
  a: Authority,
  now: Date,
): Promise<{ certificate: X509Certificate; key: KeyObject }> {
  const left = a.responder ? new Date(a.responder.certificate.validTo).getTime() - now.getTime() : 0;
  if (a.responder && left > DAY) return a.responder;
  // EC P-256: made in a moment, and every OCSP client reads ECDSA signatures.
  const { privateKey } = await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
  const certificate = buildCertificate({
    subject: { organization: lab.config.name, commonName: `${commonName(a.ca) ?? lab.config.name} OCSP Responder` },
    publicKey: privateKey,
    signer: { key: a.key, certificate: a.ca },
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + RESPONDER_DAYS * DAY),
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['ocspSigning'],
    ocspNoCheck: true,
  });
  a.responder = { certificate, key: privateKey };
  return a.responder;
}

async function retiredKey(lab: Lab, cert: X509Certificate, password: string): Promise<KeyObject | undefined> {
  try {
    const text = await fs.readFile(labPaths(lab.dir).retiredKey(serialOf(cert.serialNumber)), 'utf8');
    return createPrivateKey({ key: text, format: 'pem', passphrase: password });
  } catch {
    return undefined; // its certificates are then answered "unknown", never "good"
  }
}

/** Refuses to serve OCSP without the CA password: the responder certificates are issued by the lab CAs. */
export function needsCaPassword(): OnboardError {
  return new OnboardError(
    'lab-serve-needs-password',
    "This lab answers OCSP, and its responder certificates are issued by the lab's CAs.",
    'Give the CA password.',
    { needs: 'ocsp-responder' },
  );
}
