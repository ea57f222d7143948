// 1E.Client.conf as it is now against what will be written: a technician sees every setting
// that changes, and that everything else is kept.
import type { ConfDiffLine } from '../../../electron/ipc/contract';

const CHANGE_TEXT: Record<ConfDiffLine['change'], string> = { same: 'kept', changed: 'changed', added: 'added' };

export function ConfDiff({ lines, path, existed }: { lines: ConfDiffLine[]; path: string; existed: boolean }) {
  const changed = lines.filter((l) => l.change !== 'same').length;
  return (
    <div className="conf-diff">
      <table>
        <caption>
          <code>{path}</code>{' '}
          {existed ? `— ${changed === 0 ? 'no setting changes' : `${changed} setting${changed === 1 ? '' : 's'} change`}, everything else is kept` : '— a new file'}
        </caption>
        <thead>
          <tr><th scope="col">Setting</th><th scope="col">Now</th><th scope="col">After</th><th scope="col">Change</th></tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.key} className={`diff-${l.change}`}>
              <th scope="row"><code>{l.key}</code></th>
              <td className="value">{l.before === undefined ? <span className="muted">(not set)</span> : <code>{l.before}</code>}</td>
              <td className="value">{l.after === undefined ? <span className="muted">(not set)</span> : <code>{l.after}</code>}</td>
              <td><span className={`status ${l.change === 'same' ? 'muted' : l.change === 'added' ? 'info' : 'warn'}`}>{CHANGE_TEXT[l.change]}</span></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
