import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerOptions } from 'node:https';
import { readFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import { makeTestPki, type TestPki, type IssuedCert } from '../../support/openssl';
import { probeBackgroundChannel } from '../../../src/core/verify/background-channel';
import { runVerification } from '../../../src/core/verify/verify';
import type { ClientIdentity } from '../../../src/core/verify/switch-probe';
import type { VerifyFinding } from '../../../src/core/verify/findings';
import {
  cert,
  freePort,
  identityFrom,
  startFileServer,
  startOpensslSwitch,
  type FileServer,
  type SwitchStandIn,
} from './peers';

let pki: TestPki;
let foreign: TestPki;
let cas: X509Certificate[];
let trusted: Server;
let untrusted: Server;
let trustedPort = 0;
let untrustedPort = 0;
let good: IssuedCert;
const ids: Record<string, ClientIdentity> = {};

const byId = (fs: VerifyFinding[], id: string) => fs.find((f) => f.id === id)!;

function iisLike(certPath: string, keyPath: string, extra: ServerOptions = {}): Server {
  return createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath), ...extra }, (req, res) => {
    if (req.url === '/Background/') {
      res.writeHead(403);
      res.end('Forbidden');
      return;
    }
    if (req.url === '/Background') {
      res.writeHead(301, { location: '/Background/' });
      res.end();
      return;
    }
    if (req.url === '/Background/ok.txt') {
      res.writeHead(200);
      res.end('ok');
      return;
    }
    if (req.url === '/leave') {
      res.writeHead(302, { location: 'http://127.0.0.1/Background/' });
      res.end();
      return;
    }
    if (req.url === '/broken') {
      res.writeHead(500);
      res.end();
      return;
    }
    res.writeHead(404);
    res.end();
  });
}

beforeAll(async () => {
  [pki, foreign] = await Promise.all([makeTestPki(), makeTestPki({ name: 'Foreign' })]);
  let bad: IssuedCert;
  [good, bad] = await Promise.all([
    pki.issuer.issue('web', { cn: 'localhost', sans: ['localhost', 'IP:127.0.0.1'], eku: 'serverAuth' }),
    foreign.issuer.issue('web', { cn: 'localhost', sans: ['localhost', 'IP:127.0.0.1'], eku: 'serverAuth' }),
  ]);
  // The device the servers below accept, and a stranger from another PKI they refuse.
  const [device, stranger] = await Promise.all([
    pki.issuer.issue('device', { cn: 'MAC01.local' }),
    foreign.issuer.issue('stranger', { cn: 'MAC05.local' }),
  ]);
  ids.device = await identityFrom(device);
  ids.stranger = await identityFrom(stranger);
  cas = [cert(pki.root.certPem)];
  trusted = iisLike(good.certPath, good.keyPath);
  untrusted = iisLike(bad.certPath, bad.keyPath);
  [trustedPort, untrustedPort] = [await freePort(), await freePort()];
  await Promise.all([
    new Promise<void>((r) => trusted.listen(trustedPort, '127.0.0.1', r)),
    new Promise<void>((r) => untrusted.listen(untrustedPort, '127.0.0.1', r)),
  ]);
});

afterAll(async () => {
  await Promise.all([trusted, untrusted].map((s) => new Promise((r) => (s ? s.close(r) : r(undefined)))));
  await Promise.all([pki?.cleanup(), foreign?.cleanup()]);
});

/** Every title, detail and fix is written as a sentence: it starts with a capital letter. */
function expectSentences(fs: VerifyFinding[]): VerifyFinding[] {
  for (const f of fs) {
    for (const text of [f.title, f.detail, f.fix].filter(Boolean)) expect(text, `${f.id}: ${text}`).toMatch(/^[A-Z]/);
  }
  return fs;
}

const probe = async (url: string, caCertificates = cas, identity?: ClientIdentity) =>
  expectSentences(await probeBackgroundChannel({ url, caCertificates, identity, timeoutMs: 3000 }));

