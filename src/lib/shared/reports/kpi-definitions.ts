/**
 * The definitions of Runboard's ops figures, as code: what each one counts, from which event to
 * which, whether open items count, which statistic it is and in what unit. The same English text
 * is the HELP line of its Prometheus metric (GET /metrics) and goes into docs/metrics.md; the
 * reports page and docs/kpis.md are to read it from here too. Changing what a figure means bumps
 * `KPI_DEFINITIONS_VERSION`, so a figure is never silently redefined.
 */
import { FINAL_CHANGE_STATES } from '../changes/schema';
import { FINAL_RUN_STATES } from '../automation/schema';
import { SEVERITIES } from '../alerts/schema';

/**
 * Bumped whenever a definition's meaning changes (not for wording fixes). 2: throughput and
 * `runboard_tasks_done_total` count a task once, at its first completion; the reports group
 * MTTA and MTTR by the severity recorded at the event, as the metrics do.
 */
export const KPI_DEFINITIONS_VERSION = 2;

export type KpiMetricType = 'counter' | 'gauge' | 'histogram';

/**
 * Labels a metric may carry: the workspace id, fixed enums, for HTTP the method, the route id
 * (never the raw path) and the status class, and on the figures of the node itself (kind
 * `process`) the node's name. Never an item's id.
 */
export type KpiLabel =
  | 'workspace'
  | 'severity'
  | 'outcome'
  | 'state'
  | 'method'
  | 'route'
  | 'status'
  | 'direction'
  | 'node';

export interface KpiDefinition {
  /** Stable id of the figure (reports, docs). */
  id: string;
  /** An ops KPI per workspace, or a figure of the process itself (HTTP, sync). */
  kind: 'kpi' | 'process';
  /** The Prometheus metric that exposes it. */
  metric: string;
  type: KpiMetricType;
  /** Base unit: `seconds` for durations, `1` for counts. */
  unit: 'seconds' | '1';
  labels: readonly KpiLabel[];
  /** The event that starts the measure (durations) or that is counted (counts). */
  start: string;
  /** The event that ends the measure; null for counts and levels. */
  stop: string | null;
  /** Whether items not yet stopped (still open) are part of the figure. */
  includesOpen: boolean;
  /**
   * The statistic the figure is read as: a count, a current level, or (histograms) the mean
   * (`_sum / _count`) and the quantiles (median, p90) estimated from the buckets.
   */
  statistic: 'count' | 'level' | 'mean, median and p90';
  /** The definition, one line each; `en` is the metric's HELP text. */
  text: { en: string; 'zh-CN': string };
}

/** Buckets of incident durations: from 30 s to 24 h, at the steps ops teams report on. */
export const INCIDENT_DURATION_BUCKETS_SECONDS: readonly number[] = [
  30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400
];

/** The values of the fixed-enum labels (bounded cardinality: tests/unit/metrics-lint.test.ts). */
export const KPI_LABEL_VALUES = {
  severity: SEVERITIES,
  outcome: FINAL_CHANGE_STATES,
  state: FINAL_RUN_STATES
} as const;

