/**
 * One message, in each chat's own shape and signing (docs/notifications.md):
 *
 * - Slack incoming webhook: Block Kit (`header`, `section` fields, a link button) with `text` as
 *   the fallback notifications and old clients show.
 * - Mattermost incoming webhook: an attachment (colour by severity, fields, title link) and
 *   message priority `urgent` for critical incidents.
 * - DingTalk group robot: `markdown`; with signing on, `timestamp` (ms) and `sign` =
 *   base64(HMAC-SHA256(secret, "<timestamp>\n<secret>")) as query parameters. An answer with
 *   `errcode` ≠ 0 is a failure even with HTTP 200.
 * - WeCom (企业微信) group robot: `markdown`; `errcode` ≠ 0 is a failure.
 * - Feishu (飞书) custom bot: an interactive card; with signing on, `timestamp` (s) and `sign` =
 *   base64(HMAC-SHA256 keyed by "<timestamp>\n<secret>" over nothing) in the body. `code` ≠ 0 is
 *   a failure.
 * - Generic webhook: JSON `{ event, idempotencyKey, workspace, incident?, change?, run?, url }`
 *   with the
 *   `X-Runboard-*` headers and `X-Runboard-Signature: sha256=<hex HMAC-SHA256 of
 *   "<timestamp>.<body>">` (docs/design.md §2).
 * - E-mail: a plain-text and an HTML part (escaped), over SMTP.
 *
 * Every chat request carries `X-Runboard-Idempotency-Key` too, harmless to chats that ignore it.
 */
import { createHmac } from 'node:crypto';
import type { Locale } from '../../shared/locale';
import type { Severity, IncidentState } from '../../shared/alerts/schema';
import type { RunState, RunTrigger } from '../../shared/automation/schema';
import type { ChannelType, MessageEvent } from '../../shared/notifications/schema';
import type { WeeklyReportContent } from '../../shared/weekly-report/schema';
import type { AnomalyMessageContent } from '../../shared/ai/anomaly';
import { translate } from '../i18n/translate';
import { reportText, reportTrends, type ReportMessage } from './weekly-report-message';

/** What a message is about, read fresh when it is sent. */
export interface MessageFacts {
  event: MessageEvent;
  idempotencyKey: string;
  workspace: { id: string; name: string };
  /** When the fact happened (ISO). */
  at: string;
  incident?: {
    id: string;
    key: string | null;
    title: string;
    state: IncidentState;
    severity: Severity;
    labels: Record<string, string>;
    runbookUrl: string | null;
    sourceUrl: string | null;
  };
  /** Who did it (a member's name), when a person did. */
  actor: string | null;
  automatic: boolean;
  comment: string | null;
  /** Escalations: the step (1-based), and who it pages. */
  step: number | null;
  paged: string[];
  /** For the test message: the channel's name. */
  channelName: string;
  /** The page the message links to. */
  url: string;
  /**
   * Where a chat's Acknowledge button calls back, with its signed, expiring token (Slack and
   * Mattermost, for incidents still triggered).
   */
  ack?: { url: string; token: string };
  /** A change request (change.* events), read fresh. */
  change?: {
    id: string;
    key: string | null;
    title: string;
    type: string;
    state: string;
    risk: string;
    windowStart: string;
    windowEnd: string;
    timeZone: string;
  };
  /** The approver a change.submitted message asks (their name), when it asks one person. */
  approver?: string;
  /**
   * Approve and Reject buttons of a change's approval request (Slack and Mattermost), each with
   * its signed, expiring token naming the change, the approver and the decision.
   */
  decide?: { url: string; approveToken: string; rejectToken: string };
  /** A job run that ended (run.* events), read fresh. */
  run?: RunSubject;
  /** The weekly report (`report.weekly`): what it says, and the same in words. */
  report?: { content: WeeklyReportContent; message: ReportMessage };
  /** A new anomaly (`ai.anomaly`), in the language of the workspace's anomaly settings. */
  anomaly?: AnomalyMessageContent;
}

