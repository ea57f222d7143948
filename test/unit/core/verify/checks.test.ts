// Specification: verify's checks run at once and are reported in the list's order; a cancel or a throwing part ends the run and stops the rest.
import { describe, expect, it } from 'vitest';
import { runChecks, linkedStop, type VerifyProgress } from '../../../../src/core/verify/checks';
import { finding, type VerifyFinding } from '../../../../src/core/verify/findings';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const pass = (id: string): VerifyFinding => finding(id, 'pass', id, '');

describe('runChecks', () => {
  it('starts every part at once and reports findings in the list order, whatever order they finish in', async () => {
    const started: string[] = [];
    const a = deferred<VerifyFinding[]>();
    const b1 = deferred<VerifyFinding[]>();
    const b2 = deferred<VerifyFinding[]>();
    const part = (name: string, d: { promise: Promise<VerifyFinding[]> }) => () => {
      started.push(name);
      return d.promise;
    };
    const events: VerifyProgress[] = [];
    const run = runChecks(
      [
        { id: 'first', parts: [part('a', a)] },
        { id: 'second', parts: [part('b1', b1), part('b2', b2)] },
        { id: 'third', parts: [() => [pass('c')]] },
      ],
      { stop: new AbortController(), emit: (e) => events.push(e) },
    );
    // Finish backwards: the last part first, the first check last.
    await Promise.resolve();
    b2.resolve([pass('b2')]);
    b1.resolve([pass('b1-x'), pass('b1-y')]);
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a', 'b1', 'b2']);
    expect(events.filter((e) => e.status !== 'running')).toEqual([]);
    a.resolve([pass('a')]);
    const findings = await run;
    expect(findings.map((f) => f.id)).toEqual(['a', 'b1-x', 'b1-y', 'b2', 'c']);
    expect(events.map((e) => `${e.status} ${e.id}${e.check ? ` (${e.check})` : ''}`)).toEqual([
      'running first',
      'running second',
      'running third',
      'done a (first)',
      'checked first',
      'done b1-x (second)',
      'done b1-y (second)',
      'done b2 (second)',
      'checked second',
      'done c (third)',
      'checked third',
    ]);
  });

  it('rejects with verify-cancelled as soon as the signal fires, and stops the parts still running', async () => {
    const outer = new AbortController();
    const stop = linkedStop(outer.signal);
    const never = deferred<VerifyFinding[]>();
    const run = runChecks([{ id: 'hangs', parts: [() => never.promise] }], {
      signal: outer.signal,
      stop,
      emit: () => undefined,
    });
    outer.abort();
    await expect(run).rejects.toMatchObject({ code: 'verify-cancelled' });
    expect(stop.signal.aborted).toBe(true);
  });

  it('refuses to start when already cancelled', async () => {
    const outer = new AbortController();
    outer.abort();
    const started: string[] = [];
    await expect(
      runChecks([{ id: 'x', parts: [() => (started.push('x'), [])] }], {
        signal: outer.signal,
        stop: linkedStop(outer.signal),
        emit: () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'verify-cancelled' });
    expect(started).toEqual([]);
  });

  it('ends the run with the error of a part that throws, even while an earlier check is still running', async () => {
    const stop = new AbortController();
    const slow = deferred<VerifyFinding[]>();
    const run = runChecks(
      [
        { id: 'slow', parts: [() => slow.promise] },
        {
          id: 'broken',
          parts: [
            () => {
              throw new Error('a bug');
            },
          ],
        },
      ],
      { stop, emit: () => undefined },
    );
    await expect(run).rejects.toThrow('a bug');
    expect(stop.signal.aborted).toBe(true);
    // The earlier check finishing later changes nothing (and raises no unhandled rejection).
    slow.reject(new Error('stopped'));
  });
});
