/**
 * The records the metrics start from: the levels that are current state (open incidents per
 * workspace), read once when the process starts. After that the events keep them live
 * (metrics-service.ts); nothing here is polled.
 */
import type { RecordsDb } from '../db/records';

/** Incident states that count as open (alerts-service.ts: triggered → acknowledged → resolved). */
const OPEN_INCIDENT_STATES = ['triggered', 'acknowledged'] as const;

export class MetricsStore {
  constructor(private readonly db: RecordsDb) {}

  /** Open incidents per workspace id, in one query. */
  async openIncidentsByWorkspace(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('incidents')
      .select(['workspace_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('state', 'in', [...OPEN_INCIDENT_STATES])
      .groupBy('workspace_id')
      .execute();
    return new Map(rows.map((row) => [row.workspace_id, Number(row.n)]));
  }
}