/** A finished job run as messages show it (the generic webhook's `run`). */
export interface RunSubject {
  id: string;
  jobId: string;
  jobName: string;
  state: RunState;
  trigger: RunTrigger;
  purpose: string | null;
  exitCode: number | null;
  reason: string | null;
  /** Who ran it (a member's name); null for the server itself (schedules, remediation). */
  requestedBy: string | null;
  /** The change that allowed it (its key), when the job is gated. */
  gate: string | null;
  change: { id: string; key: string | null } | null;
  task: { id: string; key: string | null; title: string } | null;
  incident: { id: string; key: string | null; title: string } | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
}

/** A chat button that calls back with a signed token (Slack `value`, Mattermost `context`). */
interface TokenButton {
  id: string;
  label: string;
  url: string;
  token: string;
  style: 'primary' | 'danger';
}

/** The buttons a message carries: Acknowledge for incidents, Approve/Reject for changes. */
function tokenButtons(facts: MessageFacts, locale: Locale): TokenButton[] {
  const out: TokenButton[] = [];
  if (facts.ack) {
    out.push({
      id: 'acknowledge',
      label: translate(locale, 'notify.action.acknowledge'),
      url: facts.ack.url,
      token: facts.ack.token,
      style: 'primary'
    });
  }
  if (facts.decide) {
    out.push(
      {
        id: 'approve',
        label: translate(locale, 'notify.action.approve'),
        url: facts.decide.url,
        token: facts.decide.approveToken,
        style: 'primary'
      },
      {
        id: 'reject',
        label: translate(locale, 'notify.action.reject'),
        url: facts.decide.url,
        token: facts.decide.rejectToken,
        style: 'danger'
      }
    );
  }
  return out;
}

/** A window as the requester planned it: "2026-11-01 09:30–11:00 (Asia/Shanghai)". */
function windowText(change: NonNullable<MessageFacts['change']>, locale: Locale): string {
  const format = (iso: string) =>
    new Intl.DateTimeFormat(locale, {
      timeZone: change.timeZone,
      dateStyle: 'medium',
      timeStyle: 'short'
    }).format(new Date(iso));
  return `${format(change.windowStart)} – ${format(change.windowEnd)} (${change.timeZone})`;
}

/** The headline of a change message. */
function changeHeadline(facts: MessageFacts, locale: Locale): string {
  const change = facts.change!;
  const ref = change.key ?? change.id;
  const title = change.title;
  const actor = facts.actor ?? translate(locale, 'notify.actor.server');
  switch (facts.event) {
    case 'change.submitted':
      return facts.approver
        ? translate(locale, 'notify.change.approvalRequested', {
            ref,
            title,
            approver: facts.approver
          })
        : translate(locale, 'notify.change.submitted', { ref, title, actor });
    case 'change.approved':
      return translate(locale, 'notify.change.approved', { ref, title });
    default:
      return translate(locale, 'notify.change.rejected', { ref, title, actor });
  }
}

/** The headline of a run message: the job and how it ended. */
function runHeadline(run: RunSubject, locale: Locale): string {
  const job = run.jobName;
  switch (run.state) {
    case 'succeeded':
      return translate(locale, 'notify.run.succeeded', { job });
    case 'timed_out':
      return translate(locale, 'notify.run.timedOut', { job });
    case 'interrupted':
      return translate(locale, 'notify.run.interrupted', { job });
    case 'cancelled':
      return translate(locale, 'notify.run.cancelled', { job });
    default:
      return translate(locale, 'notify.run.failed', { job });
  }
}

/** "1 h 2 min", "3 min 4 s", "5 s". */
function durationText(seconds: number, locale: Locale): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return translate(locale, 'notify.run.duration.seconds', { s });
  if (s < 3600) {
    return translate(locale, 'notify.run.duration.minutes', { m: Math.floor(s / 60), s: s % 60 });
  }
  return translate(locale, 'notify.run.duration.hours', {
    h: Math.floor(s / 3600),
    m: Math.floor((s % 3600) / 60)
  });
}

