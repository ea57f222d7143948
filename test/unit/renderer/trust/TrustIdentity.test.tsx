// The Trust & identity screen: every command shown before it runs, live progress, rollback, and older identities.
import { describe, it, expect, beforeEach } from 'vitest';
import { render, screen, within, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TrustIdentity } from '../../../../renderer/steps/trust/TrustIdentity';
import { action, installFakeApi, ok, err, outcome, plan, resetStore, trustPlan } from '../fake-api';

beforeEach(() => resetStore());

const caRoot = action('ca-trust-1', {
  title: 'Trust the root CA "Acme Root" for all users',
  command: {
    program: '/usr/bin/security',
    args: [],
    line: '/usr/bin/security add-trusted-cert -d -r trustRoot /tmp/ws/ca-1.pem',
  },
  root: false,
  approval: 'trust-settings',
  undo: [{ program: '/usr/bin/security', args: [], line: '/usr/bin/security remove-trusted-cert -d /tmp/ws/ca-1.pem' }],
});
const caInter = action('ca-add-2', {
  title: 'Add the intermediate CA "Acme Issuing"',
  status: 'skip',
  reason: 'already in the System keychain',
});
const identity = action('identity-import', {
  title: 'Import the identity "MAC01.local" into the System keychain',
  command: {
    program: '/usr/bin/security',
    args: [],
    line: "/usr/bin/security import /tmp/ws/identity.p12 -k /Library/Keychains/System.keychain -t agg -f pkcs12 -P •••• -T '/Library/Application Support/1E/Client/1E.Client'",
  },
});
const thePlan = trustPlan([
  plan('ca-certificates', 'Trust the root CAs and add the CA certificates to the System keychain', [caRoot, caInter]),
  plan('client-identity', 'Import the client certificate and its private key (the identity)', [identity]),
]);

