// "Export for MDM": each button saves the file main made for it, and a refusal (no Switch yet) is shown with its fix.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MdmExport } from '../../../../renderer/ui/MdmExport';
import { installFakeApi, ok, err, resetStore } from '../fake-api';

beforeEach(() => resetStore());
afterEach(() => vi.restoreAllMocks());

function captureDownloads(): string[] {
  Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:mdm'), revokeObjectURL: vi.fn() });
  const clicked: string[] = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push(this.download);
  });
  return clicked;
}

describe('Export for MDM', () => {
  it('says when to use it, and saves the profile main made', async () => {
    const api = installFakeApi({
      exportForMdm: (p) =>
        ok({
          fileName: 'onboard-ca-trust.mobileconfig',
          mimeType: 'application/x-apple-aspen-config',
          content: `<plist>${String(p.file)}</plist>`,
        }),
    });
    const clicked = captureDownloads();
    const user = userEvent.setup();
    render(<MdmExport />);
    expect(screen.getByRole('heading', { name: 'Export for MDM' })).toBeTruthy();
    expect(screen.getByText(/only a configuration profile sent by your MDM/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Save CA profile (.mobileconfig)' }));
    await screen.findByText('Saved onboard-ca-trust.mobileconfig to your downloads.');
    expect(api.callsOf('exportForMdm')).toEqual([{ file: 'profile' }]);
    expect(clicked).toEqual(['onboard-ca-trust.mobileconfig']);
  });

  it('shows why a kit file could not be made, and saves nothing', async () => {
    installFakeApi({
      exportForMdm: () =>
        err(
          'no-endpoints',
          'The Switch address and Background Channel URL are not set yet.',
          'Go back to Welcome and type both.',
        ),
    });
    const clicked = captureDownloads();
    const user = userEvent.setup();
    render(<MdmExport />);
    await user.click(screen.getByRole('button', { name: 'Save install.sh' }));
    expect((await screen.findByText(/not set yet/)).textContent).toContain('Background Channel URL');
    expect(clicked).toEqual([]);
  });
});
