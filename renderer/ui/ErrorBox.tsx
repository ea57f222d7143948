// The one error box: what went wrong, and what to do about it, announced at once.
import type { IpcError } from '../../src/shared/contract';

export function ErrorBox({ error, title }: { error: Pick<IpcError, 'message' | 'hint'>; title?: string }) {
  return (
    <div className="error-box" role="alert">
      {title && <strong className="error-title">{title} </strong>}
      <span>{error.message}</span>
      {error.hint && <div className="hint">{error.hint}</div>}
    </div>
  );
}
