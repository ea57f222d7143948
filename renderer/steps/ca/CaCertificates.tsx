// CA certificates: the authorities this Mac must trust, each explained, arranged as a chain, problems named.
import { useEffect } from 'react';
import { useWizard } from '../../state/store';
import { busyText, errorOf } from '../../state/requests';
import { FileDrop } from '../../ui/FileDrop';
import { Busy } from '../../ui/Busy';
import { ErrorBox } from '../../ui/ErrorBox';
import { MdmExport } from '../../ui/MdmExport';
import { FocusResult } from '../../ui/FocusResult';
import { CaCardView, CaTree, ProblemList } from './CaList';
import { CrlList } from './CrlList';

export function CaCertificates() {
  const mode = useWizard((s) => s.mode);
  const ca = useWizard((s) => s.ca);
  const addCaFiles = useWizard((s) => s.addCaFiles);
  const remove = useWizard((s) => s.removeCaCertificate);
  const removeCrl = useWizard((s) => s.removeCaCrl);
  const refresh = useWizard((s) => s.refreshCa);
  const count = ca.view.certificates.length;
  const busy = busyText(ca.request);
  const error = errorOf(ca.request);
  const outcomes = ca.request.state === 'ready' ? ca.request.value : [];

  // The Mac's keychain may have been asked again since the cards were made.
  useEffect(() => {
    if (count > 0) void refresh();
  }, [count, refresh]);

  return (
    <>
      <section className="card" aria-labelledby="ca-add-heading" aria-busy={busy !== null}>
        <h2 id="ca-add-heading">Add your CA certificates</h2>
        <p>
          The root CA and every issuing CA above this Mac's certificate, <strong>each as its own file</strong> (.cer,
          .crt, .pem, or a .p7b bundle). Keychain Access imports only the last certificate of a bundle; Onboard splits
          bundles for you. Revocation lists (.crl) can go here too: the client certificate check then tells whether
          anything is revoked.
        </p>
        <FileDrop
          label="CA certificate files"
          prompt="Drop CA certificate files here, or"
          accept=".cer,.crt,.pem,.der,.p7b,.p7c,.crl,.txt"
          multiple
          disabled={busy !== null}
          onFiles={(files) => void addCaFiles(files)}
        />
        {busy && <Busy className="busy-line">{busy}</Busy>}
        {error && <ErrorBox error={error} screen="ca" />}
        <FocusResult id="ca-result" className="outcomes">
          {outcomes.map((o) =>
            o.error ? (
              <ErrorBox key={o.fileName} error={o.error} title={`${o.fileName}:`} screen="ca" />
            ) : (
              <div key={o.fileName} className="outcome">
                <strong>{o.fileName}:</strong> {o.added} added
                {o.crlsAdded
                  ? `, ${o.crlsAdded === 1 ? 'one revocation list' : `${o.crlsAdded} revocation lists`}`
                  : ''}
                {o.duplicates ? `, ${o.duplicates} already in the list` : ''}.
                {o.skipped.map((s, i) => (
                  <div key={i} className="warn-text">
                    {s}
                  </div>
                ))}
              </div>
            ),
          )}
        </FocusResult>
      </section>

      <CrlList crls={ca.view.crls ?? []} disabled={busy !== null} onRemove={(id) => void removeCrl(id)} />

      {count === 0 && !busy && (
        <p className="muted empty-state">
          No CA certificates yet. Ask your PKI team for the root CA certificate and any issuing CA certificate.
          {mode === 'new' &&
            ' Setting up a test bench with a lab CA? Continue: the Client certificate step creates the lab CA and adds its certificates here.'}
          {mode !== 'new' && ' If the CAs were imported when this Mac was first set up, you can continue.'}
        </p>
      )}

      {count > 0 && (
        <>
          <section className="card" aria-labelledby="ca-tree-heading">
            <h2 id="ca-tree-heading">Chain of trust</h2>
            <CaTree tree={ca.view.tree} />
            <ProblemList problems={ca.view.problems} />
          </section>
          <section aria-labelledby="ca-cards-heading">
            <h2 id="ca-cards-heading" className="section-heading">
              {count === 1 ? 'One CA certificate' : `${count} CA certificates`}
            </h2>
            <ul className="ca-cards">
              {ca.view.certificates.map((c) => (
                <CaCardView key={c.sha256} card={c} disabled={busy !== null} onRemove={() => void remove(c.sha256)} />
              ))}
            </ul>
          </section>
          <MdmExport />
        </>
      )}
    </>
  );
}
