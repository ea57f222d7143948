// The CA certificates screen: files dropped or picked, one request each, and the cards.
import { describe, it, expect, beforeEach } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CaCertificates } from '../../../../renderer/steps/ca/CaCertificates';
import { useWizard } from '../../../../renderer/state/store';
import { caCard, installFakeApi, ok, resetStore } from '../fake-api';

beforeEach(() => resetStore());

describe('CA certificates', () => {
  it('sends each dropped file on its own and shows what each gave', async () => {
    const api = installFakeApi({
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
    const api = installFakeApi({
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
    const api = installFakeApi({
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
