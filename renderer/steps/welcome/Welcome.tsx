// Welcome: what the technician came to do, which 1E platform, where the 1E servers are, and this Mac as macOS reports
// it, read again every time Welcome shows (the Mac may have changed since: Onboard's own changes, or someone else's).
import { useEffect } from 'react';
import { useWizard } from '../../state/store';
import { ErrorBox } from '../../ui/ErrorBox';
import { ModeChooser } from './ModeChooser';
import { EndpointsForm } from './EndpointsForm';
import { PlatformChooser } from './PlatformChooser';
import { FactsCard } from './FactsCard';

export function Welcome() {
  const app = useWizard((s) => s.app);
  const mode = useWizard((s) => s.mode);
  const readFactsForShowing = useWizard((s) => s.readFactsForShowing);

  // Once per showing: the first reading of this session, or a fresh one that replaces what is on screen.
  useEffect(() => {
    void readFactsForShowing();
  }, [readFactsForShowing]);

  return (
    <>
      <ModeChooser />
      {mode !== 'uninstall' && <PlatformChooser />}
      {mode !== 'uninstall' && <EndpointsForm />}
      <FactsCard />
      {app.state === 'ready' && (
        <p className="muted app-info">
          Onboard {app.value.version} · {app.value.shell === 'preview' ? 'browser preview' : 'desktop app'}
        </p>
      )}
      {app.state === 'error' && <ErrorBox error={app.error} />}
    </>
  );
}