/** The fields of a run message. */
function runFields(facts: MessageFacts, locale: Locale): [string, string][] {
  const run = facts.run!;
  const out: [string, string][] = [
    [translate(locale, 'notify.run.field.job'), run.jobName],
    [
      translate(locale, 'notify.field.state'),
      translate(locale, `automation.state.${run.state}` as 'automation.state.failed')
    ],
    [
      translate(locale, 'notify.run.field.requestedBy'),
      run.requestedBy ?? translate(locale, 'notify.run.bySystem')
    ],
    [
      translate(locale, 'notify.run.field.trigger'),
      translate(locale, `automation.trigger.${run.trigger}` as 'automation.trigger.api')
    ]
  ];
  if (run.gate || run.change) {
    out.push([
      translate(locale, 'notify.run.field.change'),
      run.gate ?? run.change?.key ?? run.change?.id ?? ''
    ]);
  }
  if (run.durationSeconds !== null) {
    out.push([
      translate(locale, 'notify.run.field.duration'),
      durationText(run.durationSeconds, locale)
    ]);
  }
  if (run.exitCode !== null) {
    out.push([translate(locale, 'notify.run.field.exitCode'), String(run.exitCode)]);
  }
  if (run.incident) {
    out.push([
      translate(locale, 'notify.run.field.incident'),
      `${run.incident.key ?? run.incident.id} ${run.incident.title}`
    ]);
  }
  if (run.task) {
    out.push([
      translate(locale, 'notify.run.field.task'),
      `${run.task.key ?? run.task.id} ${run.task.title}`
    ]);
  }
  if (run.reason && run.state !== 'succeeded') {
    out.push([translate(locale, 'notify.run.field.reason'), run.reason]);
  }
  out.push([translate(locale, 'notify.field.workspace'), facts.workspace.name]);
  return out;
}

export interface HttpDelivery {
  kind: 'http';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface EmailDelivery {
  kind: 'email';
  subject: string;
  text: string;
  html: string;
}

const SEVERITY_COLOR: Readonly<Record<Severity, string>> = {
  critical: '#d1242f',
  high: '#e16f24',
  warning: '#d4a72c',
  info: '#2f81f7'
};

const FEISHU_TEMPLATE: Readonly<Record<Severity, string>> = {
  critical: 'red',
  high: 'orange',
  warning: 'yellow',
  info: 'blue'
};

/** A count as messages show it: whole, or with one decimal ("5.5"). */
function countText(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** The headline of an anomaly: "Anomaly: alerts for db-01: 42 vs expected 6". */
function anomalyHeadline(anomaly: AnomalyMessageContent, locale: Locale): string {
  return translate(locale, 'notify.anomaly.title', {
    series: translate(locale, `anomalies.series.${anomaly.series}`),
    group: anomaly.group,
    observed: anomaly.observed,
    expected: countText(anomaly.expected)
  });
}

/** The fields of an anomaly message. */
function anomalyFields(facts: MessageFacts, locale: Locale): [string, string][] {
  const anomaly = facts.anomaly!;
  const start = new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    dateStyle: 'medium',
    timeStyle: 'short'
  }).format(new Date(anomaly.start));
  return [
    [
      translate(locale, 'notify.anomaly.field.series'),
      translate(locale, `anomalies.series.${anomaly.series}`)
    ],
    [
      translate(locale, 'notify.anomaly.field.group'),
      `${translate(locale, `anomalies.kind.${anomaly.groupKind}`)}: ${anomaly.group}`
    ],
    [translate(locale, 'notify.anomaly.field.start'), `${start} UTC`],
    [translate(locale, 'notify.anomaly.field.score'), countText(anomaly.peakScore)],
    [translate(locale, 'notify.field.workspace'), facts.workspace.name]
  ];
}

/** The one-line headline of a message, in `locale`. */
export function headline(facts: MessageFacts, locale: Locale): string {
  if (facts.anomaly) return anomalyHeadline(facts.anomaly, locale);
  if (facts.run) return runHeadline(facts.run, locale);
  if (facts.change) return changeHeadline(facts, locale);
  const incident = facts.incident;
  if (facts.event === 'test' || !incident) return translate(locale, 'notify.test.title');
  const ref = incident.key ?? incident.id;
  const actor = facts.actor ?? translate(locale, 'notify.actor.server');
  const title = incident.title;
  switch (facts.event) {
    case 'incident.opened':
      return translate(locale, 'notify.incident.opened', { ref, title });
    case 'incident.acknowledged':
      return translate(locale, 'notify.incident.acknowledged', { ref, title, actor });
    case 'incident.resolved':
      return facts.automatic
        ? translate(locale, 'notify.incident.resolvedAutomatically', { ref, title })
        : translate(locale, 'notify.incident.resolved', { ref, title });
    case 'incident.reopened':
      return translate(locale, 'notify.incident.reopened', { ref, title });
    case 'incident.closed':
      return translate(locale, 'notify.incident.closed', { ref, title, actor });
    case 'incident.escalated':
      return facts.paged.length > 0
        ? translate(locale, 'notify.incident.escalated', {
            ref,
            title,
            people: facts.paged.join(', '),
            step: facts.step ?? 1
          })
        : translate(locale, 'notify.incident.escalatedToChannel', {
            ref,
            title,
            step: facts.step ?? 1
          });
    default:
      return translate(locale, 'notify.test.title');
  }
}

