/**
 * The post-incident review a team writes after an incident (docs/alerts.md): a runbook started
 * from this template, in the workspace member's language, with the incident's facts filled in
 * (what fired, when it was acknowledged and resolved, how long each took, the timeline) and the
 * sections a blameless review asks for left to write.
 */
import type { IncidentEvent, Incident } from '../../shared/alerts/schema';
import type { Locale } from '../../shared/locale';

const TEXT = {
  en: {
    title: (ref: string, title: string) => `Post-incident review: ${ref} ${title}`,
    facts: 'Facts',
    severity: 'Severity',
    opened: 'Opened',
    acknowledged: 'Acknowledged',
    resolved: 'Resolved',
    toAck: 'Time to acknowledge',
    toResolve: 'Time to resolve',
    alerts: 'Alerts',
    timeline: 'Timeline',
    when: 'When',
    what: 'What',
    notYet: '—',
    sections: `## Summary

What happened, who was affected, and for how long, in a few sentences.

## Impact

- Users or services affected:
- Data lost or at risk:

## Root cause

What made this possible, not who. Ask "why" until the answer is a process or a system.

## What went well

-

## What went badly

-

## Action items

- [ ] Owner — action — due date
`
  },
  'zh-CN': {
    title: (ref: string, title: string) => `事件复盘：${ref} ${title}`,
    facts: '事实',
    severity: '严重级别',
    opened: '触发时间',
    acknowledged: '确认时间',
    resolved: '解决时间',
    toAck: '确认耗时',
    toResolve: '解决耗时',
    alerts: '告警',
    timeline: '时间线',
    when: '时间',
    what: '事件',
    notYet: '—',
    sections: `## 概述

用几句话说明发生了什么、影响了谁、持续了多久。

## 影响

- 受影响的用户或服务：
- 丢失或有风险的数据：

## 根本原因

关注"是什么"让问题发生，而不是"是谁"。持续追问"为什么"，直到答案落到流程或系统上。

## 做得好的地方

-

## 需要改进的地方

-

## 改进措施

- [ ] 负责人 — 措施 — 截止日期
`
  }
} as const;

function duration(fromIso: string, toIso: string | null): string | null {
  if (toIso === null) return null;
  const seconds = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

/** Markdown table cell text: no pipes or line breaks. */
function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/** The review's title and Markdown for `incident`, in `locale`. */
export function reviewMarkdown(
  incident: Incident & { events: IncidentEvent[] },
  locale: Locale,
  describe: (event: IncidentEvent) => string
): { title: string; markdown: string } {
  const t = TEXT[locale];
  const ref = incident.key ?? incident.id;
  const row = (label: string, value: string | null) =>
    `| ${cell(label)} | ${cell(value ?? t.notYet)} |`;
  const lines = [
    `## ${t.facts}`,
    '',
    `| | |`,
    `| --- | --- |`,
    row(t.severity, incident.severity),
    row(t.opened, incident.openedAt),
    row(t.acknowledged, incident.acknowledgedAt),
    row(t.resolved, incident.resolvedAt),
    row(t.toAck, duration(incident.openedAt, incident.acknowledgedAt)),
    row(t.toResolve, duration(incident.openedAt, incident.resolvedAt)),
    '',
    `## ${t.alerts}`,
    '',
    ...incident.occurrences.map((o) => {
      const name = o.labels['alertname'] ?? o.fingerprint;
      const where = o.labels['instance'] ?? o.labels['service'] ?? '';
      const summary = o.annotations['summary'] ?? '';
      return `- \`${name}\`${where ? ` ${where}` : ''}${summary ? ` — ${summary}` : ''} (${o.startsAt}${o.endsAt ? ` → ${o.endsAt}` : ''})`;
    }),
    '',
    `## ${t.timeline}`,
    '',
    `| ${t.when} | ${t.what} |`,
    '| --- | --- |',
    ...incident.events.map((event) => `| ${event.at} | ${cell(describe(event))} |`),
    '',
    t.sections
  ];
  return { title: t.title(ref, incident.title).slice(0, 200), markdown: lines.join('\n') };
}
