// Summary step (being built).
export function Summary() {
  return <p className="muted">This step is being built.</p>;
}
