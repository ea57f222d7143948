// How the screens write dates.

/** The day of an ISO 8601 time, e.g. 2034-01-01. */
export function day(iso: string): string {
  return iso.slice(0, 10);
}

/** A time as the technician's clock shows it, to the second and never with milliseconds: 2026-01-02 10:04:05. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** The time of day only, for events of this session: 10:04:05. */
export function clockTime(iso: string): string {
  return localTime(iso).slice(11);
}
