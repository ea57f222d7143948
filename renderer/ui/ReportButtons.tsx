// Saves the onboarding report for the ticket, as HTML to read or JSON for tools (on Verify and on the summary).
import { useState } from 'react';
import type { Loadable } from '../state/types';
import { useWizard } from '../state/store';
import { download } from './files';
import { ErrorBox } from './ErrorBox';

export function ReportButtons() {
  const fetchReport = useWizard((s) => s.fetchReport);
  // Which format is being made, the name of the file saved, or why it could not be made.
  const [saving, setSaving] = useState<Loadable<string>>({ state: 'idle' });
  const busy = saving.state === 'loading' ? saving.label : null;
  const saved = saving.state === 'ready' ? saving.value : null;
  const error = saving.state === 'error' ? saving.error : null;

  async function save(format: 'html' | 'json') {
    setSaving({ state: 'loading', label: format });
    const r = await fetchReport(format);
    if (!r.ok) {
      setSaving({ state: 'error', error: r.error });
      return;
    }
    download(r.value.fileName, r.value.mimeType, r.value.content);
    setSaving({ state: 'ready', value: r.value.fileName });
  }

  return (
    <div className="report-buttons">
      <div className="apply-row">
        <button type="button" className="secondary" onClick={() => void save('html')} disabled={busy !== null}>
          {busy === 'html' ? 'Preparing…' : 'Save the report (HTML)'}
        </button>
        <button type="button" className="secondary" onClick={() => void save('json')} disabled={busy !== null}>
          {busy === 'json' ? 'Preparing…' : 'Save as JSON'}
        </button>
      </div>
      <p role="status" className="muted">
        {saved ? `Saved ${saved} to your downloads.` : ''}
      </p>
      {error && <ErrorBox error={error} title="Could not make the report." />}
    </div>
  );
}
