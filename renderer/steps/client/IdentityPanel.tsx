// The chosen identity: the 1E requirements' verdict first (what fails named, then shown with its fix; the passes
// folded), then the certificate itself and the host-name comparison.
import type { HostnameComparison, IdentityView } from '../../../src/shared/contract';
import { StatusBadge } from '../../ui/StatusBadge';
import { Findings } from '../../ui/Findings';
import { FocusResult } from '../../ui/FocusResult';
import { Breakable } from '../../ui/Breakable';
import { day } from '../../ui/format';
import { identityVerdict } from './slice';

function HostnameCheck({ h }: { h: HostnameComparison }) {
  const certName = h.certificateName ?? (h.names.map((n) => n.name).join(', ') || 'no name');
  const status = h.status === 'exact' ? 'pass' : h.status === 'unknown' ? 'warn' : 'fail';
  return (
    <div className={`hostname-check ${status}`} role="group" aria-label="Host name comparison">
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

/** The verdict on the 1E requirements: failures and warnings shown, the rest folded. */
export function RequirementsCard({ identity }: { identity: IdentityView }) {
  const first = identity.findings.filter((f) => f.status === 'fail' || f.status === 'warn');
  const ordered = [...first.filter((f) => f.status === 'fail'), ...first.filter((f) => f.status === 'warn')];
  const rest = identity.findings.filter((f) => f.status === 'pass' || f.status === 'info');
  const failing = identity.counts.fail;
  return (
    <section className="card" aria-labelledby="requirements-heading">
      <FocusResult id="identity-verdict">
        <h2 id="requirements-heading">
          {identity.ok
            ? 'Every 1E requirement is met'
            : `${failing} of ${identity.findings.length} 1E requirements ${failing === 1 ? 'is' : 'are'} not met`}
        </h2>
        <p className={identity.ok ? 'summary-line pass' : 'summary-line fail'}>{identityVerdict(identity)}</p>
      </FocusResult>
      {ordered.length > 0 && <Findings findings={ordered} kind="requirements" />}
      {rest.length > 0 && (
        <details className="all-checks">
          <summary>Show all checks ({rest.length} passed)</summary>
          <Findings findings={rest} kind="requirements" />
        </details>
      )}
    </section>
  );
}

export function CertificateCard({
  identity,
  onClear,
  disabled,
}: {
  identity: IdentityView;
  onClear(): void;
  disabled: boolean;
}) {
  const c = identity.certificate;
  return (
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
        <dd>
          <Breakable text={c.subject} />
        </dd>
        {c.dnsNames.length > 0 && (
          <>
            <dt>DNS names</dt>
            <dd>{c.dnsNames.join(', ')}</dd>
          </>
        )}
        <dt>Issuer</dt>
        <dd>
          <Breakable text={c.issuer} />
        </dd>
        <dt>Valid until</dt>
        <dd>{day(c.notAfter)}</dd>
        <dt>Key</dt>
        <dd>{c.key}</dd>
      </dl>
      <HostnameCheck h={identity.hostname} />
    </section>
  );
}
