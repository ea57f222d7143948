// The one error box: what went wrong, and what to do about it in the wizard's words (advice.ts), announced at once.
import { wizardError, type Screen, type ShownError } from './advice';

export function ErrorBox({ error, title, screen }: { error: ShownError; title?: string; screen?: Screen }) {
  const shown = wizardError(error, screen);
  return (
    <div className="error-box" role="alert">
      {title && <strong className="error-title">{title} </strong>}
      <span>{shown.message}</span>
      {shown.hint && <div className="hint">{shown.hint}</div>}
    </div>
  );
}
