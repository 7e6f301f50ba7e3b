/**
 * Matches parsed import rows against the workspace: each status to a board column, each label
 * to a board label (or a new one), each assignee to a member (or a new inactive member), and
 * checks the times. The result is the plan the service writes in one go, or every problem
 * with its row; and a preview of either. Pure: the board and members are handed in.
 */
import {
  ErrorList,
  IMPORT_LIMITS,
  statusCategoryOf,
  type ImportKind,
  type ImportPriority,
  type ImportRow,
  type RowError,
  type StatusCategory
} from './import-rows';

/** What the plan needs of the board. */
export interface BoardFacts {
  columns: ReadonlyArray<{ id: string; name: string; category: StatusCategory }>;
  labels: ReadonlyArray<{ id: string; name: string }>;
}

/** A member of the workspace (active or not). */
export interface MemberFacts {
  userId: string;
  name: string;
  email: string;
}

/** A member the import creates: inactive, cannot sign in, holds the history. */
export interface NewMember {
  /** The plan's handle for it (`new:<n>`). */
  ref: string;
  name: string;
  /** The e-mail the file gave; null when it named the person only. */
  email: string | null;
}

/** An item as it will be written. */
export interface PlannedItem {
  row: number;
  title: string;
  description: string;
  kind: ImportKind;
  columnId: string;
  category: StatusCategory;
  priority: ImportPriority;
  /** Label names, as on the board or new (`newLabels`). */
  labels: string[];
  /** A member id, a `new:<n>` ref of `newMembers`, or null. */
  assignee: string | null;
  createdAt: string;
  startedAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  doneAt: string | null;
  /** Finished: goes straight to the archive. */
  archived: boolean;
  sourceKey: string | null;
}

export interface ImportPlan {
  items: PlannedItem[];
  newMembers: NewMember[];
  /** Label names to add to the board. */
  newLabels: string[];
}

export interface PlanContext {
  board: BoardFacts;
  members: readonly MemberFacts[];
  /** Users (any workspace) by lower-case e-mail, for e-mails of people who are not members. */
  userEmails: ReadonlySet<string>;
  /** Now, ISO (times after now plus a day are refused). */
  now: string;
}

export type PlanResult = { plan: ImportPlan; errors: RowError[] };

const DAY_MS = 24 * 60 * 60 * 1000;
const TIME_FIELDS = ['startedAt', 'acknowledgedAt', 'resolvedAt', 'doneAt'] as const;

function pickColumn(
  board: BoardFacts,
  row: ImportRow
): { id: string; category: StatusCategory } | null {
  const wanted = row.status.trim();
  const lower = wanted.toLowerCase();
  const byId = board.columns.find((c) => c.id === wanted);
  if (byId) return byId;
  const byName = board.columns.find((c) => c.name.trim().toLowerCase() === lower);
  if (byName) return byName;
  const category =
    statusCategoryOf(wanted) ??
    (row.strictStatus
      ? null
      : (row.categoryHint ?? (row.doneAt !== null || row.resolvedAt !== null ? 'done' : 'todo')));
  if (category === null) return null;
  return board.columns.find((c) => c.category === category) ?? null;
}

