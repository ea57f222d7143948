import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { readFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import { makeTestPki, type TestPki, type IssuedCert } from '../../support/openssl';
import { probeSwitch, type ClientIdentity, type SwitchProbeResult } from '../../../src/core/verify/switch-probe';
import { cert, freePort, identityFrom, inTurn, startOpensslSwitch, type SwitchStandIn } from './peers';

let pki: TestPki;
let foreignPki: TestPki;
let cas: X509Certificate[];
const ids: Record<string, ClientIdentity> = {};
const switches: Record<string, SwitchStandIn> = {};
let server: IssuedCert;
const stops: Array<() => Promise<unknown>> = [];

const byId = (r: SwitchProbeResult, id: string) => {
  const f = r.findings.find((x) => x.id === id);
  if (!f) throw new Error(`no finding ${id} in ${JSON.stringify(r.findings)}`);
  return f;
};

beforeAll(async () => {
  [pki, foreignPki] = await Promise.all([makeTestPki({ intermediate: true }), makeTestPki({ name: 'Foreign' })]);
  const ca = pki.issuer;
  server = await ca.issue('switch', { cn: 'localhost', sans: ['localhost', 'IP:127.0.0.1'], eku: 'serverAuth' });
  const [[device, revoked, serverOnly, expired], [foreign, untrustedServer]] = await Promise.all([
    inTurn([
      () => ca.issue('device', { cn: 'MAC01.local' }),
      () => ca.issue('revoked', { cn: 'MAC02.local' }),
      () => ca.issue('server-only', { cn: 'MAC03.local', eku: 'serverAuth' }),
      () => ca.issue('expired', { cn: 'MAC04.local', startDate: '200101000000Z', endDate: '210101000000Z' }),
    ]),
    inTurn([
      () => foreignPki.issuer.issue('foreign', { cn: 'MAC05.local' }),
      () =>
        foreignPki.issuer.issue('untrusted-switch', {
          cn: 'localhost',
          sans: ['localhost', 'IP:127.0.0.1'],
          eku: 'serverAuth',
        }),
    ]),
  ]);
  await ca.revoke(revoked.certPath);
  const crl = await ca.crl();
  const chain = [pki.intermediate!];
  ids.device = await identityFrom(device, chain);
  ids.revoked = await identityFrom(revoked, chain);
  ids.serverOnly = await identityFrom(serverOnly, chain);
  ids.expired = await identityFrom(expired, chain);
  ids.foreign = await identityFrom(foreign);
  cas = [cert(pki.root.certPem), cert(pki.intermediate!.certPem)];
  // The Switch trusts only the root: the probe must send the issuing CA with the device certificate.
  const common = { cert: server.certPath, key: server.keyPath, caFile: pki.root.certPath, crl: crl.pemPath };
  [
    switches.tls12,
    switches.tls13,
    switches.untrusted,
    switches.noRequest12,
    switches.noRequest13,
    switches.request12,
    switches.request13,
    switches.camellia,
  ] = await Promise.all([
    startOpensslSwitch({ ...common, version: 'tls1_2' }),
    startOpensslSwitch({ ...common, version: 'tls1_3' }),
    startOpensslSwitch({ cert: untrustedServer.certPath, key: untrustedServer.keyPath, caFile: pki.root.certPath }),
    // Servers that are not set up as a Switch: they never ask for a client certificate (no -verify/-Verify)...
    startOpensslSwitch({ ...common, version: 'tls1_2', clientCert: 'none' }),
    startOpensslSwitch({ ...common, version: 'tls1_3', clientCert: 'none' }),
    // ...or ask for one but go on without it (-verify).
    startOpensslSwitch({ ...common, version: 'tls1_2', clientCert: 'request' }),
    startOpensslSwitch({ ...common, version: 'tls1_3', clientCert: 'request' }),
    // A Switch with a cipher suite node never offers: TLS 1.2 ends in alert 40 before any certificate request.
    startOpensslSwitch({ ...common, version: 'tls1_2', cipher: 'ECDHE-RSA-CAMELLIA256-SHA384' }),
  ]);
  for (const s of Object.values(switches)) stops.push(() => s.stop());
});

afterAll(async () => {
  await Promise.all(stops.map((s) => s()));
  await Promise.all([pki?.cleanup(), foreignPki?.cleanup()]);
});

describe.each([
  ['TLS 1.2', 'tls12', 'TLSv1.2'],
  ['TLS 1.3', 'tls13', 'TLSv1.3'],
] as const)('against openssl s_server as the Switch, %s', (_label, key, version) => {
  const probe = (identity: ClientIdentity | undefined) =>
    probeSwitch({
      switchAddress: switches[key]!.address,
      identity,
      caCertificates: cas,
      tlsVersion: version,
      timeoutMs: 5000,
    });

  it('reports a valid device certificate as accepted, with the negotiated version', async () => {
    const r = await probe(ids.device);
    expect(byId(r, 'switch-client-auth').status).toBe('pass');
    expect(r.accepted).toBe(true);
    expect(r.protocol).toBe(version);
    expect(byId(r, 'switch-tls')).toMatchObject({
      status: 'pass',
      title: expect.stringContaining(version.replace('TLSv', 'TLS ')),
    });
    expect(byId(r, 'switch-server-cert').status).toBe('pass');
    expect(r.answer).toMatch(/^HTTP\/1\.[01] 200/);
  });

  it('reports a revoked certificate as refused, naming revocation', async () => {
    const r = await probe(ids.revoked);
    expect(r.accepted).toBe(false);
    expect(byId(r, 'switch-client-auth')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('certificate revoked'),
    });
    expect(byId(r, 'switch-client-auth').detail).toContain('TLS alert 44');
  });

  it('reports a certificate without Client Authentication EKU as refused for its purpose', async () => {
    const r = await probe(ids.serverOnly);
    expect(r.accepted).toBe(false);
    expect(byId(r, 'switch-client-auth')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('unsupported certificate'),
    });
    expect(byId(r, 'switch-client-auth').detail).toMatch(/Client Authentication/);
  });

  it('reports a certificate from a CA the Switch does not trust as unknown CA', async () => {
    const r = await probe(ids.foreign);
    expect(r.accepted).toBe(false);
    expect(byId(r, 'switch-client-auth')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('unknown CA'),
    });
  });

  it('reports an expired certificate as refused for its dates', async () => {
    const r = await probe(ids.expired);
    expect(r.accepted).toBe(false);
    expect(byId(r, 'switch-client-auth')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('certificate expired'),
    });
  });

  it('reports a probe without any client certificate as refused', async () => {
    const r = await probe(undefined);
    expect(r.accepted).toBe(false);
    const f = byId(r, 'switch-client-auth');
    expect(f.status).toBe('fail');
    // TLS 1.3 says so explicitly (116); TLS 1.2 OpenSSL ends the handshake (40).
    expect(f.title).toContain(version === 'TLSv1.3' ? 'certificate required' : 'handshake failure');
  });

  it('reports a server that never asks for a client certificate as a warning, not as accepting it', async () => {
    const server = key === 'tls12' ? switches.noRequest12! : switches.noRequest13!;
    const r = await probeSwitch({
      switchAddress: server.address,
      identity: ids.device,
      caCertificates: cas,
      tlsVersion: version,
      timeoutMs: 5000,
    });
    expect(r.accepted).toBe(false);
    expect(r.certificateRequested).toBe(false);
    expect(r.protocol).toBe(version);
    const f = byId(r, 'switch-client-auth');
    expect(f).toMatchObject({
      status: 'warn',
      title: `The server at ${server.address} did not ask for a client certificate`,
    });
    expect(f.detail).toContain('"MAC01.local" was never sent');
    expect(f.detail).toContain('nothing about it was proven');
    expect(f.fix).toMatch(
      new RegExp(`^The server at ${server.address.replace(/\./g, '\\.')} did not ask for a client certificate`),
    );
    expect(byId(r, 'switch-tls').detail).toContain('did not ask for a client certificate');
    // The same probe against the real thing asks, and that is what makes its pass mean something.
    const real = await probe(ids.device);
    expect(real.certificateRequested).toBe(true);
    expect(byId(real, 'switch-tls').detail).toContain('The Switch asked for a client certificate');
  });

  it('warns when a server asks for a client certificate but goes on without one', async () => {
    const server = key === 'tls12' ? switches.request12! : switches.request13!;
    const r = await probeSwitch({
      switchAddress: server.address,
      caCertificates: cas,
      tlsVersion: version,
      timeoutMs: 5000,
    });
    expect(r.certificateRequested).toBe(true);
    expect(r.accepted).toBe(false);
    expect(byId(r, 'switch-client-auth')).toMatchObject({
      status: 'warn',
      title: `The server at ${server.address} accepted a connection without a client certificate`,
    });
    // With the certificate, the same server's request makes the answer a real acceptance.
    const withCert = await probeSwitch({
      switchAddress: server.address,
      identity: ids.device,
      caCertificates: cas,
      tlsVersion: version,
      timeoutMs: 5000,
    });
    expect(withCert.accepted).toBe(true);
    expect(byId(withCert, 'switch-client-auth').status).toBe('pass');
  });

  if (version === 'TLSv1.3') {
    it('waits past the completed TLS 1.3 handshake for the rejection and says it came late', async () => {
      const r = await probe(ids.revoked);
      expect(byId(r, 'switch-tls').status).toBe('pass');
      expect(byId(r, 'switch-client-auth').detail).toMatch(/after the handshake had completed/);
    });
  }
});

