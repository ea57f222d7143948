// A failure a technician can act on: what went wrong, and what to do about it.
import type { IpcError } from '../../slices/changes';

export function ErrorBox({ error, title }: { error: Pick<IpcError, 'message' | 'hint'>; title?: string }) {
  return (
    <div className="error-box" role="alert">
      {title && <strong className="error-title">{title} </strong>}
      <span>{error.message}</span>
      {error.hint && <div className="hint">{error.hint}</div>}
    </div>
  );
}
