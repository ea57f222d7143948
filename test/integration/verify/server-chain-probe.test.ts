// The Switch's certificate judged by Onboard end to end: probeSwitch against openssl s_server presenting chosen chains (same verdict as node's own check with the CAs), and the built CLI's verify building no root store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { CA_EXTENSIONS as CA, CertForge, type MadeCert } from '../../support/chain-fixtures';
import { makePfx, openssl } from '../../support/openssl';
import { OPENSSL_ERRORS } from '../../support/openssl-verify-errors';
import { probeSwitch } from '../../../src/core/verify/switch-probe';
import { startOpensslSwitch, type SwitchStandIn } from './peers';

const root = join(__dirname, '..', '..', '..');
const SERVER = [
  'basicConstraints = CA:FALSE',
  'keyUsage = critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage = serverAuth',
  'subjectAltName = DNS:localhost,IP:127.0.0.1',
];

let f: CertForge;
let rootCa: MadeCert;
let issuing: MadeCert;
const servers: Record<string, SwitchStandIn> = {};

/** s_server presenting `leaf` and `chain` (none asks for a client certificate: only the server's side is judged here). */
async function serve(name: string, leaf: MadeCert, chain: MadeCert[]): Promise<SwitchStandIn> {
  const s = await startOpensslSwitch({
    cert: leaf.path,
    key: leaf.keyPath,
    caFile: rootCa.path,
    certChain: chain.length ? await f.bundle(`${name}-chain`, chain) : undefined,
    clientCert: 'none',
  });
  servers[name] = s;
  return s;
}

/** What a client that refuses untrusted servers (as the 1E Client) ends the handshake with: the first error. */
async function strictClientVerdict(port: number, caFile: string): Promise<string> {
  const r = await openssl(
    [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-CAfile',
      caFile,
      '-verify_return_error',
      '-servername',
      'localhost',
    ],
    { input: '' },
  );
  const code = Number((r.stdout + r.stderr).match(/Verify return code: (\d+)/)?.[1] ?? -1);
  return code === 0 ? 'OK' : (OPENSSL_ERRORS[code] ?? `error ${code}`);
}

/**
 * node's own verdict with the CA given to it: the check Onboard no longer asks node for. node's verify callback
 * lets OpenSSL go on past each error, so where a chain has several it names the last one, not the first.
 */
function nodeVerdict(port: number, ca: MadeCert[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: ca.map((c) => c.pem), rejectUnauthorized: false }, () => {
      resolve(s.authorized ? 'OK' : String(s.authorizationError));
      s.destroy();
    });
    s.on('error', reject);
  });
}

beforeAll(async () => {
  f = await CertForge.create();
  rootCa = await f.root('root', '/O=Onboard Probe Test/CN=Probe Root', CA);
  issuing = await f.issue('issuing', '/O=Onboard Probe Test/CN=Probe Issuing CA', rootCa, CA);
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
  await f?.cleanup();
});

describe('probeSwitch judges the chain the Switch sent', { timeout: 60_000 }, () => {
  const cases: {
    name: string;
    expected: string;
    node?: string;
    words: RegExp;
    make(): Promise<{ leaf: MadeCert; chain: MadeCert[] }>;
  }[] = [
    {
      name: 'a good chain sent with its intermediate',
      make: async () => ({ leaf: await f.issue('good', '/CN=localhost', issuing, SERVER), chain: [issuing] }),
      expected: 'OK',
      words: /chains to the chosen CA certificates/,
    },
    {
      name: 'a server certificate for Client Authentication only',
      make: async () => ({
        leaf: await f.issue('client-only', '/CN=localhost', issuing, [
          ...SERVER.filter((l) => !l.startsWith('extendedKeyUsage')),
          'extendedKeyUsage = clientAuth',
        ]),
        chain: [issuing],
      }),
      expected: 'INVALID_PURPOSE',
      words: /not made for a TLS server/,
    },
    {
      name: 'an intermediate without CA:TRUE',
      async make() {
        const notCa = await f.issue('not-ca', '/O=Onboard Probe Test/CN=Not A CA', rootCa, [
          'basicConstraints = critical,CA:FALSE',
          ...CA.slice(1),
        ]);
        return { leaf: await f.issue('under-not-ca', '/CN=localhost', notCa, SERVER), chain: [notCa] };
      },
      expected: 'INVALID_CA',
      // check_ssl_ca fails next for the same certificate: the second error, which node names.
      node: 'INVALID_PURPOSE',
      words: /"Not A CA" in its chain is not allowed to act as a CA/,
    },
    {
      name: 'a chain whose root is sent but not chosen',
      async make() {
        const otherRoot = await f.root('other-root', '/O=Elsewhere/CN=Other Root', CA);
        const otherCa = await f.issue('other-ca', '/O=Elsewhere/CN=Other CA', otherRoot, CA);
        return { leaf: await f.issue('other-leaf', '/CN=localhost', otherCa, SERVER), chain: [otherCa, otherRoot] };
      },
      expected: 'SELF_SIGNED_CERT_IN_CHAIN',
      words: /ends in a root that is not among the chosen CA certificates/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { leaf, chain } = await c.make();
      const s = await serve(leaf.name, leaf, chain);
      expect(await strictClientVerdict(s.port, rootCa.path)).toBe(c.expected);
      expect(await nodeVerdict(s.port, [rootCa])).toBe(c.node ?? c.expected);
      const r = await probeSwitch({ switchAddress: s.address, caCertificates: [rootCa.x509] });
      const finding = r.findings.find((x) => x.id === 'switch-server-cert')!;
      expect(finding.status).toBe(c.expected === 'OK' ? 'pass' : 'fail');
      expect(finding.detail).toMatch(c.words);
      expect(finding.detail).not.toContain('since the handshake ended early');
    });
  }
});

