// Closing a session, and starting it afresh for another Mac: what main kept for the job goes with it.
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { closeSession } from '../../../../src/main/ipc/session';
import type { TrustPlan } from '../../../../src/shared/contract';
import { changesBench } from './steps/support';

const bench = changesBench();
const { withClient, readySession, call } = bench;

describe('closing a session', () => {
  it('removes the private folders of plans prepared but never applied', async () => {
    const session = readySession(withClient());
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', {});
    const workspace = dirname(plan.plans[0]!.files[0]!.path);
    expect(existsSync(workspace)).toBe(true);
    await closeSession(session);
    expect(existsSync(workspace)).toBe(false);
  });
});

describe('starting afresh (Onboard another Mac)', () => {
  it("forgets the job (mode, identity, plans and their private folders) but keeps the window's Mac", async () => {
    const mac = withClient();
    const session = readySession(mac);
    await call(session, 'setMode', { mode: 'upgrade' });
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', {});
    const workspace = dirname(plan.plans[0]!.files[0]!.path);
    expect(await call(session, 'startOver', {})).toEqual({ started: true });
    expect(existsSync(workspace)).toBe(false);
    expect(session.welcome.mode).toBe('new');
    expect(session.executor).toBe(mac);
    const e = await bench.failure(session, 'planTrustIdentity', {});
    expect(e.code).toBe('no-identity');
  });
});
