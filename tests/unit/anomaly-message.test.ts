/**
 * The anomaly message on every channel kind (channels.ts): the shared headline and fields, in
 * the language of the anomaly settings (not the channel's), with the link to the reports page.
 */
import { describe, expect, test } from 'vitest';
import { buildDelivery, type MessageFacts } from '../../src/lib/server/notifications/channels';
import { CHANNEL_TYPES } from '../../src/lib/shared/notifications/schema';

const facts: MessageFacts = {
  event: 'ai.anomaly',
  idempotencyKey: 'ai.anomaly:ws:alerts:service:db-01:2026-12-09T09:00:00.000Z',
  workspace: { id: 'ws', name: 'Ops' },
  at: '2026-12-09T10:05:00.000Z',
  actor: null,
  automatic: true,
  comment: null,
  step: null,
  paged: [],
  channelName: 'c',
  url: 'https://runboard.test/w/ws/reports?from=a&to=b',
  anomaly: {
    locale: 'zh-CN',
    series: 'alerts',
    groupKind: 'service',
    group: 'db-01',
    start: '2026-12-09T09:00:00.000Z',
    end: '2026-12-09T10:00:00.000Z',
    observed: 42,
    expected: 6,
    peakScore: 12.5,
    reportPath: '/w/ws/reports?from=a&to=b'
  }
};

describe('the anomaly message', () => {
  test.each(CHANNEL_TYPES)('is rendered for %s in the settings’ language', (type) => {
    const delivery = buildDelivery(
      type,
      { url: 'https://hooks.test/x', secret: 's', locale: 'en' },
      facts,
      Date.parse('2026-12-09T10:05:00Z')
    );
    const text = delivery.kind === 'email' ? delivery.subject + delivery.text : delivery.body;
    if (type !== 'webhook') {
      expect(text).toContain('异常：db-01 的告警：42，预期 6');
      expect(text).not.toContain('Anomaly:');
      expect(text).toContain('https://runboard.test/w/ws/reports');
    } else {
      // the generic webhook sends data, not words
      expect(JSON.parse(text)).toMatchObject({ event: 'ai.anomaly', anomaly: { observed: 42 } });
    }
  });

  test('reads in English when the settings say so', () => {
    const delivery = buildDelivery(
      'slack',
      { url: 'https://hooks.test/x', secret: null, locale: 'zh-CN' },
      { ...facts, anomaly: { ...facts.anomaly!, locale: 'en' } },
      0
    );
    expect(delivery.kind === 'http' && delivery.body).toContain(
      'Anomaly: alerts for db-01: 42 vs expected 6'
    );
  });
});
