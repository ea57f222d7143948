// Closing a session: what main kept for the window goes with it.
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
