// The one busy indicator: a spinner (hidden from screen readers) and what is being done.

export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}

/**
 * A line saying what is in progress. It announces itself (`role="status"`) unless `announced` says a live region
 * around it already does.
 */
export function Busy({
  children,
  className,
  announced = false,
}: {
  children: React.ReactNode;
  className?: string;
  announced?: boolean;
}) {
  return (
    <p role={announced ? undefined : 'status'} className={className}>
      <Spinner /> {children}
    </p>
  );
}
