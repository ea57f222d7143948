// Client certificate from an existing .pfx: the password lives here only until it is sent.
import { useRef, useState } from 'react';
import { useWizard } from '../../store';
import { StatusBadge } from './Problem';

export function PfxPanel() {
  const busy = useWizard((s) => s.client.busy);
  const error = useWizard((s) => s.client.error);
  const openPfx = useWizard((s) => s.openPfx);
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const passwordInput = useRef<HTMLInputElement>(null);
  const wrongPassword = error?.code === 'pfx-wrong-password';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const sent = password;
    // Cleared before the answer: the password must not outlive the request in the renderer.
    setPassword('');
    const ok = await openPfx(file, sent);
    if (!ok) passwordInput.current?.focus();
  };

  return (
    <form className="path-panel" onSubmit={(e) => void submit(e)} aria-labelledby="pfx-heading">
      <h3 id="pfx-heading">Open the .pfx exported for this Mac</h3>
      <label htmlFor="pfx-file">.pfx or .p12 file</label>
      <input id="pfx-file" type="file" accept=".pfx,.p12" disabled={busy !== null} onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      <label htmlFor="pfx-password">Password of the .pfx</label>
      <input
        id="pfx-password"
        ref={passwordInput}
        type="password"
        autoComplete="off"
        value={password}
        disabled={busy !== null}
        aria-invalid={wrongPassword}
        aria-describedby="pfx-password-help"
        onChange={(e) => setPassword(e.currentTarget.value)}
      />
      <div id="pfx-password-help" className="muted field-help">
        {wrongPassword ? <StatusBadge status="fail">Wrong password</StatusBadge> : null} Sent once to Onboard's main process and never stored on disk or shown again.
      </div>
      <button type="submit" className="primary" disabled={!file || busy !== null}>Open .pfx</button>
    </form>
  );
}

/** Shown when the opened .pfx is one macOS would refuse: the one-click fix, then the save. */
export function PfxCompatibility() {
  const identity = useWizard((s) => s.client.identity);
  const busy = useWizard((s) => s.client.busy);
  const rewrap = useWizard((s) => s.rewrapPfx);
  const save = useWizard((s) => s.savePfx);
  const pfx = identity?.pfx;
  if (!pfx) return null;
  if (!pfx.macOsCompatible) {
    return (
      <section className="card warn-card" aria-labelledby="pfx-compat-heading">
        <h3 id="pfx-compat-heading">macOS will refuse this .pfx as it is</h3>
        <p>macOS 12 to 14 refuse such a file with "MAC verification failed (wrong password?)", even when the password is right. OpenSSL 3 writes files like this by default.</p>
        <p className="muted">Protection now: {pfx.protection}.</p>
        <ul>{pfx.problems.map((p, i) => <li key={i}>{p}</li>)}</ul>
        <button type="button" className="primary" onClick={() => void rewrap()} disabled={busy !== null}>Re-wrap for macOS</button>
        <p className="muted">Same key, certificate and password; re-encrypted with 3DES and a SHA-1 integrity check, which every macOS imports.</p>
      </section>
    );
  }
  // A file that was fine from the start needs no card: the checklist says so.
  if (!pfx.rewrapped) return null;
  return (
    <section className="card" aria-labelledby="pfx-compat-heading">
      <h3 id="pfx-compat-heading">Re-wrapped: every macOS imports this .pfx now</h3>
      <p className="muted">Protection now: {pfx.protection}. Save it if you want the same file for other Macs or for your records.</p>
      <button type="button" className="secondary" onClick={() => void save()}>Save the re-wrapped .pfx…</button>
    </section>
  );
}
