// Client certificate: three ways to get this Mac's identity, then the 1E requirements' verdict first.
import { useEffect } from 'react';
import type { ClientPath } from '../../state/types';
import { useWizard } from '../../state/store';
import { busyText, errorOf } from '../../state/requests';
import { Busy } from '../../ui/Busy';
import { ErrorBox } from '../../ui/ErrorBox';
import { PfxCompatibility, PfxPanel } from './PfxPanel';
import { CsrPanel } from './CsrPanel';
import { LabPanel } from './LabPanel';
import { CertificateCard, RequirementsCard } from './IdentityPanel';
import { FocusResult } from '../../ui/FocusResult';

const PATHS: { id: ClientPath; title: string; text: string }[] = [
  { id: 'pfx', title: 'An existing .pfx', text: 'Exported by your PKI team with the private key.' },
  {
    id: 'csr',
    title: 'A key and request made on this Mac',
    text: 'Send the request to your CA, then load what it issues.',
  },
  { id: 'lab', title: 'A lab CA', text: 'For test benches without a real PKI.' },
];

export function ClientCertificate() {
  const client = useWizard((s) => s.client);
  const factsState = useWizard((s) => s.welcome.facts.state);
  const loadFacts = useWizard((s) => s.loadFacts);
  const setPath = useWizard((s) => s.setClientPath);
  const refreshIdentity = useWizard((s) => s.refreshIdentity);
  const clearIdentity = useWizard((s) => s.clearIdentity);
  const hasIdentity = client.identity !== null;
  const busy = busyText(client.request);
  const error = errorOf(client.request);

  useEffect(() => {
    if (factsState === 'idle') void loadFacts();
  }, [factsState, loadFacts]);
  // CA certificates may have changed since the identity was judged.
  useEffect(() => {
    if (hasIdentity) void refreshIdentity();
  }, [hasIdentity, refreshIdentity]);

  return (
    <>
      {!client.identity && (
        <section className="card" aria-labelledby="client-path-heading" aria-busy={busy !== null}>
          <h2 id="client-path-heading">Where does this Mac's certificate come from?</h2>
          <fieldset className="path-chooser">
            <legend className="visually-hidden">Source of the client certificate</legend>
            {PATHS.map((p) => (
              <label key={p.id} className={`mode-option ${client.path === p.id ? 'selected' : ''}`}>
                <input
                  type="radio"
                  name="client-path"
                  value={p.id}
                  checked={client.path === p.id}
                  onChange={() => setPath(p.id)}
                  aria-labelledby={`path-${p.id}-title`}
                  aria-describedby={`path-${p.id}-text`}
                />
                <span id={`path-${p.id}-title`} className="mode-title">
                  {p.title}
                </span>
                <span id={`path-${p.id}-text`} className="mode-text">
                  {p.text}
                </span>
              </label>
            ))}
          </fieldset>
          {client.path === 'pfx' && <PfxPanel />}
          {client.path === 'csr' && <CsrPanel />}
          {client.path === 'lab' && <LabPanel />}
          {busy && <Busy className="busy-line">{busy}</Busy>}
          {/* On the key-and-request path, a file that fails to load was meant as the CA's answer to the request. */}
          {error && (
            <FocusResult id="client-error">
              <ErrorBox error={error} screen={client.path === 'csr' ? 'issued-certificate' : 'other'} />
            </FocusResult>
          )}
        </section>
      )}
      {client.identity && (
        <>
          {busy && <Busy className="busy-line">{busy}</Busy>}
          {error && (
            <FocusResult id="client-error">
              <ErrorBox error={error} />
            </FocusResult>
          )}
          <RequirementsCard identity={client.identity} />
          <PfxCompatibility />
          <CertificateCard identity={client.identity} disabled={busy !== null} onClear={() => void clearIdentity()} />
        </>
      )}
    </>
  );
}
