// `onboard lab serve`: starts the lab's CRL server and its Switch stand-in together, and stops them together.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { OnboardError, describeError } from '../errors';
import { openLab } from './pki';
import { createCrlServer } from './crl-server';
import { createSwitchStandIn, type StandInCredentials } from './switch-stand-in';
import type { LabServerEvent } from './serve-events';

export type { LabServerEvent } from './serve-events';

export interface LabServerOptions extends StandInCredentials {
  dir: string;
  /** Address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** 0 = an ephemeral port. */
  httpPort: number;
  switchPort: number;
  log?: (e: LabServerEvent) => void;
}

export interface LabServer {
  /** Base URL the CRLs are served under, e.g. http://127.0.0.1:8080/crl (append /root.crl). */
  crlUrl: string;
  /** wss://host:port of the Switch stand-in. */
  switchUrl: string;
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
  const http = createCrlServer(lab, basePath, log);
  const { https, wss } = await createSwitchStandIn(lab, o, host, log);

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
