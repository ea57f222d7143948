// The client-certificate screen: the .pfx (dropped or chosen) and its password, the verdict for this Mac on a .pfx
// other Macs would refuse, the re-wrap, and the requirements' verdict first with the passes folded.
import { describe, it, expect, beforeEach } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ClientCertificate } from '../../../../renderer/steps/client/ClientCertificate';
import { useWizard } from '../../../../renderer/state/store';
import { err, facts, finding, identity, installFakeApi, ok, pfxStatus, resetStore } from '../fake-api';

beforeEach(() => resetStore());

describe('Client certificate', () => {
  it('clears the password field as soon as the .pfx is sent, and marks it wrong when main says so', async () => {
    installFakeApi({
      getMacFacts: () => ok(facts()),
      openPfx: () =>
        err('pfx-wrong-password', 'The password does not open this .pfx file.', 'Passwords are case-sensitive.'),
    });
    const user = userEvent.setup();
    render(<ClientCertificate />);
    await user.upload(
      screen.getByLabelText('.pfx or .p12 file'),
      new File([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03])], 'MAC01.pfx'),
    );
    const password = screen.getByLabelText('Password of the .pfx') as HTMLInputElement;
    await user.type(password, 'guess');
    await user.click(screen.getByRole('button', { name: 'Open .pfx' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The password does not open this .pfx file.');
    expect(password.value).toBe('');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Wrong password')).toBeTruthy();
  });

  it('leads a .pfx other Macs would refuse with the verdict for this Mac in one sentence, the ciphers folded, then offers the re-wrap and the save', async () => {
    const bad = identity([finding('pfx-macos-compatible', 'warn')], {
      pfx: pfxStatus({
        macOsCompatible: false,
        problems: ['The integrity check uses SHA256.'],
        protection: 'private key encrypted with AES; integrity check SHA256',
      }),
    });
    const good = identity([finding('pfx-macos-compatible', 'pass')], { pfx: pfxStatus({ rewrapped: true }) });
    const api = installFakeApi({
      getMacFacts: () => ok(facts()),
      getIdentity: () => ok(bad),
      rewrapPfx: () => ok(good),
    });
    useWizard.setState((s) => ({ client: { ...s.client, identity: bad } }));
    const user = userEvent.setup();
    render(<ClientCertificate />);
    const card = screen.getByRole('region', { name: 'Fine for this Mac' });
    expect(card.querySelector('p')!.textContent).toBe(
      'Onboard imports its own compatible copy. Re-wrap the file if you will use it on other Macs: they would refuse it as it is.',
    );
    // The cipher names and the reasons wait behind a disclosure.
    const why = screen.getByText('Why other Macs refuse this file').closest('details')!;
    expect(why.open).toBe(false);
    expect(why.textContent).toContain('The integrity check uses SHA256.');
    expect(why.textContent).toContain('AES');
    expect(card.querySelector('p')!.textContent).not.toMatch(/AES|SHA256/);
    // A file with a password keeps it: no new-password fields.
    expect(screen.queryByLabelText('New password')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Re-wrap for other Macs' }));
    expect(await screen.findByRole('button', { name: 'Save the re-wrapped .pfx…' })).toBeTruthy();
    expect(api.callsOf('rewrapPfx')).toEqual([{}]);
  });

  it('asks a .pfx with an empty password for a new one, twice, sends it once, and never keeps it in the store', async () => {
    const NEW = 'N3w-Pfx-Secret!';
    const empty = identity([finding('pfx-macos-compatible', 'warn')], {
      pfx: pfxStatus({
        macOsCompatible: false,
        problems: ['The file has an empty password; macOS 15 refuses to import such files.'],
        needsNewPassword: true,
      }),
    });
    const good = identity([finding('pfx-macos-compatible', 'pass')], {
      pfx: pfxStatus({ rewrapped: true, passwordChanged: true }),
    });
    const api = installFakeApi({
      getMacFacts: () => ok(facts()),
      getIdentity: () => ok(empty),
      rewrapPfx: () => ok(good),
    });
    useWizard.setState((s) => ({ client: { ...s.client, identity: empty } }));
    const user = userEvent.setup();
    render(<ClientCertificate />);
    const first = screen.getByLabelText('New password') as HTMLInputElement;
    const again = screen.getByLabelText('New password again') as HTMLInputElement;
    const rewrap = screen.getByRole('button', { name: 'Re-wrap for other Macs' });

    await user.click(rewrap);
    expect((await screen.findByRole('alert')).textContent).toContain('Type a new password');
    expect(first.getAttribute('aria-invalid')).toBe('true');

    await user.type(first, NEW);
    await user.type(again, `${NEW}x`);
    await user.click(rewrap);
    expect((await screen.findByRole('alert')).textContent).toContain('The two passwords differ');
    expect(again.getAttribute('aria-invalid')).toBe('true');
    expect(again.value).toBe('');
    expect(api.callsOf('rewrapPfx')).toEqual([]);

    await user.type(again, NEW);
    await user.click(rewrap);
    expect(await screen.findByRole('button', { name: 'Save the re-wrapped .pfx…' })).toBeTruthy();
    expect(api.callsOf('rewrapPfx')).toEqual([{ newPassword: NEW }]);
    expect(screen.getByText(/opens with the new password you chose/)).toBeTruthy();
    expect(JSON.stringify(useWizard.getState())).not.toContain(NEW);
    expect(document.body.innerHTML).not.toContain(NEW);
  });

  it('keeps the new-password fields empty and usable when main refuses the re-wrap', async () => {
    const empty = identity([finding('pfx-macos-compatible', 'warn')], {
      pfx: pfxStatus({ macOsCompatible: false, problems: ['Empty password.'], needsNewPassword: true }),
    });
    installFakeApi({
      getMacFacts: () => ok(facts()),
      getIdentity: () => ok(empty),
      rewrapPfx: () =>
        err('pfx-no-identity', 'This .pfx holds no private key with its certificate.', 'Export it again with the key.'),
    });
    useWizard.setState((s) => ({ client: { ...s.client, identity: empty } }));
    const user = userEvent.setup();
    render(<ClientCertificate />);
    await user.type(screen.getByLabelText('New password'), 'secret-1');
    await user.type(screen.getByLabelText('New password again'), 'secret-1');
    await user.click(screen.getByRole('button', { name: 'Re-wrap for other Macs' }));
    expect((await screen.findByRole('alert')).textContent).toContain('holds no private key');
    expect((screen.getByLabelText('New password') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('New password again') as HTMLInputElement).value).toBe('');
    expect(JSON.stringify(useWizard.getState())).not.toContain('secret-1');
  });

  it('leads with the verdict naming what fails, shows the failing requirement with its fix and folds the passes, with both spellings of the host name', async () => {
    const v = identity(
      [
        finding('validity', 'pass'),
        finding('subject-hostname', 'fail', {
          title: 'Names this Mac exactly (CN or SAN DNS)',
          fix: 'Request the certificate again with CN exactly "MAC01.local".',
        }),
      ],
      {
        hostname: {
          expected: 'MAC01.local',
          status: 'case-only',
          certificateName: 'mac01.local',
          names: [{ name: 'mac01.local', source: 'CN' }],
        },
      },
    );
    installFakeApi({ getMacFacts: () => ok(facts()), getIdentity: () => ok(v) });
    useWizard.setState((s) => ({ client: { ...s.client, identity: v } }));
    render(<ClientCertificate />);
    const comparison = screen.getByLabelText('Host name comparison');
    expect(comparison.textContent).toContain('MAC01.local');
    expect(comparison.textContent).toContain('mac01.local');
    expect(comparison.textContent).toContain('Differs only in capitals');
    const items = screen.getAllByRole('listitem').filter((li) => li.classList.contains('finding'));
    expect(items[0]!.textContent).toContain('Names this Mac exactly');
    expect(items[0]!.textContent).toContain('How to fix: Request the certificate again with CN exactly "MAC01.local".');
    expect(screen.getByRole('heading', { level: 2, name: '1 of 2 1E requirements is not met' })).toBeTruthy();
    expect(screen.getByText(/^1 of 2 1E requirements is not met: Names this Mac exactly/)).toBeTruthy();
    // The pass is there, folded behind "Show all checks".
    const all = screen.getByText('Show all checks (1 passed)').closest('details')!;
    expect(all.open).toBe(false);
    expect(all.textContent).toContain('Title of validity');
    expect(items[0]!.closest('details')).toBeNull();
  });

  it('takes a .pfx dropped on the same kind of drop zone as the CA step, and says which file is chosen', async () => {
    installFakeApi({ getMacFacts: () => ok(facts()) });
    render(<ClientCertificate />);
    const zone = screen.getByText('Drop the .pfx or .p12 file here, or').closest('.drop-zone')!;
    const file = new File([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03])], 'MAC01.pfx');
    fireEvent.drop(zone, { dataTransfer: { files: [file] } });
    expect(await screen.findByText('Chosen: MAC01.pfx. Drop another here, or')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Choose another…' })).toBeTruthy();
    // The password is next: focus goes to it.
    expect(document.activeElement).toBe(screen.getByLabelText('Password of the .pfx'));
    expect(screen.getByText(/Used only to open the file: never saved, never shown again\./)).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/main process/);
  });

  it("moves focus to the requirements' verdict once the certificate is read, and announces it", async () => {
    const v = identity([finding('validity', 'pass'), finding('eku', 'warn', { title: 'Client authentication only' })]);
    installFakeApi({ getMacFacts: () => ok(facts()), openPfx: () => ok(v), getIdentity: () => ok(v) });
    const user = userEvent.setup();
    render(<ClientCertificate />);
    await user.upload(screen.getByLabelText('.pfx or .p12 file'), new File([new Uint8Array([1, 2, 3])], 'MAC01.pfx'));
    await user.type(screen.getByLabelText('Password of the .pfx'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Open .pfx' }));
    await waitFor(() => expect(document.activeElement?.id).toBe('identity-verdict'));
    expect(document.activeElement!.textContent).toContain('Every 1E requirement is met');
    expect(useWizard.getState().announcement.text).toBe(
      'Every 1E requirement is met; 1 warning to read: Client authentication only.',
    );
  });
});
