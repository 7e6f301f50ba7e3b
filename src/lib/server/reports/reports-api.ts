/**
 * REST operations of the reports (docs/kpis.md): a workspace's KPIs over a range, each with its
 * definition (shared/reports/kpi-definitions.ts), filtered by service, label, team and severity,
 * with a series and the previous range; and the items behind any figure (the drill-down).
 * Read-only; any member.
 */
import { z } from 'zod';
import { pageQuery, pageReply, pageResponse } from '$lib/server/api/list-page';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import type { MemberContext } from '$lib/server/api/request-context';
import { SEVERITIES } from '$lib/shared/alerts/schema';
import { listLabels } from '$lib/shared/board/board-model';
import { boardDocName } from '$lib/shared/doc-name';
import { workspaceParams } from '../workspaces/workspaces-json';
import type { ReportFilters } from './report-filters';
import { isTimeZone } from '../../shared/zoned-time';
import { DRILL_DOWN_FIGURES } from './reports-service';

const TAGS = ['reports'] as const;

/** The longest range a report covers. */
const MAX_RANGE_MS = 2 * 366 * 24 * 3600 * 1000;

const isoTime = z.iso
  .datetime({ offset: true })
  .meta({ description: 'ISO 8601 time with `Z` or an offset.' });

const filterText = z.string().trim().min(1).max(200);

/** The filters (docs/kpis.md, "Filters"): AND-ed, applied to the rows of every figure they can. */
const filterShape = {
  service: filterText.optional().meta({
    description:
      "Service: an incident's service label value (the integration's `serviceLabel`) or a " +
      'linked CI of type service; a task or change by a board label of that name or a link to ' +
      'such a CI.'
  }),
  label: filterText
    .optional()
    .meta({ description: 'A board label (name or id) on the task, incident or change card.' }),
  team: filterText.optional().meta({
    description:
      'The escalation policy (name or id) an incident was routed to. Tasks, changes and runs ' +
      'have no team (listed in `unfiltered`).'
  }),
  severity: z.enum(SEVERITIES).optional().meta({ description: "The incident's severity." })
};

export const kpiQuerySchema = z
  .object({
    from: isoTime.meta({ description: 'Start of the range (inclusive), ISO 8601.' }),
    to: isoTime.meta({ description: 'End of the range (exclusive), ISO 8601.' }),
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, 'not a known IANA time zone')
      .optional()
      .meta({ description: 'IANA time zone of the per-day buckets (default UTC).' }),
    locale: z
      .enum(['en', 'zh-CN'])
      .optional()
      .meta({ description: 'Language of the definition texts (default en).' }),
    ...filterShape,
    compare: z
      .enum(['previous'])
      .optional()
      .meta({ description: '`previous`: add the headline figures of the range just before.' })
  })
  .strict()
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), {
    message: '`to` must be after `from`',
    path: ['to']
  })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_MS, {
    message: 'the range may cover at most two years',
    path: ['to']
  });

