/**
 * The question compiler of `ai/ask` (src/lib/shared/ai/question.ts): the evaluation set of
 * bench/ai/questions.mjs compiles into exactly the expected filters for at least 90% of the
 * questions, and the edge cases — time zones, month boundaries, names that look alike, text that
 * must stay text — hold.
 */
import { describe, expect, it } from 'vitest';
import {
  ASSIGNEE_ME,
  askQuerySchema,
  parseQuestion,
  type QuestionVocabulary
} from '../../src/lib/shared/ai/question';
import {
  QUESTIONS,
  QUESTIONS_NOW,
  QUESTIONS_TIME_ZONE,
  QUESTIONS_VOCABULARY,
  evaluateQuestions
} from '../../bench/ai/questions.mjs';

const vocabulary: QuestionVocabulary = QUESTIONS_VOCABULARY;
const now = Date.parse(QUESTIONS_NOW);

function parse(question: string, options: { now?: number; timeZone?: string } = {}) {
  return parseQuestion(question, {
    now: options.now ?? now,
    timeZone: options.timeZone ?? QUESTIONS_TIME_ZONE,
    vocabulary
  }).query;
}

describe('the evaluation set', () => {
  it('has at least 120 questions, half of them Chinese', () => {
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(120);
    const zh = QUESTIONS.filter((q) => q.lang === 'zh').length;
    expect(zh).toBeGreaterThanOrEqual(60);
    expect(QUESTIONS.length - zh).toBeGreaterThanOrEqual(60);
    // Every expectation is itself a valid query.
    for (const { expect: expected } of QUESTIONS) askQuerySchema.parse(expected);
  });

  it('compiles at least 90% of the questions into exactly the expected filters', async () => {
    const lines: string[] = [];
    const result = await evaluateQuestions({
      parse: (q, options) => parseQuestion(q, options),
      log: (line) => lines.push(line),
      verbose: true
    });
    // The misses are printed for whoever reads a failure.
    expect(result.accuracy, lines.join('\n')).toBeGreaterThanOrEqual(0.9);
    expect(result.zh, lines.join('\n')).toBeGreaterThanOrEqual(0.85);
    expect(result.en, lines.join('\n')).toBeGreaterThanOrEqual(0.85);
  });
});

describe('parseQuestion', () => {
  it('compiles the two questions of the issue', () => {
    expect(parse('上周未解决的高优先级数据库告警')).toEqual({
      from: '2026-03-08T16:00:00.000Z',
      to: '2026-03-15T16:00:00.000Z',
      status: 'open',
      priority: 'high',
      labels: ['database'],
      kind: 'incident'
    });
    expect(parse('incidents on db-01 last month resolved by Alice')).toEqual({
      from: '2026-01-31T16:00:00.000Z',
      to: '2026-02-28T16:00:00.000Z',
      status: 'done',
      kind: 'incident',
      cis: ['db-01'],
      assignee: 'u-alice'
    });
  });

  it('counts "yesterday" in the asker’s time zone', () => {
    // 2026-03-17 20:00 UTC is already 2026-03-18 04:00 in Shanghai.
    const late = Date.parse('2026-03-17T20:00:00.000Z');
    expect(parse('yesterday', { now: late, timeZone: 'Asia/Shanghai' })).toMatchObject({
      from: '2026-03-16T16:00:00.000Z',
      to: '2026-03-17T16:00:00.000Z'
    });
    expect(parse('昨天', { now: late, timeZone: 'UTC' })).toMatchObject({
      from: '2026-03-16T00:00:00.000Z',
      to: '2026-03-17T00:00:00.000Z'
    });
    // New York: the day of the change to daylight saving (2026-03-08) is 23 hours long.
    expect(
      parse('yesterday', {
        now: Date.parse('2026-03-09T15:00:00.000Z'),
        timeZone: 'America/New_York'
      })
    ).toMatchObject({ from: '2026-03-08T05:00:00.000Z', to: '2026-03-09T04:00:00.000Z' });
  });

  it('takes a month without a year as the latest one not after today', () => {
    expect(parse('in March')).toMatchObject({ from: '2026-02-28T16:00:00.000Z' });
    expect(parse('4月')).toMatchObject({
      from: '2025-03-31T16:00:00.000Z',
      to: '2025-04-30T16:00:00.000Z'
    });
    expect(parse('since 2025-12-01')).toEqual({ from: '2025-11-30T16:00:00.000Z' });
  });

  it('weeks start on Monday, on a Sunday too', () => {
    const sunday = Date.parse('2026-03-22T04:00:00.000Z');
    expect(parse('this week', { now: sunday })).toMatchObject({
      from: '2026-03-15T16:00:00.000Z',
      to: '2026-03-22T16:00:00.000Z'
    });
    expect(parse('上周', { now: sunday })).toMatchObject({ from: '2026-03-08T16:00:00.000Z' });
  });

  it('keeps apart the CI db-01 and the label db, and a CI inside a longer name', () => {
    expect(parse('db alerts on db-01')).toEqual({
      labels: ['database'],
      cis: ['db-01'],
      kind: 'incident'
    });
    expect(parse('db-012 alerts')).toEqual({ kind: 'incident', text: 'db-012' });
  });

  it('does not take "show me" for an assignee, but "my" and 我的', () => {
    expect(parse('show me open alerts')).toEqual({ status: 'open', kind: 'incident' });
    expect(parse('帮我看看我的告警')).toEqual({ assignee: ASSIGNEE_ME, kind: 'incident' });
  });

  it('leaves unknown words as text, and a plain question without filters', () => {
    const parsed = parseQuestion('nginx 502 after reload', {
      now,
      timeZone: 'UTC',
      vocabulary
    });
    expect(parsed).toEqual({ query: { text: 'nginx 502 reload' }, structured: false });
    expect(parse('？？')).toEqual({});
  });

  it('never lets SQL through as anything but text', () => {
    const query = parse("alerts'; DROP TABLE users; --");
    expect(query.kind).toBe('incident');
    expect(Object.keys(query).sort()).toEqual(['kind', 'text']);
    expect(askQuerySchema.safeParse({ ...query, sql: 'select 1' }).success).toBe(false);
  });

  it('refuses a query whose range ends before it starts', () => {
    expect(
      askQuerySchema.safeParse({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' })
        .success
    ).toBe(false);
  });
});
