// Install step (being built).
export function Install() {
  return <p className="muted">This step is being built.</p>;
}