/** Label/value pairs shown under the headline. */
function fields(facts: MessageFacts, locale: Locale): [string, string][] {
  const incident = facts.incident;
  const out: [string, string][] = [];
  if (facts.anomaly) return anomalyFields(facts, locale);
  if (facts.run) return runFields(facts, locale);
  if (facts.change) {
    const change = facts.change;
    out.push(
      [
        translate(locale, 'notify.field.changeType'),
        translate(locale, `changes.type.${change.type}` as 'changes.type.normal')
      ],
      [
        translate(locale, 'notify.field.risk'),
        translate(locale, `changes.risk.${change.risk}` as 'changes.risk.low')
      ],
      [translate(locale, 'notify.field.window'), windowText(change, locale)],
      [
        translate(locale, 'notify.field.state'),
        translate(locale, `changes.state.${change.state}` as 'changes.state.draft')
      ],
      [translate(locale, 'notify.field.workspace'), facts.workspace.name]
    );
    if (facts.comment) out.push([translate(locale, 'notify.field.comment'), facts.comment]);
    return out;
  }
  if (facts.event === 'test' || !incident) {
    return [
      [
        translate(locale, 'notify.field.workspace'),
        translate(locale, 'notify.test.body', {
          name: facts.channelName,
          workspace: facts.workspace.name
        })
      ]
    ];
  }
  out.push([
    translate(locale, 'notify.field.severity'),
    translate(locale, `notify.severity.${incident.severity}`)
  ]);
  out.push([
    translate(locale, 'notify.field.state'),
    translate(locale, `notify.state.${incident.state}`)
  ]);
  out.push([translate(locale, 'notify.field.workspace'), facts.workspace.name]);
  const labels = Object.entries(incident.labels)
    .filter(([name]) => name !== 'alertname')
    .slice(0, 8)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  if (labels) out.push([translate(locale, 'notify.field.labels'), labels]);
  if (facts.comment) out.push([translate(locale, 'notify.field.comment'), facts.comment]);
  if (incident.runbookUrl)
    out.push([translate(locale, 'notify.field.runbook'), incident.runbookUrl]);
  if (incident.sourceUrl) out.push([translate(locale, 'notify.field.source'), incident.sourceUrl]);
  return out;
}

/** Markdown-ish text: what DingTalk, WeCom and the plain-text e-mail show. */
function markdown(facts: MessageFacts, locale: Locale, bold = (s: string) => `**${s}**`): string {
  const lines = [`### ${headline(facts, locale)}`, ''];
  for (const [label, value] of fields(facts, locale)) lines.push(`- ${bold(label)}: ${value}`);
  lines.push('', `[${translate(locale, 'notify.action.open')}](${facts.url})`);
  return lines.join('\n');
}

function severityOf(facts: MessageFacts): Severity {
  if (facts.anomaly) return 'warning';
  // A run is not an incident: a failed one is coloured high, never paged as critical.
  if (facts.run) return facts.run.state === 'succeeded' ? 'info' : 'high';
  return facts.incident?.severity ?? 'info';
}

function hmacBase64(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64');
}

/** The generic webhook's signature over `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** DingTalk's `sign` for `timestamp` (ms). */
export function dingtalkSign(secret: string, timestamp: number): string {
  return hmacBase64(secret, `${timestamp}\n${secret}`);
}

/** Feishu's `sign` for `timestamp` (s): the HMAC keyed by "<timestamp>\n<secret>" over nothing. */
export function feishuSign(secret: string, timestamp: number): string {
  return hmacBase64(`${timestamp}\n${secret}`, '');
}

/** One label/value row of a message, with an optional note beside the value (a trend). */
export interface MessageField {
  label: string;
  value: string;
  note?: string;
}

