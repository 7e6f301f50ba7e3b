// The evaluation set of the question compiler (src/lib/shared/ai/question.ts, docs/ai-ask.md):
// questions an ops team asks, half in Chinese and half in English, each with the exact filters it
// must compile to. A workspace vocabulary (labels, members, CI names), a fixed `now` and the
// asker's time zone (Asia/Shanghai) go with it. Plain JavaScript so the bench (`npm run bench`)
// and the TypeScript tests import it alike; `evaluateQuestions()` prints the accuracy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Wednesday 2026-03-18, 12:00 in Shanghai. */
export const QUESTIONS_NOW = '2026-03-18T04:00:00.000Z';
export const QUESTIONS_TIME_ZONE = 'Asia/Shanghai';

/** The workspace the questions are asked in. */
export const QUESTIONS_VOCABULARY = {
  labels: [
    'database',
    'network',
    'disk',
    'security',
    'certificate',
    'payment',
    'frontend',
    'backup',
    'memory',
    'dns',
    '客户投诉'
  ].map((name) => ({ name })),
  members: [
    { id: 'u-alice', name: 'Alice Chen', email: 'alice@example.com' },
    { id: 'u-bob', name: 'Bob Smith', email: 'bob@example.com' },
    { id: 'u-carol', name: 'Carol Liu', email: 'carol@example.com' },
    { id: 'u-zhang', name: '张三', email: 'zhangsan@example.com' },
    { id: 'u-li', name: '李四', email: 'lisi@example.com' },
    { id: 'u-wang', name: '王芳', email: 'wangfang@example.com' }
  ],
  cis: [
    'db-01',
    'db-02',
    'web-01',
    'web-02',
    'redis-01',
    'mysql-prod',
    'payment-gateway',
    'k8s-node-3',
    'lb-01',
    'api-gateway'
  ].map((name) => ({ name }))
};

/** Midnight starting a day in Shanghai (UTC+8, no daylight saving), as ISO UTC. */
const d = (/** @type {string} */ day) => new Date(`${day}T00:00:00+08:00`).toISOString();
const range = (/** @type {string} */ a, /** @type {string} */ b) => ({ from: d(a), to: d(b) });

const TODAY = range('2026-03-18', '2026-03-19');
const YESTERDAY = range('2026-03-17', '2026-03-18');
const THIS_WEEK = range('2026-03-16', '2026-03-23');
const LAST_WEEK = range('2026-03-09', '2026-03-16');
const THIS_MONTH = range('2026-03-01', '2026-04-01');
const LAST_MONTH = range('2026-02-01', '2026-03-01');
const THIS_YEAR = range('2026-01-01', '2027-01-01');
const LAST_YEAR = range('2025-01-01', '2026-01-01');
const PAST_7_DAYS = range('2026-03-12', '2026-03-19');
const PAST_3_DAYS = range('2026-03-16', '2026-03-19');
const PAST_14_DAYS = range('2026-03-05', '2026-03-19');
const PAST_30_DAYS = range('2026-02-17', '2026-03-19');
const PAST_24_HOURS = { from: '2026-03-17T04:00:00.000Z', to: '2026-03-18T04:00:00.000Z' };
const DECEMBER = range('2025-12-01', '2026-01-01');
const JANUARY = range('2026-01-01', '2026-02-01');

/**
 * @typedef {{ from?: string, to?: string, status?: string, priority?: string, kind?: string,
 *   labels?: string[], cis?: string[], assignee?: string, text?: string }} ExpectedQuery
 * @typedef {{ q: string, lang: 'zh' | 'en', expect: ExpectedQuery }} Question
 */

