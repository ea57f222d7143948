import { describe, it, expect, vi } from 'vitest';
import { join } from 'node:path';

// The preload runs in Electron's sandbox; here 'electron' is a stand-in that records what it exposes.
const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'answer' }));
const listeners = new Map<string, (...a: unknown[]) => void>();
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => {
      exposed[key] = value;
    },
  },
  ipcRenderer: {
    invoke,
    on: (ch: string, l: (...a: unknown[]) => void) => listeners.set(ch, l),
    removeListener: (ch: string) => listeners.delete(ch),
  },
  webUtils: { getPathForFile: () => '/Users/tech/Downloads/1e.client-macOS_v5.1.0.dmg' },
}));

await import('../../../src/main/preload');
const { methodNames, contract } = await import('../../../src/shared/contract');

describe('the preload', () => {
  const api = exposed.onboard as Record<string, (...a: unknown[]) => unknown>;

  it('exposes exactly one function per contract method, plus events and file paths, and nothing else', () => {
    expect(Object.keys(exposed)).toEqual(['onboard']);
    expect(Object.keys(api).sort()).toEqual([...methodNames, 'onEvent', 'pathForFile'].sort());
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
  });

  it('sends each method on the one fixed channel with its own name', async () => {
    await api.getAppInfo!({}, 'req-1');
    expect(invoke).toHaveBeenCalledWith('onboard:invoke', 'getAppInfo', {}, 'req-1');
  });

  it('passes progress events to subscribers and lets them unsubscribe', () => {
    const seen: unknown[] = [];
    const off = api.onEvent!((e: unknown) => seen.push(e)) as () => void;
    listeners.get('onboard:event')!({}, { type: 'progress', requestId: 'r', id: 'a', status: 'done' });
    expect(seen).toHaveLength(1);
    off();
    expect(listeners.has('onboard:event')).toBe(false);
  });

  it('is built from the plain method list, which names every method of the contract and nothing else', async () => {
    expect([...methodNames].sort()).toEqual(Object.keys(contract).sort());
    const { build } = await import('esbuild');
    const out = await build({
      entryPoints: [join(__dirname, '../../../src/main/preload.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      logLevel: 'silent',
    });
    const text = out.outputFiles[0]!.text;
    expect(text.length).toBeLessThan(20_000);
    expect(text).not.toMatch(/zod|ZodObject/);
  });
});
