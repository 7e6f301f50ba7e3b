/** How a run's timing reads on the pages: how long it took, in the UI language. */
import type { I18n } from '$lib/i18n/i18n.svelte';
import type { RunView } from '$lib/shared/automation/schema';

/** Milliseconds a run took (or has taken so far); null before it started. */
export function runDurationMs(run: Pick<RunView, 'startedAt' | 'finishedAt'>, now = Date.now()) {
  if (run.startedAt === null) return null;
  const start = Date.parse(run.startedAt);
  const end = run.finishedAt === null ? now : Date.parse(run.finishedAt);
  return Number.isNaN(start) || Number.isNaN(end) ? null : Math.max(0, end - start);
}

/** A duration split for display: `{ h, m, s }` (seconds rounded, at least 0). */
export function durationParts(ms: number): { h: number; m: number; s: number } {
  const total = Math.max(0, Math.round(ms / 1000));
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

/** A run's duration in the UI language ("1 min 5 s" / "1 分 5 秒"); '—' before it started. */
export function formatRunDuration(
  t: I18n['t'],
  run: Pick<RunView, 'startedAt' | 'finishedAt'>,
  now = Date.now()
): string {
  const ms = runDurationMs(run, now);
  if (ms === null) return '—';
  const { h, m, s } = durationParts(ms);
  if (h > 0) return t('automation.duration.hours', { h, m });
  if (m > 0) return t('automation.duration.minutes', { m, s });
  return t('automation.duration.seconds', { s });
}
