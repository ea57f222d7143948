// The summary's slice: what this run changed as main recorded it, the changes ticked for undo, and the undo's plan
// and run.
import type { ApplyOutcome } from '../../../src/shared/contract';
import type { SliceCreator, SummarySlice } from '../../state/types';
import { call } from '../../api';
import { idle, loaded, track, type RunSlot } from '../../state/requests';

const undoRun: RunSlot<ApplyOutcome> = {
  name: 'undo',
  read: (s) => s.summary.undo.run,
  write: (s, run) => ({ summary: { ...s.summary, undo: { ...s.summary.undo, run } } }),
};

export const createSummarySlice: SliceCreator<SummarySlice> = (set, get) => ({
  summary: { changes: idle, selected: [], undo: { plan: idle, run: idle } },

  async loadSummary() {
    set((s) => ({ summary: { ...s.summary, changes: { state: 'loading' } } }));
    const r = await call('getChangeSummary', {});
    set((s) => {
      // Keep only selections that can still be undone.
      const undoable = r.ok ? new Set(r.value.records.filter((c) => c.undoable).map((c) => c.id)) : new Set<string>();
      return {
        summary: {
          ...s.summary,
          changes: loaded(r),
          selected: s.summary.selected.filter((id) => undoable.has(id)),
        },
      };
    });
  },
  toggleUndoSelection(changeId) {
    set((s) => {
      const has = s.summary.selected.includes(changeId);
      const selected = has ? s.summary.selected.filter((id) => id !== changeId) : [...s.summary.selected, changeId];
      return { summary: { ...s.summary, selected, undo: { plan: idle, run: idle } } };
    });
  },
  async prepareUndo() {
    const selected = get().summary.selected;
    if (selected.length === 0) return;
    set((s) => ({ summary: { ...s.summary, undo: { plan: { state: 'loading' }, run: idle } } }));
    const r = await call('planUndo', { changeIds: selected });
    set((s) => ({ summary: { ...s.summary, undo: { ...s.summary.undo, plan: loaded(r) } } }));
  },
  async applyUndo() {
    const plan = get().summary.undo.plan;
    if (plan.state !== 'ready') return;
    await track(set, get, undoRun, (id) => call('applyChanges', { planId: plan.value.planId }, id));
    set((s) => ({ summary: { ...s.summary, selected: [] } }));
    await get().loadSummary();
  },
});
