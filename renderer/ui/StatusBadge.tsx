// The one status badge: a verdict in words (never colour alone), optionally with a spinner while it is still going.
import { Spinner } from './Busy';

export type Tone = 'pass' | 'warn' | 'fail' | 'info' | 'muted';

const STATUS_TEXT = { pass: 'Pass', warn: 'Warning', fail: 'Fails', info: 'Note', muted: '' } as const;

export function StatusBadge({
  status,
  busy = false,
  children,
}: {
  status: Tone;
  busy?: boolean;
  children?: React.ReactNode;
}) {
  return (
    <span className={`status ${status}`}>
      {busy && <Spinner />}
      {children ?? STATUS_TEXT[status]}
    </span>
  );
}
