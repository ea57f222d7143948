// How the screens write dates.

/** The day of an ISO 8601 time, e.g. 2034-01-01. */
export function day(iso: string): string {
  return iso.slice(0, 10);
}
