// The one findings list: each finding with its verdict in words (never colour alone), what was seen, and the fix.
// Verify's findings have the requirements' shape, so both go through here, each in the words its screen has always used.
import type { Finding } from '../../src/shared/contract';
import { wizardFix } from './advice';
import { StatusBadge } from './StatusBadge';

const WORDING = {
  /** The 1E requirements on the client-certificate step: a fix only for what is not met. */
  requirements: {
    list: 'checklist',
    badge: { pass: 'Pass', warn: 'Warning', fail: 'Fails', info: 'Note' },
    fixLead: 'How to fix:',
    showsFix: (status: Finding['status']) => status === 'warn' || status === 'fail',
  },
  /** Verify's checks: every fix a check gives. */
  checks: {
    list: 'findings',
    badge: { pass: 'PASS', warn: 'WARN', fail: 'FAIL', info: 'INFO' },
    fixLead: 'What to do:',
    showsFix: () => true,
  },
} as const;

export function Findings({ findings, kind }: { findings: Finding[]; kind: keyof typeof WORDING }) {
  const words = WORDING[kind];
  return (
    <ul className={words.list}>
      {findings.map((f, i) => (
        <li key={`${f.id}-${i}`} className={`finding ${f.status}`}>
          <div className="finding-head">
            <StatusBadge status={f.status}>{words.badge[f.status]}</StatusBadge>
            <span className="finding-title">{f.title}</span>
          </div>
          {f.detail && <p className="finding-detail">{f.detail}</p>}
          {f.source && kind === 'requirements' && <p className="finding-source muted">From: {f.source}</p>}
          {f.fix && words.showsFix(f.status) && (
            <p className="finding-fix">
              <strong>{words.fixLead} </strong>
              {wizardFix(f)}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
