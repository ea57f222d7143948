// Specification: importClientIdentity over the simulated Mac.
import { readFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importClientIdentity, previousIdentities } from '../../../../../src/core/macos/plans';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { makePfx } from '../../../../support/openssl';
import { renderPlanText, viewPlan } from '../../../../../src/core/macos/action';
import { gatherFacts } from '../../../../../src/core/macos/facts';
import { SimulatedMac } from '../../../../../src/core/macos/executors/simulated';
import { PlanWorkspace } from '../../../../../src/core/macos/workspace';
import { analysePfx, readPfx } from '../../../../../src/core/pki/pkcs12';
import { openPfx } from '../../../../../src/core/pki/identity';
import { makeMacFixtures, PFX_PASSWORD, runOnSimulatedMac, type MacFixtures } from '../fixtures';

/** The keychain grants the key to the 1E Client's program (-T), so these Macs have the client installed. */
function macWithClient(opts: ConstructorParameters<typeof SimulatedMac>[0] = {}): SimulatedMac {
  return new SimulatedMac({ client: { version: '24.1.0.5' }, ...opts });
}

let fx: MacFixtures;
beforeAll(async () => {
  fx = await makeMacFixtures();
});
afterAll(async () => {
  await fx?.cleanup();
});

async function withPlan<T>(
  mac: SimulatedMac,
  fn: (p: Awaited<ReturnType<typeof importClientIdentity>>, ws: PlanWorkspace) => Promise<T>,
  opts: { pfx?: Buffer; allowAnyApp?: boolean } = {},
): Promise<T> {
  const ws = await PlanWorkspace.create();
  try {
    const p = await importClientIdentity({
      identity: openPfx(opts.pfx ?? fx.modernPfx, PFX_PASSWORD).identity,
      facts: await gatherFacts(mac),
      workspace: ws,
      allowAnyApp: opts.allowAnyApp ?? false,
    });
    return await fn(p, ws);
  } finally {
    await ws.dispose();
  }
}