describe('probing the Switch address itself', () => {
  it('offers TLS 1.3 first and reports it when the Switch speaks both versions', async () => {
    const r = await probeSwitch({
      switchAddress: switches.untrusted!.address,
      identity: ids.device,
      caCertificates: cas,
      timeoutMs: 5000,
    });
    expect(r.protocol).toBe('TLSv1.3');
  });

  it('reports an untrusted Switch certificate as its own failure and still learns the client verdict', async () => {
    const r = await probeSwitch({
      switchAddress: switches.untrusted!.address,
      identity: ids.device,
      caCertificates: cas,
      timeoutMs: 5000,
    });
    const f = byId(r, 'switch-server-cert');
    expect(f.status).toBe('fail');
    expect(f.detail).toMatch(/went on without trusting it/);
    expect(byId(r, 'switch-client-auth').status).toBe('pass');
  });

  it('reports an untrusted Switch certificate in TLS 1.2 even when the handshake ends in a rejection', async () => {
    const r = await probeSwitch({
      switchAddress: switches.tls12!.address,
      identity: ids.serverOnly,
      caCertificates: [cert(foreignPki.root.certPem)],
      tlsVersion: 'TLSv1.2',
      timeoutMs: 5000,
    });
    expect(byId(r, 'switch-server-cert').status).toBe('fail');
    expect(byId(r, 'switch-client-auth').status).toBe('fail');
  });

  it('does not blame the client certificate for a TLS 1.2 handshake failure that came before any certificate request', async () => {
    const r = await probeSwitch({
      switchAddress: switches.camellia!.address,
      identity: ids.device,
      caCertificates: cas,
      tlsVersion: 'TLSv1.2',
      timeoutMs: 5000,
    });
    expect(r.certificateRequested).toBe(false);
    const tlsFinding = byId(r, 'switch-tls');
    expect(tlsFinding).toMatchObject({ status: 'fail', detail: expect.stringContaining('TLS alert 40') });
    expect(tlsFinding.detail).toContain('before asking for a client certificate');
    expect(tlsFinding.detail).toContain('no cipher suite');
    expect(byId(r, 'switch-client-auth').status).toBe('info');
  });

  it('accepts the Switch certificate for the IP address and the name it carries', async () => {
    const byIp = await probeSwitch({
      switchAddress: `127.0.0.1:${switches.tls13!.port}`,
      identity: ids.device,
      caCertificates: cas,
      timeoutMs: 5000,
    });
    expect(byId(byIp, 'switch-dns').title).toContain('is an IP address');
    expect(byId(byIp, 'switch-server-cert').status).toBe('pass');
    const byName = await probeSwitch({
      switchAddress: `localhost:${switches.tls13!.port}`,
      identity: ids.device,
      caCertificates: cas,
      timeoutMs: 5000,
    });
    expect(byId(byName, 'switch-dns').status).toBe('pass');
    expect(byId(byName, 'switch-server-cert').status).toBe('pass');
    expect(byName.accepted).toBe(true);
  });

  it('reports a private key that does not belong to the certificate without sending anything', async () => {
    const mismatched = { ...ids.device!, key: ids.revoked!.key };
    const r = await probeSwitch({
      switchAddress: switches.tls13!.address,
      identity: mismatched,
      caCertificates: cas,
      timeoutMs: 5000,
    });
    expect(byId(r, 'switch-client-auth')).toMatchObject({
      status: 'fail',
      title: 'The client certificate cannot be presented',
    });
    expect(r.accepted).toBe(false);
  });

  it('reports a closed port as a TCP failure and checks nothing further', async () => {
    const port = await freePort();
    const r = await probeSwitch({
      switchAddress: `127.0.0.1:${port}`,
      identity: ids.device,
      caCertificates: cas,
      timeoutMs: 3000,
    });
    expect(byId(r, 'switch-tcp')).toMatchObject({ status: 'fail', detail: expect.stringContaining('refused') });
    expect(byId(r, 'switch-client-auth').status).toBe('info');
    expect(r.accepted).toBe(false);
  });

  it('reports a name under .invalid as a DNS failure', async () => {
    const r = await probeSwitch({
      switchAddress: 'switch.onboard-test.invalid:4000',
      identity: ids.device,
      caCertificates: cas,
      timeoutMs: 3000,
    });
    expect(byId(r, 'switch-dns').status).toBe('fail');
    expect(byId(r, 'switch-dns').title).toContain('switch.onboard-test.invalid');
    expect(r.accepted).toBe(false);
  });
});

