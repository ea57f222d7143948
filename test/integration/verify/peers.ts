// Real peers for the verification tests: openssl s_server as the Switch, and identities read
// from the OpenSSL-made test PKI.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { ClientIdentity } from '../../../src/core/verify/switch-probe';
import type { IssuedCert, TestCa } from '../../support/openssl';
import { freeLoopbackPort } from '../../support/net';

/** The verification tests' name for a free loopback port. */
export const freePort = freeLoopbackPort;

export interface SwitchStandIn {
  port: number;
  address: string;
  stop(): Promise<void>;
}

/**
 * How s_server treats client certificates: `require` (-Verify, the 1E Switch's way: demand one and
 * fail verification hard), `request` (-verify: ask, but go on without one) or `none` (never ask).
 */
export type ClientCertMode = 'require' | 'request' | 'none';

/**
 * Starts `openssl s_server` on 127.0.0.1 as the Switch: by default it demands a client certificate
 * and fails verification hard, like the 1E Switch's OpenSSL. Resolves once it prints ACCEPT.
 * It answers any request with an HTTP 200 status page (-www), so it also serves as an HTTPS server.
 */
export async function startOpensslSwitch(args: {
  cert: string;
  key: string;
  caFile: string;
  /** CA certificates sent after the server's own (s_server -cert_chain). */
  certChain?: string;
  crl?: string;
  version?: 'tls1_2' | 'tls1_3';
  clientCert?: ClientCertMode;
  cipher?: string;
}): Promise<SwitchStandIn> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    const argv = [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      args.cert,
      '-key',
      args.key,
      '-CAfile',
      args.caFile,
      '-www',
    ];
    const mode = args.clientCert ?? 'require';
    if (mode === 'require') argv.push('-Verify', '1', '-verify_return_error');
    else if (mode === 'request') argv.push('-verify', '1');
    if (args.certChain) argv.push('-cert_chain', args.certChain);
    if (args.crl) argv.push('-crl_check', '-CRL', args.crl);
    if (args.version) argv.push(`-${args.version}`);
    if (args.cipher) argv.push('-cipher', args.cipher);
    const child = spawn('openssl', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const ok = await waitForAccept(child);
    if (ok) {
      return {
        port,
        address: `127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    child.kill('SIGKILL');
  }
  throw new Error('openssl s_server did not start');
}

function waitForAccept(child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(false), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ACCEPT')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** An identity as the probe takes it, from PEM files the test CA wrote. */
export async function identityFrom(issued: IssuedCert, chain: TestCa[] = []): Promise<ClientIdentity> {
  return {
    key: createPrivateKey(await readFile(issued.keyPath)),
    certificate: new X509Certificate(issued.certPem),
    chain: chain.map((ca) => new X509Certificate(ca.certPem)),
  };
}

export const cert = (pem: string) => new X509Certificate(pem);

/** What the test web server answers on one path. */
export interface Route {
  status?: number;
  body?: Buffer | string;
  contentType?: string;
  redirectTo?: string;
  hang?: boolean;
}

export interface FileServer {
  port: number;
  base: string;
  routes: Map<string, Route>;
  requests: string[];
  stop(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 answering from a route table the test can change. */
export async function startFileServer(): Promise<FileServer> {
  const { createServer: createHttp } = await import('node:http');
  const routes = new Map<string, Route>();
  const requests: string[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const srv = createHttp((req, res) => {
    requests.push(req.url ?? '');
    const r = routes.get(req.url ?? '');
    if (!r) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    if (r.hang) {
      hanging.add(res);
      return;
    }
    if (r.redirectTo) {
      res.writeHead(r.status ?? 302, { location: r.redirectTo });
      res.end();
      return;
    }
    res.writeHead(r.status ?? 200, { 'content-type': r.contentType ?? 'application/pkix-crl' });
    res.end(r.body ?? '');
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    routes,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const h of hanging) h.destroy();
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}

/**
 * Runs the thunks one after another. `openssl ca` keeps its serial and index in files, so two
 * issues or revocations on the same CA at once can corrupt them.
 */
export async function inTurn<T extends Array<() => Promise<unknown>>>(
  thunks: [...T],
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const out: unknown[] = [];
  for (const t of thunks) out.push(await t());
  return out as { [K in keyof T]: Awaited<ReturnType<T[K]>> };
}
