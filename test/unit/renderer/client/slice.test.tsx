// The client-certificate step's slice: when the technician may go on, and no password kept in the store.
import { describe, it, expect, beforeEach } from 'vitest';
import { useWizard } from '../../../../renderer/state/store';
import { canProceed } from '../../../../renderer/state/selectors';
import { err, finding, identity, installFakeApi, ok, resetStore } from '../fake-api';

const state = () => useWizard.getState();

beforeEach(() => resetStore());

describe('can the technician go on from the client certificate', () => {
  it('not before a certificate is chosen', () => {
    expect(canProceed(state(), 'client')).toEqual({ ok: false, reason: "Choose this Mac's client certificate." });
  });

  it('not while a 1E requirement fails, counting them', async () => {
    installFakeApi({
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
    installFakeApi({
      getIdentity: () => ok(identity([finding('validity', 'warn'), finding('subject-hostname', 'pass')])),
    });
    await state().refreshIdentity();
    expect(canProceed(state(), 'client')).toEqual({ ok: true });
  });
});

describe('secrets and the store', () => {
  it('sends the .pfx password to main and never keeps it in the store, even when it is wrong', async () => {
    const api = installFakeApi({
      openPfx: () => err('pfx-wrong-password', 'The password does not open this .pfx file.', 'Check the password.'),
    });
    const file = new File([new Uint8Array([0x30, 0x82, 0x01, 0x00])], 'MAC01.pfx');
    const opened = await state().openPfx(file, 'S3cret-pfx!');
    expect(opened).toBe(false);
    expect(api.callsOf('openPfx')).toEqual([{ fileName: 'MAC01.pfx', base64: 'MIIBAA==', password: 'S3cret-pfx!' }]);
    expect(state().client.request).toMatchObject({ state: 'error', error: { code: 'pfx-wrong-password' } });
    expect(JSON.stringify(state())).not.toContain('S3cret-pfx!');
  });

  it('sends a new .pfx password for the re-wrap once and keeps it nowhere in the store', async () => {
    const api = installFakeApi({ rewrapPfx: () => ok(identity([finding('pfx-macos-compatible', 'pass')])) });
    expect(await state().rewrapPfx('Fr3sh-pfx!')).toBe(true);
    expect(api.callsOf('rewrapPfx')).toEqual([{ newPassword: 'Fr3sh-pfx!' }]);
    expect(JSON.stringify(state())).not.toContain('Fr3sh-pfx!');
  });

  it('refuses a file larger than any certificate file without sending it', async () => {
    const api = installFakeApi({});
    const big = new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'movie.pfx');
    await state().openPfx(big, 'pw');
    expect(api.callsOf('openPfx')).toEqual([]);
    expect(state().client.request).toMatchObject({
      state: 'error',
      error: { code: 'file-too-large', message: expect.stringContaining('movie.pfx') },
    });
  });
});
