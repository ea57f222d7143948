// Welcome: what the technician came to do, where the 1E servers are, and this Mac as macOS reports it.
import { useEffect } from 'react';
import { useWizard } from '../store';
import { ModeChooser } from '../components/setup/ModeChooser';
import { EndpointsForm } from '../components/setup/EndpointsForm';
import { FactsCard } from '../components/setup/FactsCard';

export function Welcome() {
  const app = useWizard((s) => s.app);
  const mode = useWizard((s) => s.mode);
  const factsState = useWizard((s) => s.welcome.facts.state);
  const loadFacts = useWizard((s) => s.loadFacts);

  useEffect(() => {
    if (factsState === 'idle') void loadFacts();
  }, [factsState, loadFacts]);

  return (
    <>
      <ModeChooser />
      {mode !== 'uninstall' && <EndpointsForm />}
      <FactsCard />
      {app.state === 'ready' && (
        <p className="muted app-info">
          Onboard {app.value.version} · {app.value.shell === 'preview' ? 'browser preview' : 'desktop app'}
        </p>
      )}
      {app.state === 'error' && (
        <div className="error-box" role="alert">
          {app.error.message}
          <div className="hint">{app.error.hint}</div>
        </div>
      )}
    </>
  );
}
