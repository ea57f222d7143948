// Client certificate from an existing .pfx (dropped or chosen, as on the CA step): passwords live here only until
// they are sent. A .pfx other Macs would refuse gets this Mac's verdict in one sentence, the ciphers folded.
import { useRef, useState } from 'react';
import { useWizard } from '../../state/store';
import { busyText, errorOf } from '../../state/requests';
import { StatusBadge } from '../../ui/StatusBadge';
import { PasswordField } from '../../ui/PasswordField';
import { FileDrop } from '../../ui/FileDrop';
import { FocusResult } from '../../ui/FocusResult';

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
      <FileDrop
        label=".pfx or .p12 file"
        prompt={file ? `Chosen: ${file.name}. Drop another here, or` : 'Drop the .pfx or .p12 file here, or'}
        accept=".pfx,.p12"
        buttonText={file ? 'Choose another…' : 'Choose the file…'}
        disabled={busy !== null}
        onFiles={(files) => {
          setFile(files[0] ?? null);
          passwordInput.current?.focus();
        }}
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
        {wrongPassword ? <StatusBadge status="fail">Wrong password</StatusBadge> : null} Used only to open the file:
        never saved, never shown again.
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
        <h2 id="pfx-compat-heading">Fine for this Mac</h2>
        <p>
          <strong>Onboard imports its own compatible copy.</strong> Re-wrap the file if you will use it on other Macs:
          they would refuse it as it is.
        </p>
        <form onSubmit={(e) => void submit(e)} aria-label="Re-wrap the .pfx for other Macs" noValidate>
          {pfx.needsNewPassword && (
            <fieldset className="option">
              <legend>New password for the re-wrapped file</legend>
              <p className="muted field-help">
                The file has an empty password, which macOS refuses: the re-wrapped file needs a new one. Used only to
                re-wrap it; the saved file opens with it.
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
            Re-wrap for other Macs
          </button>
        </form>
        <details className="why">
          <summary>Why other Macs refuse this file</summary>
          <p className="muted">Protection now: {pfx.protection}.</p>
          <ul>
            {pfx.problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
          <p className="muted">
            Re-wrapping keeps the same key and certificate,{' '}
            {pfx.needsNewPassword ? 'under the new password' : 'under the same password'}, encrypted with 3DES and a
            SHA-1 integrity check, which every macOS imports.
          </p>
        </details>
      </section>
    );
  }
  // A file that was fine from the start needs no card: the checklist says so.
  if (!pfx.rewrapped) return null;
  return (
    <section className="card" aria-labelledby="pfx-compat-heading">
      <FocusResult id="pfx-rewrapped">
        <h2 id="pfx-compat-heading">Re-wrapped: every macOS imports this .pfx now</h2>
        <p className="muted">
          {pfx.passwordChanged ? 'It opens with the new password you chose. ' : ''}Save it if you want the same file for
          other Macs or for your records.
        </p>
      </FocusResult>
      <button type="button" className="secondary" onClick={() => void save()}>
        Save the re-wrapped .pfx…
      </button>
    </section>
  );
}