/**
 * A message in channel-neutral parts: `frameMessage` puts it into each channel's frame. The
 * required parts are enough for a plain message (a headline, a few fields, a link); the optional
 * ones tune one channel each and default to the plain shape.
 */
export interface ChannelMessage {
  /** The envelope every channel carries: the webhook's fields, the idempotency header. */
  event: MessageEvent;
  idempotencyKey: string;
  workspace: { id: string; name: string };
  /** When the fact happened (ISO). */
  at: string;
  /** The headline: Slack's header, the card and attachment title, the e-mail subject. */
  title: string;
  /** The page the message is about: a button in Slack and Feishu, a link elsewhere. */
  link: { label: string; url: string };
  /** Colours (Mattermost, Feishu) and, when critical, a red link button (Slack, Feishu). */
  severity: Severity;
  /** Slack section fields (the first ten), Mattermost attachment fields, the e-mail's table. */
  fields: MessageField[];
  /** The whole message as Markdown (heading, fields, link): DingTalk, and WeCom by default. */
  markdown: string;
  /** What the generic webhook's JSON says about the event, between `workspace` and `at`. */
  payload: Record<string, unknown>;
  /** WeCom's Markdown instead of `markdown` (cut to 4,000 bytes either way). */
  wecomMarkdown?: string;
  /** Slack: buttons before the link button, and blocks after the fields. */
  slack?: { buttons?: unknown[]; blocks?: unknown[] };
  /**
   * Mattermost: `text` alone instead of the attachment; else the attachment's action buttons,
   * and `urgent` for message priority urgent with an acknowledgement requested.
   */
  mattermost?: { text?: string; actions?: unknown[]; urgent?: boolean };
  /** Feishu: the header colour, the lark_md body (default: the fields), no link button. */
  feishu?: { template?: string; markdown?: string; button?: boolean };
  /** E-mail: the text part instead of the fields; HTML between the table and the link. */
  email?: { text?: string; html?: string };
}

function jsonRequest(url: string, body: unknown, idempotencyKey: string): HttpDelivery {
  return {
    kind: 'http',
    url,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-runboard-idempotency-key': idempotencyKey
    },
    body: JSON.stringify(body)
  };
}

/**
 * The request (or e-mail) that carries `message` on a channel of `type`: each chat's shape and
 * signing (the file comment), the same for every kind of message — incidents, changes, runs,
 * the weekly report, and whatever comes next. `nowMs` signs (DingTalk, Feishu, the webhook).
 */
