// TrustIdentity step (being built).
export function TrustIdentity() {
  return <p className="muted">This step is being built.</p>;
}
