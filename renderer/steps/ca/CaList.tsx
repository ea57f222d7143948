// The CA certificates step's cards and tree: each CA explained, who issued whom, and what is wrong.
import type { CaCard, CaTreeNode, SetupProblem } from '../../../src/shared/contract';
import { StatusBadge } from '../../ui/StatusBadge';
import { day } from '../../ui/format';
import { Breakable } from '../../ui/Breakable';

const ROLE_TEXT = { root: 'Root CA', intermediate: 'Issuing / intermediate CA', leaf: 'Not a CA' } as const;

export function ProblemList({ problems }: { problems: SetupProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="problems">
      {problems.map((p, i) => (
        <li key={i} className={`problem ${p.severity}`}>
          <StatusBadge status={p.severity} /> {p.message}
          {p.fix && (
            <div className="fix">
              <strong>What to do:</strong> {p.fix}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

export function CaCardView({ card, onRemove, disabled }: { card: CaCard; onRemove(): void; disabled: boolean }) {
  const name = card.commonName ?? card.subject;
  const worst = card.problems.some((p) => p.severity === 'fail')
    ? 'fail'
    : card.problems.some((p) => p.severity === 'warn')
      ? 'warn'
      : 'pass';
  return (
    <li className={`card ca-card ${worst}`}>
      <div className="card-head">
        <h3>{name}</h3>
        <span className="role-tag">{ROLE_TEXT[card.role]}</span>
      </div>
      <ProblemList problems={card.problems} />
      <dl className="facts">
        <dt>Subject</dt>
        <dd>
          <Breakable text={card.subject} />
        </dd>
        <dt>Issuer</dt>
        <dd>{card.role === 'root' ? 'Itself (self-signed)' : <Breakable text={card.issuer} />}</dd>
        <dt>Valid until</dt>
        <dd>{day(card.notAfter)}</dd>
        <dt>Key</dt>
        <dd>
          {card.key}, signed with {card.signatureAlgorithm}
        </dd>
        <dt>On this Mac</dt>
        <dd>
          {card.installed === true && <StatusBadge status="pass">Already in the System keychain</StatusBadge>}
          {card.installed === false && (
            <StatusBadge status="info">Not yet: added on the Trust &amp; identity step</StatusBadge>
          )}
          {card.installed === null && 'unknown'}
        </dd>
        <dt>From</dt>
        <dd>{card.fileName}</dd>
        <dt>SHA-256</dt>
        <dd className="mono fingerprint">
          <Breakable text={card.sha256} />
        </dd>
      </dl>
      <button
        type="button"
        className="secondary small"
        onClick={onRemove}
        disabled={disabled}
        aria-label={`Remove ${name}`}
      >
        Remove
      </button>
    </li>
  );
}

function Node({ node }: { node: CaTreeNode }) {
  return (
    <li>
      <span className="tree-label">{node.label}</span>
      {node.fromKeychain && <span className="muted"> (already in this Mac's System keychain)</span>}
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <Node key={c.sha256} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function CaTree({ tree }: { tree: CaTreeNode[] }) {
  return (
    <ul className="ca-tree" aria-label="Chain of trust, roots first">
      {tree.map((n) => (
        <Node key={n.sha256} node={n} />
      ))}
    </ul>
  );
}