export function frameMessage(
  type: ChannelType,
  target: { url: string; secret: string | null },
  message: ChannelMessage,
  nowMs: number
): HttpDelivery | EmailDelivery {
  const { url, secret } = target;
  const { title, link, severity, fields, idempotencyKey } = message;
  const json = (to: string, body: unknown) => jsonRequest(to, body, idempotencyKey);
  switch (type) {
    case 'slack':
      return json(url, {
        text: `${title} <${link.url}|${link.label}>`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
          {
            type: 'section',
            fields: fields.slice(0, 10).map(({ label, value, note }) => ({
              type: 'mrkdwn',
              text:
                note === undefined
                  ? `*${label}*\n${value}`
                  : `*${label}*\n${value}  ${note}`.trimEnd()
            }))
          },
          ...(message.slack?.blocks ?? []),
          {
            type: 'actions',
            elements: [
              ...(message.slack?.buttons ?? []),
              {
                type: 'button',
                text: { type: 'plain_text', text: link.label },
                url: link.url,
                ...(severity === 'critical' ? { style: 'danger' } : {})
              }
            ]
          }
        ]
      });
    case 'mattermost': {
      const options = message.mattermost ?? {};
      if (options.text !== undefined) return json(url, { text: options.text });
      return json(url, {
        text: title,
        attachments: [
          {
            fallback: title,
            color: SEVERITY_COLOR[severity],
            title,
            title_link: link.url,
            fields: fields.map(({ label, value }) => ({
              title: label,
              value,
              short: value.length < 40
            })),
            ...(options.actions && options.actions.length > 0 ? { actions: options.actions } : {})
          }
        ],
        ...(options.urgent ? { priority: { priority: 'urgent', requested_ack: true } } : {})
      });
    }
    case 'dingtalk': {
      const signed = new URL(url);
      if (secret) {
        signed.searchParams.set('timestamp', String(nowMs));
        signed.searchParams.set('sign', dingtalkSign(secret, nowMs));
      }
      return json(signed.toString(), {
        msgtype: 'markdown',
        markdown: { title, text: message.markdown }
      });
    }
    case 'wecom':
      // WeCom refuses markdown over 4,096 bytes: a long comment is cut, not the message lost.
      return json(url, {
        msgtype: 'markdown',
        markdown: { content: truncateBytes(message.wecomMarkdown ?? message.markdown, 4000) }
      });
    case 'feishu': {
      const timestamp = Math.floor(nowMs / 1000);
      const options = message.feishu ?? {};
      return json(url, {
        ...(secret ? { timestamp: String(timestamp), sign: feishuSign(secret, timestamp) } : {}),
        msg_type: 'interactive',
        card: {
          config: { wide_screen_mode: true },
          header: {
            title: { tag: 'plain_text', content: title },
            template: options.template ?? FEISHU_TEMPLATE[severity]
          },
          elements: [
            {
              tag: 'div',
              text: {
                tag: 'lark_md',
                content:
                  options.markdown ??
                  fields.map(({ label, value }) => `**${label}**: ${value}`).join('\n')
              }
            },
            ...(options.button === false
              ? []
              : [
                  {
                    tag: 'action',
                    actions: [
                      {
                        tag: 'button',
                        text: { tag: 'plain_text', content: link.label },
                        url: link.url,
                        type: severity === 'critical' ? 'danger' : 'primary'
                      }
                    ]
                  }
                ])
          ]
        }
      });
    }
    case 'webhook': {
      const body = JSON.stringify({
        event: message.event,
        idempotencyKey,
        workspace: message.workspace,
        ...message.payload,
        at: message.at,
        url: link.url
      });
      const timestamp = String(Math.floor(nowMs / 1000));
      return {
        kind: 'http',
        url,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-runboard-event': message.event,
          'x-runboard-idempotency-key': idempotencyKey,
          'x-runboard-timestamp': timestamp,
          ...(secret ? { 'x-runboard-signature': webhookSignature(secret, timestamp, body) } : {})
        },
        body
      };
    }
    case 'email': {
      const text =
        message.email?.text ??
        [
          title,
          '',
          ...fields.map(({ label, value }) => `${label}: ${value}`),
          '',
          `${link.label}: ${link.url}`
        ].join('\n');
      const html =
        `<h2>${escapeHtml(title)}</h2><table>` +
        fields
          .map(
            ({ label, value, note }) =>
              `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td>` +
              (note === undefined ? '' : `<td>${escapeHtml(note)}</td>`) +
              '</tr>'
          )
          .join('') +
        `</table>${message.email?.html ?? ''}` +
        `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`;
      return { kind: 'email', subject: title, text, html };
    }
  }
}

/** The request (or e-mail) that delivers `facts` on a channel of `type`. */
export function buildDelivery(
  type: ChannelType,
  target: { url: string; secret: string | null; locale: Locale },
  facts: MessageFacts,
  nowMs: number
): HttpDelivery | EmailDelivery {
  if (facts.report) return frameMessage(type, target, reportParts(facts, facts.report), nowMs);
  // An anomaly message is written in the language its settings chose (the workspace's).
  const locale = facts.anomaly?.locale ?? target.locale;
  const severity = severityOf(facts);
  const buttons = tokenButtons(facts, locale);
  const message: ChannelMessage = {
    event: facts.event,
    idempotencyKey: facts.idempotencyKey,
    workspace: facts.workspace,
    at: facts.at,
    title: headline(facts, locale),
    link: { label: translate(locale, 'notify.action.open'), url: facts.url },
    severity,
    fields: fields(facts, locale).map(([label, value]) => ({ label, value })),
    markdown: markdown(facts, locale),
    wecomMarkdown: markdown(facts, locale, (s) => s),
    payload: {
      ...(facts.incident ? { incident: facts.incident } : {}),
      ...(facts.change ? { change: facts.change } : {}),
      ...(facts.run ? { run: facts.run } : {}),
      ...(facts.run?.task ? { task: facts.run.task } : {}),
      ...(facts.anomaly ? { anomaly: facts.anomaly } : {}),
      ...(facts.event === 'incident.escalated'
        ? { escalation: { step: facts.step, paged: facts.paged } }
        : {}),
      ...(facts.actor ? { actor: facts.actor } : {}),
      ...(facts.comment ? { comment: facts.comment } : {})
    },
    slack: {
      buttons: buttons.map((button) => ({
        type: 'button',
        action_id: `runboard_${button.id}`,
        text: { type: 'plain_text', text: button.label },
        value: button.token,
        style: button.style
      }))
    },
    mattermost: {
      actions: buttons.map((button) => ({
        id: button.id,
        name: button.label,
        style: button.style,
        integration: { url: button.url, context: { token: button.token } }
      })),
      urgent: severity === 'critical' && facts.event === 'incident.opened'
    },
    ...(facts.run?.state === 'succeeded' ? { feishu: { template: 'green' } } : {})
  };
  return frameMessage(type, target, message, nowMs);
}

