// Small shared pieces of the setup screens: an error with its fix, a status badge, a busy line.
import type { IpcError } from './ipc-types';

export function SetupError({ error, title, onDismiss }: { error: IpcError; title?: string; onDismiss?: () => void }) {
  return (
    <div className="error-box" role="alert">
      {title && <strong>{title} </strong>}
      {error.message}
      {error.hint && <div className="hint">{error.hint}</div>}
      {onDismiss && (
        <button type="button" className="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

const STATUS_TEXT = { pass: 'Pass', warn: 'Warning', fail: 'Fails', info: 'Note' } as const;

export function StatusBadge({
  status,
  children,
}: {
  status: 'pass' | 'warn' | 'fail' | 'info';
  children?: React.ReactNode;
}) {
  return <span className={`status ${status}`}>{children ?? STATUS_TEXT[status]}</span>;
}

export function Busy({ text }: { text: string }) {
  return (
    <p role="status" className="busy-line">
      <span className="spinner" aria-hidden="true" /> {text}
    </p>
  );
}
