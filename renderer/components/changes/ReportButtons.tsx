// Saves the onboarding report for the ticket, as HTML to read or JSON for tools.
import { useState } from 'react';
import type { IpcError } from '../../slices/changes';
import { useWizard } from '../../store';
import { downloadText } from './download';
import { ErrorBox } from './ErrorBox';

export function ReportButtons() {
  const fetchReport = useWizard((s) => s.fetchReport);
  const [busy, setBusy] = useState<'html' | 'json' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<IpcError | null>(null);

  async function save(format: 'html' | 'json') {
    setBusy(format);
    setError(null);
    setSaved(null);
    try {
      const r = await fetchReport(format);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      downloadText(r.value.fileName, r.value.mimeType, r.value.content);
      setSaved(r.value.fileName);
    } finally {
      setBusy(null);
    }
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
