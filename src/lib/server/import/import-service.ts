/**
 * History import (docs/import.md, docs/design.md §2 `POST …/import?format=`): reads a file,
 * checks every row against the workspace, and either answers a preview or writes it all.
 *
 * All or nothing across two stores: the records (new inactive members, archived items,
 * incident records) are written in ONE records transaction; then the board document gets
 * the new labels and the open items in ONE Yjs transaction, whose checks all run before its
 * first write (a Yjs transaction cannot roll back). If that board update fails, the records
 * written are removed again (ImportStore.undo). The board is not written inside the records
 * transaction on purpose: on SQLite a document append waits for the records lock, which that
 * transaction holds. Audit entries go last (the audit log is append-only).
 */
import type * as Y from 'yjs';
import {
  createTask,
  listColumns,
  listLabels,
  readBoardMeta,
  upsertLabel
} from '../../shared/board/board-model';
import { tasksOf } from '../../shared/board/board-doc';
import type { Task } from '../../shared/board/schema';
import { boardDocName } from '../../shared/doc-name';
import { DomainError } from '../../shared/model/domain-error';
import { generateId } from '../../shared/model/ids';
import { serverOrigin, type UpdateOrigin } from '../../../../sync-server/update-origin';
import type { ArchivedTask } from '../archive/archive-store';
import type { Logger } from '../log';
import {
  buildImportPlan,
  previewOf,
  type BoardFacts,
  type ImportPlan,
  type ImportPreview,
  type PlannedItem
} from './import-plan';
import { isTimeZone } from '../../shared/zoned-time';
import { IMPORT_LIMITS, type ImportFormat, type RowError } from './import-rows';
import type { ImportStore, ImportedIncident, ImportedMember, ImportWrite } from './import-store';
import { parseJiraCsv } from './jira-csv';
import { parseRunboardJson } from './runboard-items';
import { parseTrelloJson } from './trello-export';

/** What the import needs of the DocStore. */
export interface ImportDocs {
  read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T>;
  transact<T>(name: string, fn: (doc: Y.Doc) => T, origin?: UpdateOrigin): Promise<T>;
}

export interface ImportServiceDeps {
  store: Pick<ImportStore, 'members' | 'existingEmails' | 'write' | 'undo' | 'audit'>;
  /** The board's key counter (board-store.ts). */
  numbers: { reserveTaskNumbers(workspaceId: string, count?: number): Promise<number> };
  docs: () => ImportDocs;
  logger: Logger;
  /** Resolves once the board's activity of a transaction is recorded (optional). */
  settled?: (docName: string) => Promise<void>;
  now?: () => number;
}

export interface ImportOptions {
  dryRun: boolean;
  /** IANA zone that dates without a zone are read in (Jira writes local times). */
  timeZone: string;
}

/** What was written. */
export interface ImportSummary {
  archived: number;
  live: number;
  incidents: number;
  membersCreated: number;
  labelsCreated: number;
  /** Keys of the first and last item (consecutive numbers). */
  firstKey: string | null;
  lastKey: string | null;
}

export interface ImportOutcome {
  /** Items written (0 in a dry run or with errors). */
  imported: number;
  preview: ImportPreview;
  errors: RowError[];
  summary: ImportSummary | null;
}

const SEVERITY_OF_PRIORITY: Record<string, string> = {
  urgent: 'critical',
  high: 'high',
  medium: 'warning',
  low: 'info',
  none: 'info'
};

