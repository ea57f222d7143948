// The CA step's revocation lists: a dropped CRL counted on its file, listed with its freshness and problems, removed by id.
import { describe, it, expect, beforeEach } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CaCertificates } from '../../../../renderer/steps/ca/CaCertificates';
import type { CrlCard } from '../../../../src/shared/contract';
import { caCard, installFakeApi, ok, resetStore } from '../fake-api';

beforeEach(() => resetStore());

const crl: CrlCard = {
  id: 'a'.repeat(64),
  fileName: 'issuing.crl',
  issuer: 'CN=Acme Issuing CA',
  thisUpdate: '2026-11-01T00:00:00.000Z',
  nextUpdate: '2026-11-08T00:00:00.000Z',
  entries: 3,
  problems: [
    {
      severity: 'warn',
      message: 'Out of date since 2026-11-08: certificates checked against it are refused.',
      fix: 'Get the current list from the CA (its CRL distribution point).',
    },
  ],
};

describe('revocation lists on the CA screen', { timeout: 30_000 }, () => {
  it('counts a dropped list on its file, shows it with its problem, and removes it by id', async () => {
    const api = installFakeApi({
      addCaFiles: () =>
        ok({
          certificates: [caCard()],
          crls: [crl],
          tree: [],
          problems: [],
          files: [{ fileName: 'issuing.crl', added: 0, duplicates: 0, skipped: [], crlsAdded: 1 }],
        }),
      getCaCertificates: () => ok({ certificates: [caCard()], crls: [crl], tree: [], problems: [] }),
      removeCaCrl: () => ok({ certificates: [caCard()], crls: [], tree: [], problems: [] }),
    });
    const user = userEvent.setup();
    render(<CaCertificates />);
    await user.upload(screen.getByLabelText('CA certificate files'), [new File(['0'], 'issuing.crl')]);
    expect(await screen.findByText(/0 added, one revocation list/)).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Revocation lists' })).toBeTruthy();
    expect(screen.getByText(/3 certificates revoked, issued .*next update/)).toBeTruthy();
    expect(screen.getByText(/Out of date since 2026-11-08/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Remove the revocation list of CN=Acme Issuing CA' }));
    expect(api.callsOf('removeCaCrl')).toEqual([{ id: crl.id }]);
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Revocation lists' })).toBeNull());
  });
});
