import { describe, it, expect, beforeEach } from 'vitest';
import { useWizard } from '../../../../renderer/store';
import { canProceed } from '../../../../renderer/selectors';
import { action, installFakeApi, ok, err, outcome, plan, prepared, resetStore, trustPlan } from './fake-api';

const state = () => useWizard.getState();

beforeEach(() => resetStore());

describe('can the technician go on from the changes steps', () => {
  it('Trust & identity asks for Apply until the plan has been applied', async () => {
    const p = trustPlan([plan('client-identity', 'Import', [action('identity-import')])]);
    installFakeApi({
      planTrustIdentity: () => ok(p),
      applyChanges: () =>
        ok(outcome(p.planId, 'trust', { actions: [{ id: 'identity-import', title: 'x', status: 'done' }] })),
    });
    await state().prepareTrust();
    const before = canProceed(state(), 'identity');
    expect(before.ok).toBe(false);
    if (!before.ok) expect(before.reason).toMatch(/Apply the plan/);
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
        ok(outcome(p.planId, 'trust', { ok: false, failure: { message: 'import failed', hint: 'try again' } })),
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

  it('Verify lets the technician on to the summary after checks that failed, so the report can be saved', async () => {
    installFakeApi({
      runVerification: () =>
        ok({ ok: false, findings: [], counts: { pass: 0, warn: 0, fail: 1, info: 0 }, startedAt: '', finishedAt: '' }),
    });
    expect(canProceed(state(), 'verify').ok).toBe(false);
    await state().runVerification();
    expect(canProceed(state(), 'verify')).toEqual({ ok: true });
  });

  it('in uninstall mode only the uninstall itself has to be done before going on', async () => {
    const p = prepared('uninstall', [plan('uninstall-client', 'Uninstall', [action('daemon-stop')])]);
    installFakeApi({ planUninstall: () => ok(p), applyChanges: () => ok(outcome(p.planId, 'uninstall')) });
    useWizard.setState({ mode: 'uninstall' });
    expect(canProceed(state(), 'identity')).toEqual({ ok: true });
    expect(canProceed(state(), 'verify')).toEqual({ ok: true });
    await state().prepareUninstall();
    expect(canProceed(state(), 'install').ok).toBe(false);
    await state().applyUninstall();
    expect(canProceed(state(), 'install')).toEqual({ ok: true });
  });
});

describe('replace-certificate mode', () => {
  it('on a Mac without the 1E Client, holds Install with the way out instead of a dead end on Trust & identity', () => {
    useWizard.setState((s) => ({
      mode: 'replace-certificate',
      welcome: { ...s.welcome, facts: { state: 'ready', value: { client: null } as never } },
    }));
    const held = canProceed(state(), 'install');
    expect(held.ok).toBe(false);
    if (!held.ok) expect(held.reason).toMatch(/choose New setup/);
  });

  it('installs nothing: the Install step lets the technician straight on to Trust & identity', () => {
    useWizard.setState({ mode: 'replace-certificate' });
    expect(canProceed(state(), 'install')).toEqual({ ok: true });
    const trust = canProceed(state(), 'identity');
    expect(trust.ok).toBe(false);
    if (!trust.ok) expect(trust.reason).toMatch(/Apply the plan/);
  });
});

describe('the changes slice', () => {
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

  it("picks the only installer found, and leaves the technician's own choice alone", async () => {
    installFakeApi({
      findInstallers: () =>
        ok({
          candidates: [{ path: '/Users/t/Downloads/1EClient.v24.1.0.zip', name: '1EClient.v24.1.0.zip', kind: 'zip' }],
        }),
    });
    await state().findInstallers();
    expect(state().install.choices.installerPath).toBe('/Users/t/Downloads/1EClient.v24.1.0.zip');
    state().setInstallChoices({ installerPath: '/tmp/other.pkg' });
    await state().findInstallers();
    expect(state().install.choices.installerPath).toBe('/tmp/other.pkg');
  });

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

  it('undo sends the ticked change ids, then reloads the summary', async () => {
    const p = prepared('undo', [plan('configure-client', 'Undo', [action('undo-0-0')])]);
    const records = [
      {
        id: 'trust-1/ca-1',
        purpose: 'trust',
        title: 'Trust the root',
        status: 'done',
        at: new Date().toISOString(),
        undoable: true,
      },
    ];
    const api = installFakeApi({
      getChangeSummary: () => ok({ records, verification: null }),
      planUndo: () => ok(p),
      applyChanges: () => ok(outcome(p.planId, 'undo')),
    });
    await state().loadSummary();
    state().toggleUndoSelection('trust-1/ca-1');
    await state().prepareUndo();
    expect(api.callsOf('planUndo')).toEqual([{ changeIds: ['trust-1/ca-1'] }]);
    await state().applyUndo();
    expect(api.callsOf('getChangeSummary')).toHaveLength(2);
    expect(state().summary.selected).toEqual([]);
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
