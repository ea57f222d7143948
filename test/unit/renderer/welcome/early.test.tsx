// The first reading of the Mac asked by boot.js before the app loads: Welcome uses it instead of asking again, shows
// it in its first render when it is already in, and every later showing still reads the Mac afresh.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { render, screen } from '@testing-library/react';
import { Welcome } from '../../../../renderer/steps/welcome/Welcome';
import { getApi, startEarly } from '../../../../renderer/api';
import { useWizard } from '../../../../renderer/state/store';
import { err, facts, installFakeApi, ok, resetStore, type Answer } from '../fake-api';

const state = () => useWizard.getState();

/** The desktop app's situation: the preload's API on window, and boot.js having run with it. */
function bootWith(getMacFacts: () => Answer | Promise<Answer>) {
  const api = installFakeApi({ getMacFacts });
  window.onboard = getApi();
  startEarly();
  return api;
}

/** Lets the answers already given reach the store. */
const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => resetStore());
afterEach(() => {
  delete window.onboard;
  delete window.onboardEarly;
});

describe("boot.js's early reading of the Mac", () => {
  it('is asked at once, before anything renders, through the same API the app then uses', () => {
    const api = bootWith(() => ok(facts()));
    expect(api.callsOf('getMacFacts')).toEqual([{ refresh: false }]);
    expect(window.onboardEarly?.api).toBe(getApi());
    startEarly();
    expect(api.callsOf('getMacFacts')).toHaveLength(1);
  });

  it("is Welcome's first reading when its answer is still on the way: no second request", async () => {
    let answer!: (a: Answer) => void;
    const api = bootWith(() => new Promise<Answer>((r) => (answer = r)));
    state().adoptEarlyFacts();
    expect(state().welcome.facts.state).toBe('idle');
    render(<Welcome />);
    expect(await screen.findByText('Asking this Mac…')).toBeTruthy();
    answer(ok(facts({ expectedHostName: 'MAC09.local' })));
    expect(await screen.findByText('MAC09.local', { selector: 'strong code' })).toBeTruthy();
    expect(api.callsOf('getMacFacts')).toEqual([{ refresh: false }]);
    expect(state().client.csrHostname).toBe('MAC09.local');
  });

  it('is on screen in the first render when its answer is already in, and counts as the first showing', async () => {
    let version: string | null = null;
    const api = bootWith(() => ok(facts({ client: version ? { version, installedAt: null } : null })));
    await settle();
    state().adoptEarlyFacts();
    expect(state().welcome.facts.state).toBe('ready');
    const first = render(<Welcome />);
    expect(screen.getByText('Not installed', { selector: 'dd' })).toBeTruthy();
    await settle();
    expect(api.callsOf('getMacFacts')).toEqual([{ refresh: false }]);
    // The next showing reads the Mac again, as without boot.js.
    first.unmount();
    version = '24.1.0.5';
    render(<Welcome />);
    expect(await screen.findByText(/^Version 24\.1\.0\.5 installed/)).toBeTruthy();
    expect(api.callsOf('getMacFacts')).toEqual([{ refresh: false }, { refresh: true }]);
  });

  it('shows a failed early reading as the error, and Read again asks the Mac afresh', async () => {
    let fail = true;
    const api = bootWith(() =>
      fail ? err('simulated', 'Could not read this Mac.', 'Try again.') : ok(facts({ localHostName: 'MAC03' })),
    );
    await settle();
    state().adoptEarlyFacts();
    render(<Welcome />);
    expect(screen.getByText('Could not read this Mac.')).toBeTruthy();
    fail = false;
    screen.getByRole('button', { name: /Read again/ }).click();
    expect(await screen.findByText('MAC03.local', { selector: 'code' })).toBeTruthy();
    expect(api.callsOf('getMacFacts')).toEqual([{ refresh: false }, { refresh: true }]);
  });

  it('is left alone when the page talks to main another way (a test API, or no boot.js)', async () => {
    const api = installFakeApi({ getMacFacts: () => ok(facts()) });
    state().adoptEarlyFacts();
    expect(state().welcome.facts.state).toBe('idle');
    render(<Welcome />);
    expect(await screen.findByText('Not installed', { selector: 'dd' })).toBeTruthy();
    expect(api.callsOf('getMacFacts')).toEqual([{ refresh: false }]);
  });
});
