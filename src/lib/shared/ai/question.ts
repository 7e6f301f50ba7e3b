/**
 * The question compiler of `ai/ask` (docs/ai-ask.md): a question in Chinese or English becomes a
 * typed query — time range, status, priority, kind, labels, CIs, assignee and the remaining
 * text — that `ai/ask` runs over the workspace's items. Deterministic and rule-based: the
 * workspace's vocabulary (label names, members, CI names) is passed in, times are relative to
 * `now` in the asker's time zone. The query is data validated by `askQuerySchema`, never SQL;
 * whatever the rules do not recognise stays in `text` and only ranks the results.
 *
 * Framework-free (browser and server): the UI shows the query as editable chips and sends the
 * edited query back.
 */
import { z } from 'zod';
import { prioritySchema, taskKindSchema, type Priority, type TaskKind } from '../board/schema';
import { isoWeekday, startOfDay, wallClock } from '../zoned-time';

/** Longest question, in characters. */
export const MAX_QUESTION_LENGTH = 500;
/** Most labels or CIs one query filters by. */
export const MAX_QUERY_TERMS = 20;

/**
 * Lifecycle filter: `open` is anything not finished (to do or in progress); `done` is finished
 * (done, resolved, closed, archived).
 */
export const askStatusSchema = z.enum(['open', 'todo', 'in_progress', 'done']);
export type AskStatus = z.infer<typeof askStatusSchema>;

/** Assignee values that are not member ids. */
export const ASSIGNEE_ME = 'me';
export const ASSIGNEE_NONE = 'none';

const isoTime = z.iso.datetime();

/** The typed query (DESIGN.md §2 `ai/ask`), extended with `cis`. */
export const askQuerySchema = z
  .object({
    from: isoTime.optional().describe('Created at or after this time (ISO 8601, UTC).'),
    to: isoTime.optional().describe('Created before this time (ISO 8601, UTC).'),
    status: askStatusSchema
      .optional()
      .describe('`open` (not finished), `todo`, `in_progress` or `done` (finished).'),
    priority: prioritySchema
      .exclude(['none'])
      .optional()
      .describe('The least urgent priority included: `high` means high or urgent.'),
    kind: taskKindSchema.optional(),
    labels: z
      .array(z.string().trim().min(1).max(100))
      .max(MAX_QUERY_TERMS)
      .optional()
      .describe('Label names (as in the workspace); an item carries all of them.'),
    cis: z
      .array(z.string().trim().min(1).max(200))
      .max(MAX_QUERY_TERMS)
      .optional()
      .describe('CMDB item names; an item is linked to, or names, one of them.'),
    assignee: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Member id of the assignee, `me` (the asker) or `none` (unassigned).'),
    text: z
      .string()
      .trim()
      .min(1)
      .max(MAX_QUESTION_LENGTH)
      .optional()
      .describe('Words left over; they rank the results by similarity.')
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: '`from` must be before `to`',
    path: ['to']
  })
  .meta({ id: 'AskQuery', description: 'A question compiled into filters and text.' });
export type AskQuery = z.infer<typeof askQuerySchema>;

/** What the compiler knows of the workspace. */
export interface QuestionVocabulary {
  labels: readonly { name: string }[];
  members: readonly { id: string; name: string; email?: string | null }[];
  cis: readonly { name: string }[];
}

export interface ParseOptions {
  /** The instant relative times count from (ms or Date). */
  now: number | Date;
  /** The asker's IANA time zone (days, weeks and months start at midnight there). */
  timeZone: string;
  vocabulary: QuestionVocabulary;
}

export interface ParsedQuestion {
  query: AskQuery;
  /** Whether any rule other than the leftover text matched. */
  structured: boolean;
}

// ---------------------------------------------------------------------------------------------
// Time in the asker's zone (shared/zoned-time.ts)

interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** The instant of midnight starting day y-m-d (overflowing fields roll over) in `timeZone`. */
function midnight(y: number, m: number, d: number, timeZone: string): number {
  return startOfDay({ year: y, month: m, day: d }, timeZone);
}

