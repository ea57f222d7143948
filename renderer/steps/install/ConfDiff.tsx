// 1E.Client.conf as it is now against what will be written: a technician sees every setting
// that changes, that everything else is kept, and which file the settings are merged into.
import type { ConfDiffLine, InstallPlan } from '../../../src/shared/contract';
import { StatusBadge } from '../../ui/StatusBadge';

const CHANGE_TEXT: Record<ConfDiffLine['change'], string> = { same: 'kept', changed: 'changed', added: 'added' };

/** Where the merge starts from, in a technician's words. */
const BASE_TEXT: Record<InstallPlan['confBase'], string> = {
  now: 'Merged into the file as it is on this Mac when the step runs.',
  'kept-through-upgrade':
    'The package resets this file to its defaults when it upgrades the client: Onboard keeps a copy of your file just before, merges into that copy and keeps it as the backup, so your other settings stay.',
  'package-defaults':
    'The package writes this file with its defaults when it installs the client: these settings are merged into that file, and every other setting the package puts there is kept.',
};

export function ConfDiff({
  lines,
  path,
  existed,
  base = 'now',
}: {
  lines: ConfDiffLine[];
  path: string;
  existed: boolean;
  base?: InstallPlan['confBase'];
}) {
  const changed = lines.filter((l) => l.change !== 'same').length;
  const fromPackage = base === 'package-defaults';
  return (
    <div className="conf-diff">
      <p className="muted">{BASE_TEXT[base]}</p>
      <table>
        <caption>
          <code>{path}</code>{' '}
          {fromPackage
            ? "— the settings set here; the package's defaults are kept beside them"
            : existed
              ? `— ${changed === 0 ? 'no setting changes' : `${changed} setting${changed === 1 ? '' : 's'} change`}, everything else is kept`
              : '— a new file'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">Now</th>
            <th scope="col">After</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.key} className={`diff-${l.change}`}>
              <th scope="row">
                <code>{l.key}</code>
              </th>
              <td className="value">
                {l.before === undefined ? (
                  <span className="muted">{fromPackage ? '(package default)' : '(not set)'}</span>
                ) : (
                  <code>{l.before}</code>
                )}
              </td>
              <td className="value">
                {l.after === undefined ? <span className="muted">(not set)</span> : <code>{l.after}</code>}
              </td>
              <td>
                <StatusBadge status={l.change === 'same' ? 'muted' : l.change === 'added' ? 'info' : 'warn'}>
                  {CHANGE_TEXT[l.change]}
                </StatusBadge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
