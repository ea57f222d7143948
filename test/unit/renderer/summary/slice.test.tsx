// The summary's slice: undoing the ticked changes.
import { describe, it, expect, beforeEach } from 'vitest';
import { useWizard } from '../../../../renderer/state/store';
import { action, installFakeApi, ok, outcome, plan, prepared, resetStore } from '../fake-api';

const state = () => useWizard.getState();

beforeEach(() => resetStore());

describe('the summary slice', () => {
  it('undo sends the ticked change ids, then reloads the summary', async () => {
    const p = prepared('undo', [plan('configure-client', 'Undo', [action('undo-0-0')])]);
    const records = [
      {
        id: 'trust-1/ca-1',
        purpose: 'trust',
        title: 'Trust the root',
        status: 'done',
        at: new Date().toISOString(),
        undoable: true,
      },
    ];
    const api = installFakeApi({
      getChangeSummary: () => ok({ records, verification: null }),
      planUndo: () => ok(p),
      applyChanges: () => ok(outcome(p.planId, 'undo')),
    });
    await state().loadSummary();
    state().toggleUndoSelection('trust-1/ca-1');
    await state().prepareUndo();
    expect(api.callsOf('planUndo')).toEqual([{ changeIds: ['trust-1/ca-1'] }]);
    await state().applyUndo();
    expect(api.callsOf('getChangeSummary')).toHaveLength(2);
    expect(state().summary.selected).toEqual([]);
  });
});
