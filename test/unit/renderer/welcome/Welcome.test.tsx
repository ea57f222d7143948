// The Welcome screen: the Mac's facts, the endpoints judged aloud, and the mode.
import { describe, it, expect, beforeEach } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Welcome } from '../../../../renderer/steps/welcome/Welcome';
import { facts, installFakeApi, ok, resetStore } from '../fake-api';

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
              code: 'invalid-switch',
              message: `'${String(p.switchAddress)}' is not a Switch address of the form host:port.`,
              hint: 'Give the Switch as host:port.',
            },
    backgroundUrl: null,
    saved: false,
  });

describe('Welcome', () => {
  it("shows the Mac's facts, with the host name 1E expects and a warning when Rosetta is missing", async () => {
    installFakeApi({
      getMacFacts: () =>
        ok(facts({ localHostName: 'MAC07', expectedHostName: 'MAC07.local', hostname: 'mac07.local' })),
    });
    render(<Welcome />);
    expect(await screen.findByText('MAC07.local', { selector: 'strong code' })).toBeTruthy();
    expect(screen.getByText(/The 1E Client is Intel code/)).toBeTruthy();
    expect(screen.getByText(/prints/).textContent).toContain('1E expects MAC07.local');
  });

  it('judges a field aloud only once the technician has left it', async () => {
    installFakeApi({ getMacFacts: () => ok(facts()), setEndpoints: judge });
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
    installFakeApi({ getMacFacts: () => ok(facts()), setEndpoints: judge });
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
    installFakeApi({
      getMacFacts: () => ok(facts({ client: { version: '5.1', installedAt: null } })),
      setMode: (p) => ok({ mode: p.mode }),
    });
    const user = userEvent.setup();
    render(<Welcome />);
    await user.click(screen.getByRole('radio', { name: 'Uninstall' }));
    expect(screen.queryByLabelText('Switch address')).toBeNull();
  });

  it('reads the Mac again every time it shows, keeping the last reading on screen meanwhile', async () => {
    let version: string | null = null;
    const api = installFakeApi({
      getMacFacts: () => ok(facts({ client: version ? { version, installedAt: null } : null })),
    });
    const first = render(<Welcome />);
    expect(await screen.findByText('Not installed', { selector: 'dd' })).toBeTruthy();
    first.unmount();
    version = '24.1.0.5';
    render(<Welcome />);
    expect(await screen.findByText(/^Version 24\.1\.0\.5 installed/)).toBeTruthy();
    expect(api.callsOf('getMacFacts')).toEqual([{ refresh: false }, { refresh: true }]);
  });

  it('says an empty required field is empty when the technician leaves it, not before', async () => {
    installFakeApi({ getMacFacts: () => ok(facts()) });
    const user = userEvent.setup();
    render(<Welcome />);
    const field = screen.getByLabelText('Switch address');
    await user.click(field);
    expect(field.getAttribute('aria-invalid')).not.toBe('true');
    await user.tab();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/^Required: type the Switch's host name and port/)).toBeTruthy();
  });

  it('asks which 1E platform the Mac connects to, on premises unless SaaS is chosen, and tells main', async () => {
    const api = installFakeApi({
      getMacFacts: () => ok(facts()),
      setPlatform: (p) => ok({ platform: p.platform }),
      setMode: (p) => ok({ mode: p.mode }),
    });
    const user = userEvent.setup();
    render(<Welcome />);
    const onPrem = screen.getByRole('radio', { name: /1E on premises/ }) as HTMLInputElement;
    expect(onPrem.checked).toBe(true);
    await user.click(screen.getByRole('radio', { name: /1E SaaS/ }));
    expect(api.callsOf('setPlatform')).toEqual([{ platform: 'saas' }]);
    expect((screen.getByRole('radio', { name: /1E SaaS/ }) as HTMLInputElement).checked).toBe(true);
    await user.click(screen.getByRole('radio', { name: 'Uninstall' }));
    expect(screen.queryByRole('radio', { name: /1E SaaS/ })).toBeNull();
  });
});
