// Client certificate from an existing .pfx: passwords live here only until they are sent.
import { useRef, useState } from 'react';
import { useWizard } from '../../state/store';
import { busyText, errorOf } from '../../state/requests';
import { StatusBadge } from '../../ui/StatusBadge';
import { PasswordField } from '../../ui/PasswordField';

export function PfxPanel() {
  const busy = useWizard((s) => busyText(s.client.request));
  const error = useWizard((s) => errorOf(s.client.request));
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
      <input
        id="pfx-file"
        type="file"
        accept=".pfx,.p12"
        disabled={busy !== null}
        onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
      />
      <PasswordField
        id="pfx-password"
        label="Password of the .pfx"
        inputRef={passwordInput}
        value={password}
        disabled={busy !== null}
        invalid={wrongPassword}
        describedBy="pfx-password-help"
        onChange={setPassword}
      />
      <div id="pfx-password-help" className="muted field-help">
        {wrongPassword ? <StatusBadge status="fail">Wrong password</StatusBadge> : null} Sent once to Onboard's main
        process and never stored on disk or shown again.
      </div>
      <button type="submit" className="primary" disabled={!file || busy !== null}>
        Open .pfx
      </button>
    </form>
  );
}

type NewPasswordProblem = 'empty' | 'mismatch' | null;

/**
 * Shown when the opened .pfx is one macOS would refuse as it is. This Mac does not need it (Trust & identity
 * imports Onboard's own compatible copy), so re-wrapping is offered for the file's use on other Macs only.
 * A file with an empty password gets a new one, typed twice; it lives here only until it is sent.
 */
export function PfxCompatibility() {
  const identity = useWizard((s) => s.client.identity);
  const busy = useWizard((s) => busyText(s.client.request));
  const rewrap = useWizard((s) => s.rewrapPfx);
  const save = useWizard((s) => s.savePfx);
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<NewPasswordProblem>(null);
  const newPasswordInput = useRef<HTMLInputElement>(null);
  const confirmInput = useRef<HTMLInputElement>(null);
  const pfx = identity?.pfx;
  if (!pfx) return null;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!pfx.needsNewPassword) {
      await rewrap();
      return;
    }
    if (newPassword === '') {
      setProblem('empty');
      newPasswordInput.current?.focus();
      return;
    }
    if (newPassword !== confirm) {
      setProblem('mismatch');
      setConfirm('');
      confirmInput.current?.focus();
      return;
    }
    const sent = newPassword;
    // Cleared before the answer: the new password must not outlive the request in the renderer.
    setNewPassword('');
    setConfirm('');
    setProblem(null);
    const ok = await rewrap(sent);
    if (!ok) newPasswordInput.current?.focus();
  };

  if (!pfx.macOsCompatible) {
    return (
      <section className="card warn-card" aria-labelledby="pfx-compat-heading">
        <h3 id="pfx-compat-heading">Other Macs would refuse this .pfx as it is</h3>
        <p>
          <strong>This Mac is not affected:</strong> on the Trust &amp; identity step Onboard imports its own
          macOS-compatible copy of the key and certificate. Re-wrap and save the file only if you want to use it on
          other Macs.
        </p>
        <p className="muted">Protection now: {pfx.protection}.</p>
        <ul>
          {pfx.problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
        <form onSubmit={(e) => void submit(e)} aria-label="Re-wrap the .pfx for macOS" noValidate>
          {pfx.needsNewPassword && (
            <fieldset className="option">
              <legend>New password for the re-wrapped file</legend>
              <p className="muted field-help">
                The file has an empty password, which macOS refuses: the re-wrapped file needs a new one. Sent once to
                Onboard's main process; the saved file opens with it.
              </p>
              <PasswordField
                id="pfx-new-password"
                label="New password"
                inputRef={newPasswordInput}
                autoComplete="new-password"
                maxLength={1024}
                value={newPassword}
                disabled={busy !== null}
                invalid={problem === 'empty'}
                describedBy={problem === 'empty' ? 'pfx-new-password-problem' : undefined}
                onChange={(v) => {
                  setNewPassword(v);
                  setProblem(null);
                }}
              />
              <PasswordField
                id="pfx-new-password-again"
                label="New password again"
                inputRef={confirmInput}
                autoComplete="new-password"
                maxLength={1024}
                value={confirm}
                disabled={busy !== null}
                invalid={problem === 'mismatch'}
                describedBy={problem === 'mismatch' ? 'pfx-new-password-problem' : undefined}
                onChange={(v) => {
                  setConfirm(v);
                  setProblem(null);
                }}
              />
              {problem && (
                <div id="pfx-new-password-problem" className="field-error" role="alert">
                  {problem === 'empty'
                    ? 'Type a new password: macOS refuses a .pfx whose password is empty.'
                    : 'The two passwords differ: type the same new password in both fields.'}
                </div>
              )}
            </fieldset>
          )}
          <button type="submit" className="secondary" disabled={busy !== null}>
            Re-wrap for macOS
          </button>
        </form>
        <p className="muted">
          Same key and certificate, {pfx.needsNewPassword ? 'under the new password' : 'same password'}; re-encrypted
          with 3DES and a SHA-1 integrity check, which every macOS imports.
        </p>
      </section>
    );
  }
  // A file that was fine from the start needs no card: the checklist says so.
  if (!pfx.rewrapped) return null;
  return (
    <section className="card" aria-labelledby="pfx-compat-heading">
      <h3 id="pfx-compat-heading">Re-wrapped: every macOS imports this .pfx now</h3>
      <p className="muted">
        Protection now: {pfx.protection}.{pfx.passwordChanged ? ' It opens with the new password you chose.' : ''} Save
        it if you want the same file for other Macs or for your records.
      </p>
      <button type="button" className="secondary" onClick={() => void save()}>
        Save the re-wrapped .pfx…
      </button>
    </section>
  );
}
