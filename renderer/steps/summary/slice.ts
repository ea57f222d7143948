// The summary's slice: what this run changed as main recorded it, the changes ticked for undo, the undo's plan and
// run, and the report saved for the ticket.
import type { ApplyOutcome } from '../../../src/shared/contract';
import type { SliceCreator, SummarySlice } from '../../state/types';
import { call } from '../../api';
import { failed, idle, loaded, loading, outcomeWords, track, type RunSlot } from '../../state/requests';
import { download } from '../../ui/files';
import { planLine } from '../../ui/plan-words';

const undoRun: RunSlot<ApplyOutcome> = {
  name: 'undo',
  read: (s) => s.summary.undo.run,
  write: (s, run) => ({ summary: { ...s.summary, undo: { ...s.summary.undo, run } } }),
};

export const createSummarySlice: SliceCreator<SummarySlice> = (set, get) => ({
  summary: { changes: idle, selected: [], undo: { plan: idle, run: idle }, report: idle },

  async saveReport(format) {
    if (get().summary.report.state === 'loading') return;
    set((s) => ({ summary: { ...s.summary, report: loading(format) } }));
    const r = await call('exportReport', { format });
    if (r.ok) download(r.value.fileName, r.value.mimeType, r.value.content);
    set((s) => ({
      summary: { ...s.summary, report: r.ok ? { state: 'ready', value: r.value.fileName } : failed(r.error) },
    }));
    get().resultReady(
      'summary-report',
      r.ok ? `Saved ${r.value.fileName} to your downloads.` : `Could not make the report: ${r.error.message}`,
    );
  },

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
    get().resultReady('undo-plan', r.ok ? `The undo plan is ready: ${planLine(r.value)}.` : r.error.message);
  },
  async applyUndo() {
    const plan = get().summary.undo.plan;
    if (plan.state !== 'ready') return;
    const r = await track(set, get, undoRun, (id) => call('applyChanges', { planId: plan.value.planId }, id));
    // What the earlier steps planned and verified no longer describes the Mac.
    set((s) => ({
      summary: { ...s.summary, selected: [], report: idle },
      verify: { ...s.verify, run: idle },
      trust: { ...s.trust, plan: idle, run: idle },
      install: { ...s.install, plan: idle, run: idle },
    }));
    await get().loadSummary();
    if (r) get().resultReady('undo-plan', outcomeWords(r, 'The chosen changes were undone.'));
    await get().loadFacts(true);
  },
});
