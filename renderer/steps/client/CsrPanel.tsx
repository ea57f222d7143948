// Client certificate from a key born on this Mac: make the request, save it for the CA, load the answer.
import { useWizard } from '../../state/store';
import { busyText } from '../../state/requests';
import { FileDrop } from '../../ui/FileDrop';
import { FocusResult } from '../../ui/FocusResult';
import { useRequired } from '../../ui/required';
import { localTime } from '../../ui/format';

export function CsrPanel() {
  const client = useWizard((s) => s.client);
  const facts = useWizard((s) => s.welcome.facts);
  const setHostname = useWizard((s) => s.setCsrHostname);
  const createCsr = useWizard((s) => s.createCsr);
  const saveCsr = useWizard((s) => s.saveCsr);
  const loadIssued = useWizard((s) => s.loadIssuedCertificate);
  const expected = facts.state === 'ready' ? facts.value.expectedHostName : null;
  const differs = expected !== null && client.csrHostname.trim() !== '' && client.csrHostname.trim() !== expected;
  const csr = client.csr;
  const busy = busyText(client.request) !== null;
  const hostRequired = useRequired(
    client.csrHostname,
    "type this Mac's host name, as 1E expects it.",
    'csr-hostname-help',
  );

  return (
    <div className="path-panel">
      <h3>1. Make a key and request on this Mac</h3>
      <p className="muted">The private key never leaves Onboard; only the request goes to your CA.</p>
      <label htmlFor="csr-hostname">Host name for the certificate (CN and DNS name)</label>
      <input
        id="csr-hostname"
        type="text"
        spellCheck={false}
        autoCapitalize="off"
        value={client.csrHostname}
        disabled={busy}
        {...hostRequired.inputProps}
        onChange={(e) => setHostname(e.currentTarget.value)}
      />
      {hostRequired.message}
      <div id="csr-hostname-help" className={differs ? 'warn-text field-help' : 'muted field-help'}>
        {differs
          ? `1E expects "${expected}" exactly (capitals included); a certificate for "${client.csrHostname.trim()}" will fail the host-name check.`
          : "1E compares this name with the Mac's host name character for character."}
      </div>
      <button
        type="button"
        className={csr ? 'secondary' : 'primary'}
        disabled={busy || client.csrHostname.trim() === ''}
        onClick={() => void createCsr()}
      >
        {csr ? 'Make a new key and request' : 'Make key and request'}
      </button>
      {csr && (
        <>
          <FocusResult id="csr-made">
            <h3>2. Send the request to your CA</h3>
            <p>
              Request for <code>{csr.subject}</code> ({csr.key}), made {localTime(csr.createdAt)}.
            </p>
          </FocusResult>
          <button type="button" className="secondary" onClick={saveCsr}>
            Save {csr.fileName}…
          </button>
          <label htmlFor="csr-pem">Or copy the request</label>
          <textarea id="csr-pem" className="mono" readOnly rows={5} value={csr.pem} />
          <h3>3. Load the certificate the CA issued</h3>
          <p className="muted">Keep Onboard open until then: the key made here lives only in this session.</p>
          <FileDrop
            label="Issued certificate file"
            prompt="Drop the issued certificate (.cer, .pem, .p7b) here, or"
            accept=".cer,.crt,.pem,.der,.p7b,.p7c"
            buttonText="Choose the certificate…"
            disabled={busy}
            onFiles={(f) => void loadIssued(f[0]!)}
          />
        </>
      )}
    </div>
  );
}