export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  {
    kind: 'kpi',
    id: 'incidents_open',
    metric: 'runboard_incidents_open',
    type: 'gauge',
    unit: '1',
    labels: ['workspace'],
    start: 'incident opened or reopened',
    stop: 'incident resolved',
    includesOpen: true,
    statistic: 'level',
    text: {
      en: 'Incidents open now (triggered or acknowledged, not yet resolved), per workspace.',
      'zh-CN': '当前未解决的事件数（已触发或已确认、尚未解决），按工作区统计。'
    }
  },
  {
    kind: 'kpi',
    id: 'mtta',
    metric: 'runboard_incident_acknowledge_seconds',
    type: 'histogram',
    unit: 'seconds',
    labels: ['workspace', 'severity'],
    start: 'incident opened (a reopen continues the same incident)',
    stop: 'incident acknowledged (a person resolving it unacknowledged acknowledges it too)',
    includesOpen: false,
    statistic: 'mean, median and p90',
    text: {
      en:
        'Time to acknowledge (MTTA): seconds from an incident opening to its acknowledgement, ' +
        'observed when acknowledged; a person resolving an unacknowledged incident acknowledges ' +
        'it; incidents still unacknowledged or resolved automatically without one are not ' +
        'counted; by severity at acknowledgement.',
      'zh-CN':
        '确认耗时（MTTA）：事件从打开到被确认的秒数，在确认时记录；有人直接解决未确认的事件时，' +
        '解决即视为确认；尚未确认或未经确认即自动解决的事件不计入；按确认时的严重级别统计。'
    }
  },
  {
    kind: 'kpi',
    id: 'mttr',
    metric: 'runboard_incident_resolve_seconds',
    type: 'histogram',
    unit: 'seconds',
    labels: ['workspace', 'severity'],
    start: 'incident opened (a reopen continues the same incident)',
    stop: 'incident resolved (by a person or automatically when its alerts resolve)',
    includesOpen: false,
    statistic: 'mean, median and p90',
    text: {
      en:
        'Time to resolve (MTTR): seconds from an incident opening to its resolution, by a ' +
        'person or automatically; a reopened incident counts from its first opening again when ' +
        'resolved again; open incidents are not counted; by severity at resolution.',
      'zh-CN':
        '解决耗时（MTTR）：事件从打开到解决（人工或告警恢复后自动解决）的秒数；重新打开的事件' +
        '再次解决时仍从首次打开算起；未解决的事件不计入；按解决时的严重级别统计。'
    }
  },
  {
    kind: 'kpi',
    id: 'alerts_received',
    metric: 'runboard_alerts_received_total',
    type: 'counter',
    unit: '1',
    labels: ['workspace'],
    start: 'an alert occurrence starts firing (a new occurrence in an accepted delivery)',
    stop: null,
    includesOpen: true,
    statistic: 'count',
    text: {
      en:
        'Alerts received: new alert occurrences in accepted deliveries, including those held ' +
        'by a maintenance window; re-sends of a known occurrence are not counted again.',
      'zh-CN':
        '收到的告警：已接收推送中新出现的告警实例，包括被维护窗口暂扣的；已知告警实例的重复' +
        '推送不再计数。'
    }
  },
  {
    kind: 'kpi',
    id: 'changes_finished',
    metric: 'runboard_changes_finished_total',
    type: 'counter',
    unit: '1',
    labels: ['workspace', 'outcome'],
    start: 'a change reaches a final state',
    stop: null,
    includesOpen: false,
    statistic: 'count',
    text: {
      en:
        'Changes finished, by outcome (completed, failed, rolled_back, cancelled, rejected); ' +
        'change success rate = completed / (completed + failed + rolled_back).',
      'zh-CN':
        '已结束的变更，按结果统计（completed、failed、rolled_back、cancelled、rejected）；' +
        '变更成功率 = completed / (completed + failed + rolled_back)。'
    }
  },
  {
    kind: 'kpi',
    id: 'automation_runs',
    metric: 'runboard_automation_runs_total',
    type: 'counter',
    unit: '1',
    labels: ['workspace', 'state'],
    start: 'an automation run ends',
    stop: null,
    includesOpen: false,
    statistic: 'count',
    text: {
      en:
        'Automation runs finished, by final state (succeeded, failed, timed_out, cancelled, ' +
        'interrupted); automation success rate = succeeded / all finished.',
      'zh-CN':
        '已结束的自动化运行，按最终状态统计（succeeded、failed、timed_out、cancelled、' +
        'interrupted）；自动化成功率 = succeeded / 全部已结束。'
    }
  },
  {
    kind: 'kpi',
    id: 'tasks_done',
    metric: 'runboard_tasks_done_total',
    type: 'counter',
    unit: '1',
    labels: ['workspace'],
    start: 'a plain task (not an incident or change card) is done for the first time',
    stop: null,
    includesOpen: false,
    statistic: 'count',
    text: {
      en:
        'Tasks done (throughput): plain tasks done for the first time (first moved to a done ' +
        'column, or created in one), each counted once then, on the board or archived; a task ' +
        'moved out of done and back is not counted again; incident and change cards are not ' +
        'counted.',
      'zh-CN':
        '完成的任务（吞吐量）：首次完成的普通任务（首次移入或直接创建在“已完成”类列中），每个' +
        '任务在那时计一次，无论仍在看板上还是已归档；移出已完成后再移回不再重复计数；不含事件卡' +
        '和变更卡。'
    }
  },
  {
    kind: 'process',
    id: 'http_requests',
    metric: 'runboard_http_requests_total',
    type: 'counter',
    unit: '1',
    labels: ['method', 'route', 'status', 'node'],
    start: 'an HTTP request is answered',
    stop: null,
    includesOpen: false,
    statistic: 'count',
    text: {
      en:
        'HTTP requests answered by this node, by method, route id (the SvelteKit route, not ' +
        'the path; "unmatched" when none) and status class (2xx, 3xx, 4xx, 5xx).',
      'zh-CN':
        '本节点应答的 HTTP 请求，按方法、路由 ID（SvelteKit 路由而非实际路径；无匹配时为' +
        ' "unmatched"）和状态码类别（2xx、3xx、4xx、5xx）统计。'
    }
  },
  {
    kind: 'process',
    id: 'http_request_duration',
    metric: 'runboard_http_request_duration_seconds',
    type: 'histogram',
    unit: 'seconds',
    labels: ['method', 'route', 'status', 'node'],
    start: 'an HTTP request reaches the server hooks',
    stop: 'its response is ready (before the body is streamed)',
    includesOpen: false,
    statistic: 'mean, median and p90',
    text: {
      en:
        'Seconds from an HTTP request reaching this node to its response being ready, by ' +
        'method, route id and status class.',
      'zh-CN': '本节点从收到 HTTP 请求到响应就绪的秒数，按方法、路由 ID 和状态码类别统计。'
    }
  },
  {
    kind: 'process',
    id: 'sync_connections',
    metric: 'runboard_sync_connections',
    type: 'gauge',
    unit: '1',
    labels: ['node'],
    start: 'a websocket sync connection is accepted',
    stop: 'it closes',
    includesOpen: true,
    statistic: 'level',
    text: {
      en: 'Websocket sync connections open on this node now.',
      'zh-CN': '本节点当前打开的 WebSocket 同步连接数。'
    }
  },
  {
    kind: 'process',
    id: 'sync_documents_loaded',
    metric: 'runboard_sync_documents_loaded',
    type: 'gauge',
    unit: '1',
    labels: ['node'],
    start: 'a document is loaded into memory on this node',
    stop: 'it is unloaded',
    includesOpen: true,
    statistic: 'level',
    text: {
      en: 'Documents (boards, task documents, runbooks, CMDBs) loaded in memory on this node now.',
      'zh-CN': '本节点当前加载在内存中的文档数（看板、任务文档、运行手册、CMDB）。'
    }
  },
  {
    kind: 'process',
    id: 'sync_messages',
    metric: 'runboard_sync_messages_total',
    type: 'counter',
    unit: '1',
    labels: ['direction', 'node'],
    start: 'a websocket sync message is received (in) or sent (out) by this node',
    stop: null,
    includesOpen: false,
    statistic: 'count',
    text: {
      en: 'Websocket sync messages received (direction="in") and sent (direction="out") by this node.',
      'zh-CN': '本节点收到（direction="in"）和发出（direction="out"）的 WebSocket 同步消息数。'
    }
  },
  {
    kind: 'process',
    id: 'fanout_connected',
    metric: 'runboard_fanout_connected',
    type: 'gauge',
    unit: '1',
    labels: ['node'],
    start: 'the Redis fan-out becomes usable (1) or is lost (0)',
    stop: null,
    includesOpen: true,
    statistic: 'level',
    text: {
      en: 'Whether this node reaches the other nodes through Redis now (1) or serves only its own clients (0; always 0 without REDIS_URL).',
      'zh-CN':
        '本节点当前是否经 Redis 与其他节点互通（1），或只服务本节点的客户端（0；未设置 REDIS_URL 时恒为 0）。'
    }
  },
  {
    kind: 'process',
    id: 'fanout_messages',
    metric: 'runboard_fanout_messages_total',
    type: 'counter',
    unit: '1',
    labels: ['direction', 'node'],
    start: 'a fan-out message is published (out) or received from another node (in)',
    stop: null,
    includesOpen: false,
    statistic: 'count',
    text: {
      en: 'Redis fan-out messages published (direction="out") and received from other nodes (direction="in") by this node.',
      'zh-CN':
        '本节点发布（direction="out"）和从其他节点收到（direction="in"）的 Redis 扇出消息数。'
    }
  },
  {
    kind: 'process',
    id: 'fanout_resyncs',
    metric: 'runboard_fanout_resyncs_total',
    type: 'counter',
    unit: '1',
    labels: ['node'],
    start:
      'a loaded document resyncs with the other nodes by state vector (Redis came back, or a publish failed)',
    stop: null,
    includesOpen: false,
    statistic: 'count',
    text: {
      en: 'Documents this node resynced with the other nodes by state vector after Redis was lost or a publish failed.',
      'zh-CN': '本节点在 Redis 中断或发布失败后，按状态向量与其他节点重新同步的文档次数。'
    }
  },
  {
    kind: 'process',
    id: 'rate_limit_fallbacks',
    metric: 'runboard_rate_limit_fallbacks_total',
    type: 'counter',
    unit: '1',
    labels: ['node'],
    start:
      "a rate-limit check (sign-in, setup, alert intake…) uses this node's own buckets because the shared ones in Redis are unreachable",
    stop: null,
    includesOpen: false,
    statistic: 'count',
    text: {
      en: 'Rate-limit checks this node made against its own buckets because the shared ones (Redis) were unreachable; always 0 without REDIS_URL.',
      'zh-CN':
        '因共享令牌桶（Redis）不可达，本节点改用自身令牌桶进行的限流检查次数；未设置 REDIS_URL 时恒为 0。'
    }
  }
];

