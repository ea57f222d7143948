// OCSP peers for the tests: `openssl ocsp -index ... -port ...` as the responder, and a relay in front of it that
// can refuse POST or swap the request for another one made by `openssl ocsp -reqout` (answers OpenSSL really made).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { freeLoopbackPort } from '../../support/net';

export interface OpensslResponder {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** Waits for `openssl ocsp` to print ACCEPT (on stdout); what it printed instead when it exits or stays silent. */
function waitForAccept(child: ChildProcess): Promise<string | null> {
  return new Promise((resolve) => {
    let err = '';
    const timer = setTimeout(() => resolve(err), 15_000);
    const seen = (d: Buffer) => {
      err += d.toString();
      if (err.includes('ACCEPT')) {
        clearTimeout(timer);
        resolve(null);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

/**
 * Starts OpenSSL's own responder on `port` (chosen beforehand, as the URL goes into certificates):
 * it answers from a CA database (`openssl ca`'s index.txt, re-read when it changes) for the CA `ca`,
 * signing with `rsigner`/`rkey`. `extra` takes more `openssl ocsp` options (-nmin, -resp_key_id...).
 */
export async function startOpensslResponder(o: {
  port: number;
  index: string;
  ca: string;
  rsigner: string;
  rkey: string;
  extra?: string[];
}): Promise<OpensslResponder> {
  const argv = [
    'ocsp',
    '-index',
    o.index,
    '-port',
    String(o.port),
    '-CA',
    o.ca,
    '-rsigner',
    o.rsigner,
    '-rkey',
    o.rkey,
  ];
  argv.push(...(o.extra ?? []));
  const child = spawn('openssl', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const failure = await waitForAccept(child);
  if (failure !== null) {
    child.kill('SIGKILL');
    throw new Error(`openssl ${argv.join(' ')} did not start: ${failure}`);
  }
  return {
    port: o.port,
    url: `http://127.0.0.1:${o.port}/ocsp`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** POSTs DER to a responder and gives back its answer's bytes. */
export function postOcsp(url: string, body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/ocsp-request', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface Relay {
  url: string;
  /** What the relay does with the next requests. */
  mode: { refusePost?: boolean; replaceRequest?: Buffer };
  /** The methods it received, in order. */
  methods: string[];
  stop(): Promise<void>;
}

/**
 * A relay in front of a responder: it passes requests through (GET requests are read as RFC 6960's
 * base64 path), or sends `replaceRequest` instead of what it received, or refuses POST with 405.
 */
export async function startRelay(upstream: string): Promise<Relay> {
  const port = await freeLoopbackPort();
  const relay: Relay = { url: `http://127.0.0.1:${port}/ocsp`, mode: {}, methods: [], stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    relay.methods.push(req.method ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && relay.mode.refusePost) {
        res.writeHead(405, { allow: 'GET' }).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.method === 'GET') {
        const encoded = (req.url ?? '').replace(/^\/ocsp\//, '');
        body = Buffer.from(decodeURIComponent(encoded), 'base64');
      }
      postOcsp(upstream, relay.mode.replaceRequest ?? body).then(
        (answer) => res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(answer),
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  relay.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return relay;
}
