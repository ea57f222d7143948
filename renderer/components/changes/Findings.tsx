// Verification findings: each with its verdict in words (never colour alone), what was seen, and the fix.
import type { VerifyFinding } from '../../../src/shared/contract';

const LABEL: Record<VerifyFinding['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', info: 'INFO' };

export function Findings({ findings }: { findings: VerifyFinding[] }) {
  return (
    <ul className="findings">
      {findings.map((f, i) => (
        <li key={`${f.id}-${i}`} className={`finding ${f.status}`}>
          <div className="finding-head">
            <span className={`status ${f.status}`}>{LABEL[f.status]}</span>
            <span className="finding-title">{f.title}</span>
          </div>
          {f.detail && <p className="finding-detail">{f.detail}</p>}
          {f.fix && (
            <p className="finding-fix">
              <strong>What to do: </strong>
              {f.fix}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
