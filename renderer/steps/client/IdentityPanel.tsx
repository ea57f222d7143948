// The chosen identity and the 1E requirements as a live checklist: what is wrong and how to fix it.
import type { HostnameComparison, IdentityView } from '../../../src/shared/contract';
import { StatusBadge } from '../../ui/StatusBadge';
import { Findings } from '../../ui/Findings';
import { day } from '../../ui/format';

function HostnameCheck({ h }: { h: HostnameComparison }) {
  const certName = h.certificateName ?? (h.names.map((n) => n.name).join(', ') || 'no name');
  const status = h.status === 'exact' ? 'pass' : h.status === 'unknown' ? 'warn' : 'fail';
  return (
    <div className={`hostname-check ${status}`} aria-label="Host name comparison">
      <div>
        <span className="muted">This Mac (as 1E expects it)</span>
        <code className="big-name">{h.expected ?? 'unknown'}</code>
      </div>
      <div>
        <span className="muted">The certificate says</span>
        <code className="big-name">{certName}</code>
      </div>
      <div>
        {h.status === 'exact' && <StatusBadge status="pass">Exact match</StatusBadge>}
        {h.status === 'case-only' && <StatusBadge status="fail">Differs only in capitals: still refused</StatusBadge>}
        {h.status === 'none' && <StatusBadge status="fail">Different names</StatusBadge>}
        {h.status === 'unknown' && <StatusBadge status="warn">Host name unknown</StatusBadge>}
      </div>
    </div>
  );
}

export function IdentityPanel({
  identity,
  onClear,
  disabled,
}: {
  identity: IdentityView;
  onClear(): void;
  disabled: boolean;
}) {
  const c = identity.certificate;
  const failing = identity.findings.filter((f) => f.status === 'fail');
  const ordered = [...failing, ...identity.findings.filter((f) => f.status !== 'fail')];
  return (
    <>
      <section className="card" aria-labelledby="identity-heading">
        <div className="card-head">
          <h2 id="identity-heading">This Mac's certificate</h2>
          <button type="button" className="secondary small" onClick={onClear} disabled={disabled}>
            Choose another
          </button>
        </div>
        <dl className="facts">
          <dt>From</dt>
          <dd>{identity.label}</dd>
          <dt>Subject</dt>
          <dd>{c.subject}</dd>
          {c.dnsNames.length > 0 && (
            <>
              <dt>DNS names</dt>
              <dd>{c.dnsNames.join(', ')}</dd>
            </>
          )}
          <dt>Issuer</dt>
          <dd>{c.issuer}</dd>
          <dt>Valid until</dt>
          <dd>{day(c.notAfter)}</dd>
          <dt>Key</dt>
          <dd>{c.key}</dd>
        </dl>
        <HostnameCheck h={identity.hostname} />
      </section>
      <section className="card" aria-labelledby="requirements-heading">
        <h2 id="requirements-heading">1E requirements</h2>
        <p role="status" className={identity.ok ? 'summary-line pass' : 'summary-line fail'}>
          {identity.ok
            ? `Every 1E requirement is met${identity.counts.warn ? ` (${identity.counts.warn} warning${identity.counts.warn > 1 ? 's' : ''} to read)` : ''}.`
            : `${failing.length} of ${identity.findings.length} requirements ${failing.length === 1 ? 'is' : 'are'} not met.`}
        </p>
        <Findings findings={ordered} kind="requirements" />
      </section>
    </>
  );
}
