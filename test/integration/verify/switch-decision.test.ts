// Specification: the Switch probe takes its verdict the moment it is final (RFC 8446 / RFC 5246, see tlsExchange),
// never after a fixed wait: proven with every timer frozen, against openssl s_server as the Switch (-Verify 1
// -verify_return_error) with accepted and rejected certificates in TLS 1.2 and 1.3, and a Switch that keeps the
// connection open after its answer, as the 1E Switch's WebSocket does.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import { makeTestPki, type TestPki } from '../../support/openssl';
import { probeSwitch, type ClientIdentity, type SwitchProbeResult } from '../../../src/core/verify/switch-probe';
import { cert, freePort, identityFrom, inTurn, startOpensslSwitch, type SwitchStandIn } from './peers';

let pki: TestPki;
let cas: X509Certificate[];
const ids: Record<string, ClientIdentity> = {};
const switches: Record<string, SwitchStandIn> = {};
let keepsOpen: TlsServer;
let keepsOpenPort = 0;
/** Connections the keep-open peer holds, so the test can see the probe hang up first. */
const held = new Set<import('node:tls').TLSSocket>();
let closedByClient = 0;

const byId = (r: SwitchProbeResult, id: string) => r.findings.find((x) => x.id === id)!;

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true });
  const ca = pki.issuer;
  const [server, device, revoked] = await inTurn([
    () => ca.issue('switch', { cn: 'localhost', sans: ['localhost', 'IP:127.0.0.1'], eku: 'serverAuth' }),
    () => ca.issue('device', { cn: 'MAC01.local' }),
    () => ca.issue('revoked', { cn: 'MAC02.local' }),
  ]);
  await ca.revoke(revoked.certPath);
  const crl = await ca.crl();
  ids.device = await identityFrom(device, [pki.intermediate!]);
  ids.revoked = await identityFrom(revoked, [pki.intermediate!]);
  cas = [cert(pki.root.certPem), cert(pki.intermediate!.certPem)];
  const common = { cert: server.certPath, key: server.keyPath, caFile: pki.root.certPath, crl: crl.pemPath };
  [switches.tls12, switches.tls13] = await Promise.all([
    startOpensslSwitch({ ...common, version: 'tls1_2' }),
    startOpensslSwitch({ ...common, version: 'tls1_3' }),
  ]);
  // Answers the upgrade with 101 and then says nothing more and never closes: only the probe can end it.
  keepsOpen = createTlsServer(
    {
      cert: readFileSync(server.certPath),
      key: readFileSync(server.keyPath),
      ca: [pki.root.certPem, pki.intermediate!.certPem],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (s) => {
      held.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        held.delete(s);
        closedByClient += 1;
      });
      s.once('data', () =>
        s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
      );
    },
  );
  keepsOpenPort = await freePort();
  await new Promise<void>((r) => keepsOpen.listen(keepsOpenPort, '127.0.0.1', r));
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await Promise.all([switches.tls12?.stop(), switches.tls13?.stop(), new Promise((r) => keepsOpen?.close(r))]);
  await pki?.cleanup();
});

/**
 * Probes with setTimeout frozen: the probe's own timeout can never fire, and neither could any wait after the
 * answer, so the probe returns only if it decided on what the Switch sent. A fixed wait would hang it until
 * the test's own timeout.
 */
async function probeFrozen(address: string, identity: ClientIdentity, tlsVersion?: 'TLSv1.2' | 'TLSv1.3') {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  return probeSwitch({ switchAddress: address, identity, caCertificates: cas, tlsVersion, timeoutMs: 600_000 });
}

describe.each([
  ['TLS 1.2', 'tls12', 'TLSv1.2'],
  ['TLS 1.3', 'tls13', 'TLSv1.3'],
] as const)(
  'against openssl s_server -Verify 1 -verify_return_error, %s, with every timer frozen',
  (_l, key, version) => {
    it('takes the acceptance from the answer to the request', async () => {
      const r = await probeFrozen(switches[key]!.address, ids.device!, version);
      expect(r.decidedBy).toBe('answer');
      expect(r.accepted).toBe(true);
      expect(r.protocol).toBe(version);
      expect(byId(r, 'switch-client-auth').status).toBe('pass');
    });

    it('takes the refusal from the alert, the moment it arrives', async () => {
      const r = await probeFrozen(switches[key]!.address, ids.revoked!, version);
      expect(r.decidedBy).toBe('error');
      expect(r.accepted).toBe(false);
      expect(byId(r, 'switch-client-auth')).toMatchObject({
        status: 'fail',
        title: expect.stringContaining('certificate revoked'),
      });
      // TLS 1.3 completes the client's side of the handshake before the Switch judges; TLS 1.2 does not.
      expect(byId(r, 'switch-tls').status).toBe(version === 'TLSv1.3' ? 'pass' : 'info');
    });
  },
);

describe('a Switch that keeps the connection open after answering, as a WebSocket does', () => {
  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    'is judged at the answer in %s, and the probe is the one that hangs up',
    async (version) => {
      const before = closedByClient;
      const r = await probeFrozen(`127.0.0.1:${keepsOpenPort}`, ids.device!, version);
      expect(r.decidedBy).toBe('answer');
      expect(r.answer).toBe('HTTP/1.1 101 Switching Protocols');
      expect(byId(r, 'switch-client-auth')).toMatchObject({
        status: 'pass',
        detail: expect.stringContaining('accepted the WebSocket connection'),
      });
      vi.useRealTimers();
      // The peer never closes: its connection ends because the probe closed it.
      await vi.waitFor(() => expect(closedByClient).toBe(before + 1));
    },
  );
});
