/**
 * What duration and assignee prediction read of a workspace (docs/ai-models.md), read-only: the
 * cards of the live board (`task_cards`, every card as `readTask` read it) and of the archive
 * (`archived_tasks`), with their lifecycle times and assignees, and the members with their role
 * and whether their account is active. Label ids stay ids (the board holds their names).
 */
import type { Records } from '../db/records';
import type { TaskLike } from './history';

export interface PredictMember {
  id: string;
  name: string;
  email: string;
  role: string;
  active: boolean;
}

const KINDS = new Set(['task', 'incident', 'change']);
const PRIORITIES = new Set(['urgent', 'high', 'medium', 'low', 'none']);

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A stored card as the history's task shape, or null when it lacks an id or creation time. */
export function taskOfCard(json: string): TaskLike | null {
  let card: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== 'object' || value === null) return null;
    card = value as Record<string, unknown>;
  } catch {
    return null;
  }
  const id = str(card.id);
  const createdAt = str(card.createdAt);
  if (!id || !createdAt) return null;
  const kind = str(card.kind) ?? 'task';
  const priority = str(card.priority) ?? 'none';
  return {
    id,
    title: str(card.title) ?? '',
    description: str(card.description) ?? '',
    kind: (KINDS.has(kind) ? kind : 'task') as TaskLike['kind'],
    priority: (PRIORITIES.has(priority) ? priority : 'none') as TaskLike['priority'],
    labels: Array.isArray(card.labels)
      ? card.labels.filter((l): l is string => typeof l === 'string')
      : [],
    assignee: str(card.assignee),
    createdAt,
    startedAt: str(card.startedAt),
    acknowledgedAt: str(card.acknowledgedAt),
    resolvedAt: str(card.resolvedAt),
    doneAt: str(card.doneAt)
  };
}

export class AiHistoryStore {
  constructor(private readonly records: Records) {}

  /** Every card of the workspace, live and archived (the live card wins), in no order. */
  async tasks(workspaceId: string): Promise<TaskLike[]> {
    const db = this.records.db;
    const byId = new Map<string, TaskLike>();
    const archived = await db
      .selectFrom('archived_tasks')
      .select(['card'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    for (const row of archived) {
      const task = taskOfCard(row.card);
      if (task) byId.set(task.id, task);
    }
    const cards = await db
      .selectFrom('task_cards')
      .select(['card'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    for (const row of cards) {
      const task = taskOfCard(row.card);
      if (task) byId.set(task.id, task);
    }
    return [...byId.values()];
  }

  /** The members of the workspace with their role and whether their account is active. */
  async members(workspaceId: string): Promise<PredictMember[]> {
    const rows = await this.records.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.id', 'users.name', 'users.email', 'users.active', 'memberships.role'])
      .where('memberships.workspace_id', '=', workspaceId)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      role: r.role,
      active: Number(r.active) === 1
    }));
  }
}