/** The definition of `metric`, if it is a KPI. */
export function kpiDefinition(metric: string): KpiDefinition | undefined {
  return KPI_DEFINITIONS.find((definition) => definition.metric === metric);
}

/**
 * A figure of the reports (`GET /api/v1/workspaces/<ws>/reports/kpis`, docs/kpis.md) computed
 * from the records over a range [from, to). Figures that have a metric reuse its definition
 * (`metric`); the others are defined here. Versioned with `KPI_DEFINITIONS_VERSION`.
 */
export interface ReportFigureDefinition {
  id: string;
  /** The metric whose definition this figure shares, if any. */
  metric: string | null;
  unit: 'seconds' | '1' | 'ratio';
  start: string;
  stop: string | null;
  includesOpen: boolean;
  statistic: 'count' | 'level' | 'ratio' | 'mean, median and p90' | 'median and mean';
  text: { en: string; 'zh-CN': string };
}

/** The report-only figures (those without a metric of their own). */
const REPORT_ONLY: readonly ReportFigureDefinition[] = [
  {
    id: 'incidents',
    metric: null,
    unit: '1',
    start: 'incident opened',
    stop: 'incident resolved (final resolution)',
    includesOpen: true,
    statistic: 'count',
    text: {
      en:
        'Incidents: opened in the range (by first opening), resolved in the range (by final ' +
        'resolution), and open at the end of the range (opened before it, not resolved by then).',
      'zh-CN':
        '事件数：范围内打开的（按首次打开时间）、范围内解决的（按最终解决时间），以及范围结束时' +
        '仍未解决的（在此之前打开、到那时尚未解决）。'
    }
  },
  {
    id: 'change_success_rate',
    metric: null,
    unit: 'ratio',
    start: 'a change reaches a final state in the range',
    stop: null,
    includesOpen: false,
    statistic: 'ratio',
    text: {
      en:
        'Change success rate: completed / (completed + failed + rolled_back), of the changes ' +
        'that finished in the range; cancelled and rejected changes are not counted.',
      'zh-CN':
        '变更成功率：范围内结束的变更中 completed / (completed + failed + rolled_back)；' +
        '已取消和已驳回的变更不计入。'
    }
  },
  {
    id: 'change_failure_rate',
    metric: null,
    unit: 'ratio',
    start: 'a change reaches a final state in the range',
    stop: null,
    includesOpen: false,
    statistic: 'ratio',
    text: {
      en:
        'Change failure rate: of the changes that finished in the range (not cancelled or ' +
        'rejected), the share marked as the cause of at least one incident.',
      'zh-CN':
        '变更失败率：范围内结束的变更（不含已取消和已驳回）中，被标记为至少一个事件起因的比例。'
    }
  },
  {
    id: 'change_lead_time',
    metric: null,
    unit: 'seconds',
    start: 'change submitted for approval',
    stop: 'change completed (in the range)',
    includesOpen: false,
    statistic: 'median and mean',
    text: {
      en:
        'Change lead time: seconds from a change being submitted to it being completed, of ' +
        'the changes completed in the range; other outcomes and open changes are not counted.',
      'zh-CN': '变更前置时间：范围内完成的变更从提交到完成的秒数；其他结果和未结束的变更不计入。'
    }
  },
  {
    id: 'cycle_time',
    metric: null,
    unit: 'seconds',
    start: 'a plain task first enters an in-progress column',
    stop: 'its first completion (in the range)',
    includesOpen: false,
    statistic: 'mean, median and p90',
    text: {
      en:
        'Cycle time: seconds from a plain task being started to its first completion, of the ' +
        'tasks counted in throughput that were started; incident and change cards are not counted.',
      'zh-CN': '周期时间：计入吞吐量且开始过的普通任务从开始到首次完成的秒数；不含事件卡和变更卡。'
    }
  },
  {
    id: 'work_in_progress',
    metric: null,
    unit: '1',
    start: 'a plain task is started',
    stop: 'it is done',
    includesOpen: true,
    statistic: 'level',
    text: {
      en:
        'Work in progress: plain tasks on the board started before the end of the range and ' +
        'not done by then.',
      'zh-CN': '在制品：看板上在范围结束前已开始、到那时尚未完成的普通任务数。'
    }
  },
  {
    id: 'overdue',
    metric: null,
    unit: '1',
    start: 'a plain task passes its due time',
    stop: 'it is done',
    includesOpen: true,
    statistic: 'level',
    text: {
      en: 'Overdue: plain tasks on the board due before the end of the range and not done by then.',
      'zh-CN': '逾期：看板上截止时间早于范围结束、到那时尚未完成的普通任务数。'
    }
  },
  {
    id: 'sla_breaches',
    metric: null,
    unit: '1',
    start: 'a plain task falls due in the range',
    stop: 'its first completion',
    includesOpen: true,
    statistic: 'count',
    text: {
      en:
        'SLA breaches: plain tasks due in the range (their due time is the SLA Runboard ' +
        'records) that were not completed by their due time: completed after it, or not ' +
        'completed by the end of the range; breach rate = breaches / tasks due in the range.',
      'zh-CN':
        'SLA 违约：截止时间（Runboard 记录的 SLA）在范围内、却未在截止前完成的普通任务数：' +
        '晚于截止才完成的，或到范围结束仍未完成的；违约率 = 违约数 / 范围内到期的任务数。'
    }
  },
  {
    id: 'alert_noise',
    metric: null,
    unit: '1',
    start: 'incident opened in the range',
    stop: null,
    includesOpen: true,
    statistic: 'ratio',
    text: {
      en:
        'Alert noise: alert occurrences that joined the incidents opened in the range, per ' +
        'incident (mean); open incidents count with the alerts they have so far.',
      'zh-CN':
        '告警噪声：范围内打开的事件平均每个关联的告警实例数；未解决的事件按目前已关联的告警计。'
    }
  },
  {
    id: 'auto_resolved',
    metric: null,
    unit: 'ratio',
    start: 'incident opened in the range',
    stop: 'its final resolution, before the end of the range',
    includesOpen: false,
    statistic: 'ratio',
    text: {
      en:
        'Auto-resolved share: of the incidents opened in the range and resolved by its end, ' +
        'those resolved automatically (their alerts resolved) without anyone acknowledging ' +
        'them before; an acknowledgement after the resolution does not count; open incidents ' +
        'are not counted.',
      'zh-CN':
        '自动恢复占比：范围内打开且在范围结束前解决的事件中，未经任何人确认即自动解决（告警' +
        '恢复）的比例；解决之后的确认不算；未解决的事件不计入。'
    }
  },
  {
    id: 'flapping',
    metric: null,
    unit: '1',
    start: 'incident opened in the range',
    stop: 'its first reopen, before the end of the range',
    includesOpen: true,
    statistic: 'count',
    text: {
      en:
        'Flapping: incidents opened in the range that were reopened (resolved, then firing ' +
        'again) at least once before its end, open or not; share = flapping / opened.',
      'zh-CN':
        '反复（抖动）：范围内打开、在范围结束前至少被重新打开一次（解决后再次告警）的事件数，' +
        '不论现在是否解决；占比 = 抖动事件 / 打开的事件。'
    }
  },
  {
    id: 'oncall_load',
    metric: null,
    unit: '1',
    start: 'an escalation step pages a person in the range',
    stop: null,
    includesOpen: true,
    statistic: 'count',
    text: {
      en:
        'On-call load: pages sent to each person by escalation steps in the range (one per ' +
        'person and step; channels are not people), and night pages, those sent between 22:00 ' +
        "and 07:00 in the report's time zone.",
      'zh-CN':
        '值班负担：范围内各升级步骤呼叫每个人的次数（每人每步一次；频道不算人），以及夜间呼叫，' +
        '即在报表时区 22:00 至次日 07:00 之间发出的呼叫。'
    }
  },
  {
    id: 'deployment_frequency',
    metric: null,
    unit: '1',
    start: 'a change is completed in the range',
    stop: null,
    includesOpen: false,
    statistic: 'ratio',
    text: {
      en:
        'Deployment frequency (DORA): changes completed in the range per day of the range ' +
        '(failed, rolled back, cancelled and rejected changes are not deployments).',
      'zh-CN':
        '部署频率（DORA）：范围内平均每天完成的变更数（失败、回滚、取消和驳回的变更不算部署）。'
    }
  },
  {
    id: 'time_to_restore',
    metric: null,
    unit: 'seconds',
    start: 'an incident caused by a change opens (in the range)',
    stop: 'its final resolution, before the end of the range',
    includesOpen: false,
    statistic: 'median and mean',
    text: {
      en:
        'Time to restore service (DORA): seconds from the opening to the final resolution of ' +
        'the incidents opened in the range that are marked as caused by a change (median); ' +
        'open incidents are not counted. MTTR covers all incidents.',
      'zh-CN':
        '服务恢复时间（DORA）：范围内打开、被标记为由变更引起的事件从打开到最终解决的秒数' +
        '（中位数）；未解决的事件不计入。MTTR 则涵盖所有事件。'
    }
  },
  {
    id: 'automation_success_rate',
    metric: null,
    unit: 'ratio',
    start: 'an automation run ends in the range',
    stop: null,
    includesOpen: false,
    statistic: 'ratio',
    text: {
      en:
        'Automation success rate: succeeded / finished runs that ended in the range, cancelled ' +
        'runs excluded.',
      'zh-CN': '自动化成功率：范围内结束的运行中 succeeded / 已结束的运行（不含已取消）。'
    }
  }
];