describe('importClientIdentity', () => {
  it('imports even an OpenSSL 3 AES PFX on macOS 14, because it is re-wrapped to the compatible profile first', async () => {
    const mac = macWithClient({ macosVersion: '14.4.1' });
    await withPlan(mac, async (p) => {
      const r = await runOnSimulatedMac(mac, p);
      expect(r.ok).toBe(true);
    });
    expect(mac.snapshot().identities).toMatchObject([
      { name: 'MAC01.local', anyApp: false, apps: ['/Library/Application Support/1E/Client/1E.Client'] },
    ]);
  });

  it("gives security import a one-time password, never the technician's, and masks it everywhere it is shown", async () => {
    const mac = macWithClient();
    await withPlan(mac, async (p) => {
      const cmd = p.actions[0]!.command;
      const oneTime = cmd.args[cmd.secretArgs![0]!]!;
      expect(oneTime).not.toBe(PFX_PASSWORD);
      expect(cmd.args).not.toContain(PFX_PASSWORD);
      expect(analysePfx(await readFile(cmd.args[1]!), oneTime).macOsCompatible).toBe(true);
      const shown = renderPlanText([p]) + JSON.stringify(viewPlan(p));
      expect(shown).not.toContain(oneTime);
      expect(shown).not.toContain(PFX_PASSWORD);
      const r = await runOnSimulatedMac(mac, p);
      expect(JSON.stringify(r) + JSON.stringify(mac.commands())).not.toContain(oneTime);
    });
  });

  it('keeps the re-wrapped file only in a private 0600 file that goes with the workspace', async () => {
    const mac = macWithClient();
    let path = '';
    await withPlan(mac, async (p, ws) => {
      path = p.files[0]!.path;
      expect(p.files[0]!.secret).toBe(true);
      expect(path.startsWith(ws.dir)).toBe(true);
      const { statSync } = await import('node:fs');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(ws.dir).mode & 0o777).toBe(0o700);
    });
    expect(existsSync(path)).toBe(false);
  });

  it('skips an identity that is already in the keychain, so a rerun changes nothing', async () => {
    const mac = macWithClient({ certificates: [{ certificate: fx.root, trusted: true }] });
    await withPlan(mac, (p) => runOnSimulatedMac(mac, p));
    const before = mac.snapshot();
    await withPlan(mac, async (p) => {
      expect(p.actions[0]!.status).toBe('skip');
      expect((await runOnSimulatedMac(mac, p)).changed).toBe(false);
    });
    expect(mac.snapshot()).toEqual(before);
  });

  it('uses -A only when asked, with a warning', async () => {
    const mac = macWithClient();
    await withPlan(
      mac,
      async (p) => {
        expect(p.actions[0]!.command.args).toContain('-A');
        expect(p.actions[0]!.command.args).not.toContain('-T');
        expect(p.warnings.join(' ')).toContain('Any application on this Mac');
        await runOnSimulatedMac(mac, p);
      },
      { allowAnyApp: true },
    );
    expect(mac.snapshot().identities[0]!.anyApp).toBe(true);
  });

  it('reports a failed import with the command shown masked', async () => {
    const mac = macWithClient();
    mac.failWhen({ actionId: 'identity-import', stderr: 'security: SecKeychainItemImport: simulated' });
    await withPlan(mac, async (p) => {
      const r = await runOnSimulatedMac(mac, p);
      expect(r.ok).toBe(false);
      expect(r.failure?.hint).toContain('-P ••••');
      expect(mac.snapshot().identities).toEqual([]);
    });
  });

  it('refuses a wrong PFX password where the PFX is opened, before any plan can be made', () => {
    expect(() => openPfx(fx.modernPfx, 'wrong')).toThrow(expect.objectContaining({ code: 'pfx-wrong-password' }));
  });

  it('wraps the identity once, keeping the PFX friendly name for the keychain label', async () => {
    const issued = await fx.pki.issuer.issue('named', { cn: 'MAC01.local', sans: ['MAC01.local'] });
    const path = join(fx.dir, 'named.pfx');
    await makePfx(path, issued.certPath, issued.keyPath, PFX_PASSWORD, { name: 'MAC01 device', legacy: true });
    const named = await readFile(path);
    const mac = macWithClient();
    await withPlan(
      mac,
      async (p) => {
        expect(p.files).toHaveLength(1);
        const cmd = p.actions[0]!.command;
        const wrapped = readPfx(await readFile(cmd.args[1]!), cmd.args[cmd.secretArgs![0]!]!);
        expect(wrapped.friendlyName).toBe('MAC01 device');
        expect(wrapped.certificates.map((c) => c.fingerprint256)).toEqual(
          readPfx(named, PFX_PASSWORD).certificates.map((c) => c.fingerprint256),
        );
      },
      { pfx: named },
    );
  });

  it('writes no file and wraps no key for a plan that will not run here (an exported script makes its own)', async () => {
    const ws = await PlanWorkspace.create();
    try {
      const p = await importClientIdentity({
        identity: openPfx(fx.modernPfx, PFX_PASSWORD).identity,
        facts: await gatherFacts(macWithClient()),
        workspace: ws,
        makeFile: false,
      });
      expect(p.files).toEqual([]);
      expect(readdirSync(ws.dir)).toEqual([]);
      expect(p.actions[0]!.command.args[1]).toBe(join(ws.dir, 'identity.p12'));
      expect(p.script!.setup.join('\n')).toContain('"$work"/identity.p12');
    } finally {
      await ws.dispose();
    }
  });
});

