/**
 * The weekly report as words (docs/notifications.md, "Weekly report"): each figure of the week
 * with its trend against the week before (▲/▼, by how much, and whether that is better or worse),
 * the worst incidents with their links, and the link to the week on the reports page, in the
 * report's language. channels.ts lays these out in each chat's shape.
 */
import type { Locale } from '../../shared/locale';
import {
  WEEKLY_FIGURES,
  figureTrend,
  type FigureTrend,
  type WeeklyFigureName,
  type WeeklyReportContent
} from '../../shared/weekly-report/schema';
import { translate } from '../i18n/translate';

/** One figure's line: its name, this week's value, and the trend as text. */
export interface ReportFigureLine {
  name: WeeklyFigureName;
  label: string;
  value: string;
  trend: string;
}

/** A report ready to lay out. */
export interface ReportMessage {
  title: string;
  figures: ReportFigureLine[];
  worstTitle: string;
  /** The worst incidents: a line of text and its link each. */
  worst: { text: string; url: string }[];
  /** Shown instead of the list when no incident was open during the week. */
  noIncidents: string;
  linkLabel: string;
  url: string;
}

/** "4 min 30 s", "1 h 2 min", "2 d 3 h"; "—" without a value. */
export function reportDuration(seconds: number | null, locale: Locale): string {
  if (seconds === null) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return translate(locale, 'weeklyReport.duration.seconds', { s });
  if (s < 3600) {
    return translate(locale, 'weeklyReport.duration.minutes', { m: Math.floor(s / 60), s: s % 60 });
  }
  if (s < 86_400) {
    return translate(locale, 'weeklyReport.duration.hours', {
      h: Math.floor(s / 3600),
      m: Math.floor((s % 3600) / 60)
    });
  }
  return translate(locale, 'weeklyReport.duration.days', {
    d: Math.floor(s / 86_400),
    h: Math.floor((s % 86_400) / 3600)
  });
}

/** A ratio as a percentage with at most one decimal: 0.6 → "60%", 2/3 → "66.7%". */
export function reportPercent(ratio: number | null): string {
  return ratio === null ? '—' : `${Number((ratio * 100).toFixed(1))}%`;
}

function figureValue(name: WeeklyFigureName, value: number | null, locale: Locale): string {
  switch (name) {
    case 'mttaSeconds':
    case 'mttrSeconds':
      return reportDuration(value, locale);
    case 'changeSuccessRate':
    case 'changeFailureRate':
    case 'automationSuccessRate':
      return reportPercent(value);
    default:
      return value === null ? '—' : String(value);
  }
}

/** "▲ 25% (worse)", "▼ 10 pts (better)", "no change", or "" when there is nothing to compare. */
export function trendText(trend: FigureTrend, locale: Locale): string {
  if (trend.direction === 'none') return translate(locale, 'weeklyReport.trend.none');
  if (trend.direction === 'flat') return translate(locale, 'weeklyReport.trend.flat');
  const arrow = trend.direction === 'up' ? '▲' : '▼';
  const amount =
    trend.unit === 'points'
      ? translate(locale, 'weeklyReport.trend.points', { n: trend.amount ?? 0 })
      : `${trend.amount ?? 0}%`;
  return translate(
    locale,
    trend.better ? 'weeklyReport.trend.better' : 'weeklyReport.trend.worse',
    {
      change: `${arrow} ${amount}`
    }
  );
}

/** The trend of every figure (the generic webhook's `report.trend`). */
export function reportTrends(content: WeeklyReportContent): Record<WeeklyFigureName, FigureTrend> {
  return Object.fromEntries(
    WEEKLY_FIGURES.map((name) => [
      name,
      figureTrend(name, content.current[name], content.previous[name])
    ])
  ) as Record<WeeklyFigureName, FigureTrend>;
}

/** The covered week as dates in its zone: "2026-03-02 – 2026-03-08". */
function weekText(content: WeeklyReportContent): string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: content.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit'
  });
  // The week's last day is the day before `to` (a Monday 00:00).
  return `${format.format(new Date(content.from))} – ${format.format(new Date(Date.parse(content.to) - 1))}`;
}

/** The report in words, its links below `base` (the Runboard address). */
export function reportMessage(
  content: WeeklyReportContent,
  workspaceName: string,
  base: string
): ReportMessage {
  const locale = content.locale;
  const trends = reportTrends(content);
  return {
    title: translate(locale, 'weeklyReport.message.title', {
      workspace: workspaceName,
      week: weekText(content)
    }),
    figures: WEEKLY_FIGURES.map((name) => ({
      name,
      label: translate(locale, `weeklyReport.figure.${name}`),
      value: figureValue(name, content.current[name], locale),
      trend: trendText(trends[name], locale)
    })),
    worstTitle: translate(locale, 'weeklyReport.message.worst'),
    worst: content.worst.map((incident) => {
      const severity = translate(
        locale,
        `notify.severity.${incident.severity}` as 'notify.severity.critical'
      );
      const how = translate(
        locale,
        incident.open ? 'weeklyReport.message.openFor' : 'weeklyReport.message.resolvedIn',
        { duration: reportDuration(incident.seconds, locale) }
      );
      const ref = incident.key ?? incident.id;
      return {
        text: `[${severity}] ${ref} ${incident.title} — ${how}`,
        url: `${base}${incident.path}`
      };
    }),
    noIncidents: translate(locale, 'weeklyReport.message.noIncidents'),
    linkLabel: translate(locale, 'weeklyReport.message.open'),
    url: `${base}${content.reportPath}`
  };
}

/**
 * The report as Markdown (DingTalk, WeCom, Mattermost, Feishu's lark_md, the preview), Slack's
 * mrkdwn (`*bold*`, `<url|text>`), or plain text (e-mail).
 */
export function reportText(
  message: ReportMessage,
  style: 'markdown' | 'slack' | 'plain',
  options: { heading?: boolean } = {}
): string {
  const bold = (s: string) =>
    style === 'markdown' ? `**${s}**` : style === 'slack' ? `*${s}*` : s;
  const link = (text: string, url: string) =>
    style === 'markdown'
      ? `[${text}](${url})`
      : style === 'slack'
        ? `<${url}|${text}>`
        : `${text}: ${url}`;
  const lines: string[] = [];
  if (options.heading !== false) {
    lines.push(style === 'markdown' ? `### ${message.title}` : bold(message.title), '');
  }
  for (const figure of message.figures) {
    lines.push(`- ${bold(figure.label)}: ${figure.value}  ${figure.trend}`.trimEnd());
  }
  lines.push('', bold(message.worstTitle));
  if (message.worst.length === 0) lines.push(message.noIncidents);
  message.worst.forEach((incident, index) => {
    lines.push(
      style === 'plain'
        ? `${index + 1}. ${incident.text} (${incident.url})`
        : `${index + 1}. ${link(incident.text, incident.url)}`
    );
  });
  lines.push('', link(message.linkLabel, message.url));
  return lines.join('\n');
}