describe('the Trust & identity screen', () => {
  it('shows every action with its exact command, the password masked, and why a skipped one is skipped', async () => {
    installFakeApi({ planTrustIdentity: () => ok(thePlan) });
    render(<TrustIdentity />);
    // The verdict first, in one line, with the prompts as the plan counts them.
    expect(
      await screen.findByText(
        /^2 changes · one administrator prompt, plus one macOS dialog for the root CA · undo available for 1 of 2\.$/,
      ),
    ).toBeTruthy();
    // The commands are folded behind "Show the commands", which says how many rows are already done.
    const folded = screen.getByText('Show the commands').closest('details')!;
    expect(folded.open).toBe(false);
    expect(within(folded).getByText(/1 already done on this Mac/)).toBeTruthy();
    expect(within(folded).getByText(caRoot.command.line)).toBeTruthy();
    expect(within(folded).getByText(identity.command.line)).toBeTruthy();
    expect(within(folded).getByText(/•••• -T/)).toBeTruthy();
    const skipped = within(folded).getByText(caInter.title).closest('li')!;
    expect(within(skipped).getByText('Already done')).toBeTruthy();
    expect(within(skipped).getByText('Already in the System keychain.')).toBeTruthy();
  });

  it("applies with one press and shows each action's live progress", async () => {
    let release: () => void = () => undefined;
    const api = installFakeApi({
      planTrustIdentity: () => ok(thePlan),
      applyChanges: (_payload, requestId) =>
        new Promise((resolve) => {
          api.emit({ type: 'progress', requestId: requestId!, id: 'ca-trust-1', status: 'done' });
          api.emit({ type: 'progress', requestId: requestId!, id: 'identity-import', status: 'running' });
          release = () =>
            resolve(
              ok(
                outcome(thePlan.planId, 'trust', {
                  actions: [
                    { id: 'ca-trust-1', title: caRoot.title, status: 'done' },
                    { id: 'ca-add-2', title: caInter.title, status: 'skipped' },
                    { id: 'identity-import', title: identity.title, status: 'done' },
                  ],
                }),
              ),
            );
        }),
    });
    const user = userEvent.setup();
    render(<TrustIdentity />);
    await user.click(await screen.findByRole('button', { name: 'Import into the keychain' }));
    const list = screen.getByRole('list', { name: 'The changes, in the order they run' });
    const item = within(list).getByText(identity.title).closest('li')!;
    await waitFor(() => expect(within(item).getByText('Running')).toBeTruthy());
    expect(item.getAttribute('aria-current')).toBe('step');
    expect(within(within(list).getByText(caRoot.title).closest('li')!).getByText('Done')).toBeTruthy();
    expect(screen.getByText(/^1 of 2 changes finished/)).toBeTruthy();
    release();
    expect(
      await screen.findByRole('heading', { name: "The CAs and this Mac's identity are in the System keychain" }),
    ).toBeTruthy();
    expect(screen.getByText(/^2 changes made\.$/)).toBeTruthy();
    // Done is done: no action is offered again.
    expect(screen.queryByRole('button', { name: 'Import into the keychain' })).toBeNull();
  });

  it('after a failure shows what failed, what to do, and which actions were undone', async () => {
    installFakeApi({
      planTrustIdentity: () => ok(thePlan),
      applyChanges: () =>
        ok(
          outcome(thePlan.planId, 'trust', {
            ok: false,
            actions: [
              { id: 'ca-trust-1', title: caRoot.title, status: 'undone' },
              { id: 'ca-add-2', title: caInter.title, status: 'skipped' },
              { id: 'identity-import', title: identity.title, status: 'failed', detail: 'MAC verification failed' },
            ],
            rolledBack: [{ id: 'ca-trust-1', title: caRoot.title, status: 'undone' }],
            failure: {
              code: 'action-failed',
              message: '"Import the identity" failed (exit 1): MAC verification failed',
              hint: 'The command was: /usr/bin/security import …',
            },
          }),
        ),
    });
    const user = userEvent.setup();
    render(<TrustIdentity />);
    await user.click(await screen.findByRole('button', { name: 'Import into the keychain' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('MAC verification failed');
    expect(alert.textContent).toContain('The command was');
    const rollback = screen.getByRole('heading', { name: 'Put back as it was' }).parentElement!;
    expect(within(rollback).getByText('Undone')).toBeTruthy();
    expect(within(rollback).getByText(caRoot.title, { exact: false })).toBeTruthy();
    const rootItem = screen
      .getAllByText(caRoot.title)
      .map((e) => e.closest('li.action'))
      .find(Boolean)!;
    expect(within(rootItem as HTMLElement).getByText('Undone')).toBeTruthy();
  });

  it('after a failure past an action that cannot be undone, says what was kept instead of claiming the Mac is as it was', async () => {
    installFakeApi({
      planTrustIdentity: () => ok(thePlan),
      applyChanges: () =>
        ok(
          outcome(thePlan.planId, 'trust', {
            ok: false,
            actions: [
              { id: 'ca-trust-1', title: caRoot.title, status: 'done' },
              { id: 'identity-import', title: identity.title, status: 'done' },
              { id: 'daemon-restart', title: 'Restart the 1E Client', status: 'failed' },
            ],
            rolledBack: [],
            kept: [
              { id: 'ca-trust-1', title: caRoot.title, status: 'done' },
              { id: 'identity-import', title: identity.title, status: 'done' },
            ],
            failure: {
              code: 'action-failed',
              message: '"Restart the 1E Client" failed (exit 5)',
              hint: 'The command was: /bin/launchctl kickstart -k system/com.1e.pkg.1E.Client',
            },
          }),
        ),
    });
    const user = userEvent.setup();
    render(<TrustIdentity />);
    await user.click(await screen.findByRole('button', { name: 'Import into the keychain' }));
    const kept = (await screen.findByRole('heading', { name: 'Kept on this Mac' })).parentElement!;
    expect(within(kept).getByText(identity.title, { exact: false })).toBeTruthy();
    expect(screen.queryByText(/so the Mac is as it was/)).toBeNull();
    expect(screen.queryByText(/Nothing had been changed/)).toBeNull();
  });

  it('asks for a new plan when the technician lets any app use the key, and says why that is risky', async () => {
    const api = installFakeApi({ planTrustIdentity: (req) => ok(trustPlan(thePlan.plans, req.allowAnyApp)) });
    const user = userEvent.setup();
    render(<TrustIdentity />);
    await screen.findAllByText(identity.title);
    expect(screen.getByRole('radio', { name: 'Only the 1E Client may use the key (recommended)' })).toHaveProperty(
      'checked',
      true,
    );
    await user.click(screen.getByRole('radio', { name: 'Any app may use the key' }));
    await waitFor(() =>
      expect(api.callsOf('planTrustIdentity')).toEqual([{ allowAnyApp: false }, { allowAnyApp: true }]),
    );
    expect(screen.getByText(/every app on this Mac can then use the key without asking/)).toBeTruthy();
  });

  it('explains a missing identity with the way back', async () => {
    installFakeApi({
      planTrustIdentity: () =>
        err(
          'no-identity',
          'No client certificate has been chosen for this Mac yet.',
          'Go back to "Client certificate".',
        ),
    });
    render(<TrustIdentity />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('No client certificate has been chosen for this Mac yet.');
    expect(alert.textContent).toContain('Go back to "Client certificate".');
    expect(screen.queryByRole('button', { name: 'Import into the keychain' })).toBeNull();
  });
});

describe("older identities for this Mac's name", () => {
  const old = {
    sha1: '3C1F0A3B8E4A2D5C6B7A8F9E0D1C2B3A4F5E6D7C',
    name: 'MAC01.local',
    subject: 'CN=MAC01.local, O=Acme',
    expires: '2024-03-01T00:00:00.000Z',
    problem: 'CSSMERR_TP_CERT_EXPIRED',
  };
  const removal = action('identity-remove-3c1f0a3b8e4a2d5c', {
    title: 'Remove the old identity "MAC01.local" (expired 2024-03-01) from the System keychain',
    command: {
      program: '/usr/bin/security',
      args: [],
      line: `/usr/bin/security delete-identity -Z ${old.sha1} /Library/Keychains/System.keychain`,
    },
    irreversible: true,
  });
  const withRemoval = trustPlan(
    [plan('client-identity', 'Import the client certificate and its private key (the identity)', [identity, removal])],
    false,
    { oldIdentities: [old], removeOldIdentities: true },
  );
  const withoutRemoval = trustPlan(
    [plan('client-identity', 'Import the client certificate and its private key (the identity)', [identity])],
    false,
    { oldIdentities: [old], removeOldIdentities: false },
  );

  it("shows the old identity's subject, SHA-1 and expiry, the option ticked, and the removal marked as not undoable", async () => {
    installFakeApi({ planTrustIdentity: () => ok(withRemoval) });
    render(<TrustIdentity />);
    const box = await screen.findByRole('checkbox', { name: 'Remove the old identity after importing the new one' });
    expect((box as HTMLInputElement).checked).toBe(true);
    const group = box.closest('fieldset')!;
    expect(within(group).getByText('CN=MAC01.local, O=Acme')).toBeTruthy();
    expect(within(group).getByText(`SHA-1 ${old.sha1}`)).toBeTruthy();
    expect(within(group).getByText(/expired 2024-03-01/)).toBeTruthy();
    expect(within(group).getByText(/This cannot be undone: the old private key is deleted/)).toBeTruthy();
    const item = screen
      .getAllByText(removal.title)
      .map((e) => e.closest('li.action'))
      .find(Boolean) as HTMLElement;
    expect(within(item).getByText('cannot be undone')).toBeTruthy();
    expect(screen.getByText(/some changes cannot be undone/)).toBeTruthy();
    expect(within(item).getByText(removal.command.line)).toBeTruthy();
  });

  it('asks for a plan without the removal when the technician unticks it, and keeps that choice', async () => {
    let n = 0;
    const api = installFakeApi({ planTrustIdentity: () => ok(n++ === 0 ? withRemoval : withoutRemoval) });
    const user = userEvent.setup();
    render(<TrustIdentity />);
    await user.click(
      await screen.findByRole('checkbox', { name: 'Remove the old identity after importing the new one' }),
    );
    await waitFor(() =>
      expect(
        (
          screen.getByRole('checkbox', {
            name: 'Remove the old identity after importing the new one',
          }) as HTMLInputElement
        ).checked,
      ).toBe(false),
    );
    expect(api.callsOf('planTrustIdentity')).toEqual([
      { allowAnyApp: false },
      { allowAnyApp: false, removeOldIdentities: false },
    ]);
    expect(screen.queryByText(removal.title)).toBeNull();
    expect(screen.getByText(/may keep using an old identity/)).toBeTruthy();
  });

  it('offers nothing to remove when the keychain holds no other identity for this name', async () => {
    installFakeApi({ planTrustIdentity: () => ok(thePlan) });
    render(<TrustIdentity />);
    await screen.findAllByText(identity.command.line);
    expect(screen.queryByRole('checkbox', { name: /Remove the old/ })).toBeNull();
  });
});
