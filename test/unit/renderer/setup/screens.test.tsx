import { describe, it, expect, beforeEach } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useWizard } from '../../../../renderer/store';
import { Welcome } from '../../../../renderer/steps/Welcome';
import { CaCertificates } from '../../../../renderer/steps/CaCertificates';
import { ClientCertificate } from '../../../../renderer/steps/ClientCertificate';
import { caCard, err, facts, finding, identity, ok, pfxStatus, resetStore, scriptApi } from './fake-api';

beforeEach(() => resetStore());

const judge = (p: Record<string, unknown>) =>
  ok({
    switchAddress:
      p.switchAddress === ''
        ? null
        : String(p.switchAddress).includes(':4000')
          ? { ok: true, value: p.switchAddress }
          : {
              ok: false,
              message: `'${String(p.switchAddress)}' is not a Switch address of the form host:port.`,
              hint: 'Give the Switch as host:port.',
            },
    backgroundUrl: null,
    saved: false,
  });

describe('Welcome', () => {
  it("shows the Mac's facts, with the host name 1E expects and a warning when Rosetta is missing", async () => {
    scriptApi({
      getMacFacts: () =>
        ok(facts({ localHostName: 'MAC07', expectedHostName: 'MAC07.local', hostname: 'mac07.local' })),
    });
    render(<Welcome />);
    expect(await screen.findByText('MAC07.local', { selector: 'strong code' })).toBeTruthy();
    expect(screen.getByText(/The 1E Client is Intel code/)).toBeTruthy();
    expect(screen.getByText(/prints/).textContent).toContain('1E expects MAC07.local');
  });

  it('judges a field aloud only once the technician has left it', async () => {
    scriptApi({ getMacFacts: () => ok(facts()), setEndpoints: judge });
    const user = userEvent.setup();
    render(<Welcome />);
    const field = screen.getByLabelText('Switch address');
    await user.type(field, 'tachyon');
    expect(screen.queryByText(/is not a Switch address/)).toBeNull();
    await user.tab();
    expect(await screen.findByText(/'tachyon' is not a Switch address of the form host:port\./)).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    await user.clear(field);
    await user.type(field, 'tachyon.acme.local:4000');
    expect(await screen.findByText(/tachyon\.acme\.local:4000/, { selector: '.field-ok' })).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('false');
  });

  it('keeps what was typed when the screen is left and shown again', async () => {
    scriptApi({ getMacFacts: () => ok(facts()), setEndpoints: judge });
    const user = userEvent.setup();
    const first = render(<Welcome />);
    await user.type(screen.getByLabelText('Background Channel URL'), 'https://tachyon.acme.local/Background/');
    first.unmount();
    render(<Welcome />);
    expect((screen.getByLabelText('Background Channel URL') as HTMLInputElement).value).toBe(
      'https://tachyon.acme.local/Background/',
    );
  });

  it('hides the endpoints for an uninstall', async () => {
    scriptApi({
      getMacFacts: () => ok(facts({ client: { version: '5.1', installedAt: null } })),
      setMode: (p) => ok({ mode: p.mode }),
    });
    const user = userEvent.setup();
    render(<Welcome />);
    await user.click(screen.getByRole('radio', { name: 'Uninstall' }));
    expect(screen.queryByLabelText('Switch address')).toBeNull();
  });
});