describe('the Background Channel probe against a real HTTPS server', () => {
  it('passes a trusted server whose folder answers 403, and explains that 403 is normal', async () => {
    const fs = await probe(`https://localhost:${trustedPort}/Background/`);
    expect(byId(fs, 'background-server-cert').status).toBe('pass');
    expect(byId(fs, 'background-channel')).toMatchObject({
      status: 'pass',
      title: expect.stringContaining('HTTP 403'),
    });
    expect(byId(fs, 'background-channel').detail).toContain('no directory listing');
  });

  it('passes a 200 answer', async () => {
    expect(byId(await probe(`https://127.0.0.1:${trustedPort}/Background/ok.txt`), 'background-channel')).toMatchObject(
      { status: 'pass', title: expect.stringContaining('HTTP 200') },
    );
  });

  it('warns on 404: the server is reachable but the path is wrong', async () => {
    const f = byId(await probe(`https://localhost:${trustedPort}/Backgruond/`), 'background-channel');
    expect(f).toMatchObject({ status: 'warn', title: expect.stringContaining('HTTP 404') });
    expect(f.fix).toContain('/Background/');
  });

  it('reports a redirect and where it goes', async () => {
    const f = byId(await probe(`https://localhost:${trustedPort}/Background`), 'background-channel');
    expect(f).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining(`https://localhost:${trustedPort}/Background/`),
    });
  });

  it('warns when a redirect leaves HTTPS', async () => {
    expect(byId(await probe(`https://localhost:${trustedPort}/leave`), 'background-channel').status).toBe('warn');
  });

  it('warns on a server error', async () => {
    expect(byId(await probe(`https://localhost:${trustedPort}/broken`), 'background-channel')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('server error'),
    });
  });

  it('fails a server certificate from a CA that is not among the chosen ones, and still reports reachability', async () => {
    const fs = await probe(`https://localhost:${untrustedPort}/Background/`);
    expect(byId(fs, 'background-server-cert')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('not trusted'),
    });
    expect(byId(fs, 'background-channel').title).toContain('HTTP 403');
  });

  it('fails the trusted server when the chosen CA certificates do not include its root', async () => {
    const fs = await probe(`https://localhost:${trustedPort}/Background/`, [cert(foreign.root.certPem)]);
    expect(byId(fs, 'background-server-cert').status).toBe('fail');
  });

  it('fails a closed port', async () => {
    const port = await freePort();
    expect(byId(await probe(`https://127.0.0.1:${port}/Background/`), 'background-channel')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('refused'),
    });
  });

  it('fails a name that does not resolve', async () => {
    expect(byId(await probe('https://tachyon.onboard-test.invalid/Background/'), 'background-channel')).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('does not resolve'),
    });
  });

  it('fails a plain http URL without connecting', async () => {
    expect(byId(await probe(`http://127.0.0.1:${trustedPort}/Background/`), 'background-channel')).toMatchObject({
      status: 'fail',
      title: 'The Background Channel URL is not HTTPS',
    });
  });
});

