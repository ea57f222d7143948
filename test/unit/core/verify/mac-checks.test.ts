import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, type TestPki } from '../../../support/openssl';
import { SimulatedMac, type SimulatedMacOptions } from '../../../../src/core/macos/executors/simulated';
import { PlanWorkspace } from '../../../../src/core/macos/workspace';
import { executePlan } from '../../../../src/core/macos/execute';
import { gatherFacts } from '../../../../src/core/macos/facts';
import { CLIENT_LOG, DAEMON_LOG, SYSTEM_KEYCHAIN, CLIENT_BINARY } from '../../../../src/core/macos/paths';
import { writePfx } from '../../../../src/core/pki/pkcs12';
import {
  checkMac,
  describeMachine,
  planDebugLogging,
  type MacCheckInput,
} from '../../../../src/core/verify/mac-checks';
import type { ClientIdentity } from '../../../../src/core/verify/switch-probe';
import type { Executor } from '../../../../src/core/macos/types';

const SWITCH = 'tachyon.acme.local:4000';
const BACKGROUND = 'https://tachyon.acme.local/Background/';
const CONF = `# 1E Client configuration file\nSwitch=${SWITCH}\nBackgroundChannelUrl=${BACKGROUND}\nLoggingLevel=Info\n`;
let pki: TestPki;
let dir: string;
let identity: ClientIdentity;
let cas: X509Certificate[];
let pfxPath: string;

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true });
  const device = await pki.issuer.issue('device', { cn: 'MAC01.local' });
  identity = {
    key: createPrivateKey(await readFile(device.keyPath)),
    certificate: new X509Certificate(device.certPem),
    chain: [new X509Certificate(pki.intermediate!.certPem)],
  };
  cas = [new X509Certificate(pki.root.certPem), new X509Certificate(pki.intermediate!.certPem)];
  dir = await mkdtemp(join(tmpdir(), 'onboard-mac-checks-'));
  pfxPath = join(dir, 'device.pfx');
  await writeFile(
    pfxPath,
    writePfx({
      key: identity.key,
      certificate: identity.certificate,
      chain: cas,
      password: 'import-pw',
      profile: 'compatible',
    }),
  );
});

