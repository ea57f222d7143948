// Trust & identity's slice: when the technician may go on, and the run of the plan (progress, one request per press).
import { describe, it, expect, beforeEach } from 'vitest';
import { useWizard } from '../../../../renderer/state/store';
import { canProceed } from '../../../../renderer/state/selectors';
import { action, err, installFakeApi, ok, outcome, plan, resetStore, trustPlan } from '../fake-api';

const state = () => useWizard.getState();

beforeEach(() => resetStore());

describe('can the technician go on from Trust & identity', () => {
  it('Trust & identity holds the technician until the plan has been applied', async () => {
    const p = trustPlan([plan('client-identity', 'Import', [action('identity-import')])]);
    installFakeApi({
      planTrustIdentity: () => ok(p),
      applyChanges: () =>
        ok(outcome(p.planId, 'trust', { actions: [{ id: 'identity-import', title: 'x', status: 'done' }] })),
    });
    await state().prepareTrust();
    const before = canProceed(state(), 'identity');
    expect(before.ok).toBe(false);
    if (!before.ok) expect(before.reason).toMatch(/not in the System keychain yet/);
    await state().applyTrust();
    expect(canProceed(state(), 'identity')).toEqual({ ok: true });
  });

  it('Trust & identity lets the technician on when the Mac already has everything (nothing to apply)', async () => {
    const p = trustPlan([
      plan('client-identity', 'Import', [action('identity-import', { status: 'skip', reason: 'already there' })]),
    ]);
    installFakeApi({ planTrustIdentity: () => ok(p) });
    await state().prepareTrust();
    expect(canProceed(state(), 'identity')).toEqual({ ok: true });
  });

  it('a failed, rolled-back apply keeps the technician on Trust & identity with a reason', async () => {
    const p = trustPlan([plan('client-identity', 'Import', [action('ca-1'), action('identity-import')])]);
    installFakeApi({
      planTrustIdentity: () => ok(p),
      applyChanges: () =>
        ok(
          outcome(p.planId, 'trust', {
            ok: false,
            failure: { code: 'action-failed', message: 'import failed', hint: 'try again' },
          }),
        ),
    });
    await state().prepareTrust();
    await state().applyTrust();
    const r = canProceed(state(), 'identity');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/did not complete/);
  });

  it('Trust & identity holds the technician back when the client certificate changed after the plan was applied', async () => {
    const p = trustPlan([plan('client-identity', 'Import', [action('identity-import')])]);
    installFakeApi({ planTrustIdentity: () => ok(p), applyChanges: () => ok(outcome(p.planId, 'trust')) });
    await state().prepareTrust();
    await state().applyTrust();
    expect(canProceed(state(), 'identity')).toEqual({ ok: true });
    const client = state().client;
    useWizard.setState({
      client: { ...client, identity: { certificate: { sha256: 'CC:DD' } } as unknown as typeof client.identity },
    });
    const r = canProceed(state(), 'identity');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/certificate changed/);
  });
});

describe('the Trust & identity slice', () => {
  it('shows live progress only from its own request and sends that request id as the progress id', async () => {
    const p = trustPlan([plan('client-identity', 'Import', [action('identity-import')])]);
    let release: () => void = () => undefined;
    const api = installFakeApi({
      planTrustIdentity: () => ok(p),
      applyChanges: (_payload, requestId) =>
        new Promise((resolve) => {
          api.emit({ type: 'progress', requestId: 'someone-else', id: 'identity-import', status: 'failed' });
          api.emit({
            type: 'progress',
            requestId: requestId!,
            id: 'identity-import',
            status: 'running',
            label: 'Import',
          });
          release = () => resolve(ok(outcome(p.planId, 'trust')));
        }),
    });
    await state().prepareTrust();
    const applying = state().applyTrust();
    await new Promise((r) => setTimeout(r, 0));
    const run = state().trust.run;
    expect(run.state).toBe('running');
    if (run.state === 'running') {
      expect(run.progress['identity-import']).toEqual({ status: 'running', label: 'Import' });
      expect(api.callsOf('applyChanges')[0]).toEqual({ planId: p.planId });
      expect(api.calls.find((c) => c.method === 'applyChanges')?.requestId).toBe(run.requestId);
    }
    release();
    await applying;
    expect(state().trust.run.state).toBe('done');
  });

  it('pressing Apply twice while it runs sends one request, so macOS asks once', async () => {
    const p = trustPlan([plan('client-identity', 'Import', [action('identity-import')])]);
    const api = installFakeApi({
      planTrustIdentity: () => ok(p),
      applyChanges: async () => {
        await new Promise((r) => setTimeout(r, 5));
        return ok(outcome(p.planId, 'trust'));
      },
    });
    await state().prepareTrust();
    await Promise.all([state().applyTrust(), state().applyTrust()]);
    expect(api.callsOf('applyChanges')).toHaveLength(1);
  });

  it('changing the "any app" choice asks main for a new plan with that choice', async () => {
    const api = installFakeApi({
      planTrustIdentity: (req) =>
        ok(trustPlan([plan('client-identity', 'Import', [action('identity-import')])], req.allowAnyApp)),
    });
    state().setAllowAnyApp(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(api.callsOf('planTrustIdentity')).toEqual([{ allowAnyApp: true }]);
    const planned = state().trust.plan;
    expect(planned.state === 'ready' && planned.value.allowAnyApp).toBe(true);
  });

  it('keeps an error from main as message and hint for the screen', async () => {
    installFakeApi({
      planTrustIdentity: () =>
        err('no-identity', 'No client certificate has been chosen.', 'Go back to Client certificate.'),
    });
    await state().prepareTrust();
    expect(state().trust.plan).toEqual({
      state: 'error',
      error: {
        code: 'no-identity',
        message: 'No client certificate has been chosen.',
        hint: 'Go back to Client certificate.',
      },
    });
  });

  it('holds no password or key material: only plan views and handles', async () => {
    const p = trustPlan([
      plan('client-identity', 'Import', [
        action('identity-import', {
          command: {
            program: '/usr/bin/security',
            args: ['import', '-P', '••••'],
            line: '/usr/bin/security import -P ••••',
          },
        }),
      ]),
    ]);
    installFakeApi({ planTrustIdentity: () => ok(p) });
    await state().prepareTrust();
    const text = JSON.stringify(state());
    expect(text).toContain('••••');
    expect(text).not.toMatch(/password"\s*:|PRIVATE KEY/i);
  });
});
