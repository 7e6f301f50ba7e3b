/**
 * Due dates between the `datetime-local` input (local wall time, "2025-01-31T09:30") and the
 * stored ISO UTC instant ("2025-01-31T08:30:00.000Z").
 */

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** The `datetime-local` value showing `iso` in the browser's time zone ('' for null). */
export function toLocalInput(iso: string | null): string {
  if (iso === null) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** The ISO UTC instant of a `datetime-local` value, or null when it is empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (value.trim() === '') return null;
  // A date-time string without an offset is local time (ECMAScript), as the input means it.
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
