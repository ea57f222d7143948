// Verify step (being built).
export function Verify() {
  return <p className="muted">This step is being built.</p>;
}