/** openssl ca's date format. */
function caDate(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

describe('removing the old identity for this host name', () => {
  let oldExpired: { pfx: Buffer; cert: X509Certificate };
  let oldValid: { pfx: Buffer; cert: X509Certificate };
  let otherHost: { pfx: Buffer; cert: X509Certificate };
  beforeAll(async () => {
    const make = async (name: string, cn: string, dates: { startDate?: string; endDate?: string } = {}) => {
      const issued = await fx.pki.issuer.issue(name, { cn, sans: [cn], ...dates });
      const path = join(fx.dir, `${name}.pfx`);
      await makePfx(path, issued.certPath, issued.keyPath, PFX_PASSWORD, { legacy: true });
      return { pfx: await readFile(path), cert: new X509Certificate(issued.certPem) };
    };
    const now = Date.now();
    oldExpired = await make('old-expired', 'MAC01.local', {
      startDate: caDate(new Date(now - 400 * 86400_000)),
      endDate: caDate(new Date(now - 86400_000)),
    });
    oldValid = await make('old-valid', 'mac01.local');
    otherHost = await make('other-host', 'MAC02.local');
  });

  /** A Mac whose System keychain trusts the test root and already holds the given identities. */
  async function macWith(...pfxs: Buffer[]): Promise<SimulatedMac> {
    const mac = macWithClient({
      certificates: [{ certificate: fx.root, trusted: true }, { certificate: fx.intermediate }],
    });
    const ws = await PlanWorkspace.create();
    try {
      for (const pfx of pfxs) {
        const p = await importClientIdentity({
          identity: openPfx(pfx, PFX_PASSWORD).identity,
          facts: await gatherFacts(mac),
          workspace: ws,
        });
        expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
      }
    } finally {
      await ws.dispose();
    }
    return mac;
  }

  it("lists the identities for the same host name, expired ones included with their reason, and never the new one or another host's", async () => {
    const mac = await macWith(oldExpired.pfx, oldValid.pfx, otherHost.pfx, fx.legacyPfx);
    const found = previousIdentities(await gatherFacts(mac), fx.leaf);
    const sha = (c: X509Certificate) => c.fingerprint.replace(/:/g, '');
    expect(found.map((f) => f.sha1).sort()).toEqual([sha(oldExpired.cert), sha(oldValid.cert)].sort());
    const expired = found.find((f) => f.sha1 === sha(oldExpired.cert))!;
    expect(expired).toMatchObject({
      name: 'MAC01.local',
      problem: 'CSSMERR_TP_CERT_EXPIRED',
      subject: 'CN=MAC01.local',
      notAfter: new Date(oldExpired.cert.validTo).toISOString(),
    });
    expect(found.find((f) => f.sha1 === sha(oldValid.cert))!.problem).toBeNull();
  });

  it('deletes the chosen old identities after importing the new one, marked as not undoable, and a rerun changes nothing', async () => {
    const mac = await macWith(oldExpired.pfx, otherHost.pfx);
    const ws = await PlanWorkspace.create();
    try {
      const facts = await gatherFacts(mac);
      const old = previousIdentities(facts, fx.leaf).map((o) => o.sha1);
      const p = await importClientIdentity({
        identity: openPfx(fx.legacyPfx, PFX_PASSWORD).identity,
        facts,
        workspace: ws,
        removePrevious: old,
      });
      expect(p.actions.map((a) => a.id)).toEqual([
        'identity-import',
        `identity-remove-${old[0]!.slice(0, 16).toLowerCase()}`,
      ]);
      const remove = p.actions[1]!;
      expect(remove).toMatchObject({
        irreversible: true,
        root: true,
        title: expect.stringMatching(
          /^Remove the old identity "MAC01\.local" \(expired \d{4}-\d\d-\d\d\) from the System keychain$/,
        ),
      });
      expect(remove.undo).toBeUndefined();
      expect(remove.command.args).toEqual(['delete-identity', '-Z', old[0], '/Library/Keychains/System.keychain']);
      expect(viewPlan(p).actions[1]!.irreversible).toBe(true);
      expect(renderPlanText([p])).toContain('cannot be undone');
      expect(p.warnings.join(' ')).toContain('cannot be undone');
      const r = await runOnSimulatedMac(mac, p);
      expect(r.ok).toBe(true);
      expect(
        mac
          .snapshot()
          .identities.map((i) => i.sha1)
          .sort(),
      ).toEqual([fx.leaf, otherHost.cert].map((c) => c.fingerprint.replace(/:/g, '')).sort());
      const again = await importClientIdentity({
        identity: openPfx(fx.legacyPfx, PFX_PASSWORD).identity,
        facts: await gatherFacts(mac),
        workspace: ws,
        removePrevious: [],
      });
      expect(again.actions.every((a) => a.status === 'skip')).toBe(true);
      expect(previousIdentities(await gatherFacts(mac), fx.leaf)).toEqual([]);
    } finally {
      await ws.dispose();
    }
  });

  it('keeps the old identity when the import of the new one fails, and deletes nothing', async () => {
    const mac = await macWith(oldValid.pfx);
    mac.failWhen({ actionId: 'identity-import', stderr: 'security: SecKeychainItemImport: Write permissions error.' });
    const ws = await PlanWorkspace.create();
    try {
      const facts = await gatherFacts(mac);
      const p = await importClientIdentity({
        identity: openPfx(fx.legacyPfx, PFX_PASSWORD).identity,
        facts,
        workspace: ws,
        removePrevious: previousIdentities(facts, fx.leaf).map((o) => o.sha1),
      });
      expect((await runOnSimulatedMac(mac, p)).ok).toBe(false);
    } finally {
      await ws.dispose();
    }
    expect(mac.snapshot().identities.map((i) => i.sha1)).toEqual([oldValid.cert.fingerprint.replace(/:/g, '')]);
  });

  it('refuses to remove an identity that is not an older one for this host name', async () => {
    const mac = await macWith(otherHost.pfx);
    const ws = await PlanWorkspace.create();
    try {
      await expect(
        importClientIdentity({
          identity: openPfx(fx.legacyPfx, PFX_PASSWORD).identity,
          facts: await gatherFacts(mac),
          workspace: ws,
          removePrevious: [otherHost.cert.fingerprint.replace(/:/g, '')],
        }),
      ).rejects.toMatchObject({ code: 'identity-not-removable' });
    } finally {
      await ws.dispose();
    }
  });
});
