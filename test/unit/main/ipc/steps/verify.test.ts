// Verify through the real router: the report needs a verification first.
import { describe, it, expect } from 'vitest';
import { SimulatedMac } from '../../../../../src/core/macos/executors/simulated';
import { changesBench } from './support';

const bench = changesBench();
const { readySession, failure } = bench;

describe('the report', () => {
  it('is refused before any verification, with the way to get one', async () => {
    const e = await failure(readySession(new SimulatedMac()), 'exportReport', { format: 'json' });
    expect(e.code).toBe('no-verification');
    expect(e.hint).toMatch(/Verify/);
  });
});
