import { describe, it, expect, beforeEach } from 'vitest';
import { useWizard } from '../../../../renderer/store';
import { canProceed } from '../../../../renderer/selectors';
import { caCard, err, facts, finding, identity, ok, resetStore, scriptApi } from './fake-api';

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
    scriptApi({ setEndpoints: validBoth });
    await state().editEndpoint('switchAddress', 'tachyon.acme.local:4000');
    expect(canProceed(state(), 'welcome')).toEqual({
      ok: false,
      reason: 'Enter the Switch address and the Background Channel URL.',
    });
  });

  it('yes once main has judged both valid for what is typed now', async () => {
    scriptApi({ setEndpoints: validBoth });
    await state().editEndpoint('switchAddress', 'tachyon.acme.local:4000');
    await state().editEndpoint('backgroundUrl', 'https://tachyon.acme.local/Background/');
    expect(canProceed(state(), 'welcome')).toEqual({ ok: true });
  });

  it("not while main's verdict is for older text", async () => {
    scriptApi({ setEndpoints: validBoth });
    await state().editEndpoint('switchAddress', 'tachyon.acme.local:4000');
    await state().editEndpoint('backgroundUrl', 'https://tachyon.acme.local/Background/');
    useWizard.setState((s) => ({ welcome: { ...s.welcome, switchAddress: 'tachyon.acme.local:4001' } }));
    expect(canProceed(state(), 'welcome')).toEqual({ ok: false, reason: 'Checking the addresses…' });
  });

  it("names the field that is wrong, in main's words", async () => {
    scriptApi({
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
    scriptApi({
      setEndpoints: (p) => {
        n++;
        if (n === 1)
          return new Promise((resolve) => {
            releaseFirst = () =>
              resolve(
                ok({ switchAddress: { ok: false, message: 'old', hint: '' }, backgroundUrl: null, saved: false }),
              );
          });
        return validBoth(p);
      },
    });
    const first = state().editEndpoint('switchAddress', 'tachyon');
    await state().editEndpoint('switchAddress', 'tachyon.acme.local:4000');
    releaseFirst();
    await first;
    expect(state().welcome.check?.result.switchAddress).toEqual({ ok: true, value: 'tachyon.acme.local:4000' });
  });

  it('always for an uninstall, which needs no endpoints', async () => {
    scriptApi({ setMode: (p) => ok({ mode: p.mode }) });
    await state().setMode('uninstall');
    expect(canProceed(state(), 'welcome')).toEqual({ ok: true });
    expect(canProceed(state(), 'client')).toEqual({ ok: true });
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
    scriptApi({
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
    scriptApi({
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
    const api = scriptApi({
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
    scriptApi({
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

describe('can the technician go on from the CA certificates', () => {
  it('not while a CA certificate has a failing problem, and the reason says how many', () => {
    useWizard.setState((s) => ({
      ca: {
        ...s.ca,
        view: {
          certificates: [
            caCard({ problems: [{ severity: 'fail', message: 'Expired', fix: 'Renew' }] }),
            caCard({ sha256: 'X' }),
          ],
          tree: [],
          problems: [],
        },
      },
    }));
    expect(canProceed(state(), 'ca')).toEqual({
      ok: false,
      reason: 'One CA certificate has a problem: fix or remove it.',
    });
  });

  it('yes with warnings and notes only', () => {
    useWizard.setState((s) => ({
      ca: {
        ...s.ca,
        view: {
          certificates: [caCard({ problems: [{ severity: 'warn', message: 'Expires in 20 days', fix: '' }] })],
          tree: [],
          problems: [],
        },
      },
    }));
    expect(canProceed(state(), 'ca')).toEqual({ ok: true });
  });
});

describe('can the technician go on from the client certificate', () => {
  it('not before a certificate is chosen', () => {
    expect(canProceed(state(), 'client')).toEqual({ ok: false, reason: "Choose this Mac's client certificate." });
  });

  it('not while a 1E requirement fails, counting them', async () => {
    scriptApi({
      getIdentity: () =>
        ok(
          identity([
            finding('validity', 'pass'),
            finding('subject-hostname', 'fail'),
            finding('revocation-http', 'fail'),
          ]),
        ),
    });
    await state().refreshIdentity();
    expect(canProceed(state(), 'client')).toEqual({
      ok: false,
      reason: '2 1E requirements are not met: fix them or choose another certificate.',
    });
  });

  it('yes when nothing fails, warnings included', async () => {
    scriptApi({ getIdentity: () => ok(identity([finding('validity', 'warn'), finding('subject-hostname', 'pass')])) });
    await state().refreshIdentity();
    expect(canProceed(state(), 'client')).toEqual({ ok: true });
  });
});

describe('secrets and the store', () => {
  it('sends the .pfx password to main and never keeps it in the store, even when it is wrong', async () => {
    const api = scriptApi({
      openPfx: () => err('pfx-wrong-password', 'The password does not open this .pfx file.', 'Check the password.'),
    });
    const file = new File([new Uint8Array([0x30, 0x82, 0x01, 0x00])], 'MAC01.pfx');
    const opened = await state().openPfx(file, 'S3cret-pfx!');
    expect(opened).toBe(false);
    expect(api.callsOf('openPfx')).toEqual([{ fileName: 'MAC01.pfx', base64: 'MIIBAA==', password: 'S3cret-pfx!' }]);
    expect(state().client.error?.code).toBe('pfx-wrong-password');
    expect(JSON.stringify(state())).not.toContain('S3cret-pfx!');
  });

  it('sends a new .pfx password for the re-wrap once and keeps it nowhere in the store', async () => {
    const api = scriptApi({ rewrapPfx: () => ok(identity([finding('pfx-macos-compatible', 'pass')])) });
    expect(await state().rewrapPfx('Fr3sh-pfx!')).toBe(true);
    expect(api.callsOf('rewrapPfx')).toEqual([{ newPassword: 'Fr3sh-pfx!' }]);
    expect(JSON.stringify(state())).not.toContain('Fr3sh-pfx!');
  });

  it('refuses a file larger than any certificate file without sending it', async () => {
    const api = scriptApi({});
    const big = new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'movie.pfx');
    await state().openPfx(big, 'pw');
    expect(api.callsOf('openPfx')).toEqual([]);
    expect(state().client.error).toMatchObject({
      code: 'file-too-large',
      message: expect.stringContaining('movie.pfx'),
    });
  });
});
