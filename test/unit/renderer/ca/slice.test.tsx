// The CA certificates step's slice: when the technician may go on.
import { describe, it, expect, beforeEach } from 'vitest';
import { useWizard } from '../../../../renderer/state/store';
import { canProceed } from '../../../../renderer/state/selectors';
import { caCard, resetStore } from '../fake-api';

const state = () => useWizard.getState();

beforeEach(() => resetStore());

describe('can the technician go on from the CA certificates', () => {
  it('not while a CA certificate has a failing problem, and the reason says how many', () => {
    useWizard.setState((s) => ({
      ca: {
        ...s.ca,
        view: {
          certificates: [
            caCard({ problems: [{ severity: 'fail', message: 'Expired', fix: 'Renew' }] }),
            caCard({ sha256: 'X' }),
          ],
          tree: [],
          problems: [],
        },
      },
    }));
    expect(canProceed(state(), 'ca')).toEqual({
      ok: false,
      reason: 'One CA certificate has a problem: fix or remove it.',
    });
  });

  it('yes with warnings and notes only', () => {
    useWizard.setState((s) => ({
      ca: {
        ...s.ca,
        view: {
          certificates: [caCard({ problems: [{ severity: 'warn', message: 'Expires in 20 days', fix: '' }] })],
          tree: [],
          problems: [],
        },
      },
    }));
    expect(canProceed(state(), 'ca')).toEqual({ ok: true });
  });
});
