/**
 * The next days of a schedule as the on-call page shows them: the rotation's shifts with the
 * overrides laid over them (the newest override covering a moment wins, as in `onCallAt`), cut
 * where either changes hands and joined again where the same person carries on.
 */
import { shiftsBetween, type Override } from '$lib/server/oncall/rotation';
import type { Schedule } from '$lib/shared/oncall/schema';

/** One stretch of time with one person on call. */
export interface ShiftView {
  userId: string;
  start: string;
  end: string;
  /** True when an override, not the rotation, puts them on call. */
  override: boolean;
}

/** Who `schedule` has on call in [from, from + days), at most a few hundred stretches. */
export function upcomingShifts(schedule: Schedule, from: number, days: number): ShiftView[] {
  const to = from + days * 86_400_000;
  const shifts = shiftsBetween(schedule.rotation, schedule.timeZone, from, to);
  const overrides: Override[] = schedule.overrides
    .map((o) => ({ userId: o.userId, start: Date.parse(o.start), end: Date.parse(o.end) }))
    .filter((o) => o.end > from && o.start < to);
  const cuts = new Set<number>([from, to]);
  for (const span of [...shifts, ...overrides]) {
    if (span.start > from && span.start < to) cuts.add(span.start);
    if (span.end > from && span.end < to) cuts.add(span.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: ShiftView[] = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const start = points[i]!;
    const end = points[i + 1]!;
    const covering = overrides.filter((o) => o.start <= start && start < o.end).at(-1);
    const shift = covering ?? shifts.find((s) => s.start <= start && start < s.end);
    if (!shift) continue;
    const override = covering !== undefined;
    const last = out.at(-1);
    if (
      last &&
      last.userId === shift.userId &&
      last.override === override &&
      last.end === iso(start)
    ) {
      last.end = iso(end);
    } else {
      out.push({ userId: shift.userId, start: iso(start), end: iso(end), override });
    }
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
