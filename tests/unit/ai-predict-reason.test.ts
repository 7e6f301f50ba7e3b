/**
 * The wording of assignee reasons (shared/ai/predict-reason.ts with i18n area `ai-predict`), in
 * English and Chinese, through the same plural and interpolation the UI's `t()` uses.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/lib/i18n/messages/en';
import { zhCN } from '../../src/lib/i18n/messages/zh-CN';
import { reasonMessage, type PredictReason } from '../../src/lib/shared/ai/predict-reason';
import type { Locale } from '../../src/lib/shared/locale';
import { interpolate, pluralKey } from '../../src/lib/shared/message-format';

function say(locale: Locale, reason: PredictReason, kind: 'task' | 'incident' = 'incident') {
  const messages: Record<string, string> = locale === 'en' ? en : zhCN;
  const m = reasonMessage(reason, kind, (id) => ({ 'l-mysql': 'MySQL' })[id]);
  const key = m.plural ? pluralKey(m.key, locale, Number(m.params.count)) : m.key;
  expect(messages[key], key).toBeDefined();
  return interpolate(messages[key]!, m.params);
}

describe('assignee reasons, worded', () => {
  it('names the count and the topic of similar work', () => {
    const six: PredictReason = { kind: 'resolved_similar', count: 6, topic: 'l-mysql' };
    expect(say('en', six)).toBe('resolved 6 similar MySQL incidents');
    expect(say('zh-CN', six)).toBe('解决过 6 个类似的 MySQL 事件');
    expect(say('en', { ...six, count: 1 })).toBe('resolved 1 similar MySQL incident');
    expect(say('en', six, 'task')).toBe('resolved 6 similar MySQL items');
    expect(say('en', { ...six, topic: 'l-unknown' })).toBe(
      'resolved 6 similar l-unknown incidents'
    );
    expect(say('en', { ...six, topic: null })).toBe('resolved 6 similar items');
  });

  it('words on-call, frequency and load', () => {
    expect(say('en', { kind: 'on_call' })).toBe('on call now');
    expect(say('zh-CN', { kind: 'on_call' })).toBe('当前值班');
    expect(say('en', { kind: 'frequent', count: 12 })).toBe('took 12 items before');
    expect(say('en', { kind: 'light_load', open: 0 })).toBe('no open work');
    expect(say('en', { kind: 'light_load', open: 1 })).toBe('1 open item');
    expect(say('zh-CN', { kind: 'light_load', open: 2 })).toBe('手头有 2 个未完成事项');
  });
});
