// Specification: the whole onboarding over the simulated Mac, planned then applied step by step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOnboarding, planOnboarding, type OnboardingRequest } from '../../../../src/core/macos/onboarding';
import { SimulatedMac } from '../../../../src/core/macos/executors/simulated';
import { gatherFacts } from '../../../../src/core/macos/facts';
import { PlanWorkspace, withPlanWorkspace } from '../../../../src/core/macos/workspace';
import { renderPlanText, viewPlan } from '../../../../src/core/macos/action';
import { openPfx } from '../../../../src/core/pki/identity';
import { makeMacFixtures, PFX_PASSWORD, type MacFixtures } from './fixtures';

let fx: MacFixtures;
beforeAll(async () => {
  fx = await makeMacFixtures();
});
afterAll(async () => {
  await fx?.cleanup();
});

function request(extra: Partial<OnboardingRequest> = {}): OnboardingRequest {
  return {
    switchAddress: 'tachyon.acme.local:4000',
    backgroundUrl: 'https://tachyon.acme.local/Background/',
    caCertificates: [fx.root, fx.intermediate],
    identity: openPfx(fx.legacyPfx, PFX_PASSWORD).identity,
    installerPath: fx.dmgPath,
    loggingLevel: 'debug',
    ...extra,
  };
}

async function apply(mac: SimulatedMac, req: OnboardingRequest) {
  return withPlanWorkspace((workspace) =>
    applyOnboarding(req, { executor: mac, privileged: mac.privilegedRunner(), workspace }),
  );
}