describe('peers that are not a well-behaved Switch', () => {
  let closer: TlsServer;
  let wrongName: TlsServer;
  let plainHttp: HttpServer;
  let closerPort = 0;
  let wrongNamePort = 0;
  let httpPort = 0;

  beforeAll(async () => {
    // Completes the handshake, then hangs up without a word: must never count as acceptance.
    closer = createTlsServer(
      {
        cert: readFileSync(server.certPath),
        key: readFileSync(server.keyPath),
        requestCert: true,
        rejectUnauthorized: false,
      },
      (s) => s.end(),
    );
    plainHttp = createHttpServer((_req, res) => res.end('hello'));
    // A Switch whose certificate names another host, and which refuses the WebSocket upgrade with 400.
    const other = await pki.issuer.issue('other-name-switch', {
      cn: 'switch.acme.test',
      sans: ['switch.acme.test', 'IP:127.0.0.1'],
      eku: 'serverAuth',
    });
    wrongName = createTlsServer(
      {
        cert: readFileSync(other.certPath),
        key: readFileSync(other.keyPath),
        requestCert: true,
        rejectUnauthorized: true,
        ca: [pki.root.certPem],
      },
      (s) => {
        s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
      },
    );
    closerPort = await freePort();
    wrongNamePort = await freePort();
    httpPort = await freePort();
    await Promise.all([
      new Promise<void>((r) => closer.listen(closerPort, '127.0.0.1', r)),
      new Promise<void>((r) => wrongName.listen(wrongNamePort, '127.0.0.1', r)),
      new Promise<void>((r) => plainHttp.listen(httpPort, '127.0.0.1', r)),
    ]);
  });
  afterAll(async () => {
    await Promise.all([
      new Promise((r) => closer?.close(r)),
      new Promise((r) => wrongName?.close(r)),
      new Promise((r) => plainHttp?.close(r)),
    ]);
  });

  it('reports a Switch certificate that does not carry the Switch name', async () => {
    const r = await probeSwitch({
      switchAddress: `localhost:${wrongNamePort}`,
      identity: ids.device,
      caCertificates: cas,
      timeoutMs: 3000,
    });
    expect(byId(r, 'switch-server-cert')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('not valid for the name localhost'),
    });
  });

  it('counts an HTTP 400 answer after a complete exchange as the TLS layer accepting the certificate', async () => {
    const r = await probeSwitch({
      switchAddress: `127.0.0.1:${wrongNamePort}`,
      identity: ids.device,
      caCertificates: cas,
      timeoutMs: 3000,
    });
    expect(byId(r, 'switch-client-auth')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('HTTP 400'),
    });
  });

  it('does not report acceptance when the peer closes after the handshake without answering', async () => {
    const r = await probeSwitch({
      switchAddress: `127.0.0.1:${closerPort}`,
      identity: ids.device,
      caCertificates: cas,
      timeoutMs: 3000,
    });
    expect(r.accepted).toBe(false);
    expect(byId(r, 'switch-client-auth')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('without answering'),
    });
  });

  it('reports a port that speaks plain HTTP as not TLS', async () => {
    const r = await probeSwitch({
      switchAddress: `127.0.0.1:${httpPort}`,
      identity: ids.device,
      caCertificates: cas,
      timeoutMs: 3000,
    });
    expect(byId(r, 'switch-tls')).toMatchObject({ status: 'fail' });
    expect(byId(r, 'switch-tls').detail).toMatch(/does not speak TLS/);
    expect(r.accepted).toBe(false);
  });
});
