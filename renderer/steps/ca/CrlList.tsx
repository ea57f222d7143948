// The CA step's revocation lists: each list added, which CA publishes it, how fresh it is, and what is wrong with it.
import type { CrlCard } from '../../../src/shared/contract';
import { day } from '../../ui/format';
import { ProblemList } from './CaList';

export function CrlList({
  crls,
  onRemove,
  disabled,
}: {
  crls: CrlCard[];
  onRemove(id: string): void;
  disabled: boolean;
}) {
  if (crls.length === 0) return null;
  return (
    <section className="card" aria-labelledby="ca-crls-heading">
      <h2 id="ca-crls-heading">Revocation lists</h2>
      <p className="muted">
        The client certificate check uses these to tell whether this Mac's certificate or a CA above it is revoked.
      </p>
      <ul className="crl-list">
        {crls.map((c) => (
          <li key={c.id} className="outcome">
            <strong>{c.issuer}</strong> ({c.fileName}):{' '}
            {c.entries === 1 ? 'one certificate' : `${c.entries} certificates`} revoked, issued {day(c.thisUpdate)},{' '}
            {c.nextUpdate ? `next update ${day(c.nextUpdate)}` : 'no next update given'}.{' '}
            <button
              type="button"
              className="secondary small"
              onClick={() => onRemove(c.id)}
              disabled={disabled}
              aria-label={`Remove the revocation list of ${c.issuer}`}
            >
              Remove
            </button>
            <ProblemList problems={c.problems} />
          </li>
        ))}
      </ul>
    </section>
  );
}
