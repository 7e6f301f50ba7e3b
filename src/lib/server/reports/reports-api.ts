/**
 * REST operations of the reports (docs/kpis.md): a workspace's KPIs over a range, each with its
 * definition (shared/reports/kpi-definitions.ts). Read-only; any member.
 */
import { z } from 'zod';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import { workspaceParams } from '../workspaces/workspaces-json';
import { isTimeZone } from './reports-service';

const TAGS = ['reports'] as const;

/** The longest range a report covers. */
const MAX_RANGE_MS = 2 * 366 * 24 * 3600 * 1000;

const isoTime = z.iso
  .datetime({ offset: true })
  .meta({ description: 'ISO 8601 time with `Z` or an offset.' });

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
      .meta({ description: 'Language of the definition texts (default en).' })
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
    throughput: z.number().int().meta({ description: 'Plain tasks done in the range.' }),
    figures: z.object({
      mtta: figure.extend(stats.shape).extend({ bySeverity }),
      mttr: figure.extend(stats.shape).extend({ bySeverity, open: z.number().int() }),
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
      automationSuccessRate: figure
    })
  })
  .meta({ id: 'KpiReport' });

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
    body: await request.runtime.reports.kpis(request.workspaceId, query)
  })
);

export const reportOperations: readonly Operation[] = [getKpisOperation];