/** @type {Question[]} */
export const QUESTIONS = [
  // ---- Chinese
  {
    q: '上周未解决的高优先级数据库告警',
    lang: 'zh',
    expect: {
      ...LAST_WEEK,
      status: 'open',
      priority: 'high',
      labels: ['database'],
      kind: 'incident'
    }
  },
  {
    q: 'db-01 上个月的故障',
    lang: 'zh',
    expect: { ...LAST_MONTH, cis: ['db-01'], kind: 'incident' }
  },
  {
    q: '上个月 db-01 上张三处理的告警',
    lang: 'zh',
    expect: { ...LAST_MONTH, cis: ['db-01'], assignee: 'u-zhang', kind: 'incident' }
  },
  { q: '我的未完成任务', lang: 'zh', expect: { assignee: 'me', status: 'open', kind: 'task' } },
  { q: '昨天的告警', lang: 'zh', expect: { ...YESTERDAY, kind: 'incident' } },
  {
    q: '今天有哪些紧急事件',
    lang: 'zh',
    expect: { ...TODAY, priority: 'urgent', kind: 'incident' }
  },
  {
    q: '本月已解决的网络故障',
    lang: 'zh',
    expect: { ...THIS_MONTH, status: 'done', labels: ['network'], kind: 'incident' }
  },
  {
    q: '最近7天 redis-01 的告警',
    lang: 'zh',
    expect: { ...PAST_7_DAYS, cis: ['redis-01'], kind: 'incident' }
  },
  { q: '进行中的变更', lang: 'zh', expect: { status: 'in_progress', kind: 'change' } },
  {
    q: '李四负责的高优先级工单',
    lang: 'zh',
    expect: { assignee: 'u-li', priority: 'high', kind: 'task' }
  },
  {
    q: '今年所有的安全事件',
    lang: 'zh',
    expect: { ...THIS_YEAR, labels: ['security'], kind: 'incident' }
  },
  {
    q: '3月的证书告警',
    lang: 'zh',
    expect: { ...THIS_MONTH, labels: ['certificate'], kind: 'incident' }
  },
  {
    q: '去年12月支付相关的故障',
    lang: 'zh',
    expect: { ...DECEMBER, labels: ['payment'], kind: 'incident' }
  },
  {
    q: '12月 payment-gateway 的事故',
    lang: 'zh',
    expect: { ...DECEMBER, cis: ['payment-gateway'], kind: 'incident' }
  },
  { q: '未分配的告警', lang: 'zh', expect: { assignee: 'none', kind: 'incident' } },
  {
    q: '磁盘空间不足的告警',
    lang: 'zh',
    expect: { labels: ['disk'], kind: 'incident', text: '空间不足' }
  },
  { q: 'mysql-prod 主从延迟', lang: 'zh', expect: { cis: ['mysql-prod'], text: '主从延迟' } },
  {
    q: '王芳上周解决的数据库问题',
    lang: 'zh',
    expect: { ...LAST_WEEK, assignee: 'u-wang', status: 'done', labels: ['database'] }
  },
  {
    q: '最近一周 web-01 和 web-02 的告警',
    lang: 'zh',
    expect: { ...PAST_7_DAYS, cis: ['web-01', 'web-02'], kind: 'incident' }
  },
  {
    q: '待办的前端任务',
    lang: 'zh',
    expect: { status: 'todo', labels: ['frontend'], kind: 'task' }
  },
  { q: '低优先级的工单', lang: 'zh', expect: { priority: 'low', kind: 'task' } },
  { q: '分配给我的告警', lang: 'zh', expect: { assignee: 'me', kind: 'incident' } },
  { q: '本周 P1 故障', lang: 'zh', expect: { ...THIS_WEEK, priority: 'high', kind: 'incident' } },
  {
    q: '2026-02-10 的备份失败',
    lang: 'zh',
    expect: { ...range('2026-02-10', '2026-02-11'), labels: ['backup'], text: '失败' }
  },
  { q: '3月1日以来的变更', lang: 'zh', expect: { from: d('2026-03-01'), kind: 'change' } },
  {
    q: '3月10日之前未关闭的告警',
    lang: 'zh',
    expect: { to: d('2026-03-10'), status: 'open', kind: 'incident' }
  },
  {
    q: '2026年1月的 DNS 故障',
    lang: 'zh',
    expect: { ...JANUARY, labels: ['dns'], kind: 'incident' }
  },
  {
    q: '一月份的内存告警',
    lang: 'zh',
    expect: { ...JANUARY, labels: ['memory'], kind: 'incident' }
  },
  {
    q: '过去30天 api-gateway 超时',
    lang: 'zh',
    expect: { ...PAST_30_DAYS, cis: ['api-gateway'], text: '超时' }
  },
  {
    q: '最近三天的紧急告警',
    lang: 'zh',
    expect: { ...PAST_3_DAYS, priority: 'urgent', kind: 'incident' }
  },
  { q: '最近24小时的报警', lang: 'zh', expect: { ...PAST_24_HOURS, kind: 'incident' } },
  {
    q: '前两周李四处理的工单',
    lang: 'zh',
    expect: { ...PAST_14_DAYS, assignee: 'u-li', kind: 'task' }
  },
  {
    q: '张三已完成的任务',
    lang: 'zh',
    expect: { assignee: 'u-zhang', status: 'done', kind: 'task' }
  },
  { q: 'lb-01 负载过高', lang: 'zh', expect: { cis: ['lb-01'], text: '负载过高' } },
  {
    q: 'k8s-node-3 上的 Pod 重启告警',
    lang: 'zh',
    expect: { cis: ['k8s-node-3'], kind: 'incident', text: 'pod 重启' }
  },
  {
    q: '帮我找一下上个月客户投诉相关的工单',
    lang: 'zh',
    expect: { ...LAST_MONTH, labels: ['客户投诉'], kind: 'task' }
  },
  {
    q: '查询本周的高优先级变更',
    lang: 'zh',
    expect: { ...THIS_WEEK, priority: 'high', kind: 'change' }
  },
  { q: '列出所有进行中的故障', lang: 'zh', expect: { status: 'in_progress', kind: 'incident' } },
  {
    q: '还没解决的支付告警',
    lang: 'zh',
    expect: { status: 'open', labels: ['payment'], kind: 'incident' }
  },
  {
    q: '去年的数据库变更',
    lang: 'zh',
    expect: { ...LAST_YEAR, labels: ['database'], kind: 'change' }
  },
  {
    q: '昨天 db-02 磁盘满了',
    lang: 'zh',
    expect: { ...YESTERDAY, cis: ['db-02'], labels: ['disk'], text: '满' }
  },
  {
    q: '紧急的网络变更',
    lang: 'zh',
    expect: { priority: 'urgent', labels: ['network'], kind: 'change' }
  },
  { q: '本月未分配的任务', lang: 'zh', expect: { ...THIS_MONTH, assignee: 'none', kind: 'task' } },
  {
    q: 'redis-01 连接数过高的事件',
    lang: 'zh',
    expect: { cis: ['redis-01'], kind: 'incident', text: '连接数过高' }
  },
  {
    q: '上周王芳负责的证书更新任务',
    lang: 'zh',
    expect: {
      ...LAST_WEEK,
      assignee: 'u-wang',
      labels: ['certificate'],
      kind: 'task',
      text: '更新'
    }
  },
  {
    q: '上周的中优先级工单',
    lang: 'zh',
    expect: { ...LAST_WEEK, priority: 'medium', kind: 'task' }
  },
  {
    q: '我负责的进行中任务',
    lang: 'zh',
    expect: { assignee: 'me', status: 'in_progress', kind: 'task' }
  },
  {
    q: '最近一个月的安全告警',
    lang: 'zh',
    expect: { ...PAST_30_DAYS, labels: ['security'], kind: 'incident' }
  },
  {
    q: '2月份已关闭的故障',
    lang: 'zh',
    expect: { ...LAST_MONTH, status: 'done', kind: 'incident' }
  },
  {
    q: '2026-03-01 到 2026-03-10 的告警',
    lang: 'zh',
    expect: { ...range('2026-03-01', '2026-03-11'), kind: 'incident' }
  },
  { q: 'web-01 接口 502 错误', lang: 'zh', expect: { cis: ['web-01'], text: '接口 502 错误' } },
  {
    q: '今天 alice 处理的告警',
    lang: 'zh',
    expect: { ...TODAY, assignee: 'u-alice', kind: 'incident' }
  },
  {
    q: 'bob@example.com 上个月的工单',
    lang: 'zh',
    expect: { ...LAST_MONTH, assignee: 'u-bob', kind: 'task' }
  },
  {
    q: '本周未解决的 P0 事故',
    lang: 'zh',
    expect: { ...THIS_WEEK, status: 'open', priority: 'urgent', kind: 'incident' }
  },
  { q: '前端页面白屏', lang: 'zh', expect: { labels: ['frontend'], text: '页面白屏' } },
  {
    q: 'mysql-prod 的备份任务',
    lang: 'zh',
    expect: { cis: ['mysql-prod'], labels: ['backup'], kind: 'task' }
  },
  {
    q: '上个月已修复的内存泄漏',
    lang: 'zh',
    expect: { ...LAST_MONTH, status: 'done', labels: ['memory'], text: '泄漏' }
  },
  {
    q: '看看这个月张三的高优工单',
    lang: 'zh',
    expect: { ...THIS_MONTH, assignee: 'u-zhang', priority: 'high', kind: 'task' }
  },
  {
    q: '最近14天 DNS 解析失败',
    lang: 'zh',
    expect: { ...PAST_14_DAYS, labels: ['dns'], text: '解析失败' }
  },
  {
    q: '今年 payment-gateway 上的所有变更',
    lang: 'zh',
    expect: { ...THIS_YEAR, cis: ['payment-gateway'], kind: 'change' }
  },
  {
    q: '待处理的证书过期告警',
    lang: 'zh',
    expect: { status: 'open', labels: ['certificate'], kind: 'incident', text: '过期' }
  },
  { q: 'CPU 使用率过高', lang: 'zh', expect: { text: 'cpu 使用率过高' } },
  { q: '网络抖动', lang: 'zh', expect: { labels: ['network'], text: '抖动' } },
  { q: '卡住的部署', lang: 'zh', expect: { text: '卡住 部署' } },
  {
    q: '昨天李四解决的故障',
    lang: 'zh',
    expect: { ...YESTERDAY, assignee: 'u-li', status: 'done', kind: 'incident' }
  },

  // ---- English
  {
    q: 'incidents on db-01 last month resolved by Alice',
    lang: 'en',
    expect: { ...LAST_MONTH, cis: ['db-01'], status: 'done', assignee: 'u-alice', kind: 'incident' }
  },
  {
    q: 'unresolved high priority database alerts from last week',
    lang: 'en',
    expect: {
      ...LAST_WEEK,
      status: 'open',
      priority: 'high',
      labels: ['database'],
      kind: 'incident'
    }
  },
  { q: 'my open tasks', lang: 'en', expect: { assignee: 'me', status: 'open', kind: 'task' } },
  { q: 'alerts yesterday', lang: 'en', expect: { ...YESTERDAY, kind: 'incident' } },
  {
    q: 'urgent incidents today',
    lang: 'en',
    expect: { ...TODAY, priority: 'urgent', kind: 'incident' }
  },
  {
    q: 'network outages resolved this month',
    lang: 'en',
    expect: { ...THIS_MONTH, status: 'done', labels: ['network'], kind: 'incident' }
  },
  {
    q: 'alerts on redis-01 in the last 7 days',
    lang: 'en',
    expect: { ...PAST_7_DAYS, cis: ['redis-01'], kind: 'incident' }
  },
  { q: 'changes in progress', lang: 'en', expect: { status: 'in_progress', kind: 'change' } },
  {
    q: 'high priority tickets assigned to Bob',
    lang: 'en',
    expect: { priority: 'high', assignee: 'u-bob', kind: 'task' }
  },
  {
    q: 'security incidents this year',
    lang: 'en',
    expect: { ...THIS_YEAR, labels: ['security'], kind: 'incident' }
  },
  {
    q: 'certificate alerts in March',
    lang: 'en',
    expect: { ...THIS_MONTH, labels: ['certificate'], kind: 'incident' }
  },
  {
    q: 'payment incidents in December',
    lang: 'en',
    expect: { ...DECEMBER, labels: ['payment'], kind: 'incident' }
  },
  {
    q: 'outages on payment-gateway in December 2025',
    lang: 'en',
    expect: { ...DECEMBER, cis: ['payment-gateway'], kind: 'incident' }
  },
  { q: 'unassigned alerts', lang: 'en', expect: { assignee: 'none', kind: 'incident' } },
  {
    q: 'disk space alerts',
    lang: 'en',
    expect: { labels: ['disk'], kind: 'incident', text: 'space' }
  },
  {
    q: 'replication lag on mysql-prod',
    lang: 'en',
    expect: { cis: ['mysql-prod'], text: 'replication lag' }
  },
  {
    q: 'database issues Carol fixed last week',
    lang: 'en',
    expect: { ...LAST_WEEK, labels: ['database'], assignee: 'u-carol', status: 'done' }
  },
  {
    q: 'alerts on web-01 and web-02 in the past week',
    lang: 'en',
    expect: { ...PAST_7_DAYS, cis: ['web-01', 'web-02'], kind: 'incident' }
  },
  {
    q: 'frontend tasks not started',
    lang: 'en',
    expect: { labels: ['frontend'], status: 'todo', kind: 'task' }
  },
  { q: 'low priority tickets', lang: 'en', expect: { priority: 'low', kind: 'task' } },
  { q: 'incidents assigned to me', lang: 'en', expect: { assignee: 'me', kind: 'incident' } },
  {
    q: 'P1 incidents this week',
    lang: 'en',
    expect: { ...THIS_WEEK, priority: 'high', kind: 'incident' }
  },
  {
    q: 'backup failures on 2026-02-10',
    lang: 'en',
    expect: { ...range('2026-02-10', '2026-02-11'), labels: ['backup'], text: 'failures' }
  },
  { q: 'changes since March 1', lang: 'en', expect: { from: d('2026-03-01'), kind: 'change' } },
  {
    q: 'open alerts before March 10',
    lang: 'en',
    expect: { to: d('2026-03-10'), status: 'open', kind: 'incident' }
  },
  {
    q: 'DNS incidents in January 2026',
    lang: 'en',
    expect: { ...JANUARY, labels: ['dns'], kind: 'incident' }
  },
  {
    q: 'memory alerts in Jan',
    lang: 'en',
    expect: { ...JANUARY, labels: ['memory'], kind: 'incident' }
  },
  {
    q: 'api-gateway timeouts in the past 30 days',
    lang: 'en',
    expect: { ...PAST_30_DAYS, cis: ['api-gateway'], text: 'timeouts' }
  },
  {
    q: 'urgent alerts in the last 3 days',
    lang: 'en',
    expect: { ...PAST_3_DAYS, priority: 'urgent', kind: 'incident' }
  },
  { q: 'alerts in the last 24 hours', lang: 'en', expect: { ...PAST_24_HOURS, kind: 'incident' } },
  {
    q: 'tickets handled by bob in the last two weeks',
    lang: 'en',
    expect: { ...PAST_14_DAYS, assignee: 'u-bob', kind: 'task' }
  },
  {
    q: 'completed tasks by Carol',
    lang: 'en',
    expect: { status: 'done', assignee: 'u-carol', kind: 'task' }
  },
  { q: 'high load on lb-01', lang: 'en', expect: { cis: ['lb-01'], text: 'high load' } },
  {
    q: 'pod restart alerts on k8s-node-3',
    lang: 'en',
    expect: { cis: ['k8s-node-3'], kind: 'incident', text: 'pod restart' }
  },
  {
    q: 'show me changes with high priority this week',
    lang: 'en',
    expect: { ...THIS_WEEK, priority: 'high', kind: 'change' }
  },
  {
    q: 'list all incidents in progress',
    lang: 'en',
    expect: { status: 'in_progress', kind: 'incident' }
  },
  {
    q: 'payment alerts that are still open',
    lang: 'en',
    expect: { labels: ['payment'], status: 'open', kind: 'incident' }
  },
  {
    q: 'database changes last year',
    lang: 'en',
    expect: { ...LAST_YEAR, labels: ['database'], kind: 'change' }
  },
  {
    q: 'disk full on db-02 yesterday',
    lang: 'en',
    expect: { ...YESTERDAY, labels: ['disk'], cis: ['db-02'], text: 'full' }
  },
  {
    q: 'urgent network changes',
    lang: 'en',
    expect: { priority: 'urgent', labels: ['network'], kind: 'change' }
  },
  {
    q: 'unassigned tasks created this month',
    lang: 'en',
    expect: { ...THIS_MONTH, assignee: 'none', kind: 'task' }
  },
  {
    q: 'too many connections on redis-01',
    lang: 'en',
    expect: { cis: ['redis-01'], text: 'too many connections' }
  },
  {
    q: 'certificate renewal tasks Zhang San handled last week',
    lang: 'en',
    expect: { ...LAST_WEEK, labels: ['certificate'], kind: 'task', text: 'renewal zhang san' }
  },
  {
    q: 'medium priority tickets from last week',
    lang: 'en',
    expect: { ...LAST_WEEK, priority: 'medium', kind: 'task' }
  },
  {
    q: 'my tasks in progress',
    lang: 'en',
    expect: { assignee: 'me', status: 'in_progress', kind: 'task' }
  },
  {
    q: 'security alerts in the past month',
    lang: 'en',
    expect: { ...PAST_30_DAYS, labels: ['security'], kind: 'incident' }
  },
  {
    q: 'closed incidents in February',
    lang: 'en',
    expect: { ...LAST_MONTH, status: 'done', kind: 'incident' }
  },
  {
    q: 'alerts between 2026-03-01 and 2026-03-10',
    lang: 'en',
    expect: { ...range('2026-03-01', '2026-03-11'), kind: 'incident' }
  },
  { q: '502 errors on web-01', lang: 'en', expect: { cis: ['web-01'], text: '502 errors' } },
  {
    q: 'alerts alice@example.com handled today',
    lang: 'en',
    expect: { ...TODAY, assignee: 'u-alice', kind: 'incident' }
  },
  {
    q: "Bob's tickets last month",
    lang: 'en',
    expect: { ...LAST_MONTH, assignee: 'u-bob', kind: 'task' }
  },
  {
    q: 'open P0 outages this week',
    lang: 'en',
    expect: { ...THIS_WEEK, status: 'open', priority: 'urgent', kind: 'incident' }
  },
  { q: 'frontend blank page', lang: 'en', expect: { labels: ['frontend'], text: 'blank page' } },
  {
    q: 'backup tasks on mysql-prod',
    lang: 'en',
    expect: { labels: ['backup'], cis: ['mysql-prod'], kind: 'task' }
  },
  {
    q: 'memory leaks fixed last month',
    lang: 'en',
    expect: { ...LAST_MONTH, labels: ['memory'], status: 'done', text: 'leaks' }
  },
  {
    q: 'high priority tickets for Alice this month',
    lang: 'en',
    expect: { ...THIS_MONTH, priority: 'high', assignee: 'u-alice', kind: 'task' }
  },
  {
    q: 'DNS resolution failures in the last 14 days',
    lang: 'en',
    expect: { ...PAST_14_DAYS, labels: ['dns'], text: 'resolution failures' }
  },
  {
    q: 'all changes on payment-gateway this year',
    lang: 'en',
    expect: { ...THIS_YEAR, cis: ['payment-gateway'], kind: 'change' }
  },
  {
    q: 'expired certificate alerts',
    lang: 'en',
    expect: { labels: ['certificate'], kind: 'incident', text: 'expired' }
  },
  { q: 'high CPU usage', lang: 'en', expect: { text: 'high cpu usage' } },
  { q: 'network flapping', lang: 'en', expect: { labels: ['network'], text: 'flapping' } },
  { q: 'stuck deployments', lang: 'en', expect: { text: 'stuck deployments' } },
  {
    q: 'incidents Carol resolved yesterday',
    lang: 'en',
    expect: { ...YESTERDAY, assignee: 'u-carol', status: 'done', kind: 'incident' }
  },
  {
    q: 'critical outages on api-gateway since 2026-03-01',
    lang: 'en',
    expect: { priority: 'urgent', kind: 'incident', cis: ['api-gateway'], from: d('2026-03-01') }
  },
  {
    q: 'what did bob close last week',
    lang: 'en',
    expect: { ...LAST_WEEK, assignee: 'u-bob', status: 'done' }
  }
];

