/**
 * Indexes the reports read by (reports/reports-store.ts, docs/kpis.md): a range of a workspace's
 * incidents by final resolution and its changes and automation runs by when they finished, so a
 * report reads only the rows of its range.
 */
import type { DialectSql } from '../dialect';

export const sql = (_d: DialectSql) => `
CREATE INDEX incidents_by_resolution ON incidents (workspace_id, resolved_at);
CREATE INDEX changes_by_finish ON changes (workspace_id, finished_at);
CREATE INDEX automation_runs_by_finish ON automation_runs (workspace_id, finished_at);
`;
