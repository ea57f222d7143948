import { describe, it, expect } from 'vitest';
import { createRouter, type Handlers } from '../../../../src/main/ipc/router';
import { OnboardError } from '../../../../src/core/errors';

interface S {
  name: string;
}
const emit = () => undefined;

function router(overrides: Partial<Handlers<S>> = {}, log?: (m: string, e: unknown) => void) {
  const handlers = {
    getAppInfo: () => ({ version: '1', shell: 'preview', simulated: true, platform: 'linux' }),
    ...overrides,
  } as Handlers<S>;
  return createRouter<S>(handlers, { logInternal: log });
}

describe('the IPC router', () => {
  it("answers a valid request with ok and the handler's value", async () => {
    const r = await router().dispatch('getAppInfo', {}, { session: { name: 'a' }, emit });
    expect(r).toEqual({ ok: true, value: { version: '1', shell: 'preview', simulated: true, platform: 'linux' } });
  });

  it('refuses a method that is not in the contract', async () => {
    const r = await router().dispatch('deleteEverything', {}, { session: { name: 'a' }, emit });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('unknown-method');
  });

  it('refuses inherited object keys posing as methods', async () => {
    for (const m of ['constructor', '__proto__', 'toString', 42, null]) {
      const r = await router().dispatch(m, {}, { session: { name: 'a' }, emit });
      expect(r.ok, String(m)).toBe(false);
    }
  });

  it('refuses a payload the schema rejects, naming the field', async () => {
    const r = await router().dispatch('getAppInfo', { extra: 1 }, { session: { name: 'a' }, emit });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-request');
      expect(r.error.message).toMatch(/extra|Unrecognized/i);
    }
  });

  it('passes an OnboardError through as code, message and hint', async () => {
    const r = await router({
      getAppInfo: () => {
        throw new OnboardError('pfx-wrong-password', 'The PFX password is wrong.', 'Type it again.');
      },
    }).dispatch('getAppInfo', {}, { session: { name: 'a' }, emit });
    expect(r).toEqual({
      ok: false,
      error: { code: 'pfx-wrong-password', message: 'The PFX password is wrong.', hint: 'Type it again.' },
    });
  });

  it('hides the details of an unexpected error from the renderer but logs them in main', async () => {
    const logged: unknown[] = [];
    const r = await router(
      {
        getAppInfo: () => {
          throw new Error('secret stack /Users/tech/key.pem');
        },
      },
      (_m, e) => logged.push(e),
    ).dispatch('getAppInfo', {}, { session: { name: 'a' }, emit });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('internal');
      expect(JSON.stringify(r)).not.toContain('key.pem');
    }
    expect(logged).toHaveLength(1);
  });

  it('cancels a running request of the same session when asked', async () => {
    let seen: AbortSignal | undefined;
    const rt = router({
      getAppInfo: (_r, ctx) =>
        new Promise((_res, rej) => {
          seen = ctx.signal;
          ctx.signal.addEventListener('abort', () => rej(new Error('aborted')));
        }),
    });
    const session = { name: 'a' };
    const running = rt.dispatch('getAppInfo', {}, { session, emit, requestId: 'job-1' });
    await new Promise((r) => setTimeout(r, 5));
    const other = await rt.dispatch('cancelRequest', { requestId: 'job-1' }, { session: { name: 'b' }, emit });
    expect(other).toEqual({ ok: true, value: { cancelled: false } });
    const cancel = await rt.dispatch('cancelRequest', { requestId: 'job-1' }, { session, emit });
    expect(cancel).toEqual({ ok: true, value: { cancelled: true } });
    const r = await running;
    expect(seen?.aborted).toBe(true);
    expect(r).toEqual({ ok: false, error: { code: 'cancelled', message: 'Cancelled.', hint: '' } });
  });

  it("tags a handler's progress with the id of the request it belongs to, and drops it when there is none", async () => {
    const rt = router({
      getAppInfo: (_r, ctx) => {
        ctx.emit({ id: 'step-1', status: 'running', label: 'Working' });
        return { version: '1', shell: 'preview', simulated: true, platform: 'linux' };
      },
    });
    const seen: unknown[] = [];
    await rt.dispatch('getAppInfo', {}, { session: { name: 'a' }, emit: (e) => seen.push(e), requestId: 'req-9' });
    expect(seen).toEqual([{ type: 'progress', requestId: 'req-9', id: 'step-1', status: 'running', label: 'Working' }]);
    seen.length = 0;
    await rt.dispatch('getAppInfo', {}, { session: { name: 'a' }, emit: (e) => seen.push(e) });
    expect(seen).toEqual([]);
  });
});
