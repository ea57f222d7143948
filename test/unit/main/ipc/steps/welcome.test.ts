// Welcome through the real router: the Mac's facts, the mode, and the endpoints judged by main's validators.
import { describe, it, expect } from 'vitest';
import { stepDriver } from './support';

describe("Welcome in main: the Mac's facts, the mode and the endpoints", () => {
  it('describes an Apple Silicon Mac without Rosetta and names the host name 1E expects', async () => {
    const d = stepDriver({
      localHostName: 'MAC01',
      arch: 'arm64',
      rosetta: false,
      macosVersion: '14.4.1',
      build: '23E224',
    });
    const facts = await d.ok('getMacFacts', {});
    expect(facts.macos).toBe('macOS 14.4.1 (23E224)');
    expect(facts.arch).toBe('arm64');
    expect(facts.rosetta).toBe('missing');
    expect(facts.localHostName).toBe('MAC01');
    expect(facts.expectedHostName).toBe('MAC01.local');
    expect(facts.client).toBeNull();
    expect(facts.conf).toBeNull();
  });

  it('shows why the client service is not running on Apple Silicon without Rosetta', async () => {
    const facts = await stepDriver({
      arch: 'arm64',
      rosetta: false,
      client: { version: '5.1.0.920', running: true },
    }).ok('getMacFacts', {});
    expect(facts.rosetta).toBe('missing');
    expect(facts.service).toMatchObject({ running: false, state: 'not running' });
  });

  it('says Rosetta is not needed on an Intel Mac', async () => {
    const facts = await stepDriver({ arch: 'x86_64' }).ok('getMacFacts', {});
    expect(facts.rosetta).toBe('not-needed');
  });

  it('shows the installed client and the endpoints of its configuration, whatever the case of the setting names', async () => {
    const d = stepDriver({
      rosetta: true,
      client: {
        version: '5.1.0.920',
        running: true,
        conf: '# 1E Client\nswitch=tachyon.acme.local:4000\nBACKGROUNDCHANNELURL=https://tachyon.acme.local/Background/\nLoggingLevel=info\n',
      },
    });
    const facts = await d.ok('getMacFacts', {});
    expect(facts.client?.version).toBe('5.1.0.920');
    expect(facts.service?.running).toBe(true);
    expect(facts.conf?.switchAddress).toBe('tachyon.acme.local:4000');
    expect(facts.conf?.backgroundUrl).toBe('https://tachyon.acme.local/Background/');
    expect(facts.conf?.settings).toContainEqual({ key: 'LoggingLevel', value: 'info' });
  });

  it('keeps the chosen mode in the session for the later steps', async () => {
    const d = stepDriver();
    expect(d.session.welcome.mode).toBe('new');
    await d.ok('setMode', { mode: 'upgrade' });
    expect(d.session.welcome.mode).toBe('upgrade');
  });

  it('refuses a mode that does not exist', async () => {
    const r = await stepDriver().call('setMode', { mode: 'reinstall' as 'new' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('invalid-request');
  });

  it('keeps both endpoints once both are valid', async () => {
    const d = stepDriver();
    const check = await d.ok('setEndpoints', {
      switchAddress: ' tachyon.acme.local:4000 ',
      backgroundUrl: 'https://tachyon.acme.local/Background/',
    });
    expect(check).toEqual({
      switchAddress: { ok: true, value: 'tachyon.acme.local:4000' },
      backgroundUrl: { ok: true, value: 'https://tachyon.acme.local/Background/' },
      saved: true,
    });
    expect(d.session.welcome.endpoints).toEqual({
      switchAddress: 'tachyon.acme.local:4000',
      backgroundUrl: 'https://tachyon.acme.local/Background/',
    });
  });

  it('says what is wrong with each field and forgets the endpoints while one is wrong', async () => {
    const d = stepDriver();
    await d.ok('setEndpoints', {
      switchAddress: 'tachyon.acme.local:4000',
      backgroundUrl: 'https://tachyon.acme.local/Background/',
    });
    const check = await d.ok('setEndpoints', {
      switchAddress: 'tachyon.acme.local:99999',
      backgroundUrl: 'http://tachyon.acme.local/Background/',
    });
    expect(check.saved).toBe(false);
    // Each refusal carries the validator's code, so the wizard advises it from its table like any other error.
    expect(check.switchAddress).toMatchObject({
      ok: false,
      code: 'invalid-switch',
      message: expect.stringContaining('out of range'),
    });
    expect(check.backgroundUrl).toMatchObject({
      ok: false,
      code: 'invalid-background-url',
      message: expect.stringContaining('https'),
    });
    expect(d.session.welcome.endpoints).toBeUndefined();
  });

  it('does not judge a field that is still empty', async () => {
    const check = await stepDriver().ok('setEndpoints', {
      switchAddress: '',
      backgroundUrl: 'https://tachyon.acme.local/Background/',
    });
    expect(check.switchAddress).toBeNull();
    expect(check.saved).toBe(false);
  });
});