function todayOf(now: number, timeZone: string): Ymd & { weekday: number } {
  const wall = wallClock(now, timeZone);
  return { y: wall.year, m: wall.month, d: wall.day, weekday: isoWeekday(wall) };
}

interface Range {
  from?: number;
  to?: number;
}

// ---------------------------------------------------------------------------------------------
// Words

const MONTHS_EN = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december'
];
const MONTH_SHORT = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sept?',
  'oct',
  'nov',
  'dec'
];
const MONTH_WORD = `(?:${MONTHS_EN.filter((m) => m !== 'may').join('|')}|${MONTH_SHORT.filter((m) => m !== 'may').join('|')})\\.?`;
const MONTH_WORD_WITH_MAY = `(?:${MONTHS_EN.join('|')}|${MONTH_SHORT.join('|')})\\.?`;

const ZH_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10
};
const EN_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  fourteen: 14,
  thirty: 30,
  ninety: 90
};

/** 1–99 in digits, Chinese numerals (三, 十五, 二十) or small English words. */
function numberOf(word: string): number | null {
  if (/^\d+$/.test(word)) return Number(word);
  if (word in EN_NUMBERS) return EN_NUMBERS[word]!;
  if (/^[零〇一二两三四五六七八九十]+$/.test(word)) {
    if (word === '十') return 10;
    const ten = word.indexOf('十');
    if (ten < 0) return word.length === 1 ? ZH_DIGITS[word]! : null;
    const tens = ten === 0 ? 1 : ZH_DIGITS[word[0]!]!;
    const ones = ten === word.length - 1 ? 0 : ZH_DIGITS[word[ten + 1]!]!;
    return tens * 10 + ones;
  }
  return null;
}

const NUM =
  '(\\d{1,3}|[零〇一二两三四五六七八九十]{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|fourteen|thirty|ninety)';
const ZH_MONTH_NUM = '(?:\\d{1,2}|十[一二]?|[一二三四五六七八九])';

/** Latin-word boundaries (a name such as `db-01` is one word; CJK needs none). */
const B = '(?<![a-z0-9_.-])';
const E = '(?![a-z0-9_-])';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A pattern for a literal term: Latin edges get word boundaries, CJK edges none. */
function literal(term: string): string {
  const t = escapeRegExp(term.toLowerCase());
  const start = /^[a-z0-9_]/.test(term.toLowerCase()) ? B : '';
  const end = /[a-z0-9_]$/.test(term.toLowerCase()) ? E : '';
  return `${start}${t}${end}`;
}

// ---------------------------------------------------------------------------------------------
// Dates

/** A calendar date or month named in a question, as a day range in the zone. */
interface DateSpan {
  start: number;
  /** Exclusive end: the next day, or the next month. */
  end: number;
}

const ISO_DATE = '\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}';
const ZH_YEAR = '(?:\\d{4}\\s*年|去年|今年|前年)';
const ZH_DAY = `(?:${ZH_YEAR}\\s*)?${ZH_MONTH_NUM}\\s*月\\s*\\d{1,2}\\s*[日号]`;
const ZH_MONTH = `(?:${ZH_YEAR}\\s*)?${ZH_MONTH_NUM}\\s*月份?`;
const EN_DAY = `(?:${MONTH_WORD_WITH_MAY}\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s*\\d{4})?|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_WORD_WITH_MAY}(?:,?\\s*\\d{4})?)`;
const EN_MONTH = `(?:${MONTH_WORD}(?:,?\\s*\\d{4})?|may\\s+\\d{4})`;
/** Any date expression (no capture groups: the match is parsed again by `dateSpan`). */
const DATE = `(?:${ISO_DATE}|${ZH_DAY}|${ZH_MONTH}|${B}${EN_DAY}${E}|${B}${EN_MONTH}${E})`;

function monthIndex(word: string): number {
  const w = word.replace(/\.$/, '').slice(0, 3);
  return MONTHS_EN.findIndex((m) => m.startsWith(w)) + 1;
}

