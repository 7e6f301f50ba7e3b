/**
 * The last in-app evaluation of the AI models per workspace (`ai_evaluations`, migration 23;
 * evaluation-runner.ts). Rows in, rows out: the report is kept as JSON and checked by its schema
 * when read back, so a row written by another version that no longer fits reads as none.
 */
import { evaluationReportSchema, type EvaluationResultJson } from '../../shared/ai/evaluation';
import type { Records } from '../db/records';

export class AiEvaluationStore {
  constructor(private readonly records: Records) {}

  /** The workspace's last finished evaluation, or null. */
  async get(workspaceId: string): Promise<EvaluationResultJson | null> {
    const row = await this.records.db
      .selectFrom('ai_evaluations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!row) return null;
    let report: unknown;
    try {
      report = JSON.parse(row.report);
    } catch {
      return null;
    }
    const parsed = evaluationReportSchema.safeParse(report);
    if (!parsed.success) return null;
    return {
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      startedBy: row.started_by,
      splitAt: row.split_at,
      splitChosen: Number(row.split_chosen) === 1,
      embedderId: row.embedder_id,
      items: Number(row.items),
      report: parsed.data
    };
  }

  /** Replaces the workspace's last evaluation. */
  async put(workspaceId: string, result: EvaluationResultJson): Promise<void> {
    const values = {
      started_at: result.startedAt,
      finished_at: result.finishedAt,
      started_by: result.startedBy,
      split_at: result.splitAt,
      split_chosen: result.splitChosen ? 1 : 0,
      embedder_id: result.embedderId,
      items: result.items,
      report: JSON.stringify(result.report)
    };
    await this.records.db
      .insertInto('ai_evaluations')
      .values({ workspace_id: workspaceId, ...values })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
      .execute();
  }
}