describe('the Background Channel probe and client certificates', () => {
  const servers: Record<string, { port: number; stop(): Promise<unknown> }> = {};
  let plain: FileServer;

  beforeAll(async () => {
    // Node's HTTPS server demanding a client certificate from the test CA: it hangs up on one it refuses.
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const srv = iisLike(good.certPath, good.keyPath, {
        ca: pki.root.certPem,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: version,
        maxVersion: version,
      });
      const port = await freePort();
      await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
      servers[`node-${version}`] = {
        port,
        stop: () =>
          new Promise((r) => {
            srv.closeAllConnections();
            srv.close(r);
          }),
      };
    }
    // OpenSSL demanding one (-Verify), which names its refusal with a TLS alert; and one whose only
    // TLS 1.2 cipher suite node never offers, so the handshake fails before any certificate request.
    const common = { cert: good.certPath, key: good.keyPath, caFile: pki.root.certPath };
    const started: Array<[string, SwitchStandIn]> = await Promise.all([
      startOpensslSwitch({ ...common, version: 'tls1_2' }).then(
        (s) => ['openssl-TLSv1.2', s] as [string, SwitchStandIn],
      ),
      startOpensslSwitch({ ...common, version: 'tls1_3' }).then(
        (s) => ['openssl-TLSv1.3', s] as [string, SwitchStandIn],
      ),
      startOpensslSwitch({ ...common, version: 'tls1_2', cipher: 'ECDHE-RSA-CAMELLIA256-SHA384' }).then(
        (s) => ['no-shared-cipher', s] as [string, SwitchStandIn],
      ),
    ]);
    for (const [name, s] of started) servers[name] = { port: s.port, stop: () => s.stop() };
    plain = await startFileServer();
  });

  afterAll(async () => {
    await Promise.all([...Object.values(servers).map((s) => s.stop()), plain?.stop()]);
  });

  describe.each(['TLSv1.2', 'TLSv1.3'] as const)('%s', (version) => {
    const nodeUrl = () => `https://localhost:${servers[`node-${version}`]!.port}/Background/`;
    const opensslUrl = () => `https://localhost:${servers[`openssl-${version}`]!.port}/Background/`;

    it('presents the client identity to a server that demands one, which then answers', async () => {
      const fs = await probe(nodeUrl(), cas, ids.device);
      expect(byId(fs, 'background-server-cert').status).toBe('pass');
      const f = byId(fs, 'background-channel');
      expect(f).toMatchObject({ status: 'pass', title: expect.stringContaining('HTTP 403') });
      expect(f.detail).toContain('The server asked for a client certificate and the probe presented "MAC01.local"');
      expect(byId(await probe(opensslUrl(), cas, ids.device), 'background-channel')).toMatchObject({
        status: 'pass',
        title: expect.stringContaining('HTTP 200'),
      });
    });

    it('reports a server that hangs up after asking as refusing the certificate it was shown, naming what was seen', async () => {
      const fs = await probe(nodeUrl(), cas, ids.stranger);
      const f = byId(fs, 'background-channel');
      expect(f).toMatchObject({
        status: 'fail',
        title: 'The Background Channel refused the client certificate "MAC05.local"',
      });
      expect(f.detail).toContain('asked for a client certificate; the probe presented "MAC05.local"');
      expect(f.detail).toContain('without a TLS alert');
      expect(f.fix).toContain('trusts the CA that issued the client certificate');
    });

    it('names the alert a server refuses the client certificate with', async () => {
      const f = byId(await probe(opensslUrl(), cas, ids.stranger), 'background-channel');
      expect(f).toMatchObject({
        status: 'fail',
        title: 'The Background Channel refused the client certificate "MAC05.local": unknown CA',
      });
      expect(f.detail).toContain('TLS alert 48 (unknown CA)');
      expect(f.detail).not.toMatch(/Switch/);
      expect(f.fix).toContain("web server's trusted stores");
      if (version === 'TLSv1.3') expect(f.detail).toContain('after the handshake had completed on this side');
    });

    it('says a certificate is required when the probe has none to present', async () => {
      for (const url of [nodeUrl(), opensslUrl()]) {
        const f = byId(await probe(url), 'background-channel');
        expect(f).toMatchObject({ status: 'fail', title: 'The Background Channel requires a client certificate' });
        expect(f.detail).toContain('the probe had none to present');
        expect(f.detail).toContain(version === 'TLSv1.3' ? 'TLS alert 116' : 'TLS alert 40');
      }
    });
  });

  it('says when the server did not ask for a client certificate, and passes it', async () => {
    const f = byId(
      await probe(`https://localhost:${trustedPort}/Background/ok.txt`, cas, ids.device),
      'background-channel',
    );
    expect(f).toMatchObject({ status: 'pass' });
    expect(f.detail).toContain('The server did not ask for a client certificate.');
  });

  it('does not blame the client certificate for a handshake that failed before any certificate request', async () => {
    const f = byId(
      await probe(`https://localhost:${servers['no-shared-cipher']!.port}/Background/`, cas, ids.device),
      'background-channel',
    );
    expect(f).toMatchObject({
      status: 'fail',
      title: "The Background Channel's TLS handshake failed: handshake failure",
    });
    expect(f.detail).toContain('before the server asked for any client certificate');
    expect(f.fix).toContain('cipher suites');
    expect(`${f.detail} ${f.fix}`).not.toMatch(/identity|keychain|client certificate for this Mac/i);
  });

  it('words a port that does not speak TLS for the web server, not the Switch', async () => {
    const f = byId(await probe(`https://127.0.0.1:${plain.port}/Background/`, cas, ids.device), 'background-channel');
    expect(f).toMatchObject({ status: 'fail', title: "The Background Channel's TLS connection failed: not TLS" });
    expect(f.fix).toContain('HTTPS site');
    expect(`${f.detail} ${f.fix}`).not.toMatch(/Switch|identity/);
  });

  it('reports an identity whose key does not match without connecting', async () => {
    const before = plain.requests.length;
    const mismatched = { ...ids.device!, key: ids.stranger!.key };
    const fs = await probe(`https://127.0.0.1:${plain.port}/Background/`, cas, mismatched);
    expect(byId(fs, 'background-channel')).toMatchObject({
      status: 'fail',
      title: 'The client certificate cannot be presented to the Background Channel',
    });
    expect(byId(fs, 'background-server-cert').status).toBe('info');
    expect(plain.requests.length).toBe(before);
  });

  it('is given the client identity by runVerification', async () => {
    const closed = await freePort();
    const r = await runVerification({
      switchAddress: `127.0.0.1:${closed}`,
      backgroundUrl: `https://localhost:${servers['node-TLSv1.3']!.port}/Background/`,
      identity: ids.device!,
      caCertificates: cas,
      timeoutMs: 3000,
      skipRevocation: true,
    });
    expect(byId(r.findings, 'background-channel')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('the probe presented "MAC01.local"'),
    });
  });
});
