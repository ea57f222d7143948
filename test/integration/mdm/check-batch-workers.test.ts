// `onboard check --batch` as built (dist/): the files really go to worker threads, and the verdicts are the same as in one thread.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCertificate } from '../../../src/core/pki/build';
import { makePfx, makeTestPki, type TestPki } from '../../support/openssl';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'onboard.js');
let pki: TestPki;
let dir: string;

function onboard(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: pki.dir, env: { ...process.env, PW: 'pw' }, maxBuffer: 64 << 20 },
      (e, out, err) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Workers' });
  dir = join(pki.dir, 'devices');
  await mkdir(dir);
  // 150 device certificates signed by the test PKI's issuing CA (one key: generation is not what is tested).
  const { createPrivateKey, X509Certificate } = await import('node:crypto');
  const { readFile } = await import('node:fs/promises');
  const issuerKey = createPrivateKey(await readFile(pki.issuer.keyPath));
  const issuer = new X509Certificate(pki.issuer.certPem);
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  for (let i = 0; i < 150; i++) {
    const host = `MAC${String(i).padStart(3, '0')}.local`;
    const cert = buildCertificate({
      subject: { commonName: i % 50 === 7 ? 'WRONG.local' : host },
      publicKey: key,
      signer: { key: issuerKey, certificate: issuer },
      notAfter: new Date(Date.now() + 30 * 86_400_000),
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['clientAuth'],
      dnsNames: [i % 50 === 7 ? 'WRONG.local' : host],
      crlUrls: ['http://pki.example/issuing.crl'],
    });
    await writeFile(join(dir, `${host}.pem`), cert.toString());
  }
  const one = await pki.issuer.issue('MAC900.local', { sans: ['MAC900.local'] });
  await makePfx(join(dir, 'MAC900.local.pfx'), one.certPath, one.keyPath, 'pw', { legacy: true });
}, 120_000);
afterAll(() => pki?.cleanup());

describe('check --batch with worker threads', { timeout: 120_000 }, () => {
  it('uses the threads it is given and finds what one thread finds, in the same order', async () => {
    const args = ['check', '--batch', 'devices', '--ca', pki.caBundlePath, '--password-env', 'PW', '--json'];
    const [threaded, single] = [await onboard([...args, '--workers', '2']), await onboard([...args, '--workers', '1'])];
    expect(threaded.code, threaded.err).toBe(1);
    const a = JSON.parse(threaded.out);
    const b = JSON.parse(single.out);
    expect(a.workers).toBe(2);
    expect(b.workers).toBe(1);
    expect(a.summary).toEqual({ files: 151, pass: 1, warn: 147, fail: 3, error: 0 });
    const strip = (r: { at: string; results: unknown[] }) => r.results;
    expect(strip(a)).toEqual(strip(b));
    expect(
      a.results.filter((r: { verdict: string }) => r.verdict === 'fail').map((r: { hostname: string }) => r.hostname),
    ).toEqual(['MAC007.local', 'MAC057.local', 'MAC107.local']);
  });
});
