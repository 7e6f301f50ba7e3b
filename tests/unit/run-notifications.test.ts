/**
 * Job run messages (channels.ts) in every chat's shape and in both languages: the headline, the
 * run's fields (job, state, who ran it, trigger, change, duration, the incident and task it
 * belongs to) and the link to the run's page.
 */
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/lib/shared/locale';
import type { ChannelType } from '../../src/lib/shared/notifications/schema';
import {
  buildDelivery,
  headline,
  type HttpDelivery,
  type MessageFacts
} from '../../src/lib/server/notifications/channels';

const URL = 'https://runboard.example/w/ops/runs/run1';

function facts(state: 'succeeded' | 'failed' | 'timed_out' | 'interrupted'): MessageFacts {
  return {
    event: state === 'succeeded' ? 'run.succeeded' : 'run.failed',
    idempotencyKey: 'run:run1:finished',
    workspace: { id: 'ops', name: 'Ops' },
    at: '2026-12-05T10:00:00.000Z',
    actor: null,
    automatic: false,
    comment: null,
    step: null,
    paged: [],
    channelName: 'c',
    url: URL,
    run: {
      id: 'run1',
      jobId: 'job1',
      jobName: 'restart-replica',
      state,
      trigger: 'change',
      purpose: 'implementation',
      exitCode: state === 'succeeded' ? 0 : 2,
      reason: state === 'succeeded' ? null : 'exit code 2',
      requestedBy: 'Zhang San',
      gate: 'CHG-7',
      change: { id: 'chg7', key: 'CHG-7' },
      task: { id: 't1', key: 'OPS-12', title: 'Replica lag' },
      incident: { id: 'i1', key: 'OPS-11', title: 'DiskFull (mysql)' },
      startedAt: '2026-12-05T09:58:55.000Z',
      finishedAt: '2026-12-05T10:00:00.000Z',
      durationSeconds: 65
    }
  };
}

const EXPECTED: Record<Locale, { title: string; fields: string[] }> = {
  en: {
    title: 'Job run failed: restart-replica',
    fields: [
      'Job',
      'restart-replica',
      'Failed',
      'Run by',
      'Zhang San',
      'Started from',
      'Change',
      'CHG-7',
      'Duration',
      '1 min 5 s',
      'Exit code',
      'Incident',
      'OPS-11 DiskFull (mysql)',
      'Task',
      'OPS-12 Replica lag'
    ]
  },
  'zh-CN': {
    title: '作业运行失败：restart-replica',
    fields: [
      '作业',
      'restart-replica',
      '执行人',
      'Zhang San',
      '触发来源',
      '变更',
      'CHG-7',
      '耗时',
      '1 分 5 秒',
      '退出码',
      '事件',
      'OPS-11 DiskFull (mysql)',
      '任务',
      'OPS-12 Replica lag'
    ]
  }
};

function body(type: ChannelType, locale: Locale, state: Parameters<typeof facts>[0] = 'failed') {
  const delivery = buildDelivery(
    type,
    { url: 'https://chat.example/hook', secret: null, locale },
    facts(state),
    Date.parse('2026-12-05T10:00:01Z')
  ) as HttpDelivery;
  return { text: delivery.body, json: JSON.parse(delivery.body) as Record<string, unknown> };
}

describe('job run messages', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    for (const type of ['slack', 'mattermost', 'dingtalk', 'wecom', 'feishu'] as const) {
      it(`${type} (${locale}) shows the run's headline, fields and link`, () => {
        const { text } = body(type, locale);
        const expected = EXPECTED[locale];
        expect(text).toContain(expected.title);
        for (const field of expected.fields) expect(text).toContain(field);
        expect(text).toContain(URL);
      });
    }
  }

  it('names every ending in its headline, and the server when nobody ran it', () => {
    expect(headline(facts('timed_out'), 'en')).toBe('Job run timed out: restart-replica');
    expect(headline(facts('interrupted'), 'zh-CN')).toBe('作业运行中断：restart-replica');
    expect(headline(facts('succeeded'), 'zh-CN')).toBe('作业运行成功：restart-replica');
    const system = facts('succeeded');
    system.run!.requestedBy = null;
    const wecom = buildDelivery(
      'wecom',
      { url: 'https://chat.example/hook', secret: null, locale: 'en' },
      system,
      0
    ) as HttpDelivery;
    expect(wecom.body).toContain('Runboard (schedule or automatic remediation)');
  });

  it('colours a success green and a failure as high on Feishu, never paging as critical', () => {
    const ok = body('feishu', 'en', 'succeeded').json as {
      card: { header: { template: string } };
    };
    expect(ok.card.header.template).toBe('green');
    const failed = body('feishu', 'en').json as { card: { header: { template: string } } };
    expect(failed.card.header.template).toBe('orange');
    const mm = body('mattermost', 'en').json;
    expect(mm['priority']).toBeUndefined();
  });

  it('puts the run and its task into the generic webhook body', () => {
    const { json } = body('webhook', 'en');
    expect(json).toMatchObject({
      event: 'run.failed',
      idempotencyKey: 'run:run1:finished',
      run: { id: 'run1', state: 'failed', jobName: 'restart-replica', durationSeconds: 65 },
      task: { id: 't1', key: 'OPS-12' },
      url: URL
    });
  });
});
