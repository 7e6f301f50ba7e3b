/**
 * The in-app self-evaluation of the AI models (ai/evaluation-store.ts, docs/ai-models.md
 * "Evaluate on your own data"): one row per workspace, its last finished run.
 *
 * - `started_at`, `finished_at` (ISO) and `started_by` (member id): when it ran and who ran it;
 * - `split_at` (ISO): items created from then on were the test items; `split_chosen` (0/1):
 *   whether an admin chose it (else the last quarter of the finished items);
 * - `embedder_id` and `items`: the embedder and the number of history items replayed;
 * - `report`: the figures as JSON (shared/ai/evaluation.ts `evaluationReportSchema`).
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE ai_evaluations (
  workspace_id TEXT PRIMARY KEY,
  started_at   TEXT NOT NULL,
  finished_at  TEXT NOT NULL,
  started_by   TEXT,
  split_at     TEXT NOT NULL,
  split_chosen ${d.int} NOT NULL,
  embedder_id  TEXT NOT NULL,
  items        ${d.int} NOT NULL,
  report       TEXT NOT NULL
${d.tableEnd};
`;
