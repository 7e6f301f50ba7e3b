/**
 * The `{ path, message }` issues of an `invalid_input` answer, by path, so a form shows each next
 * to its field. The messages are the server's (English): the form's own text, translated, says
 * what went wrong in general.
 */
import { RestError } from '$lib/rest-client';

/** Issues of `failure` by dotted path; empty for anything but an `invalid_input` RestError. */
export function issuesByPath(failure: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(failure instanceof RestError)) return out;
  for (const issue of failure.issues) out[issue.path] ??= issue.message;
  return out;
}

/** A `datetime-local` value (the browser's zone) for an instant. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

/** The instant of a `datetime-local` value in the browser's zone, as ISO; null when empty. */
export function fromLocalInput(value: string): string | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The viewer's time zone. */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