describe('CA certificates', () => {
  it('sends each dropped file on its own and shows what each gave', async () => {
    const api = scriptApi({
      addCaFiles: (p) => {
        const [f] = p.files as { fileName: string }[];
        // Main always answers with the whole list; the notes file added nothing to it.
        return f!.fileName === 'notes.txt'
          ? ok({
              certificates: [caCard()],
              tree: [],
              problems: [],
              files: [
                {
                  fileName: 'notes.txt',
                  added: 0,
                  duplicates: 0,
                  skipped: [],
                  error: {
                    code: 'unrecognised-format',
                    message: 'notes.txt is not a certificate.',
                    hint: 'Pick the right file.',
                  },
                },
              ],
            })
          : ok({
              certificates: [caCard()],
              tree: [{ sha256: 'AA', label: 'Acme Root CA', fromKeychain: false, children: [] }],
              problems: [],
              files: [{ fileName: 'root.cer', added: 1, duplicates: 0, skipped: [] }],
            });
      },
      getCaCertificates: () => ok({ certificates: [caCard()], tree: [], problems: [] }),
    });
    const user = userEvent.setup();
    render(<CaCertificates />);
    await user.upload(screen.getByLabelText('CA certificate files'), [
      new File(['-----BEGIN CERTIFICATE-----'], 'root.cer'),
      new File(['hello'], 'notes.txt'),
    ]);
    expect(await screen.findByText('notes.txt is not a certificate.', { exact: false })).toBeTruthy();
    expect(api.callsOf('addCaFiles').map((c) => (c.files as { fileName: string }[]).map((f) => f.fileName))).toEqual([
      ['root.cer'],
      ['notes.txt'],
    ]);
    expect(screen.getByRole('heading', { name: 'One CA certificate' })).toBeTruthy();
    expect(screen.getByText('Not yet: added on the Trust & identity step')).toBeTruthy();
  });

  it('takes files dropped on the drop zone', async () => {
    const api = scriptApi({
      addCaFiles: () =>
        ok({
          certificates: [caCard()],
          tree: [],
          problems: [],
          files: [{ fileName: 'root.cer', added: 1, duplicates: 0, skipped: [] }],
        }),
      getCaCertificates: () => ok({ certificates: [caCard()], tree: [], problems: [] }),
    });
    render(<CaCertificates />);
    const zone = screen.getByText('Drop CA certificate files here, or').parentElement!;
    fireEvent.dragOver(zone, { dataTransfer: { files: [] } });
    expect(zone.classList.contains('over')).toBe(true);
    fireEvent.drop(zone, { dataTransfer: { files: [new File(['-----BEGIN CERTIFICATE-----'], 'root.cer')] } });
    expect(await screen.findByRole('heading', { name: 'One CA certificate' })).toBeTruthy();
    expect(api.callsOf('addCaFiles')).toHaveLength(1);
    expect(zone.classList.contains('over')).toBe(false);
  });

  it('removes a card by its fingerprint', async () => {
    const api = scriptApi({
      removeCaCertificate: () => ok({ certificates: [], tree: [], problems: [] }),
      getCaCertificates: () => ok({ certificates: [caCard()], tree: [], problems: [] }),
    });
    useWizard.setState((s) => ({ ca: { ...s.ca, view: { certificates: [caCard()], tree: [], problems: [] } } }));
    const user = userEvent.setup();
    render(<CaCertificates />);
    await user.click(screen.getByRole('button', { name: 'Remove Acme Root CA' }));
    expect(api.callsOf('removeCaCertificate')).toEqual([{ sha256: caCard().sha256 }]);
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Remove Acme Root CA' })).toBeNull());
  });
});

describe('Client certificate', () => {
  it('clears the password field as soon as the .pfx is sent, and marks it wrong when main says so', async () => {
    scriptApi({
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

  it('offers the re-wrap for a .pfx other Macs would refuse, says this Mac is not affected, then the save', async () => {
    const bad = identity([finding('pfx-macos-compatible', 'warn')], {
      pfx: pfxStatus({
        macOsCompatible: false,
        problems: ['The integrity check uses SHA256.'],
        protection: 'private key encrypted with AES; integrity check SHA256',
      }),
    });
    const good = identity([finding('pfx-macos-compatible', 'pass')], { pfx: pfxStatus({ rewrapped: true }) });
    const api = scriptApi({ getMacFacts: () => ok(facts()), getIdentity: () => ok(bad), rewrapPfx: () => ok(good) });
    useWizard.setState((s) => ({ client: { ...s.client, identity: bad } }));
    const user = userEvent.setup();
    render(<ClientCertificate />);
    expect(screen.getByText('The integrity check uses SHA256.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Other Macs would refuse this .pfx as it is' })).toBeTruthy();
    expect(screen.getByText(/This Mac is not affected/).closest('p')!.textContent).toContain(
      'Onboard imports its own macOS-compatible copy',
    );
    // A file with a password keeps it: no new-password fields.
    expect(screen.queryByLabelText('New password')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Re-wrap for macOS' }));
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
    const api = scriptApi({ getMacFacts: () => ok(facts()), getIdentity: () => ok(empty), rewrapPfx: () => ok(good) });
    useWizard.setState((s) => ({ client: { ...s.client, identity: empty } }));
    const user = userEvent.setup();
    render(<ClientCertificate />);
    const first = screen.getByLabelText('New password') as HTMLInputElement;
    const again = screen.getByLabelText('New password again') as HTMLInputElement;
    const rewrap = screen.getByRole('button', { name: 'Re-wrap for macOS' });

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
    scriptApi({
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
    await user.click(screen.getByRole('button', { name: 'Re-wrap for macOS' }));
    expect((await screen.findByRole('alert')).textContent).toContain('holds no private key');
    expect((screen.getByLabelText('New password') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('New password again') as HTMLInputElement).value).toBe('');
    expect(JSON.stringify(useWizard.getState())).not.toContain('secret-1');
  });

  it('shows both spellings of the host name and the failing requirement first, with its fix', async () => {
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
    scriptApi({ getMacFacts: () => ok(facts()), getIdentity: () => ok(v) });
    useWizard.setState((s) => ({ client: { ...s.client, identity: v } }));
    render(<ClientCertificate />);
    const comparison = screen.getByLabelText('Host name comparison');
    expect(comparison.textContent).toContain('MAC01.local');
    expect(comparison.textContent).toContain('mac01.local');
    expect(comparison.textContent).toContain('Differs only in capitals');
    const items = screen.getAllByRole('listitem').filter((li) => li.classList.contains('finding'));
    expect(items[0]!.textContent).toContain('Names this Mac exactly');
    expect(items[0]!.textContent).toContain('How to fix: Request the certificate again with CN exactly "MAC01.local".');
    expect(screen.getByRole('status').textContent).toBe('1 of 2 requirements is not met.');
  });
});