const figure = z.object({
  value: z.number().nullable(),
  unit: z.enum(['seconds', '1', 'ratio']),
  definition: z.object({ id: z.string(), version: z.number().int(), text: z.string() })
});
const stats = z.object({
  count: z.number().int(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
  p90: z.number().nullable()
});
const bySeverity = z.record(z.string(), stats);
const grouped = { bySeverity, byService: bySeverity, byTeam: bySeverity };
const count = z.number().int();
const nullableNumber = z.number().nullable();
const seriesPoint = z.object({
  start: z.string(),
  end: z.string(),
  incidentsOpened: count,
  alertsReceived: count,
  mttaSeconds: nullableNumber,
  mttrSeconds: nullableNumber,
  changesFinished: count,
  changesFailed: count.meta({ description: 'Changes marked as the cause of an incident.' }),
  changeFailureRate: nullableNumber,
  throughput: count,
  cycleTimeSeconds: nullableNumber.meta({ description: 'Median.' }),
  runsFinished: count,
  runsSucceeded: count
});

export const kpiReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    definitionsVersion: z.number().int(),
    mttaSeconds: z.number().nullable().meta({ description: 'Mean seconds to acknowledge.' }),
    mttrSeconds: z.number().nullable().meta({ description: 'Mean seconds to resolve.' }),
    incidents: z.number().int().meta({ description: 'Incidents opened in the range.' }),
    changeSuccessRate: z.number().nullable(),
    throughput: z
      .number()
      .int()
      .meta({ description: 'Plain tasks done for the first time in the range.' }),
    filters: z.object({
      service: z.string().nullable(),
      label: z.string().nullable(),
      team: z.string().nullable(),
      severity: z.string().nullable()
    }),
    unfiltered: z
      .array(z.string())
      .meta({ description: 'Keys of `figures` the given filters could not narrow.' }),
    figures: z.object({
      mtta: figure.extend(stats.shape).extend(grouped),
      mttr: figure.extend(stats.shape).extend({ ...grouped, open: z.number().int() }),
      incidents: figure.extend({
        opened: z.number().int(),
        resolved: z.number().int(),
        openAtEnd: z.number().int()
      }),
      changesFinished: figure.extend({ byOutcome: z.record(z.string(), z.number().int()) }),
      changeSuccessRate: figure,
      changeFailureRate: figure.extend({ caused: z.number().int(), finished: z.number().int() }),
      changeLeadTime: figure.extend({
        count: z.number().int(),
        median: z.number().nullable(),
        mean: z.number().nullable()
      }),
      throughput: figure.extend({
        byDay: z.array(z.object({ day: z.string(), count: z.number().int() }))
      }),
      cycleTime: figure.extend(stats.shape),
      workInProgress: figure,
      overdue: figure,
      automationRuns: figure.extend({ byState: z.record(z.string(), z.number().int()) }),
      automationSuccessRate: figure,
      alertNoise: figure.extend({
        alerts: count,
        incidents: count,
        alertsReceived: count,
        autoResolved: figure.extend({ count, resolved: count }),
        flapping: figure.extend({ share: nullableNumber })
      }),
      oncallLoad: figure.extend({
        nightPages: count,
        byPerson: z.array(
          z.object({
            person: z.string().meta({ description: 'User id (older pages: the name paged).' }),
            pages: count,
            nightPages: count
          })
        )
      }),
      slaBreaches: figure.extend({ due: count, met: count, breachRate: nullableNumber }),
      dora: z.object({
        deploymentFrequency: figure.extend({ deployments: count, days: z.number() }),
        leadTimeForChanges: figure.extend({
          count,
          median: nullableNumber,
          mean: nullableNumber
        }),
        changeFailureRate: figure.extend({ caused: count, finished: count }),
        timeToRestore: figure.extend({ count, median: nullableNumber, mean: nullableNumber })
      })
    }),
    series: z.object({
      bucket: z.enum(['day', 'week', 'month']),
      points: z.array(seriesPoint)
    }),
    previous: z
      .object({
        from: z.string(),
        to: z.string(),
        mttaSeconds: nullableNumber,
        mttrSeconds: nullableNumber,
        incidents: count,
        changeSuccessRate: nullableNumber,
        changeFailureRate: nullableNumber,
        throughput: count,
        cycleTimeSeconds: nullableNumber,
        automationSuccessRate: nullableNumber,
        alertsPerIncident: nullableNumber
      })
      .optional()
      .meta({ description: 'With `compare=previous`: the range just before, as long.' })
  })
  .meta({ id: 'KpiReport' });

/**
 * The report filters of a query, with the label names resolved to the board's label ids (tasks
 * carry ids): `label` names one label (by name, case-insensitive, or id); `service` also
 * matches the labels of that name.
 */
async function reportFilters(
  request: MemberContext,
  query: {
    service?: string | undefined;
    label?: string | undefined;
    team?: string | undefined;
    severity?: string | undefined;
  }
): Promise<ReportFilters> {
  const filters: ReportFilters = {
    service: query.service,
    label: query.label,
    team: query.team,
    severity: query.severity
  };
  if (query.label === undefined && query.service === undefined) return filters;
  const labels = await request.runtime.docStore.read(boardDocName(request.workspaceId), (doc) =>
    listLabels(doc)
  );
  const named = (name: string) =>
    labels
      .filter((l) => l.id === name || l.name.trim().toLowerCase() === name.trim().toLowerCase())
      .map((l) => l.id);
  if (query.label !== undefined) filters.labelIds = named(query.label);
  if (query.service !== undefined) filters.serviceLabelIds = named(query.service);
  return filters;
}