const FIELDS = ['from', 'to', 'status', 'priority', 'kind', 'labels', 'cis', 'assignee', 'text'];

/** Text compared without case, spacing or word order. */
function normalizedText(/** @type {unknown} */ text) {
  return String(text ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .sort()
    .join(' ');
}

/**
 * The fields where `actual` differs from `expected`: every field must be equal (absent on both
 * sides, or the same value; labels and CIs as sets; text without case or word order).
 * @param {ExpectedQuery} expected
 * @param {Record<string, unknown>} actual
 * @returns {string[]}
 */
export function queryMismatches(expected, actual) {
  /** @type {string[]} */
  const wrong = [];
  for (const field of FIELDS) {
    const e = /** @type {Record<string, unknown>} */ (expected)[field];
    const a = actual[field];
    if (field === 'text') {
      if (normalizedText(e) !== normalizedText(a)) wrong.push(field);
    } else if (Array.isArray(e) || Array.isArray(a)) {
      const es = [.../** @type {string[]} */ (e ?? [])].sort().join('\n');
      const as = [.../** @type {string[]} */ (a ?? [])].sort().join('\n');
      if (es !== as) wrong.push(field);
    } else if (e !== a) {
      wrong.push(field);
    }
  }
  return wrong;
}

/**
 * @typedef {(question: string, options: { now: number, timeZone: string, vocabulary: typeof QUESTIONS_VOCABULARY }) => { query: Record<string, unknown> }} QuestionParser
 */

/**
 * Bundles the compiler (src/lib/shared/ai/question.ts) with esbuild and imports it, so the
 * bench runs it without a build step.
 * @returns {Promise<QuestionParser>}
 */
export async function loadQuestionParser() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [join(root, 'src', 'lib', 'shared', 'ai', 'question.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent'
  });
  const dir = mkdtempSync(join(tmpdir(), 'runboard-questions-'));
  try {
    const file = join(dir, 'question.mjs');
    const [bundle] = out.outputFiles ?? [];
    if (!bundle) throw new Error('esbuild wrote no bundle of question.ts');
    writeFileSync(file, bundle.text);
    const mod = await import(pathToFileURL(file).href);
    return mod.parseQuestion;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Parses every question and prints the share compiled into exactly the expected filters, per
 * language and in all, with the misses. `parse` defaults to the bundled compiler.
 * @param {{ parse?: QuestionParser, log?: (line: string) => void, verbose?: boolean }} [options]
 * @returns {Promise<{ total: number, exact: number, accuracy: number, zh: number, en: number, misses: { q: string, fields: string[], actual: Record<string, unknown> }[] }>}
 */
export async function evaluateQuestions(options = {}) {
  const parse = options.parse ?? (await loadQuestionParser());
  const log = options.log ?? ((/** @type {string} */ line) => process.stdout.write(line + '\n'));
  const now = Date.parse(QUESTIONS_NOW);
  /** @type {{ q: string, fields: string[], actual: Record<string, unknown> }[]} */
  const misses = [];
  const byLang = { zh: { exact: 0, all: 0 }, en: { exact: 0, all: 0 } };
  for (const { q, lang, expect } of QUESTIONS) {
    const { query } = parse(q, {
      now,
      timeZone: QUESTIONS_TIME_ZONE,
      vocabulary: QUESTIONS_VOCABULARY
    });
    const fields = queryMismatches(expect, query);
    byLang[lang].all += 1;
    if (fields.length === 0) byLang[lang].exact += 1;
    else misses.push({ q, fields, actual: query });
  }
  const total = QUESTIONS.length;
  const exact = total - misses.length;
  const share = (/** @type {{ exact: number, all: number }} */ c) =>
    c.all === 0 ? 0 : c.exact / c.all;
  const pct = (/** @type {number} */ x) => `${(100 * x).toFixed(1)}%`;
  const result = {
    total,
    exact,
    accuracy: exact / total,
    zh: share(byLang.zh),
    en: share(byLang.en),
    misses
  };
  log(
    `question parsing: ${exact}/${total} exact (${pct(result.accuracy)}; zh ${pct(result.zh)}, ` +
      `en ${pct(result.en)}), target ≥ 90%`
  );
  if (options.verbose) {
    for (const miss of misses) {
      log(`  miss [${miss.fields.join(', ')}] ${miss.q} → ${JSON.stringify(miss.actual)}`);
    }
  }
  return result;
}

// `node bench/ai/questions.mjs` prints the accuracy and the misses.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await evaluateQuestions({ verbose: true });
  process.exitCode = result.accuracy >= 0.9 ? 0 : 1;
}
