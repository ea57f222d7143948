import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePfx, makeTestPki, type TestPki } from '../../support/openssl';
import { run } from '../../../src/cli/verify';
import { runInMemory } from '../../support/cli-io';
import { inTurn, startFileServer, startOpensslSwitch, type FileServer, type SwitchStandIn } from './peers';

const PASSWORD = 'Corr3ct-Horse-Battery';
let pki: TestPki;
let web: FileServer;
let work: string;
let tls13: SwitchStandIn;
let tls12: SwitchStandIn;
let keyPem: string;
const env = { ONBOARD_PFX_PW: PASSWORD };

beforeAll(async () => {
  web = await startFileServer();
  pki = await makeTestPki({ intermediate: true, crlBaseUrl: web.base });
  work = await mkdtemp(join(tmpdir(), 'onboard-cli-verify-'));
  const [server, device, revoked] = await inTurn([
    () => pki.issuer.issue('switch', { cn: 'localhost', sans: ['localhost', 'IP:127.0.0.1'], eku: 'serverAuth' }),
    () => pki.issuer.issue('device', { cn: 'MAC01.local' }),
    () => pki.issuer.issue('revoked', { cn: 'MAC02.local' }),
  ]);
  keyPem = await readFile(device.keyPath, 'utf8');
  await pki.issuer.revoke(revoked.certPath);
  const crl = await pki.issuer.crl();
  const rootCrl = await pki.root.crl();
  web.routes.set('/intermediate.crl', { body: readFileSync(crl.derPath) });
  web.routes.set('/root.crl', { body: readFileSync(rootCrl.derPath) });
  // openssl pkcs12 keeps only the last -certfile, so the whole chain goes in as one bundle.
  await writeFile(join(work, 'chain.pem'), pki.intermediate!.certPem + pki.root.certPem);
  await Promise.all([
    makePfx(join(work, 'device.pfx'), device.certPath, device.keyPath, PASSWORD, {
      chainPaths: [join(work, 'chain.pem')],
    }),
    makePfx(join(work, 'revoked.pfx'), revoked.certPath, revoked.keyPath, PASSWORD, {
      chainPaths: [pki.intermediate!.certPath],
      legacy: true,
    }),
  ]);
  await writeFile(join(work, 'ca.pem'), pki.root.certPem + pki.intermediate!.certPem);
  const common = { cert: server.certPath, key: server.keyPath, caFile: pki.root.certPath, crl: crl.pemPath };
  [tls13, tls12] = await Promise.all([
    startOpensslSwitch({ ...common, version: 'tls1_3' }),
    startOpensslSwitch({ ...common, version: 'tls1_2' }),
  ]);
});

afterAll(async () => {
  await Promise.all([tls13?.stop(), tls12?.stop(), web?.stop()]);
  await pki?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

const verify = (args: string[], extraEnv: NodeJS.ProcessEnv = env) => runInMemory(run, args, extraEnv, { cwd: work });

describe('onboard verify against openssl s_server', () => {
  it('exits 0 and says the Mac connects when the Switch accepts the certificate (TLS 1.3)', async () => {
    const r = await verify([
      '--switch',
      tls13.address,
      '--pfx',
      'device.pfx',
      '--password-env',
      'ONBOARD_PFX_PW',
      '--ca',
      'ca.pem',
      '--skip-mac-checks',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('✓ PASS switch-client-auth: The Switch accepted "MAC01.local"');
    expect(r.out).toContain('✓ PASS crl-1');
    expect(r.out).toContain('This Mac connects to the 1E platform.');
  });

  it('exits 1 and names revocation when the Switch refuses a revoked certificate (TLS 1.2, legacy PFX)', async () => {
    const r = await verify([
      '--switch',
      tls12.address,
      '--pfx',
      'revoked.pfx',
      '--password-env',
      'ONBOARD_PFX_PW',
      '--ca',
      'ca.pem',
      '--tls',
      '1.2',
      '--skip-mac-checks',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ FAIL switch-client-auth: The Switch refused "MAC02.local": certificate revoked/);
    expect(r.out).toMatch(/✗ FAIL crl-1: MAC02.local is revoked/);
    expect(r.out).toContain('Fix: ');
  });

  it('trusts the CA certificates inside the PFX when no --ca is given, and says so', async () => {
    const r = await verify([
      '--switch',
      tls13.address,
      '--pfx',
      'device.pfx',
      '--password-env',
      'ONBOARD_PFX_PW',
      '--skip-mac-checks',
      '--skip-crl',
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('no --ca given: trusting the 2 CA certificate(s) inside device.pfx');
    expect(r.out).toContain('i INFO crl-skipped');
  });

  it('prints the report as JSON with --json and nothing else on stdout', async () => {
    const r = await verify([
      '--switch',
      tls13.address,
      '--pfx',
      'device.pfx',
      '--password-env',
      'ONBOARD_PFX_PW',
      '--ca',
      'ca.pem',
      '--skip-mac-checks',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({
      format: 'onboard-report/1',
      verification: { ok: true, tlsProtocol: 'TLSv1.3', switchAddress: tls13.address },
    });
    expect(report.findings.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining([
        'switch-dns',
        'switch-tcp',
        'switch-tls',
        'switch-server-cert',
        'switch-client-auth',
        'crl-1',
        'crl-2',
      ]),
    );
    expect(report.clientCertificate.subject).toContain('MAC01.local');
  });

  it('writes an HTML and a JSON report in which neither the password nor the private key appears', async () => {
    for (const name of ['report.html', 'report.json']) {
      const r = await verify([
        '--switch',
        tls12.address,
        '--pfx',
        'revoked.pfx',
        '--password-env',
        'ONBOARD_PFX_PW',
        '--ca',
        'ca.pem',
        '--skip-mac-checks',
        '--report',
        name,
      ]);
      expect(r.code).toBe(1);
      expect(r.out).toContain(`Report written to ${name}`);
      const text = await readFile(join(work, name), 'utf8');
      expect(text).toContain('switch-client-auth');
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain(keyPem.split('\n')[1]);
    }
  });

  it('refuses to replace an existing report unless --force is given', async () => {
    await writeFile(join(work, 'kept.html'), 'old');
    const args = [
      '--switch',
      tls13.address,
      '--pfx',
      'device.pfx',
      '--password-env',
      'ONBOARD_PFX_PW',
      '--ca',
      'ca.pem',
      '--skip-mac-checks',
      '--skip-crl',
      '--report',
      'kept.html',
    ];
    const refused = await verify(args);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('already exists');
    expect(await readFile(join(work, 'kept.html'), 'utf8')).toBe('old');
    expect((await verify([...args, '--force'])).code).toBe(0);
    expect(await readFile(join(work, 'kept.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('exits 2 with one clear line for a wrong PFX password, never echoing it', async () => {
    const r = await verify(['--switch', tls13.address, '--pfx', 'device.pfx', '--password-env', 'ONBOARD_PFX_PW'], {
      ONBOARD_PFX_PW: 'not-the-password',
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^onboard verify: /);
    expect(r.err).not.toContain('not-the-password');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
