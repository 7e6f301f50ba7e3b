/** Time stamps of the domain models: ISO strings in UTC, taken from an injectable clock. */
import { DomainError } from './domain-error';

/** `now` (default: the current time) as an ISO string; refuses an invalid Date. */
export function isoNow(now: Date | undefined): string {
  const date = now ?? new Date();
  // `instanceof` too: callers in plain JavaScript (scripts, tests) may pass anything.
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new DomainError('invalid_input', 'invalid time: `now` must be a valid Date');
  }
  return date.toISOString();
}
