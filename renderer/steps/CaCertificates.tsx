// CaCertificates step (being built).
export function CaCertificates() {
  return <p className="muted">This step is being built.</p>;
}