describe('verify builds no root store', { timeout: 120_000 }, () => {
  let preload: string;
  const rootStoreCalls = (args: string[], cwd = f.dir): Promise<{ calls: Record<string, number>; out: string }> =>
    new Promise((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, ONBOARD_TEST_PW: 'pfx-password' };
      delete env.NODE_EXTRA_CA_CERTS;
      const child = spawn(process.execPath, ['--expose-internals', '-r', preload, ...args], { cwd, env });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', () => {
        const m = err.match(/^ROOTSTORE (.*)$/m);
        if (!m) reject(new Error(`no record from the preload: ${err}`));
        else resolve({ calls: JSON.parse(m[1]!) as Record<string, number>, out });
      });
    });

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js')))
      execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    // Counts calls of the SecureContext methods that make node build its root store (Node 20's
    // src/crypto/crypto_context.cc: AddCACert, AddRootCerts, AddCRL and LoadPKCS12 each call
    // GetOrCreateRootCertStore, which parses every bundled root certificate).
    preload = join(f.dir, 'root-store-probe.cjs');
    await writeFile(
      preload,
      [
        "const { internalBinding } = require('internal/test/binding');",
        "const { SecureContext } = internalBinding('crypto');",
        'const calls = {};',
        "for (const m of ['addCACert', 'addRootCerts', 'addCRL', 'loadPKCS12']) {",
        '  const original = SecureContext.prototype[m];',
        '  SecureContext.prototype[m] = function (...a) { calls[m] = (calls[m] || 0) + 1; return original.apply(this, a); };',
        '}',
        "process.on('exit', () => process.stderr.write('ROOTSTORE ' + JSON.stringify(calls) + '\\n'));",
      ].join('\n'),
    );
  });

  it('the probe notices a context that does build it (the control)', async () => {
    const given = await rootStoreCalls([
      '-e',
      `require('tls').createSecureContext({ ca: ${JSON.stringify(rootCa.pem)} })`,
    ]);
    expect(given.calls.addCACert).toBe(1);
    const none = await rootStoreCalls(['-e', "require('tls').createSecureContext({})"]);
    expect(none.calls.addRootCerts).toBe(1);
  });

  it('onboard verify against a Switch and a Background Channel judges both certificates without it', async () => {
    const leaf = await f.issue('store-switch', '/CN=localhost', issuing, SERVER);
    const device = await f.issue('store-device', '/CN=MAC01.local', issuing, [
      'basicConstraints = CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = clientAuth',
    ]);
    await makePfx(join(f.dir, 'device.pfx'), device.path, device.keyPath, 'pfx-password', {
      chainPaths: [await f.bundle('device-chain', [issuing])],
    });
    const s = await startOpensslSwitch({
      cert: leaf.path,
      key: leaf.keyPath,
      caFile: await f.bundle('switch-trust', [rootCa, issuing]),
      certChain: await f.bundle('store-chain', [issuing]),
    });
    servers.store = s;
    const r = await rootStoreCalls([
      join(root, 'bin', 'onboard.js'),
      'verify',
      '--switch',
      s.address,
      '--background-url',
      `https://${s.address}/Background/`,
      '--pfx',
      'device.pfx',
      '--password-env',
      'ONBOARD_TEST_PW',
      '--ca',
      rootCa.path,
      '--skip-crl',
      '--skip-ocsp',
      '--skip-mac-checks',
    ]);
    expect(r.out).toContain("PASS switch-server-cert: The Switch's certificate is trusted");
    expect(r.out).toContain("PASS background-server-cert: The Background Channel's certificate is trusted");
    expect(r.out).toContain('PASS switch-client-auth');
    expect(r.calls).toEqual({});
  });
});
