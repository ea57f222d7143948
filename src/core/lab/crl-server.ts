// The lab's CRL server: serves each CA's CRL over HTTP at the CRL distribution point's path (and OCSP when it shares the port), and reads the CRL files for the Switch stand-in.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { promises as fs, statSync } from 'node:fs';
import { OnboardError } from '../errors';
import { toPem } from '../pki/der';
import { labPaths, type Lab, type CaName } from './pki';
import type { LabServerLog } from './serve-events';

/** A DER CRL as the PEM node's TLS options take. */
export function crlPem(der: Buffer): string {
  return toPem('X509 CRL', der);
}

/** Every CA's CRL of the lab (PEM), and a stamp that changes when any of the files does. */
export async function loadCrls(lab: Lab): Promise<{ crl: string[]; stamp: string }> {
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
        "Publish the lab's CRLs first.",
        { file: p },
      );
    }
    crl.push(crlPem(der));
    stamps.push(crlStamp(p));
  }
  return { crl, stamp: stamps.join('|') };
}

/** What tells a CRL file changed on disk: modification time, size and inode. */
export function crlStamp(p: string): string {
  try {
    const s = statSync(p);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

/** Where OCSP is answered on the same HTTP server, when it is. */
export interface OcspRoute {
  /** The responder URL's path without a trailing slash ('' at the server's root). */
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, path: string): void;
}

/**
 * The CRL server for a lab: GET or HEAD of BASE_PATH/root.crl (and /intermediate.crl), read from disk on each
 * request; and OCSP at its path when the lab answers OCSP on the same port.
 */
export function createCrlServer(lab: Lab, basePath: string, log: LabServerLog, ocsp?: OcspRoute): HttpServer {
  const crlNames = new Set(lab.intermediate ? ['root.crl', 'intermediate.crl'] : ['root.crl']);
  return createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const name = path.startsWith(basePath + '/') ? path.slice(basePath.length + 1) : '';
    const crlAsked = crlNames.has(name) && (req.method === 'GET' || req.method === 'HEAD');
    // CRLs first, so an OCSP responder at the server's root still leaves the CRL paths alone.
    if (ocsp && !crlAsked && (path === (ocsp.path || '/') || path.startsWith(ocsp.path + '/'))) {
      ocsp.handle(req, res, ocsp.path);
      return;
    }
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
}
