/**
 * The per-channel framing helper (channels.ts `frameMessage`): a plain channel-neutral message —
 * a headline, fields, a link, Markdown and a webhook payload — in every chat's own shape and
 * signing, the frame that incident, change and run messages, the weekly report and new kinds of
 * message share.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dingtalkSign,
  feishuSign,
  frameMessage,
  type ChannelMessage,
  type EmailDelivery,
  type HttpDelivery
} from '../../src/lib/server/notifications/channels';

const NOW = 1_764_000_000_123;

function message(overrides: Partial<ChannelMessage> = {}): ChannelMessage {
  return {
    event: 'test',
    idempotencyKey: 'key-1',
    workspace: { id: 'ops', name: 'Ops' },
    at: '2026-12-05T10:00:00.000Z',
    title: 'Alert rate <unusual>',
    link: { label: 'Open', url: 'https://runboard.example/w/ops/reports' },
    severity: 'warning',
    fields: [
      { label: 'Rate', value: '42/h' },
      { label: 'Usual', value: '5/h', note: '▲ 740%' }
    ],
    markdown: '### Alert rate\n\n- **Rate**: 42/h',
    payload: { anomaly: { rate: 42 } },
    ...overrides
  };
}

const http = (delivery: HttpDelivery | EmailDelivery) => {
  expect(delivery.kind).toBe('http');
  const request = delivery as HttpDelivery;
  expect(request.headers['x-runboard-idempotency-key']).toBe('key-1');
  return { ...request, json: JSON.parse(request.body) as Record<string, unknown> };
};

describe('frameMessage', () => {
  const target = { url: 'https://hooks.example/in?x=1', secret: 's3cret' };

  it('frames Slack: fallback text, header, fields with notes, the link button', () => {
    const { json } = http(frameMessage('slack', target, message(), NOW));
    expect(json['text']).toBe('Alert rate <unusual> <https://runboard.example/w/ops/reports|Open>');
    expect(json['blocks']).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Alert rate <unusual>', emoji: true } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Rate*\n42/h' },
          { type: 'mrkdwn', text: '*Usual*\n5/h  ▲ 740%' }
        ]
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open' },
            url: 'https://runboard.example/w/ops/reports'
          }
        ]
      }
    ]);
    const critical = http(frameMessage('slack', target, message({ severity: 'critical' }), NOW));
    expect(JSON.stringify(critical.json)).toContain('"style":"danger"');
  });

  it('frames Mattermost as a coloured attachment, or as text alone', () => {
    const { json } = http(frameMessage('mattermost', target, message(), NOW));
    const [attachment] = json['attachments'] as Record<string, unknown>[];
    expect(attachment).toMatchObject({
      title: 'Alert rate <unusual>',
      title_link: 'https://runboard.example/w/ops/reports',
      color: '#d4a72c',
      fields: [
        { title: 'Rate', value: '42/h', short: true },
        { title: 'Usual', value: '5/h', short: true }
      ]
    });
    expect(json['priority']).toBeUndefined();
    const text = http(
      frameMessage('mattermost', target, message({ mattermost: { text: 'hi' } }), NOW)
    );
    expect(text.json).toEqual({ text: 'hi' });
  });

  it('signs DingTalk in the URL and Feishu in the body', () => {
    const ding = http(frameMessage('dingtalk', target, message(), NOW));
    const url = new URL(ding.url);
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.searchParams.get('timestamp')).toBe(String(NOW));
    expect(url.searchParams.get('sign')).toBe(dingtalkSign('s3cret', NOW));
    expect(ding.json).toEqual({
      msgtype: 'markdown',
      markdown: { title: 'Alert rate <unusual>', text: '### Alert rate\n\n- **Rate**: 42/h' }
    });
    const feishu = http(frameMessage('feishu', target, message(), NOW));
    const seconds = Math.floor(NOW / 1000);
    expect(feishu.json['sign']).toBe(feishuSign('s3cret', seconds));
    expect(JSON.stringify(feishu.json['card'])).toContain('**Usual**: 5/h');
    expect(JSON.stringify(feishu.json['card'])).toContain('"template":"yellow"');
    const unsigned = http(frameMessage('feishu', { ...target, secret: null }, message(), NOW));
    expect(unsigned.json['sign']).toBeUndefined();
  });

  it('cuts WeCom Markdown to 4,000 bytes', () => {
    const { json } = http(
      frameMessage('wecom', target, message({ markdown: '告警'.repeat(2000) }), NOW)
    );
    const content = (json['markdown'] as { content: string }).content;
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(4000);
    expect(content.endsWith('…')).toBe(true);
  });

  it('sends the generic webhook its envelope around the payload, signed', () => {
    const request = http(frameMessage('webhook', target, message(), NOW));
    expect(Object.keys(request.json)).toEqual([
      'event',
      'idempotencyKey',
      'workspace',
      'anomaly',
      'at',
      'url'
    ]);
    const timestamp = request.headers['x-runboard-timestamp']!;
    expect(request.headers['x-runboard-signature']).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(`${timestamp}.${request.body}`).digest('hex')}`
    );
    expect(request.headers['x-runboard-event']).toBe('test');
  });

  it('writes e-mail text and escaped HTML', () => {
    const mail = frameMessage('email', target, message(), NOW) as EmailDelivery;
    expect(mail.kind).toBe('email');
    expect(mail.subject).toBe('Alert rate <unusual>');
    expect(mail.text).toBe(
      'Alert rate <unusual>\n\nRate: 42/h\nUsual: 5/h\n\nOpen: https://runboard.example/w/ops/reports'
    );
    expect(mail.html).toContain('<h2>Alert rate &lt;unusual&gt;</h2>');
    expect(mail.html).toContain('<td>5/h</td><td>▲ 740%</td></tr>');
    expect(mail.html).toContain('<th align="left">Rate</th><td>42/h</td></tr>');
  });
});