afterAll(async () => {
  await pki?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A Mac onboarded the way the app does it: client installed and running, CAs trusted, identity imported. */
async function onboardedMac(
  over: Partial<SimulatedMacOptions> = {},
  opts: { importIdentity?: boolean } = {},
): Promise<SimulatedMac> {
  const mac = new SimulatedMac({
    localHostName: 'MAC01',
    arch: 'arm64',
    rosetta: true,
    client: { version: '24.1.0.100', conf: CONF, running: true },
    certificates: [{ certificate: pki.root.certPem, trusted: true }, { certificate: pki.intermediate!.certPem }],
    ...over,
  });
  if (opts.importIdentity !== false) {
    const r = await mac.asRoot().run({
      program: '/usr/bin/security',
      args: [
        'import',
        pfxPath,
        '-k',
        SYSTEM_KEYCHAIN,
        '-t',
        'agg',
        '-f',
        'pkcs12',
        '-P',
        'import-pw',
        '-T',
        CLIENT_BINARY,
      ],
    });
    expect(r.exitCode).toBe(0);
  }
  mac.appendLog(CLIENT_LOG, '2025-03-01 10:00:00 INFO Connected to Switch tachyon.acme.local:4000');
  mac.appendLog(DAEMON_LOG, '2025-03-01 09:59:58 INFO 1E.Client started');
  return mac;
}

const input = (executor: SimulatedMac, more: Partial<MacCheckInput> = {}): MacCheckInput => ({
  executor,
  identity,
  caCertificates: cas,
  switchAddress: SWITCH,
  backgroundUrl: BACKGROUND,
  ...more,
});
const statusOf = async (i: MacCheckInput) =>
  Object.fromEntries((await checkMac(i)).findings.map((f) => [f.id, f.status]));
const findingOf = async (i: MacCheckInput, id: string) => (await checkMac(i)).findings.find((f) => f.id === id)!;

describe('checkMac on a simulated Mac', () => {
  it('passes every check on a Mac onboarded as planned', async () => {
    expect(await statusOf(input(await onboardedMac()))).toEqual({
      'mac-client-installed': 'pass',
      'mac-rosetta': 'pass',
      'mac-daemon': 'pass',
      'mac-conf': 'pass',
      'mac-hostname': 'pass',
      'mac-identity': 'pass',
      'mac-ca-certificates': 'pass',
      logs: 'pass',
      'mac-debug-logging': 'info',
    });
  });

  it('runs only read-only commands', async () => {
    const mac = await onboardedMac();
    const before = mac.commands().length;
    await checkMac(input(mac));
    const lines = mac
      .commands()
      .slice(before)
      .map((c) => c.line);
    expect(lines.some((l) => /\b(import|add-trusted-cert|bootstrap|kickstart|installer|rm)\b/.test(l))).toBe(false);
    expect(
      mac
        .commands()
        .slice(before)
        .every((c) => !c.root),
    ).toBe(true);
  });

  it('fails a Mac without the 1E Client: not installed, no daemon, no configuration', async () => {
    // No identity import: with no 1E Client on disk, security cannot build its -T entry (as on a real Mac).
    const s = await statusOf(input(await onboardedMac({ client: null }, { importIdentity: false })));
    expect(s).toMatchObject({ 'mac-client-installed': 'fail', 'mac-daemon': 'fail', 'mac-conf': 'fail' });
  });

  it('fails a daemon that is installed but not loaded', async () => {
    const f = await findingOf(
      input(await onboardedMac({ client: { version: '24.1.0.100', conf: CONF, running: false } })),
      'mac-daemon',
    );
    expect(f).toMatchObject({ status: 'fail', fix: expect.stringContaining('launchctl') });
  });

  it('names the setting that differs from what was configured', async () => {
    const mac = await onboardedMac({
      client: { version: '24.1.0.100', conf: CONF.replace(SWITCH, 'old-switch.acme.local:4000'), running: true },
    });
    const f = await findingOf(input(mac), 'mac-conf');
    expect(f.status).toBe('fail');
    expect(f.detail).toContain(`Switch is old-switch.acme.local:4000 (expected ${SWITCH})`);
  });

  it('compares explicitly expected settings case-insensitively by name', async () => {
    const mac = await onboardedMac();
    expect(
      (await findingOf(input(mac, { expectedConf: { switch: SWITCH, LOGGINGLEVEL: 'Info' } }), 'mac-conf')).status,
    ).toBe('pass');
    const f = await findingOf(input(mac, { expectedConf: { LoggingLevel: 'debug' } }), 'mac-conf');
    expect(f).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('LoggingLevel is Info (expected debug)'),
    });
  });

  it("fails a certificate whose name differs from the Mac's only by capitals", async () => {
    const f = await findingOf(input(await onboardedMac({ localHostName: 'mac01' })), 'mac-hostname');
    expect(f).toMatchObject({ status: 'fail', title: 'The client certificate names MAC01.local, not mac01.local' });
  });

  it('fails when no identity is in the System keychain', async () => {
    const f = await findingOf(input(await onboardedMac({}, { importIdentity: false })), 'mac-identity');
    expect(f).toMatchObject({ status: 'fail', fix: expect.stringContaining(CLIENT_BINARY) });
  });

  it('fails an identity that find-identity lists with a CSSM error, instead of calling it missing', async () => {
    const mac = await onboardedMac();
    // What a real Mac prints for a revoked identity under -v (bazelbuild/rules_apple#412): the
    // simulated Mac lists only valid ones under -v, so the line is given its error here.
    const revoked: Executor = {
      kind: 'simulated',
      run: async (c) => {
        const r = await mac.run(c);
        if (c.args[0] !== 'find-identity' || !c.args.includes('-v')) return r;
        return { ...r, stdout: r.stdout.replace(/"\n/, '" (CSSMERR_TP_CERT_REVOKED)\n') };
      },
    };
    const f = await findingOf(input(mac, { executor: revoked }), 'mac-identity');
    expect(f).toMatchObject({ status: 'fail', title: expect.stringContaining('(CSSMERR_TP_CERT_REVOKED)') });
    expect(f.title).toMatch(/is in the System keychain, but macOS does not trust it/);
  });

  it('lists the CA certificates missing from the System keychain', async () => {
    const f = await findingOf(
      input(
        await onboardedMac(
          { certificates: [{ certificate: pki.root.certPem, trusted: true }] },
          { importIdentity: false },
        ),
      ),
      'mac-ca-certificates',
    );
    expect(f).toMatchObject({ status: 'fail', detail: expect.stringContaining('Onboard Test Issuing CA') });
  });

  it('fails a root CA that is in the System keychain but not trusted, with the command that trusts it', async () => {
    const mac = await onboardedMac(
      { certificates: [{ certificate: pki.root.certPem }, { certificate: pki.intermediate!.certPem }] },
      { importIdentity: false },
    );
    const f = await findingOf(input(mac), 'mac-ca-certificates');
    expect(f.status).toBe('fail');
    expect(f.title).toMatch(/^The root CA .*Onboard Test Root CA.* is in the System keychain but not trusted$/);
    expect(f.fix).toContain(`security add-trusted-cert -d -r trustRoot -k ${SYSTEM_KEYCHAIN}`);
  });

  it('fails a root CA set to Never Trust', async () => {
    const mac = await onboardedMac(
      { certificates: [{ certificate: pki.root.certPem, trust: 'deny' }, { certificate: pki.intermediate!.certPem }] },
      { importIdentity: false },
    );
    const f = await findingOf(input(mac), 'mac-ca-certificates');
    expect(f).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('Never Trust'),
      fix: expect.stringContaining('remove-trusted-cert -d'),
    });
  });

  it("asks no trust setting of an intermediate CA, and passes once the root is trusted by the plan's own command", async () => {
    const mac = await onboardedMac(
      { certificates: [{ certificate: pki.root.certPem }, { certificate: pki.intermediate!.certPem }] },
      { importIdentity: false },
    );
    const rootFile = join(dir, 'root.pem');
    await writeFile(rootFile, pki.root.certPem);
    expect(
      (
        await mac.asRoot().run({
          program: '/usr/bin/security',
          args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', SYSTEM_KEYCHAIN, rootFile],
        })
      ).exitCode,
    ).toBe(0);
    const f = await findingOf(input(mac), 'mac-ca-certificates');
    expect(f.status).toBe('pass');
    expect(f.detail).toContain('trusted as root: ');
    expect(f.detail).not.toContain('only for');
  });

  it('says a root trusted only for some purposes is trusted, naming them', async () => {
    const mac = await onboardedMac(
      { certificates: [{ certificate: pki.intermediate!.certPem }] },
      { importIdentity: false },
    );
    const rootFile = join(dir, 'root-ssl.pem');
    await writeFile(rootFile, pki.root.certPem);
    await mac.asRoot().run({
      program: '/usr/bin/security',
      args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-p', 'ssl', '-k', SYSTEM_KEYCHAIN, rootFile],
    });
    const f = await findingOf(input(mac), 'mac-ca-certificates');
    expect(f).toMatchObject({ status: 'pass', detail: expect.stringContaining('only for: ssl') });
  });

  it('fails an Apple silicon Mac without Rosetta 2', async () => {
    expect((await findingOf(input(await onboardedMac({ rosetta: false })), 'mac-rosetta')).status).toBe('fail');
  });

  it('diagnoses the private-key access failure from the client log and offers debug logging', async () => {
    const mac = await onboardedMac();
    mac.appendLog(
      CLIENT_LOG,
      "2025-03-01 10:05:00 ERROR Cannot obtain the client certificate's private key: The user name or passphrase you entered is not correct.",
    );
    const s = await statusOf(input(mac));
    expect(s).toMatchObject({ 'log-private-key-access': 'fail', 'mac-debug-logging': 'info' });
    expect(s.logs).toBeUndefined();
  });

  it('describes the machine for the report', async () => {
    const facts = await gatherFacts(await onboardedMac());
    expect(describeMachine(facts)).toEqual(
      expect.arrayContaining([
        { label: 'macOS', value: 'macOS 14.4.1 (23E224)' },
        { label: 'Local host name', value: 'MAC01.local' },
        { label: '1E Client', value: '24.1.0.100' },
      ]),
    );
  });
});

describe('the debug logging action', () => {
  it('plans LoggingLevel=debug in 1E.Client.conf, keeping the other settings, then a client restart', async () => {
    const mac = await onboardedMac();
    const workspace = await PlanWorkspace.create();
    try {
      const plans = await planDebugLogging(await gatherFacts(mac), workspace);
      expect(plans.map((p) => p.step)).toEqual(['configure-client', 'restart-client']);
      expect(plans[1]!.actions.map((a) => a.command.args.join(' '))).toContain(
        'kickstart -k system/com.1e.pkg.1E.Client',
      );
      for (const plan of plans)
        expect((await executePlan(plan, { executor: mac, privileged: mac.privilegedRunner() })).ok).toBe(true);
      const conf = (await gatherFacts(mac)).conf!;
      expect(conf.values.LoggingLevel).toBe('debug');
      expect(conf.values.Switch).toBe(SWITCH);
      expect(conf.text).toContain('# 1E Client configuration file');
    } finally {
      await workspace.dispose();
    }
  });
});
