/**
 * The anomalies of a report's range (GET ai/anomalies, docs/ai.md "Anomalies"), for the bands
 * on the charts and the list on the reports page: all pages of events, and how many groups were
 * checked (the API scores only the busiest; its headers say so).
 */
import { z } from 'zod';
import { anomalyEventSchema, type AnomalyEventJson } from '../shared/ai/anomaly';
import type { ReportQuery } from './report-data';

export interface ReportAnomalies {
  events: AnomalyEventJson[];
  groupsTotal: number;
  groupsEvaluated: number;
}

/** Most events asked for (one page of the API's largest). */
const LIMIT = 500;

/** The events starting in the report's range, with its service and label filters. */
export async function fetchAnomalies(ws: string, query: ReportQuery): Promise<ReportAnomalies> {
  const params = new URLSearchParams({ from: query.from, to: query.to, limit: String(LIMIT) });
  if (query.service !== null) params.set('service', query.service);
  if (query.label !== null) params.set('label', query.label);
  const response = await fetch(
    `/api/v1/workspaces/${encodeURIComponent(ws)}/ai/anomalies?${params}`,
    { headers: { accept: 'application/json' } }
  );
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const events = z.array(anomalyEventSchema).parse(await response.json());
  return {
    events,
    groupsTotal: Number(response.headers.get('x-anomaly-groups-total') ?? events.length),
    groupsEvaluated: Number(response.headers.get('x-anomaly-groups-evaluated') ?? events.length)
  };
}
