// Specification: verify's independent checks (the Switch, the Background Channel, each CRL) run at once, and
// their progress is still reported per check in the list's order. Proven without clocks: every peer holds its
// answer until all of them have been contacted, so checks run one after another could only time out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import { makeTestPki, type TestPki } from '../../support/openssl';
import { runVerification, type ClientIdentity, type VerifyProgress } from '../../../src/core/verify/verify';
import { cert, freePort, identityFrom, inTurn } from './peers';

/** Resolves once `n` peers have been contacted; no peer answers before that. */
function barrier(n: number) {
  let arrived = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const seen: string[] = [];
  return {
    seen,
    arrive(who: string): Promise<void> {
      seen.push(who);
      if (++arrived === n) open();
      return opened;
    },
  };
}

let pki: TestPki;
let cas: X509Certificate[];
let device: ClientIdentity;
let crlWeb: HttpServer;
let background: HttpsServer;
let switchPeer: TlsServer;
let crlBody: Record<string, Buffer> = {};
let gate = barrier(4);
const held = new Set<TLSSocket>();
const ports = { crl: 0, background: 0, switch: 0 };

beforeAll(async () => {
  ports.crl = await freePort();
  pki = await makeTestPki({ intermediate: true, crlBaseUrl: `http://127.0.0.1:${ports.crl}` });
  const [server, issued] = await inTurn([
    () => pki.issuer.issue('server', { cn: 'localhost', sans: ['localhost', 'IP:127.0.0.1'], eku: 'serverAuth' }),
    () => pki.issuer.issue('device', { cn: 'MAC01.local' }),
  ]);
  device = await identityFrom(issued, [pki.intermediate!]);
  cas = [cert(pki.root.certPem), cert(pki.intermediate!.certPem)];
  const [intermediateCrl, rootCrl] = await inTurn([() => pki.issuer.crl(), () => pki.root.crl()]);
  crlBody = { '/intermediate.crl': readFileSync(intermediateCrl.derPath), '/root.crl': readFileSync(rootCrl.derPath) };
  const tlsIdentity = {
    cert: readFileSync(server.certPath),
    key: readFileSync(server.keyPath),
    ca: [pki.root.certPem, pki.intermediate!.certPem],
    requestCert: true,
    rejectUnauthorized: true,
  };
  crlWeb = createHttpServer((req, res) => {
    void gate.arrive(`crl ${req.url}`).then(() => {
      res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crlBody[req.url ?? ''] ?? '');
    });
  });
  background = createHttpsServer(tlsIdentity, (_req, res) => {
    void gate.arrive('background-channel').then(() => res.writeHead(200).end('ok'));
  });
  switchPeer = createTlsServer(tlsIdentity, (s) => {
    held.add(s);
    s.on('error', () => undefined);
    s.on('close', () => held.delete(s));
    s.once('data', () => {
      void gate.arrive('switch').then(() => s.write('HTTP/1.1 101 Switching Protocols\r\n\r\n'));
    });
  });
  [ports.background, ports.switch] = [await freePort(), await freePort()];
  await Promise.all([
    new Promise<void>((r) => crlWeb.listen(ports.crl, '127.0.0.1', r)),
    new Promise<void>((r) => background.listen(ports.background, '127.0.0.1', r)),
    new Promise<void>((r) => switchPeer.listen(ports.switch, '127.0.0.1', r)),
  ]);
});

afterAll(async () => {
  for (const s of held) s.destroy();
  crlWeb?.closeAllConnections();
  background?.closeAllConnections();
  await Promise.all([
    new Promise((r) => crlWeb?.close(r)),
    new Promise((r) => background?.close(r)),
    new Promise((r) => switchPeer?.close(r)),
  ]);
  await pki?.cleanup();
});

describe('runVerification with peers that answer only once all of them are asked', () => {
  it('asks the Switch, the Background Channel and both CRLs at once, and reports them in the usual order', async () => {
    gate = barrier(4);
    const events: VerifyProgress[] = [];
    const r = await runVerification({
      switchAddress: `127.0.0.1:${ports.switch}`,
      backgroundUrl: `https://127.0.0.1:${ports.background}/Background/`,
      identity: device,
      caCertificates: cas,
      // Far beyond the test's timeout: one check waiting for another could not finish in time.
      timeoutMs: 600_000,
      onProgress: (e) => events.push(e),
    });
    expect(gate.seen.sort()).toEqual(['background-channel', 'crl /intermediate.crl', 'crl /root.crl', 'switch']);
    const status = Object.fromEntries(r.findings.map((f) => [f.id, f.status]));
    expect(status).toMatchObject({
      'switch-client-auth': 'pass',
      'background-channel': 'pass',
      'crl-1': 'pass',
      'crl-2': 'pass',
    });
    expect(r.ok).toBe(true);

    // 'ocsp' has no findings here (the lab's certificates name no responder), yet runs and ends in its place.
    const order = ['ca-certificates', 'client-identity', 'switch', 'background-channel', 'crl', 'ocsp'];
    // Every check starts before the first finding is reported...
    expect(events.slice(0, order.length)).toEqual(order.map((id) => ({ id, status: 'running' })));
    // ...findings come in the list's order, each naming its check, and each check ends after its findings.
    expect(events.filter((e) => e.status === 'done').map((e) => e.id)).toEqual(r.findings.map((f) => f.id));
    expect(events.filter((e) => e.status === 'checked').map((e) => e.id)).toEqual(order);
    let current = 0;
    for (const e of events.slice(order.length)) {
      if (e.status === 'done') expect(e.check).toBe(order[current]);
      if (e.status === 'checked') expect(e.id).toBe(order[current++]);
    }
    expect(events.find((e) => e.id === 'crl-2')).toMatchObject({ status: 'done', check: 'crl' });
  });
});
