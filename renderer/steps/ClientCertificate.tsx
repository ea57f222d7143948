// ClientCertificate step (being built).
export function ClientCertificate() {
  return <p className="muted">This step is being built.</p>;
}
