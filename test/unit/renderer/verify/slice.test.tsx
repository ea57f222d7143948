// Verify's slice: when the technician may go on, and cancelling the checks.
import { describe, it, expect, beforeEach } from 'vitest';
import { useWizard } from '../../../../renderer/state/store';
import { canProceed } from '../../../../renderer/state/selectors';
import { err, installFakeApi, ok, resetStore } from '../fake-api';

const state = () => useWizard.getState();

beforeEach(() => resetStore());

describe('can the technician go on from Verify', () => {
  it('Verify lets the technician on to the summary after checks that failed, so the report can be saved', async () => {
    installFakeApi({
      runVerification: () =>
        ok({ ok: false, findings: [], counts: { pass: 0, warn: 0, fail: 1, info: 0 }, startedAt: '', finishedAt: '' }),
    });
    expect(canProceed(state(), 'verify').ok).toBe(false);
    await state().runVerification();
    expect(canProceed(state(), 'verify')).toEqual({ ok: true });
  });
});

describe('the Verify slice', () => {
  it("cancelling the checks sends cancelRequest with the running request's id", async () => {
    let finish: () => void = () => undefined;
    const api = installFakeApi({
      runVerification: () =>
        new Promise((resolve) => {
          finish = () => resolve(err('cancelled', 'Cancelled.'));
        }),
      cancelRequest: () => {
        finish();
        return ok({ cancelled: true });
      },
    });
    const running = state().runVerification();
    await new Promise((r) => setTimeout(r, 0));
    const run = state().verify.run;
    expect(run.state).toBe('running');
    const requestId = run.state === 'running' ? run.requestId : 'none';
    await state().cancelVerification();
    await running;
    expect(api.callsOf('cancelRequest')).toEqual([{ requestId }]);
    expect(state().verify.run.state).toBe('error');
  });
});
