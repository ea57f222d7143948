// Trust & identity: the plan's verdict with its one action at the top (the CAs, this Mac's identity, then a restart of
// the 1E Client, which reads the keychain only when it starts), the two choices that shape it below, the commands
// folded. It follows Install because the key is granted to the 1E Client's program, which must be on the Mac by then.
import { useEffect } from 'react';
import type { TrustPlan } from '../../../src/shared/contract';
import { useWizard } from '../../state/store';
import { stepAction } from '../../state/selectors';
import { PlanSummary } from '../../ui/PlanSummary';
import { ErrorBox } from '../../ui/ErrorBox';
import { Busy } from '../../ui/Busy';
import { FocusResult } from '../../ui/FocusResult';
import { Breakable } from '../../ui/Breakable';
import { day } from '../../ui/format';
import { identityChangedSincePlan } from './slice';

export function TrustIdentity() {
  const state = useWizard();
  const { trust, mode, prepareTrust, setAllowAnyApp, setRemoveOldIdentities: setRemoveOld } = state;

  const stale = identityChangedSincePlan(state);
  // A plan for another identity (the technician went back and chose again) is made afresh.
  useEffect(() => {
    if (trust.plan.state === 'idle' || (stale && trust.run.state !== 'running')) void prepareTrust();
  }, [trust.plan.state, stale, trust.run.state, prepareTrust]);

  const running = trust.run.state === 'running';
  const plan = trust.plan.state === 'ready' ? trust.plan.value : null;
  const heading =
    plan && plan.pendingCount === 0
      ? 'Nothing to import: the keychain already has it all'
      : mode === 'replace-certificate'
        ? 'Ready to import the new certificate'
        : mode === 'upgrade'
          ? 'Ready to import the identity again for the new client'
          : "Ready to put the CAs and this Mac's identity into the System keychain";

  return (
    <>
      {trust.plan.state === 'loading' && (
        <section className="card" aria-busy="true">
          <Busy>Comparing your choices with this Mac's keychain…</Busy>
        </section>
      )}
      {trust.plan.state === 'error' && (
        <section className="card">
          <FocusResult id="trust-plan">
            <ErrorBox error={trust.plan.error} title="Cannot make the plan." />
          </FocusResult>
        </section>
      )}
      {plan && (
        <PlanSummary
          id="trust-plan"
          heading={heading}
          prepared={plan}
          run={trust.run}
          action={stepAction(state, 'identity')}
          doneText={
            mode === 'replace-certificate'
              ? 'The new certificate is in the System keychain and the 1E Client restarted'
              : "The CAs and this Mac's identity are in the System keychain"
          }
        >
          <dl className="facts compact">
            <dt>Identity</dt>
            <dd>
              {plan.identity.label} <span className="muted">({plan.identity.subject})</span>
            </dd>
            <dt>CA certificates</dt>
            <dd>
              {plan.caCertificates.length === 0
                ? 'none chosen'
                : plan.caCertificates.map((c) => `${c.subject} (${c.role})`).join('; ')}
            </dd>
          </dl>
        </PlanSummary>
      )}

      <section className="card" aria-labelledby="trust-choices-heading">
        <h2 id="trust-choices-heading">Your choices</h2>
        <fieldset className="option" disabled={running}>
          <legend>Who may use this Mac's private key</legend>
          <label className="radio">
            <input
              type="radio"
              name="key-access"
              checked={!trust.allowAnyApp}
              onChange={() => setAllowAnyApp(false)}
              aria-describedby="key-access-help"
            />
            <span>Only the 1E Client may use the key (recommended)</span>
          </label>
          <label className="radio">
            <input
              type="radio"
              name="key-access"
              checked={trust.allowAnyApp}
              onChange={() => setAllowAnyApp(true)}
              aria-describedby="key-access-help"
            />
            <span>Any app may use the key</span>
          </label>
          <p id="key-access-help" className={trust.allowAnyApp ? 'warning-text' : 'muted'}>
            {trust.allowAnyApp
              ? 'Warning: every app on this Mac can then use the key without asking. Apple calls this less secure. 1E offers it so that a client upgrade does not need the identity imported again.'
              : 'An upgraded client does not inherit this access, so after an upgrade this step imports the identity again.'}
          </p>
        </fieldset>
        {plan && plan.oldIdentities.length > 0 && (
          <OldIdentities plan={plan} disabled={running} onChange={setRemoveOld} />
        )}
        {!running && (
          <div className="apply-row">
            <button
              type="button"
              className="secondary small"
              onClick={() => void prepareTrust(true)}
              disabled={trust.plan.state === 'loading'}
            >
              Check this Mac again
            </button>
          </div>
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
                ? `${o.problem === 'CSSMERR_TP_CERT_EXPIRED' ? 'expired' : 'expires'} ${day(o.expires)}`
                : 'expiry unknown'}
              {o.problem && o.problem !== 'CSSMERR_TP_CERT_EXPIRED' ? `, ${PROBLEM_TEXT[o.problem] ?? o.problem}` : ''}
            </span>
            <br />
            <span className="muted mono">
              SHA-1 <Breakable text={o.sha1} />
            </span>
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
