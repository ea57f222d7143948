// Welcome: what the technician came to do; it decides which steps have work.
import type { SetupModeName } from '../../../src/shared/contract';
import { useWizard } from '../../state/store';

const MODES: { id: SetupModeName; title: string; text: string }[] = [
  {
    id: 'new',
    title: 'New setup',
    text: 'Trust your CAs, give this Mac its certificate, install and configure the 1E Client.',
  },
  {
    id: 'upgrade',
    title: 'Upgrade',
    text: 'Install a newer 1E Client, keep its configuration, and import the identity again (a new client does not get key access by itself).',
  },
  {
    id: 'replace-certificate',
    title: 'Replace the certificate',
    text: 'Give this Mac a new client certificate (expired, renamed Mac, new CA) and restart the client.',
  },
  { id: 'uninstall', title: 'Uninstall', text: 'Remove the 1E Client from this Mac.' },
];

/**
 * Replacing the certificate leaves 1E.Client.conf as it is: addresses typed differently from it
 * would never reach the client, so the technician is told which mode writes them.
 */
function MovedServersNote({ conf }: { conf: { switchAddress: string | null; backgroundUrl: string | null } | null }) {
  const typedSwitch = useWizard((s) => s.welcome.switchAddress.trim());
  const typedUrl = useWizard((s) => s.welcome.backgroundUrl.trim());
  const differs = (typed: string, now: string | null) =>
    typed !== '' && typed.toLowerCase() !== (now ?? '').toLowerCase();
  if (!differs(typedSwitch, conf?.switchAddress ?? null) && !differs(typedUrl, conf?.backgroundUrl ?? null))
    return null;
  return (
    <p className="note warn-text" role="status">
      Replacing the certificate keeps 1E.Client.conf as it is, so the addresses typed below would not reach the client.
      To move this Mac to other servers, choose <strong>Upgrade</strong>: it writes them into the configuration.
    </p>
  );
}

export function ModeChooser() {
  const mode = useWizard((s) => s.mode);
  const setMode = useWizard((s) => s.setMode);
  const facts = useWizard((s) => s.welcome.facts);
  const installed = facts.state === 'ready' ? facts.value.client : null;

  return (
    <fieldset className="card mode-chooser">
      <legend>What are you here to do?</legend>
      <div className="mode-options">
        {MODES.map((m) => (
          <label key={m.id} className={`mode-option ${mode === m.id ? 'selected' : ''}`}>
            <input
              type="radio"
              name="mode"
              value={m.id}
              checked={mode === m.id}
              onChange={() => void setMode(m.id)}
              aria-labelledby={`mode-${m.id}-title`}
              aria-describedby={`mode-${m.id}-text`}
            />
            <span id={`mode-${m.id}-title`} className="mode-title">
              {m.title}
            </span>
            <span id={`mode-${m.id}-text`} className="mode-text">
              {m.text}
            </span>
          </label>
        ))}
      </div>
      {installed && mode === 'new' && (
        <p className="note" role="status">
          The 1E Client {installed.version} is already installed on this Mac. <strong>Upgrade</strong> keeps its
          configuration.
        </p>
      )}
      {!installed && facts.state === 'ready' && mode !== 'new' && (
        <p className="note warn-text" role="status">
          No 1E Client is installed on this Mac, so there is nothing to{' '}
          {mode === 'upgrade' ? 'upgrade' : mode === 'uninstall' ? 'remove' : 'give a new certificate'}.
          {mode !== 'uninstall' && (
            <>
              {' '}
              Choose <strong>New setup</strong>.
            </>
          )}
        </p>
      )}
      {installed && facts.state === 'ready' && mode === 'replace-certificate' && (
        <MovedServersNote conf={facts.value.conf} />
      )}
    </fieldset>
  );
}