function fromMetric(id: string, metricId: string, statistic: ReportFigureDefinition['statistic']) {
  const source = KPI_DEFINITIONS.find((d) => d.id === metricId);
  if (!source) throw new Error(`no KPI definition ${metricId}`);
  return {
    id,
    metric: source.metric,
    unit: source.unit,
    start: source.start,
    stop: source.stop,
    includesOpen: source.includesOpen,
    statistic,
    text: source.text
  } satisfies ReportFigureDefinition;
}

/**
 * Every figure of the reports: MTTA, MTTR and the change and run counts share their metric's
 * definition text (the HELP line), so the API, /metrics and docs say the same thing. Throughput
 * names runboard_tasks_done_total: both count a task once, at its first completion.
 */
export const REPORT_FIGURES: readonly ReportFigureDefinition[] = [
  fromMetric('mtta', 'mtta', 'mean, median and p90'),
  fromMetric('mttr', 'mttr', 'mean, median and p90'),
  fromMetric('changes_finished', 'changes_finished', 'count'),
  fromMetric('automation_runs', 'automation_runs', 'count'),
  fromMetric('throughput', 'tasks_done', 'count'),
  ...REPORT_ONLY
];

/** The report figure `id`. */
export function reportFigure(id: string): ReportFigureDefinition {
  const found = REPORT_FIGURES.find((figure) => figure.id === id);
  if (!found) throw new Error(`no report figure ${id}`);
  return found;
}
