// Welcome: what this Mac is, as macOS reports it (through the contract, from main).
import { useWizard } from '../store';

export function Welcome() {
  const app = useWizard((s) => s.app);
  return (
    <section className="card" aria-labelledby="about-heading">
      <h2 id="about-heading">Onboard</h2>
      {app.state === 'loading' && <p><span className="spinner" aria-hidden="true" /> Asking this Mac…</p>}
      {app.state === 'error' && <div className="error-box" role="alert">{app.error.message}<div className="hint">{app.error.hint}</div></div>}
      {app.state === 'ready' && (
        <dl className="facts">
          <dt>Version</dt><dd>{app.value.version}</dd>
          <dt>Running as</dt><dd>{app.value.shell === 'preview' ? 'Browser preview' : 'Desktop app'}</dd>
        </dl>
      )}
    </section>
  );
}
