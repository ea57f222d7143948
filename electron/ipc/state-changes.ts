// What the changes half keeps in main-process memory for one window.

/** One change this onboarding run made (or tried), for the summary and the report. */
export interface ChangeRecord {
  step: string;
  title: string;
  status: 'done' | 'skipped' | 'failed' | 'undone';
  at: string;
}

export interface ChangesState {
  changes: ChangeRecord[];
}

export function createChangesState(): ChangesState {
  return { changes: [] };
}
