// Welcome's slice: the endpoints as main judges them, and filling them in from the installed configuration.
import { describe, it, expect, beforeEach } from 'vitest';
import { useWizard } from '../../../../renderer/state/store';
import { canProceed } from '../../../../renderer/state/selectors';
import { facts, installFakeApi, ok, resetStore } from '../fake-api';

const state = () => useWizard.getState();
const validBoth = (p: Record<string, unknown>) =>
  ok({
    switchAddress: p.switchAddress ? { ok: true, value: p.switchAddress } : null,
    backgroundUrl: p.backgroundUrl ? { ok: true, value: p.backgroundUrl } : null,
    saved: Boolean(p.switchAddress && p.backgroundUrl),
  });

beforeEach(() => resetStore());

describe('can the technician go on from Welcome', () => {
  it('not until both endpoints are typed', async () => {
    installFakeApi({ setEndpoints: validBoth });
    await state().editEndpoint('switchAddress', 'tachyon.acme.local:4000');
    expect(canProceed(state(), 'welcome')).toEqual({
      ok: false,
      reason: 'Enter the Switch address and the Background Channel URL.',
    });
  });

  it('yes once main has judged both valid for what is typed now', async () => {
    installFakeApi({ setEndpoints: validBoth });
    await state().editEndpoint('switchAddress', 'tachyon.acme.local:4000');
    await state().editEndpoint('backgroundUrl', 'https://tachyon.acme.local/Background/');
    expect(canProceed(state(), 'welcome')).toEqual({ ok: true });
  });

  it("not while main's verdict is for older text", async () => {
    installFakeApi({ setEndpoints: validBoth });
    await state().editEndpoint('switchAddress', 'tachyon.acme.local:4000');
    await state().editEndpoint('backgroundUrl', 'https://tachyon.acme.local/Background/');
    useWizard.setState((s) => ({ welcome: { ...s.welcome, switchAddress: 'tachyon.acme.local:4001' } }));
    expect(canProceed(state(), 'welcome')).toEqual({ ok: false, reason: 'Checking the addresses…' });
  });

  it("names the field that is wrong, in main's words", async () => {
    installFakeApi({
      setEndpoints: () =>
        ok({
          switchAddress: {
            ok: false,
            message: 'The Switch port 99999 is out of range: ports go from 1 to 65535.',
            hint: 'Give host:port.',
          },
          backgroundUrl: { ok: true, value: 'https://x/' },
          saved: false,
        }),
    });
    await state().editEndpoint('switchAddress', 'tachyon:99999');
    await state().editEndpoint('backgroundUrl', 'https://x/');
    expect(canProceed(state(), 'welcome')).toEqual({
      ok: false,
      reason: 'Switch: The Switch port 99999 is out of range: ports go from 1 to 65535.',
    });
  });

  it('keeps only the latest verdict when answers arrive out of order', async () => {
    let releaseFirst: () => void = () => undefined;
    let n = 0;
    installFakeApi({
      setEndpoints: (p) => {
        n++;
        if (n === 1)
          return new Promise((resolve) => {
            releaseFirst = () =>
              resolve(
                ok({
                  switchAddress: { ok: false, code: 'invalid-host-name', message: 'old', hint: '' },
                  backgroundUrl: null,
                  saved: false,
                }),
              );
          });
        return validBoth(p);
      },
    });
    const first = state().editEndpoint('switchAddress', 'tachyon');
    await state().editEndpoint('switchAddress', 'tachyon.acme.local:4000');
    releaseFirst();
    await first;
    expect(state().welcome.check).toMatchObject({
      state: 'ready',
      value: { result: { switchAddress: { ok: true, value: 'tachyon.acme.local:4000' } } },
    });
  });

  it('for an uninstall without endpoints, once the Mac is read and has a client to remove', async () => {
    let client: { version: string; installedAt: null } | null = null;
    installFakeApi({ setMode: (p) => ok({ mode: p.mode }), getMacFacts: () => ok(facts({ client })) });
    await state().setMode('uninstall');
    expect(canProceed(state(), 'welcome')).toEqual({ ok: false, reason: 'Reading this Mac…' });
    await state().loadFacts();
    const held = canProceed(state(), 'welcome');
    expect(held.ok).toBe(false);
    if (!held.ok) expect(held.reason).toMatch(/nothing to remove/);
    client = { version: '24.1.0.5', installedAt: null };
    await state().loadFacts(true);
    expect(canProceed(state(), 'welcome')).toEqual({ ok: true });
  });
});

describe('upgrading or replacing the certificate fills in the endpoints from the installed configuration', () => {
  it('for a new certificate too, since the client and its configuration stay', async () => {
    const conf = {
      path: '/Library/Application Support/1E/Client/1E.Client.conf',
      switchAddress: 'old.acme.local:4000',
      backgroundUrl: 'https://old.acme.local/Background/',
      settings: [],
    };
    installFakeApi({
      getMacFacts: () => ok(facts({ conf })),
      setMode: (p) => ok({ mode: p.mode }),
      setEndpoints: validBoth,
    });
    await state().setMode('replace-certificate');
    await state().loadFacts();
    expect(state().welcome.switchAddress).toBe('old.acme.local:4000');
  });

  it('not for a new setup, which may point the Mac elsewhere', async () => {
    const conf = {
      path: '/Library/Application Support/1E/Client/1E.Client.conf',
      switchAddress: 'old.acme.local:4000',
      backgroundUrl: 'https://old.acme.local/Background/',
      settings: [],
    };
    installFakeApi({
      getMacFacts: () => ok(facts({ conf })),
      setMode: (p) => ok({ mode: p.mode }),
      setEndpoints: validBoth,
    });
    await state().loadFacts();
    expect(state().welcome.switchAddress).toBe('');
  });

  it('when the fields are empty, and says where they came from', async () => {
    const conf = {
      path: '/Library/Application Support/1E/Client/1E.Client.conf',
      switchAddress: 'old.acme.local:4000',
      backgroundUrl: 'https://old.acme.local/Background/',
      settings: [],
    };
    const api = installFakeApi({
      getMacFacts: () => ok(facts({ conf, client: { version: '5.1', installedAt: null } })),
      setMode: (p) => ok({ mode: p.mode }),
      setEndpoints: validBoth,
    });
    await state().loadFacts();
    expect(state().welcome.switchAddress).toBe('');
    await state().setMode('upgrade');
    expect(state().welcome).toMatchObject({
      switchAddress: 'old.acme.local:4000',
      backgroundUrl: 'https://old.acme.local/Background/',
      prefilledFrom: conf.path,
    });
    expect(api.callsOf('setEndpoints').at(-1)).toEqual({
      switchAddress: 'old.acme.local:4000',
      backgroundUrl: 'https://old.acme.local/Background/',
    });
    expect(canProceed(state(), 'welcome')).toEqual({ ok: true });
  });

  it('but never over what the technician typed', async () => {
    const conf = {
      path: '/etc/1E/Client/1E.Client.conf',
      switchAddress: 'old.acme.local:4000',
      backgroundUrl: 'https://old.acme.local/Background/',
      settings: [],
    };
    installFakeApi({
      getMacFacts: () => ok(facts({ conf })),
      setMode: (p) => ok({ mode: p.mode }),
      setEndpoints: validBoth,
    });
    await state().editEndpoint('switchAddress', 'new.acme.local:4000');
    await state().loadFacts();
    await state().setMode('upgrade');
    expect(state().welcome.switchAddress).toBe('new.acme.local:4000');
    expect(state().welcome.backgroundUrl).toBe('https://old.acme.local/Background/');
  });
});
