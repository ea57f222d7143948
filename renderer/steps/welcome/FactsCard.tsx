// Welcome: this Mac as macOS describes it, read with read-only commands through main (again, every time Welcome
// shows and after every change Onboard makes).
import type { MacFactsView } from '../../../src/shared/contract';
import { useWizard } from '../../state/store';
import { Busy } from '../../ui/Busy';
import { ErrorBox } from '../../ui/ErrorBox';
import { StatusBadge } from '../../ui/StatusBadge';
import { FocusResult } from '../../ui/FocusResult';
import { Breakable } from '../../ui/Breakable';

function yesNo(v: boolean | null, yes: string, no: string): string {
  return v === null ? 'unknown' : v ? yes : no;
}

function Facts({ f }: { f: MacFactsView }) {
  const shownName = f.localHostName ? `${f.localHostName}.local` : null;
  const hostnameDiffers = f.expectedHostName !== null && f.hostname !== null && f.hostname !== f.expectedHostName;
  return (
    <>
      <dl className="facts">
        <dt>macOS</dt>
        <dd>{f.macos ?? 'unknown'}</dd>
        <dt>Processor</dt>
        <dd>{f.arch === 'arm64' ? 'Apple Silicon' : f.arch === 'x86_64' ? 'Intel' : 'unknown'}</dd>
        <dt>Rosetta 2</dt>
        <dd>
          {f.rosetta === 'not-needed' && 'Not needed on an Intel Mac'}
          {f.rosetta === 'installed' && <StatusBadge status="pass">Installed</StatusBadge>}
          {f.rosetta === 'missing' && (
            <>
              <StatusBadge status="warn">Not installed</StatusBadge>{' '}
              <span className="muted">The 1E Client is Intel code: the Install step adds Rosetta 2 first.</span>
            </>
          )}
          {f.rosetta === null && 'unknown'}
        </dd>
        <dt>Computer name</dt>
        <dd>{f.computerName ?? 'not set'}</dd>
        <dt>Local host name</dt>
        <dd>
          {shownName ? <code>{shownName}</code> : 'not set'} <span className="muted">(Sharing settings)</span>
        </dd>
        <dt>
          <code>hostname</code>
        </dt>
        <dd>{f.hostname ? <code>{f.hostname}</code> : 'unknown'}</dd>
        <dt>Name 1E expects</dt>
        <dd>
          {f.expectedHostName ? (
            <strong>
              <code>{f.expectedHostName}</code>
            </strong>
          ) : (
            'unknown'
          )}{' '}
          <span className="muted">in the certificate's CN or DNS name, capitals included</span>
        </dd>
        <dt>Domain</dt>
        <dd>
          {f.domain
            ? `Joined to ${f.domain.domain}${f.domain.computerAccount ? ` as ${f.domain.computerAccount}` : ''}`
            : 'Not joined (workgroup Mac)'}
        </dd>
        <dt>Administrator</dt>
        <dd>
          {f.admin === false ? (
            <>
              <StatusBadge status="warn">No</StatusBadge>{' '}
              <span className="muted">Changes will ask for an administrator's name and password.</span>
            </>
          ) : (
            yesNo(f.admin, 'Yes', 'No')
          )}
        </dd>
        <dt>1E Client</dt>
        <dd>
          {f.client ? `Version ${f.client.version} installed` : 'Not installed'}
          {f.service && (
            <>
              , service{' '}
              {f.service.running ? (
                <StatusBadge status="pass">running</StatusBadge>
              ) : (
                <StatusBadge status="warn">{f.service.state}</StatusBadge>
              )}
            </>
          )}
        </dd>
        {f.conf && (
          <>
            <dt>Configuration</dt>
            <dd>
              <code>
                <Breakable text={f.conf.path} />
              </code>
              <div>
                Switch:{' '}
                {f.conf.switchAddress ? (
                  <code>
                    <Breakable text={f.conf.switchAddress} />
                  </code>
                ) : (
                  'not set'
                )}
              </div>
              <div>
                Background Channel:{' '}
                {f.conf.backgroundUrl ? (
                  <code>
                    <Breakable text={f.conf.backgroundUrl} />
                  </code>
                ) : (
                  'not set'
                )}
              </div>
            </dd>
          </>
        )}
        <dt>System keychain</dt>
        <dd>
          {f.keychain.certificates} certificates, {f.keychain.identities} client identities
        </dd>
      </dl>
      {hostnameDiffers && (
        <p className="note warn-text">
          <code>hostname</code> prints <code>{f.hostname}</code>, but 1E expects <code>{f.expectedHostName}</code>: the
          certificate must name <code>{f.expectedHostName}</code> exactly.
        </p>
      )}
    </>
  );
}

export function FactsCard() {
  const facts = useWizard((s) => s.welcome.facts);
  const rereading = useWizard((s) => s.welcome.rereading);
  const loadFacts = useWizard((s) => s.loadFacts);
  const busy = facts.state === 'loading' || rereading;
  return (
    <section className="card" aria-labelledby="facts-heading" aria-busy={busy}>
      <div className="card-head">
        <h2 id="facts-heading">This Mac</h2>
        <button type="button" className="secondary small" onClick={() => void loadFacts(true)} disabled={busy}>
          {rereading ? 'Reading…' : 'Read again'}
        </button>
      </div>
      {facts.state === 'loading' && <Busy className="busy-line">Asking this Mac…</Busy>}
      {facts.state === 'error' && <ErrorBox error={facts.error} title="Could not read this Mac's facts." />}
      <FocusResult id="welcome-facts">{facts.state === 'ready' && <Facts f={facts.value} />}</FocusResult>
    </section>
  );
}
