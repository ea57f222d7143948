import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import { makeTestPki, type TestPki } from '../../support/openssl';
import { probeBackgroundChannel } from '../../../electron/core/verify/background-channel';
import type { VerifyFinding } from '../../../electron/core/verify/findings';
import { cert, freePort } from './peers';

let pki: TestPki;
let foreign: TestPki;
let cas: X509Certificate[];
let trusted: Server;
let untrusted: Server;
let trustedPort = 0;
let untrustedPort = 0;

const byId = (fs: VerifyFinding[], id: string) => fs.find((f) => f.id === id)!;

function iisLike(certPath: string, keyPath: string): Server {
  return createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (req, res) => {
    if (req.url === '/Background/') { res.writeHead(403); res.end('Forbidden'); return; }
    if (req.url === '/Background') { res.writeHead(301, { location: '/Background/' }); res.end(); return; }
    if (req.url === '/Background/ok.txt') { res.writeHead(200); res.end('ok'); return; }
    if (req.url === '/leave') { res.writeHead(302, { location: 'http://127.0.0.1/Background/' }); res.end(); return; }
    if (req.url === '/broken') { res.writeHead(500); res.end(); return; }
    res.writeHead(404);
    res.end();
  });
}

beforeAll(async () => {
  [pki, foreign] = await Promise.all([makeTestPki(), makeTestPki({ name: 'Foreign' })]);
  const [good, bad] = await Promise.all([
    pki.issuer.issue('web', { cn: 'localhost', sans: ['localhost', 'IP:127.0.0.1'], eku: 'serverAuth' }),
    foreign.issuer.issue('web', { cn: 'localhost', sans: ['localhost', 'IP:127.0.0.1'], eku: 'serverAuth' }),
  ]);
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

const probe = (url: string, caCertificates = cas) => probeBackgroundChannel({ url, caCertificates, timeoutMs: 3000 });

describe('the Background Channel probe against a real HTTPS server', () => {
  it('passes a trusted server whose folder answers 403, and explains that 403 is normal', async () => {
    const fs = await probe(`https://localhost:${trustedPort}/Background/`);
    expect(byId(fs, 'background-server-cert').status).toBe('pass');
    expect(byId(fs, 'background-channel')).toMatchObject({ status: 'pass', title: expect.stringContaining('HTTP 403') });
    expect(byId(fs, 'background-channel').detail).toContain('no directory listing');
  });

  it('passes a 200 answer', async () => {
    expect(byId(await probe(`https://127.0.0.1:${trustedPort}/Background/ok.txt`), 'background-channel')).toMatchObject({ status: 'pass', title: expect.stringContaining('HTTP 200') });
  });

  it('warns on 404: the server is reachable but the path is wrong', async () => {
    const f = byId(await probe(`https://localhost:${trustedPort}/Backgruond/`), 'background-channel');
    expect(f).toMatchObject({ status: 'warn', title: expect.stringContaining('HTTP 404') });
    expect(f.fix).toContain('/Background/');
  });

  it('reports a redirect and where it goes', async () => {
    const f = byId(await probe(`https://localhost:${trustedPort}/Background`), 'background-channel');
    expect(f).toMatchObject({ status: 'pass', detail: expect.stringContaining(`https://localhost:${trustedPort}/Background/`) });
  });

  it('warns when a redirect leaves HTTPS', async () => {
    expect(byId(await probe(`https://localhost:${trustedPort}/leave`), 'background-channel').status).toBe('warn');
  });

  it('warns on a server error', async () => {
    expect(byId(await probe(`https://localhost:${trustedPort}/broken`), 'background-channel')).toMatchObject({ status: 'warn', detail: expect.stringContaining('server error') });
  });

  it('fails a server certificate from a CA that is not among the chosen ones, and still reports reachability', async () => {
    const fs = await probe(`https://localhost:${untrustedPort}/Background/`);
    expect(byId(fs, 'background-server-cert')).toMatchObject({ status: 'fail', title: expect.stringContaining('not trusted') });
    expect(byId(fs, 'background-channel').title).toContain('HTTP 403');
  });

  it('fails the trusted server when the chosen CA certificates do not include its root', async () => {
    const fs = await probe(`https://localhost:${trustedPort}/Background/`, [cert(foreign.root.certPem)]);
    expect(byId(fs, 'background-server-cert').status).toBe('fail');
  });

  it('fails a closed port', async () => {
    const port = await freePort();
    expect(byId(await probe(`https://127.0.0.1:${port}/Background/`), 'background-channel')).toMatchObject({ status: 'fail', title: expect.stringContaining('refused') });
  });

  it('fails a name that does not resolve', async () => {
    expect(byId(await probe('https://tachyon.onboard-test.invalid/Background/'), 'background-channel')).toMatchObject({ status: 'fail', title: expect.stringContaining('does not resolve') });
  });

  it('fails a plain http URL without connecting', async () => {
    expect(byId(await probe(`http://127.0.0.1:${trustedPort}/Background/`), 'background-channel')).toMatchObject({ status: 'fail', title: 'The Background Channel URL is not HTTPS' });
  });
});
