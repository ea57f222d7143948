// Client certificate from a lab CA: for test benches without a real PKI. The CA password stays local until sent.
import { useState } from 'react';
import { useWizard } from '../../state/store';
import { busyText } from '../../state/requests';
import { PasswordField } from '../../ui/PasswordField';
import { FocusResult } from '../../ui/FocusResult';
import { Breakable } from '../../ui/Breakable';
import { useRequired } from '../../ui/required';

export function LabPanel() {
  const client = useWizard((s) => s.client);
  const setField = useWizard((s) => s.setLabField);
  const setHostname = useWizard((s) => s.setCsrHostname);
  const createLab = useWizard((s) => s.createLabCa);
  const openLab = useWizard((s) => s.openLabCa);
  const issue = useWizard((s) => s.issueLabCertificate);
  const [password, setPassword] = useState('');
  const [directory, setDirectory] = useState('');
  const [intermediate, setIntermediate] = useState(false);
  const [existing, setExisting] = useState(false);
  const busy = busyText(client.request) !== null;
  const lab = client.lab;
  const passwordRequired = useRequired(
    password,
    existing ? 'type the password the lab was created with.' : 'type a password to protect the lab CA keys.',
    'lab-password-help',
  );
  const folderRequired = useRequired(directory, "type the lab's folder.");
  const hostRequired = useRequired(client.csrHostname, "type this Mac's host name.");

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (password === '' || (existing && directory.trim() === '')) {
      passwordRequired.insist();
      if (existing) folderRequired.insist();
      return;
    }
    const sent = password;
    setPassword('');
    if (existing) await openLab(directory, sent);
    else await createLab(sent, { intermediate, directory });
  };

  if (lab) {
    return (
      <div className="path-panel">
        <FocusResult id="lab-ready">
          <h3>Lab CA “{lab.name}”</h3>
          <dl className="facts">
            <dt>Folder</dt>
            <dd>
              <code>
                <Breakable text={lab.directory} />
              </code>
            </dd>
            <dt>Issues as</dt>
            <dd>
              <Breakable text={lab.issuer} />
            </dd>
            <dt>CRL address</dt>
            <dd>
              <code>
                <Breakable text={lab.crlUrl} />
              </code>
            </dd>
          </dl>
          <p className="muted">Its CA certificates are now in the CA list, so this Mac will trust them.</p>
        </FocusResult>
        <label htmlFor="lab-hostname">Host name for this Mac's certificate</label>
        <input
          id="lab-hostname"
          type="text"
          spellCheck={false}
          autoCapitalize="off"
          value={client.csrHostname}
          disabled={busy}
          {...hostRequired.inputProps}
          onChange={(e) => setHostname(e.currentTarget.value)}
        />
        {hostRequired.message}
        <button
          type="button"
          className="primary"
          disabled={busy || client.csrHostname.trim() === ''}
          onClick={() => void issue()}
        >
          Issue a certificate for {client.csrHostname.trim() || 'this Mac'}
        </button>
      </div>
    );
  }

  return (
    <form className="path-panel" onSubmit={(e) => void submit(e)}>
      <h3>Use a lab CA</h3>
      <p className="muted">For test benches only: a real 1E environment trusts your organisation's CA, not this one.</p>
      <fieldset className="inline-choice">
        <legend className="visually-hidden">Lab CA</legend>
        <label>
          <input type="radio" name="lab-kind" checked={!existing} onChange={() => setExisting(false)} /> Create a new
          lab CA
        </label>
        <label>
          <input type="radio" name="lab-kind" checked={existing} onChange={() => setExisting(true)} /> Use one made
          before
        </label>
      </fieldset>
      {!existing && (
        <>
          <label htmlFor="lab-name">Lab name</label>
          <input
            id="lab-name"
            type="text"
            value={client.labName}
            disabled={busy}
            onChange={(e) => setField('labName', e.currentTarget.value)}
          />
          <label htmlFor="lab-crl">CRL address the lab will serve (1E needs an HTTP CRL distribution point)</label>
          <input
            id="lab-crl"
            type="text"
            spellCheck={false}
            value={client.labCrlBaseUrl}
            disabled={busy}
            onChange={(e) => setField('labCrlBaseUrl', e.currentTarget.value)}
          />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={intermediate}
              disabled={busy}
              onChange={(e) => setIntermediate(e.currentTarget.checked)}
            />{' '}
            With an issuing (intermediate) CA under the root
          </label>
        </>
      )}
      <label htmlFor="lab-dir">{existing ? 'Lab folder' : 'Folder (leave empty for a new temporary folder)'}</label>
      <input
        id="lab-dir"
        type="text"
        spellCheck={false}
        value={directory}
        disabled={busy}
        placeholder={existing ? 'e.g. /Users/you/onboard-lab' : 'e.g. /Users/you/onboard-lab (optional)'}
        {...(existing ? folderRequired.inputProps : {})}
        onChange={(e) => setDirectory(e.currentTarget.value)}
      />
      {existing && folderRequired.message}
      <PasswordField
        id="lab-password"
        label="CA password"
        value={password}
        disabled={busy}
        describedBy={passwordRequired.inputProps['aria-describedby']}
        invalid={passwordRequired.inputProps['aria-invalid']}
        required
        onBlur={passwordRequired.inputProps.onBlur}
        onChange={setPassword}
      />
      {passwordRequired.message}
      <div id="lab-password-help" className="muted field-help">
        {existing
          ? 'The password the lab was created with.'
          : 'Protects the lab CA keys on disk; you need it to issue more certificates later.'}
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {existing ? 'Open lab CA' : 'Create lab CA'}
      </button>
    </form>
  );
}
