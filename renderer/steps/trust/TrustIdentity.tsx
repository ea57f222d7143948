// Trust & identity: the CA import and identity import plans (then a restart of the 1E Client,
// which reads the keychain only when it starts), read before anything runs, then applied: each
// root CA's trust behind a macOS dialog of its own (macOS 11 and later), the rest behind one
// administrator prompt, with progress and rollback shown. It follows Install because the
// key is granted to the 1E Client's binary (-T), which must be on the Mac by then.
import { useEffect } from 'react';
import type { TrustPlan } from '../../../src/shared/contract';
import { useWizard } from '../../state/store';
import { ApplyButton, PlanList, RunStatus } from '../../ui/PlanView';
import { ErrorBox } from '../../ui/ErrorBox';
import { Busy } from '../../ui/Busy';
import { identityChangedSincePlan } from './slice';

export function TrustIdentity() {
  const mode = useWizard((s) => s.mode);
  if (mode === 'uninstall') {
    return (
      <section className="card" aria-labelledby="trust-none-heading">
        <h2 id="trust-none-heading">Nothing to add when uninstalling</h2>
        <p>
          The certificates and identities already in the System keychain are left as they are: the uninstall on the
          previous step removed only the 1E Client.
        </p>
      </section>
    );
  }
  return <TrustPlanScreen />;
}

function TrustPlanScreen() {
  const trust = useWizard((s) => s.trust);
  const prepareTrust = useWizard((s) => s.prepareTrust);
  const applyTrust = useWizard((s) => s.applyTrust);
  const setAllowAnyApp = useWizard((s) => s.setAllowAnyApp);
  const setRemoveOld = useWizard((s) => s.setRemoveOldIdentities);

  const stale = useWizard(identityChangedSincePlan);
  // A plan for another identity (the technician went back and chose again) is made afresh.
  useEffect(() => {
    if (trust.plan.state === 'idle' || (stale && trust.run.state !== 'running')) void prepareTrust();
  }, [trust.plan.state, stale, trust.run.state, prepareTrust]);

  const running = trust.run.state === 'running';
  const plan = trust.plan.state === 'ready' ? trust.plan.value : null;

  return (
    <>
      <section className="card" aria-labelledby="trust-what-heading">
        <h2 id="trust-what-heading">What goes into the System keychain</h2>
        <p>
          The 1E Client trusts the Switch only through your CA certificates, and proves who this Mac is with its
          identity: the client certificate and its private key. Both go into the System keychain, as 1E's macOS guide
          asks.
        </p>
        {plan && (
          <dl className="facts">
            <dt>Identity</dt>
            <dd>
              {plan.identity.label} <span className="muted">({plan.identity.subject})</span>
            </dd>
            <dt>CA certificates</dt>
            <dd>
              {plan.caCertificates.length === 0 ? (
                'none chosen'
              ) : (
                <ul className="plain-list">
                  {plan.caCertificates.map((c) => (
                    <li key={c.subject}>
                      {c.subject} <span className="muted">({c.role})</span>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
        )}
        <fieldset className="option" disabled={running}>
          <legend>Who may use this Mac's private key</legend>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={trust.allowAnyApp}
              onChange={(e) => setAllowAnyApp(e.currentTarget.checked)}
              aria-describedby="any-app-warning"
            />
            <span>
              Let any app use the private key (<code>-A</code>) instead of the 1E Client only (<code>-T</code>)
            </span>
          </label>
          <p id="any-app-warning" className={trust.allowAnyApp ? 'warning-text' : 'muted'}>
            {trust.allowAnyApp
              ? 'Warning: every app on this Mac can then use the key without asking. Apple calls this less secure. 1E offers it so that a client upgrade does not need the identity imported again.'
              : 'Leave this off (recommended): only the 1E Client may use the key. An upgraded client does not inherit that access, so after an upgrade on the Install step this step imports the identity again.'}
          </p>
        </fieldset>
        {plan && plan.oldIdentities.length > 0 && (
          <OldIdentities plan={plan} disabled={running} onChange={setRemoveOld} />
        )}
      </section>

      <section
        className="card"
        aria-labelledby="trust-plan-heading"
        aria-busy={trust.plan.state === 'loading' || running}
      >
        <div className="card-head">
          <h2 id="trust-plan-heading">The plan</h2>
          <button
            type="button"
            className="secondary small"
            onClick={() => void prepareTrust()}
            disabled={running || trust.plan.state === 'loading'}
          >
            Check this Mac again
          </button>
        </div>
        {trust.plan.state === 'loading' && <Busy>Comparing your choices with this Mac's keychain…</Busy>}
        {trust.plan.state === 'error' && <ErrorBox error={trust.plan.error} title="Cannot make the plan." />}
        {plan && <PlanList prepared={plan} run={trust.run} />}
        {plan && (
          <ApplyButton
            prepared={plan}
            run={trust.run}
            label="Apply"
            busyLabel="Applying…"
            doneLabel="Applied"
            onApply={() => void applyTrust()}
            onReplan={() => void prepareTrust()}
          />
        )}
        {plan && (
          <RunStatus
            prepared={plan}
            run={trust.run}
            doneText="The root CAs are trusted, and the CAs and this Mac's identity are in the System keychain"
          />
        )}
      </section>
    </>
  );
}

const PROBLEM_TEXT: Record<string, string> = {
  CSSMERR_TP_CERT_EXPIRED: 'expired',
  CSSMERR_TP_CERT_NOT_VALID_YET: 'not valid yet',
  CSSMERR_TP_NOT_TRUSTED: 'its CA is not trusted',
};

/**
 * Older identities for this Mac's name: the 1E Client may keep picking one of them, so the
 * technician can have them deleted after the new one is in. Deleting cannot be undone.
 */
function OldIdentities({
  plan,
  disabled,
  onChange,
}: {
  plan: TrustPlan;
  disabled: boolean;
  onChange: (on: boolean) => void;
}) {
  const many = plan.oldIdentities.length > 1;
  return (
    <fieldset className="option" disabled={disabled}>
      <legend>
        {many ? `${plan.oldIdentities.length} older identities` : 'An older identity'} for this Mac's name{' '}
        {many ? 'are' : 'is'} in the System keychain
      </legend>
      <ul className="plain-list">
        {plan.oldIdentities.map((o) => (
          <li key={o.sha1}>
            <span>{o.subject ?? o.name}</span>{' '}
            <span className="muted">
              {o.expires
                ? `${o.problem === 'CSSMERR_TP_CERT_EXPIRED' ? 'expired' : 'expires'} ${o.expires.slice(0, 10)}`
                : 'expiry unknown'}
              {o.problem && o.problem !== 'CSSMERR_TP_CERT_EXPIRED' ? `, ${PROBLEM_TEXT[o.problem] ?? o.problem}` : ''}
            </span>
            <br />
            <span className="muted mono">SHA-1 {o.sha1}</span>
          </li>
        ))}
      </ul>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={plan.removeOldIdentities}
          onChange={(e) => onChange(e.currentTarget.checked)}
          aria-describedby="remove-old-help"
        />
        <span>Remove the old {many ? 'identities' : 'identity'} after importing the new one</span>
      </label>
      <p id="remove-old-help" className={plan.removeOldIdentities ? 'warning-text' : 'muted'}>
        {plan.removeOldIdentities
          ? `The 1E Client can then only pick the new certificate. This cannot be undone: the old private key${many ? 's are' : ' is'} deleted.`
          : 'Kept: the 1E Client may keep using an old identity instead of the new one.'}
      </p>
    </fieldset>
  );
}