/** New label colours, in turn. */
const LABEL_COLORS = ['#3b82f6', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#06b6d4', '#64748b'];

const EMPTY_PREVIEW: ImportPreview = {
  total: 0,
  archived: 0,
  live: 0,
  byKind: { task: 0, incident: 0, change: 0 },
  byStatus: [],
  newMembers: [],
  newLabels: [],
  sample: []
};

export class ImportService {
  constructor(private readonly deps: ImportServiceDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /**
   * Reads `text` as `format` and imports it into the workspace, or only previews it
   * (`dryRun`). Any bad row: nothing is written and `errors` lists them all.
   */
  async importFile(
    workspaceId: string,
    actorId: string,
    format: ImportFormat,
    text: string,
    options: ImportOptions
  ): Promise<ImportOutcome> {
    if (!isTimeZone(options.timeZone)) {
      throw new DomainError(
        'invalid_input',
        `unknown time zone ${JSON.stringify(options.timeZone)}`
      );
    }
    const parsed =
      format === 'jira-csv'
        ? parseJiraCsv(text, options.timeZone)
        : format === 'trello-json'
          ? parseTrelloJson(text)
          : parseRunboardJson(text, options.timeZone);
    // A file that could not be read at all (syntax, shape, header) has no rows to check.
    if (!parsed.ok && parsed.rows.length === 0) {
      return { imported: 0, preview: EMPTY_PREVIEW, errors: parsed.errors, summary: null };
    }
    const docName = boardDocName(workspaceId);
    const board = await this.deps.docs().read(docName, (doc) => boardFacts(doc));
    const members = await this.deps.store.members(workspaceId);
    const emails = parsed.rows.flatMap((r) =>
      r.assignee?.email ? [r.assignee.email.toLowerCase()] : []
    );
    const userEmails = await this.deps.store.existingEmails(emails);
    const { plan, errors: planErrors } = buildImportPlan(parsed.rows, {
      board,
      members,
      userEmails,
      now: new Date(this.now()).toISOString()
    });
    // Every problem of the file at once, in file order.
    const errors = [...(parsed.ok ? [] : parsed.errors), ...planErrors]
      .sort((a, b) => a.row - b.row)
      .slice(0, IMPORT_LIMITS.maxErrors + 1);
    const preview = previewOf(plan, board, members);
    if (errors.length > 0 || options.dryRun || plan.items.length === 0) {
      return { imported: 0, preview, errors, summary: null };
    }
    const summary = await this.write(workspaceId, actorId, format, plan, board);
    return { imported: plan.items.length, preview, errors: [], summary };
  }

  private async write(
    workspaceId: string,
    actorId: string,
    format: ImportFormat,
    plan: ImportPlan,
    board: BoardFacts & { keyPrefix: string }
  ): Promise<ImportSummary> {
    const nowIso = new Date(this.now()).toISOString();
    const first = await this.deps.numbers.reserveTaskNumbers(workspaceId, plan.items.length);
    // Ids of the new members and labels, fixed before anything is written.
    const memberIds = new Map<string, string>();
    const members: ImportedMember[] = plan.newMembers.map((m) => {
      const userId = generateId();
      memberIds.set(m.ref, userId);
      return {
        userId,
        name: m.name,
        // A person named without an e-mail gets an address that can never receive mail (RFC 2606).
        email: m.email ?? `imported-${userId.toLowerCase()}@import.invalid`
      };
    });
    const labelIds = new Map(board.labels.map((l) => [l.name.trim().toLowerCase(), l.id]));
    const newLabels = plan.newLabels.map((name, i) => {
      const id = generateId();
      labelIds.set(name.toLowerCase(), id);
      return { id, name, color: LABEL_COLORS[i % LABEL_COLORS.length]! };
    });
    const assigneeOf = (item: PlannedItem) =>
      item.assignee === null ? null : (memberIds.get(item.assignee) ?? item.assignee);
    const labelsOf = (item: PlannedItem) =>
      [...new Set(item.labels.map((n) => labelIds.get(n.toLowerCase())!))].sort();

    const archived: ArchivedTask[] = [];
    const incidents: ImportedIncident[] = [];
    const live: Array<{ item: PlannedItem; id: string; key: string }> = [];
    plan.items.forEach((item, index) => {
      const id = generateId();
      const key = `${board.keyPrefix}-${first + index}`;
      const assignee = assigneeOf(item);
      if (item.kind === 'incident') {
        incidents.push({
          id,
          title: item.title,
          severity: SEVERITY_OF_PRIORITY[item.priority] ?? 'info',
          state: item.archived ? 'resolved' : item.acknowledgedAt ? 'acknowledged' : 'triggered',
          taskKey: key,
          assignee,
          openedAt: item.createdAt,
          acknowledgedAt: item.acknowledgedAt,
          resolvedAt: item.archived ? item.resolvedAt : null,
          source: format
        });
      }
      if (!item.archived) {
        live.push({ item, id, key });
        return;
      }
      const finishedAt = [item.doneAt, item.resolvedAt]
        .filter((t): t is string => t !== null)
        .sort()
        .at(-1)!;
      const task: Task = {
        id,
        key,
        title: item.title,
        description: item.description,
        kind: item.kind,
        status: item.columnId,
        position: 'a0',
        assignee,
        priority: item.priority,
        labels: labelsOf(item),
        dueAt: null,
        estimateMinutes: null,
        progress: 100,
        createdAt: item.createdAt,
        createdBy: actorId,
        updatedAt: finishedAt,
        startedAt: item.startedAt,
        acknowledgedAt: item.acknowledgedAt,
        resolvedAt: item.resolvedAt,
        doneAt: item.doneAt,
        archivedAt: null,
        links: [],
        checklistDone: 0,
        checklistTotal: 0,
        commentCount: 0
      };
      archived.push({ workspaceId, task, finishedAt, movedAt: nowIso, item: null, itemIds: [] });
    });

    const batch: ImportWrite = { workspaceId, members, archived, incidents };
    await this.deps.store.write(batch);
    const docName = boardDocName(workspaceId);
    try {
      if (newLabels.length > 0 || live.length > 0) {
        await this.deps.docs().transact(
          docName,
          (doc) => {
            // Every check before the first write: a Yjs transaction cannot be rolled back.
            const columns = new Set(listColumns(doc).map((c) => c.id));
            const tasks = tasksOf(doc);
            for (const { item, id } of live) {
              if (!columns.has(item.columnId)) {
                throw new DomainError('conflict', `column ${item.columnId} was removed meanwhile`);
              }
              if (tasks.has(id)) throw new DomainError('conflict', `task ${id} exists`);
            }
            doc.transact(() => {
              for (const label of newLabels) upsertLabel(doc, label);
              for (const { item, id, key } of live)
                writeLiveCard(doc, item, id, key, actorId, assigneeOf(item), labelsOf(item));
            });
          },
          serverOrigin(actorId)
        );
        await this.deps.settled?.(docName);
      }
    } catch (error) {
      this.deps.logger.error('import: the board update failed; removing the records written', {
        workspaceId,
        error: error instanceof Error ? error.message : String(error)
      });
      await this.deps.store.undo(batch);
      throw error;
    }
    const summary: ImportSummary = {
      archived: archived.length,
      live: live.length,
      incidents: incidents.length,
      membersCreated: members.length,
      labelsCreated: newLabels.length,
      firstKey: `${board.keyPrefix}-${first}`,
      lastKey: `${board.keyPrefix}-${first + plan.items.length - 1}`
    };
    await this.deps.store.audit([
      ...members.map((m) => ({
        workspaceId,
        actorId,
        action: 'import.member_created' as const,
        target: m.userId,
        details: { name: m.name, email: m.email }
      })),
      {
        workspaceId,
        actorId,
        action: 'import.completed' as const,
        target: null,
        details: { format, imported: plan.items.length, ...summary }
      }
    ]);
    return summary;
  }
}

/** The board's columns (with their category), labels and key prefix. */
function boardFacts(doc: Y.Doc): BoardFacts & { keyPrefix: string } {
  return {
    columns: listColumns(doc).map((c) => ({ id: c.id, name: c.name, category: c.category })),
    labels: listLabels(doc).map((l) => ({ id: l.id, name: l.name })),
    keyPrefix: readBoardMeta(doc).keyPrefix
  };
}

/** Writes an open item as a card with its own times and key. */
function writeLiveCard(
  doc: Y.Doc,
  item: PlannedItem,
  id: string,
  key: string,
  actorId: string,
  assignee: string | null,
  labels: string[]
): void {
  createTask(
    doc,
    {
      title: item.title,
      ...(item.description === '' ? {} : { description: item.description }),
      kind: item.kind,
      status: item.columnId,
      assignee,
      priority: item.priority,
      labels
    },
    { actor: actorId, id }
  );
  const map = tasksOf(doc).get(id) as Y.Map<unknown>;
  const times = [item.createdAt, item.startedAt, item.acknowledgedAt].filter(
    (t): t is string => t !== null
  );
  map.set('key', key);
  map.set('createdAt', item.createdAt);
  map.set('updatedAt', times.sort().at(-1) ?? item.createdAt);
  map.set(
    'startedAt',
    item.startedAt ?? (item.category === 'todo' ? null : (item.acknowledgedAt ?? item.createdAt))
  );
  map.set('acknowledgedAt', item.acknowledgedAt);
  map.set('resolvedAt', null);
  map.set('doneAt', null);
}