export const getKpisOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/reports/kpis',
    operationId: 'getKpis',
    summary: 'KPIs over a time range',
    description:
      'MTTA and MTTR (mean, median, p90, by severity), incident counts, change success and ' +
      'failure rates and lead time, task throughput (per day in `timeZone`), cycle time, work ' +
      'in progress and overdue work, and automation runs, over [`from`, `to`) (at most two ' +
      'years). Each figure carries its definition; docs/kpis.md.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: kpiQuerySchema,
    responses: { 200: { description: 'The figures.', schema: kpiReportSchema } }
  },
  async ({ request, query }) => ({
    status: 200,
    body: await request.runtime.reports.kpis(request.workspaceId, {
      from: query.from,
      to: query.to,
      timeZone: query.timeZone,
      locale: query.locale,
      compare: query.compare,
      filters: await reportFilters(request, query)
    })
  })
);

const itemsQuerySchema = z
  .object({
    figure: z
      .enum(DRILL_DOWN_FIGURES)
      .meta({ description: 'The figure whose items to list (a definition id, docs/kpis.md).' }),
    from: isoTime.meta({ description: 'Start of the range (inclusive), ISO 8601.' }),
    to: isoTime.meta({ description: 'End of the range (exclusive), ISO 8601.' }),
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, 'not a known IANA time zone')
      .optional()
      .meta({ description: 'IANA time zone of the series buckets and night hours (default UTC).' }),
    ...filterShape,
    bucket: isoTime
      .optional()
      .meta({ description: "A series point's `start`: only the items of that bucket." }),
    group: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({
        description:
          'A group of the figure (a key of bySeverity, byService, byTeam; a person of ' +
          'oncallLoad): only its items.'
      }),
    groupBy: z
      .enum(['severity', 'service', 'team', 'person'])
      .optional()
      .meta({ description: 'Which grouping `group` names (absent: any).' }),
    ...pageQuery({ defaultLimit: 100, maxLimit: 1000 })
  })
  .strict()
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), {
    message: '`to` must be after `from`',
    path: ['to']
  })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_MS, {
    message: 'the range may cover at most two years',
    path: ['to']
  });

const reportItemSchema = z
  .object({
    type: z.enum(['incident', 'task', 'change', 'run']),
    id: z.string(),
    key: z.string().nullable(),
    title: z.string(),
    url: z
      .string()
      .meta({ description: 'Deep link: /w/<ws>/incidents|tasks|changes/<key>, runs/<id>.' }),
    at: z.string().meta({ description: 'The event counted (ISO): what places it in a bucket.' }),
    valueSeconds: z
      .number()
      .nullable()
      .meta({ description: 'The duration it contributes (durations; SLA: seconds late).' })
  })
  .meta({ id: 'ReportItem' });

export const listReportItemsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/reports/items',
    operationId: 'listReportItems',
    summary: 'The items behind a KPI',
    description:
      'The incidents, tasks, changes or runs a figure of `GET reports/kpis` counted over the same ' +
      'range and filters, in the order of the event counted: for a count its items, for a ' +
      'duration the items measured (with `valueSeconds`), for a rate the items of its numerator. ' +
      '`bucket` narrows to one series point, `group` to one group. docs/kpis.md.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: itemsQuerySchema,
    responses: { 200: pageResponse('The items, oldest event first.', z.array(reportItemSchema)) }
  },
  async ({ event, request, query }) => {
    const items = await request.runtime.reports.items(request.workspaceId, {
      figure: query.figure,
      from: query.from,
      to: query.to,
      timeZone: query.timeZone,
      bucket: query.bucket,
      group: query.group,
      groupBy: query.groupBy,
      filters: await reportFilters(request, query)
    });
    return pageReply(items, query, event.url);
  }
);

export const reportOperations: readonly Operation[] = [getKpisOperation, listReportItemsOperation];
