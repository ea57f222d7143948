// Where focus lands after a background action (files added, a plan made, an install finished…): the result itself,
// so keyboard and screen-reader users are taken to what happened instead of losing focus to the page.
import { useEffect, useRef } from 'react';
import { useWizard } from '../state/store';

/**
 * A focusable block (never in the tab order) that takes focus when the store asks for it by `id`, once per request.
 * Its ring stays visible (`.focus-result:focus`), since this focus is the technician's place on the page.
 */
export function FocusResult({
  id,
  children,
  className = '',
  label,
}: {
  id: string;
  children: React.ReactNode;
  className?: string;
  /** What the block is, for screen readers that announce the focused group by name. */
  label?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const focus = useWizard((s) => s.focus);
  const focusTaken = useWizard((s) => s.focusTaken);
  useEffect(() => {
    if (focus?.target !== id || !ref.current) return;
    ref.current.focus();
    ref.current.scrollIntoView?.({ block: 'nearest' });
    focusTaken(focus.seq);
  }, [focus, id, focusTaken]);
  return (
    <div
      id={id}
      ref={ref}
      tabIndex={-1}
      className={`focus-result ${className}`.trim()}
      role={label ? 'group' : undefined}
      aria-label={label}
    >
      {children}
    </div>
  );
}

/** The page's one live region: says what a background action did, as the store last put it. */
export function Announcer() {
  const announcement = useWizard((s) => s.announcement);
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {/* Keyed by its number, so the same words said twice are announced twice. */}
      <span key={announcement.seq}>{announcement.text}</span>
    </div>
  );
}
