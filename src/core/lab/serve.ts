// `onboard lab serve`: starts the lab's CRL server, its OCSP responder (when the lab has one) and its Switch stand-in
// together, and stops them together.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { OnboardError, describeError } from '../errors';
import { openLab } from './pki';
import { createCrlServer, type OcspRoute } from './crl-server';
import { createLabOcspResponder, needsCaPassword } from './ocsp-responder';
import { createSwitchStandIn, type StandInCredentials } from './switch-stand-in';
import type { LabServerEvent } from './serve-events';

export type { LabServerEvent } from './serve-events';

export interface LabServerOptions extends StandInCredentials {
  dir: string;
  /** Address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** 0 = an ephemeral port. */
  httpPort: number;
  /** Where OCSP is answered when the lab has an OCSP URL: by default on the CRL server, else its own port (0 = any). */
  ocspPort?: number;
  switchPort: number;
  log?: (e: LabServerEvent) => void;
}

export interface LabServer {
  /** Base URL the CRLs are served under, e.g. http://127.0.0.1:8080/crl (append /root.crl). */
  crlUrl: string;
  /** wss://host:port of the Switch stand-in. */
  switchUrl: string;
  /** Where OCSP is answered, when the lab has an OCSP URL. */
  ocspUrl?: string;
  close(): Promise<void>;
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
 * Starts the CRL server and the Switch stand-in for a lab directory (see crl-server.ts and
 * switch-stand-in.ts); both listen on the same host.
 */
export async function startLabServer(o: LabServerOptions): Promise<LabServer> {
  const host = o.host ?? '127.0.0.1';
  const lab = await openLab(o.dir);
  const log = (e: Omit<LabServerEvent, 'time'>) => o.log?.({ time: new Date().toISOString(), ...e });
  const basePath = new URL(lab.config.crlBaseUrl).pathname.replace(/\/+$/, '');
  let ocsp: OcspRoute | undefined;
  if (lab.config.ocspUrl) {
    if (o.caPassword === undefined) throw needsCaPassword();
    const responder = await createLabOcspResponder(lab, o.caPassword, log);
    ocsp = { path: new URL(lab.config.ocspUrl).pathname.replace(/\/+$/, ''), handle: responder.handle };
  }
  // Port 0 asks for an ephemeral port of its own; the CRLs' own port number means "share the CRL server".
  const ownOcspPort = ocsp !== undefined && o.ocspPort !== undefined && (o.ocspPort === 0 || o.ocspPort !== o.httpPort);
  const http = createCrlServer(lab, basePath, log, ownOcspPort ? undefined : ocsp);
  const ocspHttp = ownOcspPort && ocsp ? ocspOnlyServer(ocsp) : undefined;
  const { https, wss } = await createSwitchStandIn(lab, o, host, log);

  let httpPort: number;
  let switchPort: number;
  let ocspPort: number | undefined;
  try {
    httpPort = await listen(http, o.httpPort, host);
    if (ocspHttp) ocspPort = await listen(ocspHttp, o.ocspPort!, host);
    switchPort = await listen(https, o.switchPort, host);
  } catch (e) {
    http.close();
    ocspHttp?.close();
    https.close();
    wss.close();
    throw e;
  }

  let closed: Promise<void> | undefined;
  return {
    crlUrl: `http://${urlHost(host)}:${httpPort}${basePath}`,
    switchUrl: `wss://${urlHost(host)}:${switchPort}`,
    ...(ocsp ? { ocspUrl: `http://${urlHost(host)}:${ocspPort ?? httpPort}${ocsp.path || '/'}` } : {}),
    close() {
      closed ??= (async () => {
        for (const c of wss.clients) c.terminate();
        await new Promise<void>((r) => wss.close(() => r()));
        https.closeAllConnections();
        http.closeAllConnections();
        ocspHttp?.closeAllConnections();
        await Promise.all([
          new Promise<void>((r) => https.close(() => r())),
          new Promise<void>((r) => http.close(() => r())),
          ...(ocspHttp ? [new Promise<void>((r) => ocspHttp.close(() => r()))] : []),
        ]);
      })();
      return closed;
    },
  };
}

/** OCSP on a port of its own (the OCSP URL names another port than the CRLs'). */
function ocspOnlyServer(ocsp: OcspRoute): HttpServer {
  return createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === (ocsp.path || '/') || path.startsWith(ocsp.path + '/')) ocsp.handle(req, res, ocsp.path);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
}