/**
 * The weekly report's parts: Markdown for the chats that read it (Mattermost, DingTalk, WeCom,
 * Feishu's lark_md), the figures with their trends as fields (Slack's mrkdwn, the e-mail's
 * table) and the worst incidents below them, and the numbers themselves (with the trends) for
 * the generic webhook.
 */
function reportParts(
  facts: MessageFacts,
  report: NonNullable<MessageFacts['report']>
): ChannelMessage {
  const { message, content } = report;
  const text = reportText(message, 'markdown');
  return {
    event: facts.event,
    idempotencyKey: facts.idempotencyKey,
    workspace: facts.workspace,
    at: facts.at,
    title: message.title,
    link: { label: message.linkLabel, url: message.url },
    severity: 'info',
    fields: message.figures.map((figure) => ({
      label: figure.label,
      value: figure.value,
      note: figure.trend
    })),
    markdown: text,
    payload: {
      report: {
        weekStart: content.weekStart,
        from: content.from,
        to: content.to,
        timeZone: content.timeZone,
        locale: content.locale,
        current: content.current,
        previous: content.previous,
        trend: reportTrends(content),
        worst: content.worst.map((incident, index) => ({
          ...incident,
          url: message.worst[index]?.url ?? null
        })),
        url: message.url
      }
    },
    slack: {
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: truncateBytes(
              [
                `*${message.worstTitle}*`,
                ...(message.worst.length === 0
                  ? [message.noIncidents]
                  : message.worst.map((w, i) => `${i + 1}. <${w.url}|${w.text}>`))
              ].join('\n'),
              2900
            )
          }
        }
      ]
    },
    mattermost: { text },
    feishu: { markdown: reportText(message, 'markdown', { heading: false }), button: false },
    email: {
      text: reportText(message, 'plain'),
      html:
        `<h3>${escapeHtml(message.worstTitle)}</h3>` +
        (message.worst.length === 0
          ? `<p>${escapeHtml(message.noIncidents)}</p>`
          : `<ol>${message.worst
              .map((w) => `<li><a href="${escapeHtml(w.url)}">${escapeHtml(w.text)}</a></li>`)
              .join('')}</ol>`)
    }
  };
}

/** `text` cut to at most `limit` UTF-8 bytes, on a character boundary, marked with an ellipsis. */
export function truncateBytes(text: string, limit: number): string {
  if (Buffer.byteLength(text, 'utf8') <= limit) return text;
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > limit - 3) break;
    out += char;
    bytes += size;
  }
  return `${out}…`;
}

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Whether a chat's answer means delivered: a 2xx status, and for the Chinese robots, which
 * answer 200 with an error code in the body (a bad signature, a rate limit), a zero code.
 */
export function acceptedAnswer(type: ChannelType, status: number, body: string): string | null {
  if (status < 200 || status >= 300) return `HTTP ${status}: ${body.slice(0, 200)}`;
  if (type !== 'dingtalk' && type !== 'wecom' && type !== 'feishu') return null;
  let answer: {
    errcode?: unknown;
    code?: unknown;
    StatusCode?: unknown;
    errmsg?: unknown;
    msg?: unknown;
  };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    return `unreadable answer: ${body.slice(0, 200)}`;
  }
  const code = type === 'feishu' ? (answer.code ?? answer.StatusCode ?? 0) : (answer.errcode ?? 0);
  if (code === 0) return null;
  return `error ${String(code)}: ${String(answer.errmsg ?? answer.msg ?? '')}`.slice(0, 300);
}