describe('onboarding a fresh Apple Silicon Mac', () => {
  it('installs Rosetta and the client, trusts the CAs, imports the identity, configures and starts the client', async () => {
    const mac = new SimulatedMac();
    const result = await apply(mac, request());
    expect(result.ok, JSON.stringify(result.steps.map((s) => s.failure))).toBe(true);
    const facts = await gatherFacts(mac);
    expect(facts.rosettaWorks).toBe(true);
    expect(facts.client?.version).toBe('5.2.0.7');
    expect(facts.daemon?.running).toBe(true);
    expect(facts.conf?.values).toMatchObject({
      Switch: 'tachyon.acme.local:4000',
      BackgroundChannelUrl: 'https://tachyon.acme.local/Background/',
      LoggingLevel: 'debug',
      AuthenticationPolicy: 'optional',
    });
    expect(facts.identities.map((i) => i.name)).toEqual(['MAC01.local']);
    expect(mac.snapshot().certificates.filter((c) => c.trusted)).toHaveLength(1);
    expect(mac.snapshot().mounts).toEqual([]);
  });

  it('asks for administrator rights once per step that changes something', async () => {
    const mac = new SimulatedMac();
    const result = await apply(mac, request());
    expect(result.ok).toBe(true);
    expect(mac.snapshot().adminPrompts).toEqual(
      result.steps.filter((s) => s.actions.some((a) => a.root && a.outcome === 'done')).map((s) => s.title),
    );
  });

  it('changes nothing when run a second time', async () => {
    const mac = new SimulatedMac();
    expect((await apply(mac, request())).ok).toBe(true);
    const before = mac.snapshot();
    const again = await apply(mac, request());
    expect(again.ok).toBe(true);
    expect(again.steps.flatMap((s) => s.actions).filter((a) => a.outcome !== 'skipped')).toEqual([]);
    const after = mac.snapshot();
    expect({ ...after, adminPrompts: [] }).toEqual({ ...before, adminPrompts: [] });
    expect(after.adminPrompts).toEqual(before.adminPrompts);
  });

  it('plans every step for review without changing the Mac', async () => {
    const mac = new SimulatedMac();
    const before = mac.snapshot();
    const text = await withPlanWorkspace(async (ws: PlanWorkspace) =>
      renderPlanText(await planOnboarding(request(), await gatherFacts(mac), ws)),
    );
    expect(text).toContain('Install Rosetta 2');
    expect(text).toContain('/usr/bin/security import');
    expect(text).toContain('-P ••••');
    expect(text).not.toContain(PFX_PASSWORD);
    expect(mac.snapshot()).toEqual(before);
  });

  it('keeps existing settings through an upgrade that resets the configuration file', async () => {
    const mac = new SimulatedMac({
      rosetta: true,
      client: {
        version: '5.1.0.1',
        conf: 'Switch=old:4000\nBackgroundChannelUrl=https://old/Background/\nConnectionTimeout=45\n# keep me\n',
        running: true,
      },
    });
    const result = await apply(mac, request({ caCertificates: [], identity: undefined }));
    expect(result.ok).toBe(true);
    const facts = await gatherFacts(mac);
    expect(facts.client?.version).toBe('5.2.0.7');
    expect(facts.conf?.values.ConnectionTimeout).toBe('45');
    expect(facts.conf?.text).toContain('# keep me');
    expect(facts.conf?.values.Switch).toBe('tachyon.acme.local:4000');
    expect(result.steps.at(-1)!.actions.find((a) => a.id === 'daemon-restart')?.outcome).toBe('done');
  });

  it('imports the identity again when the package is upgraded, so the new binary gets its key; a rerun changes nothing', async () => {
    const mac = new SimulatedMac({ rosetta: true, client: { version: '5.1.0.1', running: true } });
    expect((await apply(mac, request({ installerPath: undefined }))).ok).toBe(true);
    const upgraded = await apply(mac, request());
    expect(upgraded.ok).toBe(true);
    const identity = upgraded.steps.find((s) => s.step === 'client-identity')!;
    expect(identity.actions.map((a) => [a.id, a.outcome])).toEqual([
      ['identity-regrant-delete', 'done'],
      ['identity-import', 'done'],
    ]);
    expect(mac.snapshot().identities).toHaveLength(1);
    const again = await apply(mac, request());
    expect(again.steps.find((s) => s.step === 'client-identity')!.actions.map((a) => a.outcome)).toEqual(['skipped']);
  });

  it('stops at the failing step, undoes that step and reports which action failed', async () => {
    const mac = new SimulatedMac({ rosetta: true });
    mac.failWhen({ actionId: 'identity-import', stderr: 'security: SecKeychainItemImport: simulated disk full' });
    const result = await apply(mac, request());
    expect(result.ok).toBe(false);
    const last = result.steps.at(-1)!;
    expect(last.step).toBe('client-identity');
    expect(last.failure?.actionId).toBe('identity-import');
    expect(last.failure?.message).toContain('simulated disk full');
    expect(result.steps.map((s) => s.step)).not.toContain('configure-client');
    expect(JSON.stringify(result)).not.toContain(PFX_PASSWORD);
    const viewText = JSON.stringify(mac.commands());
    expect(viewText).not.toContain(PFX_PASSWORD);
  });

  it('shows plans as JSON with every secret masked', async () => {
    const mac = new SimulatedMac();
    const json = await withPlanWorkspace(async (ws) =>
      JSON.stringify((await planOnboarding(request(), await gatherFacts(mac), ws)).map(viewPlan)),
    );
    expect(json).toContain('••••');
    expect(json).not.toContain(PFX_PASSWORD);
  });
});

describe('onboarding without an installer', () => {
  it('configures but does not try to start a client that is not installed, and says why', async () => {
    const mac = new SimulatedMac({ rosetta: true });
    const req = request({ installerPath: undefined, identity: undefined });
    const result = await apply(mac, req);
    expect(result.ok).toBe(true);
    const start = await withPlanWorkspace(async (ws) =>
      (await planOnboarding(req, await gatherFacts(mac), ws)).at(-1)!,
    );
    expect(start.actions).toEqual([]);
    expect(start.warnings[0]).toContain('not installed');
  });

  it('refuses an identity for a client that is not installed before changing anything, saying to add the installer', async () => {
    const mac = new SimulatedMac({ rosetta: true });
    const before = mac.snapshot();
    await expect(apply(mac, request({ installerPath: undefined }))).rejects.toMatchObject({
      code: 'client-not-installed',
      hint: expect.stringContaining('Give the 1E Client installer'),
    });
    expect(mac.snapshot()).toEqual(before);
  });
});