/** Builds the plan of `rows`; errors are every row that cannot be imported as it is. */
export function buildImportPlan(rows: readonly ImportRow[], ctx: PlanContext): PlanResult {
  const errors = new ErrorList();
  const nowMs = Date.parse(ctx.now);
  const membersByEmail = new Map(ctx.members.map((m) => [m.email.toLowerCase(), m.userId]));
  const membersByName = new Map<string, string | null>();
  for (const m of ctx.members) {
    const key = m.name.trim().toLowerCase();
    if (key === '') continue;
    // Two members of one name: a name alone cannot say which.
    membersByName.set(key, membersByName.has(key) ? null : m.userId);
  }
  const labelNames = new Map(ctx.board.labels.map((l) => [l.name.trim().toLowerCase(), l.name]));
  const newLabels = new Map<string, string>();
  const newMembers = new Map<string, NewMember>();
  const items: PlannedItem[] = [];
  const columnNames = ctx.board.columns.map((c) => c.name).join(', ');

  for (const row of rows) {
    const before = errors.size;
    const column = pickColumn(ctx.board, row);
    if (column === null) {
      errors.add(row.row, 'import.row.unknownStatus', { status: row.status, columns: columnNames });
      continue;
    }
    const finished = column.category === 'done';
    let doneAt = row.doneAt;
    let resolvedAt = row.resolvedAt;
    if (finished) {
      doneAt ??= resolvedAt;
      if (row.kind === 'incident') resolvedAt ??= doneAt;
      if (doneAt === null) errors.add(row.row, 'import.row.finishedWithoutTime');
    } else if (doneAt !== null || (row.kind === 'incident' && resolvedAt !== null)) {
      if (row.strictStatus) errors.add(row.row, 'import.row.openButDone', { status: row.status });
      doneAt = null;
      if (row.kind === 'incident') resolvedAt = null;
    }
    const times = {
      startedAt: row.startedAt,
      acknowledgedAt: row.acknowledgedAt,
      resolvedAt,
      doneAt
    };
    const created = Date.parse(row.createdAt);
    if (created > nowMs + DAY_MS) {
      errors.add(row.row, 'import.row.timeInFuture', { field: 'createdAt' });
    }
    for (const field of TIME_FIELDS) {
      const at = times[field];
      if (at === null) continue;
      const ms = Date.parse(at);
      if (ms < created) errors.add(row.row, 'import.row.timeBeforeCreated', { field });
      else if (ms > nowMs + DAY_MS) errors.add(row.row, 'import.row.timeInFuture', { field });
    }
    // Labels: the board's, by name; others become new labels.
    const labels: string[] = [];
    for (const raw of row.labels) {
      const name = raw.trim().slice(0, 40);
      if (name === '') continue;
      const key = name.toLowerCase();
      const existing = labelNames.get(key) ?? newLabels.get(key);
      if (existing === undefined) newLabels.set(key, name);
      labels.push(existing ?? name);
    }
    if (labels.length > IMPORT_LIMITS.maxLabels) {
      errors.add(row.row, 'import.row.tooManyLabels', { max: IMPORT_LIMITS.maxLabels });
    }
    // The assignee: a member by e-mail or by name, or a new inactive member.
    let assignee: string | null = null;
    if (row.assignee !== null) {
      const email = row.assignee.email?.toLowerCase() ?? null;
      const name = row.assignee.name?.trim() ?? null;
      if (email !== null) {
        const member = membersByEmail.get(email);
        if (member !== undefined) assignee = member;
        else if (ctx.userEmails.has(email)) {
          errors.add(row.row, 'import.row.assigneeNotMember', { email: row.assignee.email ?? '' });
        } else {
          const ref = newMembers.get(`email:${email}`)?.ref ?? `new:${newMembers.size}`;
          if (!newMembers.has(`email:${email}`)) {
            newMembers.set(`email:${email}`, {
              ref,
              name: name ?? row.assignee.email!.split('@')[0]!,
              email: row.assignee.email!
            });
          }
          assignee = ref;
        }
      } else if (name !== null) {
        const key = name.toLowerCase();
        const member = membersByName.get(key);
        if (member === null) {
          errors.add(row.row, 'import.row.assigneeAmbiguous', { name });
        } else if (member !== undefined) {
          assignee = member;
        } else {
          const existing = newMembers.get(`name:${key}`);
          const ref = existing?.ref ?? `new:${newMembers.size}`;
          if (!existing) newMembers.set(`name:${key}`, { ref, name, email: null });
          assignee = ref;
        }
      }
    }
    if (errors.size > before) continue;
    items.push({
      row: row.row,
      title: row.title,
      description: row.description,
      kind: row.kind,
      columnId: column.id,
      category: column.category,
      priority: row.priority,
      labels: [...new Set(labels)],
      assignee,
      createdAt: row.createdAt,
      startedAt: times.startedAt,
      acknowledgedAt: times.acknowledgedAt,
      resolvedAt: times.resolvedAt,
      doneAt: times.doneAt,
      archived: finished,
      sourceKey: row.sourceKey
    });
  }
  // Members named in several rows by e-mail and by name alone are still one person only
  // when the file says so; the same name with and without e-mail stays two entries.
  return {
    plan: { items, newMembers: [...newMembers.values()], newLabels: [...newLabels.values()] },
    errors: errors.items
  };
}

/** What an import does, or would do (the preview; docs/import.md). */
export interface ImportPreview {
  total: number;
  /** Finished items, straight to the archive. */
  archived: number;
  /** Open items, onto the board. */
  live: number;
  byKind: Record<ImportKind, number>;
  byStatus: Array<{ columnId: string; column: string; category: StatusCategory; count: number }>;
  newMembers: Array<{ name: string; email: string | null }>;
  newLabels: string[];
  /** The first rows as they will be written. */
  sample: Array<{
    row: number;
    /** The item's key or id in the source (Jira issue key, Trello short link). */
    sourceKey: string | null;
    title: string;
    kind: ImportKind;
    column: string;
    assignee: string | null;
    createdAt: string;
    doneAt: string | null;
  }>;
}

/** Rows the preview shows. */
export const PREVIEW_SAMPLE_ROWS = 100;

/** The preview of `plan`. */
export function previewOf(
  plan: ImportPlan,
  board: BoardFacts,
  members: readonly MemberFacts[]
): ImportPreview {
  const byKind: Record<ImportKind, number> = { task: 0, incident: 0, change: 0 };
  const byColumn = new Map<string, number>();
  for (const item of plan.items) {
    byKind[item.kind]++;
    byColumn.set(item.columnId, (byColumn.get(item.columnId) ?? 0) + 1);
  }
  const names = new Map<string, string>(members.map((m) => [m.userId, m.name || m.email]));
  for (const m of plan.newMembers) names.set(m.ref, m.name);
  const columnName = new Map(board.columns.map((c) => [c.id, c.name]));
  return {
    total: plan.items.length,
    archived: plan.items.filter((i) => i.archived).length,
    live: plan.items.filter((i) => !i.archived).length,
    byKind,
    byStatus: board.columns
      .filter((c) => byColumn.has(c.id))
      .map((c) => ({
        columnId: c.id,
        column: c.name,
        category: c.category,
        count: byColumn.get(c.id) ?? 0
      })),
    newMembers: plan.newMembers.map((m) => ({ name: m.name, email: m.email })),
    newLabels: plan.newLabels,
    sample: plan.items.slice(0, PREVIEW_SAMPLE_ROWS).map((i) => ({
      row: i.row,
      sourceKey: i.sourceKey,
      title: i.title,
      kind: i.kind,
      column: columnName.get(i.columnId) ?? i.columnId,
      assignee: i.assignee === null ? null : (names.get(i.assignee) ?? null),
      createdAt: i.createdAt,
      doneAt: i.doneAt
    }))
  };
}
