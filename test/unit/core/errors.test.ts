// Specification: an OnboardError is recognised whichever copy of the errors module made it, as the CLI's per-verb
// bundles each carry their own copy, and anything else is not mistaken for one.
import { describe, expect, it } from 'vitest';
import { OnboardError, isOnboardError } from '../../../src/core/errors';

describe('isOnboardError', () => {
  it('recognises an error made by a second copy of the module (another bundle)', async () => {
    // The query makes Vitest load the module again, as a separate instance with its own class.
    const specifier = '../../../src/core/errors?second-copy';
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('../../../src/core/errors');
    expect(copy.OnboardError).not.toBe(OnboardError);
    const foreign = new copy.OnboardError('lab-busy', 'The lab is busy.', 'Wait and try again.');
    expect(foreign instanceof OnboardError).toBe(false);
    expect(isOnboardError(foreign)).toBe(true);
    expect(copy.isOnboardError(new OnboardError('lab-busy', 'The lab is busy.'))).toBe(true);
  });

  it('does not take a plain error, or an object that merely has a code, for one', () => {
    expect(isOnboardError(new Error('boom'))).toBe(false);
    expect(isOnboardError({ code: 'lab-busy', message: 'x', hint: '' })).toBe(false);
    expect(isOnboardError(null)).toBe(false);
    expect(isOnboardError('lab-busy')).toBe(false);
  });
});