/** The span of a date expression matched by `DATE`, or null. */
function dateSpan(text: string, today: Ymd, timeZone: string): DateSpan | null {
  const s = text.trim();
  const day = (y: number, m: number, d: number): DateSpan | null => {
    if (m < 1 || m > 12 || d < 1 || d > 31) return null;
    return { start: midnight(y, m, d, timeZone), end: midnight(y, m, d + 1, timeZone) };
  };
  const month = (y: number, m: number): DateSpan | null => {
    if (m < 1 || m > 12) return null;
    return { start: midnight(y, m, 1, timeZone), end: midnight(y, m + 1, 1, timeZone) };
  };
  // A month or day without a year is the latest one not after today.
  const yearOf = (m: number, d = 1): number =>
    m > today.m || (m === today.m && d > today.d) ? today.y - 1 : today.y;
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s);
  if (match) return day(Number(match[1]), Number(match[2]), Number(match[3]));
  const zhYear = (word: string | undefined, fallback: number): number =>
    word === undefined
      ? fallback
      : word === '今年'
        ? today.y
        : word === '去年'
          ? today.y - 1
          : word === '前年'
            ? today.y - 2
            : Number(word.replace(/\D/g, ''));
  match = /^(\d{4}\s*年|去年|今年|前年)?\s*(\S+?)\s*月\s*(\d{1,2})\s*[日号]$/.exec(s);
  if (match) {
    const m = numberOf(match[2]!) ?? 0;
    const d = Number(match[3]);
    return day(zhYear(match[1], yearOf(m, d)), m, d);
  }
  match = /^(\d{4}\s*年|去年|今年|前年)?\s*(\S+?)\s*月份?$/.exec(s);
  if (match) {
    const m = numberOf(match[2]!) ?? 0;
    return month(zhYear(match[1], yearOf(m)), m);
  }
  match = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s*(\d{4}))?$/.exec(s);
  if (match) {
    const m = monthIndex(match[1]!);
    const d = Number(match[2]);
    return day(match[3] ? Number(match[3]) : yearOf(m, d), m, d);
  }
  match = /^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?(?:,?\s*(\d{4}))?$/.exec(s);
  if (match) {
    const m = monthIndex(match[2]!);
    const d = Number(match[1]);
    return day(match[3] ? Number(match[3]) : yearOf(m, d), m, d);
  }
  match = /^([a-z]+)\.?(?:,?\s*(\d{4}))?$/.exec(s);
  if (match) {
    const m = monthIndex(match[1]!);
    return month(match[2] ? Number(match[2]) : yearOf(m), m);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary of the rules

/**
 * Ops terms that name the same thing in Chinese and English: a workspace label named by any
 * term of a group is found by every term of it (a label `database` by 数据库, and the other way
 * round). Kept small and curated; docs/ai-ask.md lists it.
 */
export const LABEL_SYNONYMS: readonly (readonly string[])[] = [
  ['database', '数据库', 'db'],
  ['network', '网络'],
  ['disk', '磁盘', '硬盘'],
  ['storage', '存储'],
  ['memory', '内存'],
  ['cpu', '处理器'],
  ['security', '安全'],
  ['certificate', '证书', 'cert', 'tls', 'ssl'],
  ['backup', '备份'],
  ['deploy', 'deployment', '部署', '发布', '上线'],
  ['frontend', '前端'],
  ['backend', '后端'],
  ['payment', 'payments', '支付'],
  ['login', '登录'],
  ['cache', '缓存'],
  ['monitoring', '监控'],
  ['dns', '域名解析'],
  ['kubernetes', 'k8s'],
  ['latency', '延迟'],
  ['performance', '性能'],
  ['api', '接口'],
  ['replication', '主从复制', '主从'],
  ['queue', '队列', '消息队列'],
  ['load balancer', '负载均衡'],
  ['firewall', '防火墙'],
  ['billing', '计费'],
  ['search', '搜索服务'],
  ['email', 'mail', '邮件'],
  ['bug', '缺陷']
];

interface Rule<T> {
  pattern: string;
  value: T;
}

const STATUS_RULES: Rule<AskStatus>[] = [
  {
    pattern:
      '未解决|待处理|没解决|没有解决|尚未解决|还没解决|仍未解决|未处理完|未关闭|没关闭|没有关闭|未完成|没完成|没有完成|未修复|没修复|还开着|待解决|未结|' +
      `${B}(?:unresolved|not (?:yet )?resolved|still open|open|unfinished|not (?:yet )?(?:done|closed|fixed|finished)|unclosed|outstanding|ongoing|active|pending|unfixed)${E}`,
    value: 'open'
  },
  {
    pattern: `待办|未开始|还没开始|没开始|${B}(?:to[- ]?do|not started|backlog)${E}`,
    value: 'todo'
  },
  {
    pattern: `进行中|处理中|正在处理|${B}(?:in[- ]progress|being worked on|wip|started)${E}`,
    value: 'in_progress'
  },
  {
    pattern:
      '已解决|已经解决|解决了|解决的|解决|修复的|修复|关闭的|已关闭|已经关闭|关闭了|已完成|已经完成|完成了|已修复|修复了|已处理|处理完|已结束|' +
      `${B}(?:resolved|closed|close|done|completed|finished|fixed)${E}`,
    value: 'done'
  }
];

type QueryPriority = Exclude<Priority, 'none'>;
const PRIORITY_RULES: Rule<QueryPriority>[] = [
  {
    pattern: `最高优先级|紧急|特急|${B}(?:p0|urgent|critical|highest[- ]priority|top[- ]priority|sev[- ]?[01])${E}`,
    value: 'urgent'
  },
  {
    pattern: `高优先级|优先级高的?|优先级为高|高优|${B}(?:p1|high[- ]priority|high[- ]pri|high[- ]prio|priority[: ]high|important)${E}`,
    value: 'high'
  },
  {
    pattern: `中优先级|中等优先级|优先级中等?|普通优先级|${B}(?:p2|medium[- ]priority|normal[- ]priority|priority[: ]medium)${E}`,
    value: 'medium'
  },
  {
    pattern: `低优先级|优先级低的?|低优|${B}(?:p3|p4|low[- ]priority|low[- ]pri|priority[: ]low)${E}`,
    value: 'low'
  }
];

const KIND_RULES: Rule<TaskKind>[] = [
  {
    pattern: `告警|报警|警报|事件|故障|事故|${B}(?:incidents?|alerts?|alarms?|outages?)${E}`,
    value: 'incident'
  },
  { pattern: `变更单|变更请求|变更|${B}(?:change requests?|changes?)${E}`, value: 'change' },
  { pattern: `任务|工单|${B}(?:tasks?|tickets?)${E}`, value: 'task' }
];

const ME_PATTERN =
  '分配给我的?|指派给我的?|我负责的?|我处理的?|我经手的?|我的|' +
  `${B}(?:assigned to me|mine|my|on me|for me|i own|i'm on)${E}`;
const NONE_PATTERN = `未分配|没有分配|没分配|没人负责|无人负责|没有负责人|无负责人|${B}(?:unassigned|not assigned|no assignee|nobody)${E}`;
/** Requests to show something, which mention "me" without meaning the assignee. */
const POLITE_PATTERN = `帮我|给我看|给我找|给我列|${B}(?:show me|give me|find me|tell me|get me|list me|can you|could you|please)${E}`;

/** Chinese fillers removed wherever they are (several characters: no word is cut). */
const ZH_FILLERS = [
  '有哪些',
  '有什么',
  '是哪些',
  '哪一些',
  '哪些',
  '什么',
  '多少',
  '查一下',
  '看一下',
  '找一下',
  '查询',
  '查找',
  '查看',
  '列出',
  '列一下',
  '显示',
  '看看',
  '找出',
  '搜索',
  '搜一下',
  '一下',
  '所有',
  '全部',
  '相关',
  '有关',
  '关于',
  '涉及',
  '期间',
  '发生',
  '出现',
  '创建',
  '提交',
  '负责',
  '处理',
  '分配给',
  '指派给',
  '经手',
  '优先级',
  '标签为',
  '标签',
  '打了',
  '以及',
  '或者',
  '的时候',
  '情况',
  '记录',
  '问题',
  '最近',
  '近期',
  '的'
];
/** Chinese single-character particles, removed only at the edges of what is left. */
const ZH_EDGE_FILLERS = new Set(
  '了吗呢吧啊和与及或在上里中内是有个条项些都还被由把给请找查看将对从于其它这那'.split('')
);
const EN_FILLERS = new Set(
  (
    'show list find get give search display all any every the a an of for with in on at from ' +
    'during by to that which what were was are is be been there have has had about related ' +
    'regarding concerning please items item issues issue problems problem me us our we i raised ' +
    'opened created reported filed happened occurred assigned owned handled worked labelled ' +
    'labeled tagged still yet ones one how who when where and or did do does those these ' +
    'priority level label labels within since before after between until last past this these ' +
    'can could you it its them they whose whom under into recent recently latest'
  ).split(' ')
);

const SEPARATOR = ' | ';

// ---------------------------------------------------------------------------------------------
// The compiler

/** Compiles `question` into a typed query (see the file comment). */
export function parseQuestion(question: string, options: ParseOptions): ParsedQuestion {
  const now = typeof options.now === 'number' ? options.now : options.now.getTime();
  const { timeZone, vocabulary } = options;
  const today = todayOf(now, timeZone);
  const dayStart = (offset: number): number =>
    midnight(today.y, today.m, today.d + offset, timeZone);
  const monthStart = (offset: number): number => midnight(today.y, today.m + offset, 1, timeZone);

  let rest = ` ${question
    .normalize('NFKC')
    .slice(0, MAX_QUESTION_LENGTH)
    .toLowerCase()
    // An apostrophe stays: "Bob's" names Bob.
    .replace(/[?？，,。!！、;；:："“”"‘’()（）[\]【】]/g, SEPARATOR)
    .replace(/\s+/g, ' ')} `;
  const query: {
    from?: string;
    to?: string;
    status?: AskStatus;
    priority?: QueryPriority;
    kind?: TaskKind;
    labels?: string[];
    cis?: string[];
    assignee?: string;
    text?: string;
  } = {};
  let structured = false;

  /** Blanks every match of `pattern` that `accept` takes (returns true for). */
  const take = (pattern: string, accept: (match: RegExpExecArray) => boolean): void => {
    const re = new RegExp(pattern, 'gu');
    rest = rest.replace(re, (...args: unknown[]) => {
      const groups = args.slice(0, -2).filter((a) => typeof a !== 'number') as string[];
      const match = Object.assign([...groups], {
        index: 0,
        input: rest
      }) as unknown as RegExpExecArray;
      if (!accept(match)) return groups[0]!;
      structured = true;
      return SEPARATOR;
    });
  };

  // --- Time
  let range: Range | null = null;
  const setRange = (r: Range | null): boolean => {
    if (range || !r) return false;
    range = r;
    return true;
  };
  const span = (text: string | undefined): DateSpan | null =>
    text === undefined ? null : dateSpan(text, today, timeZone);

  take(
    `(?:${B}(?:between|from)\\s+)?(${DATE})\\s*(?:${B}(?:and|to|until|through)${E}|到|至|-|~|—)\\s*(${DATE})`,
    (m) => {
      const a = span(m[1]);
      const b = span(m[2]);
      return a !== null && b !== null && a.start < b.end && setRange({ from: a.start, to: b.end });
    }
  );
  take(
    `${B}(?:since|after|from)\\s+(${DATE})|(?:自|从)?\\s*(${DATE})\\s*(?:以来|之后|以后|起|开始)|自\\s*(${DATE})`,
    (m) => {
      const a = span(m[1] ?? m[2] ?? m[3]);
      return a !== null && setRange({ from: a.start });
    }
  );
  take(`${B}(?:before|until|prior to)\\s+(${DATE})|(${DATE})\\s*(?:之前|以前)`, (m) => {
    const a = span(m[1] ?? m[2]);
    return a !== null && setRange({ to: a.start });
  });
  // Spans of N days, weeks, months or hours up to now.
  take(
    `(?:最近|过去|近|前)\\s*${NUM}\\s*(个)?\\s*(天|日|周|星期|礼拜|个月|月|小时|钟头)(?:内|以内|里)?|${NUM}\\s*(个)?\\s*(天|周|个月|小时)(?:内|以内)|${B}(?:in\\s+)?(?:the\\s+)?(?:last|past|previous)\\s+${NUM}\\s+()(days?|weeks?|months?|hours?)${E}`,
    (m) => {
      const n = numberOf(m[1] ?? m[4] ?? m[7] ?? '');
      const unit = m[3] ?? m[6] ?? m[9] ?? '';
      if (n === null || n < 1 || n > 731) return false;
      if (/^(小时|钟头|hours?)$/.test(unit)) {
        return setRange({ from: now - n * 3600_000, to: now });
      }
      const days = /^(天|日|days?)$/.test(unit)
        ? n
        : /^(周|星期|礼拜|weeks?)$/.test(unit)
          ? 7 * n
          : 30 * n;
      return setRange({ from: dayStart(-(days - 1)), to: dayStart(1) });
    }
  );
  // A date or month named outright (before 去年 alone: 去年12月 is December).
  take(`(?:${B}(?:in|during|on)\\s+)?(${DATE})`, (m) => {
    const a = span(m[1]);
    return a !== null && setRange({ from: a.start, to: a.end });
  });
  const relative: [string, () => Range][] = [
    [
      `前天|${B}(?:the )?day before yesterday${E}`,
      () => ({ from: dayStart(-2), to: dayStart(-1) })
    ],
    [`昨天|昨日|${B}yesterday${E}`, () => ({ from: dayStart(-1), to: dayStart(0) })],
    [`今天|今日|${B}today${E}`, () => ({ from: dayStart(0), to: dayStart(1) })],
    [
      `最近一周|过去一周|近一周|最近七天|${B}(?:in\\s+)?(?:the\\s+)?past\\s+week${E}`,
      () => ({ from: dayStart(-6), to: dayStart(1) })
    ],
    [
      `最近一个月|过去一个月|近一个月|${B}(?:in\\s+)?(?:the\\s+)?past\\s+month${E}`,
      () => ({ from: dayStart(-29), to: dayStart(1) })
    ],
    [
      `上周|上星期|上一周|上个星期|上个礼拜|上礼拜|${B}(?:last|previous|prior)\\s+week${E}`,
      () => ({
        from: dayStart(-(today.weekday - 1) - 7),
        to: dayStart(-(today.weekday - 1))
      })
    ],
    [
      `本周|这周|这个星期|这星期|这一周|本星期|${B}this\\s+week${E}`,
      () => ({ from: dayStart(-(today.weekday - 1)), to: dayStart(-(today.weekday - 1) + 7) })
    ],
    [
      `上个月|上月|上一个月|${B}(?:last|previous|prior)\\s+month${E}`,
      () => ({ from: monthStart(-1), to: monthStart(0) })
    ],
    [
      `本月|这个月|这月|当月|${B}this\\s+month${E}`,
      () => ({ from: monthStart(0), to: monthStart(1) })
    ],
    [
      `去年|${B}last\\s+year${E}`,
      () => ({
        from: midnight(today.y - 1, 1, 1, timeZone),
        to: midnight(today.y, 1, 1, timeZone)
      })
    ],
    [
      `今年|本年|${B}this\\s+year${E}`,
      () => ({
        from: midnight(today.y, 1, 1, timeZone),
        to: midnight(today.y + 1, 1, 1, timeZone)
      })
    ]
  ];
  for (const [pattern, make] of relative) take(pattern, () => setRange(make()));

  // --- CIs, then members: literal names, longest first (`db-01` before `db`).
  const cis: string[] = [];
  for (const ci of [...vocabulary.cis].sort((a, b) => b.name.length - a.name.length)) {
    if (ci.name.trim().length < 2) continue;
    take(literal(ci.name.trim()), () => {
      if (!cis.includes(ci.name)) cis.push(ci.name);
      return true;
    });
  }
  take(POLITE_PATTERN, () => {
    return true;
  });
  let assignee: string | undefined;
  const setAssignee = (value: string): boolean => {
    if (assignee !== undefined && assignee !== value) return false;
    assignee = value;
    return true;
  };
  take(NONE_PATTERN, () => setAssignee(ASSIGNEE_NONE));
  const memberTerms: { term: string; id: string }[] = [];
  const firstNames = new Map<string, string[]>();
  for (const member of vocabulary.members) {
    if (member.email) memberTerms.push({ term: member.email, id: member.id });
    if (member.name.trim()) memberTerms.push({ term: member.name.trim(), id: member.id });
    const first = /^([a-z][a-z'-]+)\s+\S/i.exec(member.name.trim())?.[1]?.toLowerCase();
    if (first) firstNames.set(first, [...(firstNames.get(first) ?? []), member.id]);
    const local = member.email?.split('@')[0];
    if (local && local.length >= 3) memberTerms.push({ term: local, id: member.id });
  }
  // A first name names a member only when it is nobody else's.
  for (const [first, ids] of firstNames) {
    if (ids.length === 1) memberTerms.push({ term: first, id: ids[0]! });
  }
  memberTerms.sort((a, b) => b.term.length - a.term.length);
  for (const { term, id } of memberTerms) {
    if (term.length < 2) continue;
    take(`${literal(term)}(?:'s)?`, () => setAssignee(id));
  }
  take(ME_PATTERN, () => setAssignee(ASSIGNEE_ME));
  if (assignee !== undefined) query.assignee = assignee;

  // --- Status, priority (first found wins)
  for (const rule of STATUS_RULES) {
    take(rule.pattern, () => {
      if (query.status && query.status !== rule.value) return false;
      query.status = rule.value;
      return true;
    });
  }
  for (const rule of PRIORITY_RULES) {
    take(rule.pattern, () => {
      if (query.priority && query.priority !== rule.value) return false;
      query.priority = rule.value;
      return true;
    });
  }

  // --- Labels: the workspace's names, and the synonyms of each.
  const labels: string[] = [];
  const labelTerms: { term: string; name: string }[] = [];
  for (const label of vocabulary.labels) {
    const name = label.name.trim();
    if (!name) continue;
    labelTerms.push({ term: name, name: label.name });
    const group = LABEL_SYNONYMS.find((g) => g.includes(name.toLowerCase()));
    for (const term of group ?? []) labelTerms.push({ term, name: label.name });
  }
  labelTerms.sort((a, b) => b.term.length - a.term.length);
  for (const { term, name } of labelTerms) {
    take(literal(term), () => {
      if (!labels.includes(name)) labels.push(name);
      return true;
    });
  }

  // --- Kind: the first kind named; another kind named stays as text.
  for (const rule of KIND_RULES) {
    take(rule.pattern, () => {
      if (query.kind && query.kind !== rule.value) return false;
      query.kind = rule.value;
      return true;
    });
  }

  // --- What is left is text.
  const rangeFound = range as Range | null;
  if (rangeFound?.from !== undefined) query.from = new Date(rangeFound.from).toISOString();
  if (rangeFound?.to !== undefined) query.to = new Date(rangeFound.to).toISOString();
  if (labels.length > 0) query.labels = labels;
  if (cis.length > 0) query.cis = cis;
  const text = leftoverText(rest);
  if (text) query.text = text;
  return { query: askQuerySchema.parse(query), structured };
}

/** The words left after the rules took theirs, without fillers. */
function leftoverText(rest: string): string {
  let s = rest;
  for (const filler of ZH_FILLERS) s = s.split(filler).join(SEPARATOR);
  const words: string[] = [];
  for (const raw of s.split(/[\s|]+/)) {
    let word = raw.replace(/^[-_.~/']+|[-_.~/']+$/g, '');
    if (!word) continue;
    if (/^[a-z0-9'_.-]+$/.test(word)) {
      if (EN_FILLERS.has(word)) continue;
      words.push(word);
      continue;
    }
    // Mixed or CJK: strip single-character particles at both ends.
    while (word && ZH_EDGE_FILLERS.has(word[0]!)) word = word.slice(1);
    while (word && ZH_EDGE_FILLERS.has(word[word.length - 1]!)) word = word.slice(0, -1);
    if (word) words.push(word);
  }
  return words.join(' ').trim();
}

/** Normalised text for comparing two queries' `text` (case, spacing, order of words). */
export function normalizedText(text: string | undefined): string {
  return (text ?? '').toLowerCase().split(/\s+/).filter(Boolean).sort().join(' ');
}
