/**
 * The query model of the task list: which tasks to show (text, status, assignee, label,
 * priority, kind, due, archived) and in what order. Framework-free, so the list page, the
 * "my tasks" page and any server code agree on what a query means; it round-trips through URL
 * search parameters, so a filtered list is a link that can be shared or bookmarked.
 */
import { z } from 'zod';
import { ID_PATTERN } from '../doc-name';
import { prioritySchema, taskKindSchema, type Column, type Priority, type Task } from './schema';

/** Longest search text, in characters (like the REST filter `q`). */
export const MAX_QUERY_TEXT_LENGTH = 200;
/** Most values of one list filter (a URL is no place for thousands of ids). */
export const MAX_QUERY_VALUES = 100;

/** The assignee filter value that stands for "no assignee". */
export const UNASSIGNED = 'none';
/** The assignee filter value that stands for the signed-in member (resolved by the caller). */
export const ME = 'me';

export const dueFilterSchema = z.enum(['any', 'overdue', 'today', 'week', 'none']);
export type DueFilter = z.infer<typeof dueFilterSchema>;

export const archivedFilterSchema = z.enum(['exclude', 'include', 'only']);
export type ArchivedFilter = z.infer<typeof archivedFilterSchema>;

export const sortFieldSchema = z.enum([
  'key',
  'title',
  'status',
  'assignee',
  'priority',
  'dueAt',
  'updatedAt',
  'createdAt',
  'estimate',
  'progress'
]);
export type SortField = z.infer<typeof sortFieldSchema>;

export const sortDirSchema = z.enum(['asc', 'desc']);
export type SortDir = z.infer<typeof sortDirSchema>;

export const taskSortSchema = z.object({ field: sortFieldSchema, dir: sortDirSchema });
export type TaskSort = z.infer<typeof taskSortSchema>;

const filterIdSchema = z.string().regex(ID_PATTERN);

export const taskQuerySchema = z.object({
  text: z.string().max(MAX_QUERY_TEXT_LENGTH),
  /** Column ids; any of them. */
  status: z.array(filterIdSchema).max(MAX_QUERY_VALUES),
  /** Member ids, `none` for unassigned, `me` for the caller; any of them. */
  assignee: z.array(filterIdSchema).max(MAX_QUERY_VALUES),
  /** Label ids; the task carries at least one of them. */
  label: z.array(filterIdSchema).max(MAX_QUERY_VALUES),
  priority: z.array(prioritySchema).max(MAX_QUERY_VALUES),
  kind: z.array(taskKindSchema).max(MAX_QUERY_VALUES),
  due: dueFilterSchema,
  archived: archivedFilterSchema,
  sort: taskSortSchema
});
export type TaskQuery = z.infer<typeof taskQuerySchema>;

/** The list filters of a query (the fields holding arrays). */
export type ListFilterField = 'status' | 'assignee' | 'label' | 'priority' | 'kind';
/** Every list filter field, in the order the UI shows them. */
export const LIST_FILTER_FIELDS: readonly ListFilterField[] = [
  'status',
  'assignee',
  'label',
  'priority',
  'kind'
];

/** The query that shows every open task, most recently changed first. */
export const DEFAULT_TASK_QUERY: TaskQuery = Object.freeze<TaskQuery>({
  text: '',
  status: [],
  assignee: [],
  label: [],
  priority: [],
  kind: [],
  due: 'any',
  archived: 'exclude',
  sort: { field: 'updatedAt', dir: 'desc' }
});

/** Validates `input` as a query; throws a ZodError when it is not one. */
export function parseTaskQuery(input: unknown): TaskQuery {
  return taskQuerySchema.parse(input);
}

/** Whether two queries select and order the same (list order does not matter). */
export function sameQuery(a: TaskQuery, b: TaskQuery): boolean {
  const sameSet = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && x.every((value) => y.includes(value));
  return (
    a.text.trim() === b.text.trim() &&
    LIST_FILTER_FIELDS.every((field) => sameSet(a[field], b[field])) &&
    a.due === b.due &&
    a.archived === b.archived &&
    a.sort.field === b.sort.field &&
    a.sort.dir === b.sort.dir
  );
}

/** Whether `query` filters at all (text, a list filter, due, or archived other than 'exclude'). */
export function hasFilters(query: TaskQuery): boolean {
  return (
    query.text.trim() !== '' ||
    LIST_FILTER_FIELDS.some((field) => query[field].length > 0) ||
    query.due !== 'any' ||
    query.archived !== 'exclude'
  );
}

/** `query` with `me` in the assignee filter replaced by `userId` (so it can be matched). */
export function resolveMe(query: TaskQuery, userId: string): TaskQuery {
  if (!query.assignee.includes(ME)) return query;
  const assignee = [...new Set(query.assignee.map((id) => (id === ME ? userId : id)))];
  return { ...query, assignee };
}

// ---------------------------------------------------------------------------------------------
// Matching

const DAY_MS = 24 * 60 * 60 * 1000;

/** Midnight (local time) at the start of the day of `now`, in ms. */
export function startOfDay(now: Date | number): number {
  const day = new Date(typeof now === 'number' ? now : now.getTime());
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/**
 * Lower-cased search text of a task. Tasks are immutable snapshots (a change replaces the
 * object), so caching per object is safe and spares re-lowercasing long descriptions on every
 * keystroke in the search box.
 */
const haystacks = new WeakMap<Task, string>();

function haystackOf(task: Task): string {
  let haystack = haystacks.get(task);
  if (haystack === undefined) {
    haystack = `${task.key ?? ''}\n${task.title}\n${task.description}`.toLowerCase();
    haystacks.set(task, haystack);
  }
  return haystack;
}

/** The search terms of `text`: whitespace-separated, lower-cased (Chinese is unaffected). */
function searchTerms(text: string): string[] {
  return text.trim().toLowerCase().split(/\s+/u).filter(Boolean);
}

function matchesDue(task: Task, due: DueFilter, now: Date): boolean {
  if (due === 'any') return true;
  if (due === 'none') return task.dueAt === null;
  if (task.dueAt === null) return false;
  const at = Date.parse(task.dueAt);
  if (due === 'overdue') return task.doneAt === null && at < now.getTime();
  const today = startOfDay(now);
  if (due === 'today') return at >= today && at < today + DAY_MS;
  return at >= today && at < today + 7 * DAY_MS;
}

function matchesTerms(task: Task, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const haystack = haystackOf(task);
  return terms.every((term) => haystack.includes(term));
}

function matchesArchived(task: Task, archived: ArchivedFilter): boolean {
  if (archived === 'include') return true;
  return (task.archivedAt !== null) === (archived === 'only');
}

/**
 * Whether `task` passes every filter of `query` at time `now`. Within a list filter any value
 * matches; between filters all must hold. The text matches when each whitespace-separated term
 * is a substring of the key, title or description (case-insensitive; descriptions live in task
 * documents now, so on a card the description is empty once moved). `due` ranges are local
 * days: 'today' is today, 'week' today and the six days after; 'overdue' excludes done tasks.
 */
export function matchesQuery(task: Task, query: TaskQuery, now: Date): boolean {
  return matcher(query, now)(task);
}

/** A predicate for `query`, with the per-query work (terms, sets) done once. */
function matcher(query: TaskQuery, now: Date): (task: Task) => boolean {
  const terms = searchTerms(query.text);
  const status = query.status.length > 0 ? new Set(query.status) : null;
  const assignee = query.assignee.length > 0 ? new Set(query.assignee) : null;
  const labels = query.label.length > 0 ? new Set(query.label) : null;
  const priority = query.priority.length > 0 ? new Set<string>(query.priority) : null;
  const kind = query.kind.length > 0 ? new Set<string>(query.kind) : null;
  return (task) =>
    matchesArchived(task, query.archived) &&
    (status === null || status.has(task.status)) &&
    (assignee === null || assignee.has(task.assignee ?? UNASSIGNED)) &&
    (labels === null || task.labels.some((id) => labels.has(id))) &&
    (priority === null || priority.has(task.priority)) &&
    (kind === null || kind.has(task.kind)) &&
    matchesDue(task, query.due, now) &&
    matchesTerms(task, terms);
}

// ---------------------------------------------------------------------------------------------
// Sorting

/** What sorting needs beyond the tasks: column order and member names. */
export interface QueryContext {
  /** Columns in board order (status sorts by it; unknown columns last). */
  columns: readonly Pick<Column, 'id'>[];
  /** Display name of a member (assignee sorts by it). */
  memberName: (id: string) => string;
  /** The time 'overdue', 'today' and 'week' are measured against. */
  now: Date;
}

/** Urgency of a priority: higher is more urgent; 'none' counts as missing. */
const URGENCY: Record<Priority, number | null> = {
  urgent: 4,
  high: 3,
  medium: 2,
  low: 1,
  none: null
};

/** The sort direction a column starts with when first clicked: newest, most urgent, A→Z. */
export function defaultSortDir(field: SortField): SortDir {
  return field === 'priority' ||
    field === 'updatedAt' ||
    field === 'createdAt' ||
    field === 'progress' ||
    field === 'estimate'
    ? 'desc'
    : 'asc';
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const KEY_PATTERN = /^(.*?)(\d+)$/;

/** A human key split for natural order: OPS-9 before OPS-10. */
interface ParsedKey {
  raw: string;
  prefix: string;
  /** The trailing number, or null when the key does not end in one. */
  number: number | null;
}

function parseKey(key: string): ParsedKey {
  const match = KEY_PATTERN.exec(key);
  return match === null
    ? { raw: key, prefix: key, number: null }
    : { raw: key, prefix: match[1] ?? '', number: Number(match[2]) };
}

/** Keys in natural order; keys without a number by text. */
function compareKeys(a: ParsedKey, b: ParsedKey): number {
  if (a.number !== null && b.number !== null) {
    // Nearly all keys of a board share one prefix: skip the collator then.
    const prefix = a.prefix === b.prefix ? 0 : collator.compare(a.prefix, b.prefix);
    return prefix !== 0 ? prefix : a.number - b.number;
  }
  return collator.compare(a.raw, b.raw);
}

type SortValue = string | number | null;

/**
 * A comparator for `sort`: priority by urgency, status by column order, assignee by name, keys
 * naturally. Missing values (no key, no assignee, no priority, no due date, no estimate) come
 * last in both directions; ties fall back to the key, then the id, so the order is stable.
 */
export function compareTasks(
  sort: TaskSort,
  ctx: Pick<QueryContext, 'columns' | 'memberName'>
): (a: Task, b: Task) => number {
  const columnOrder = new Map(ctx.columns.map((column, index) => [column.id, index]));
  const names = new Map<string, string>();
  const nameOf = (id: string): string => {
    let name = names.get(id);
    if (name === undefined) {
      name = ctx.memberName(id);
      names.set(id, name);
    }
    return name;
  };
  const valueOf = (task: Task): SortValue => {
    switch (sort.field) {
      case 'key':
        return null; // compared through the parsed key below
      case 'title':
        return task.title;
      case 'status':
        return columnOrder.get(task.status) ?? ctx.columns.length;
      case 'assignee':
        return task.assignee === null ? null : nameOf(task.assignee);
      case 'priority':
        return URGENCY[task.priority];
      case 'dueAt':
        return task.dueAt === null ? null : Date.parse(task.dueAt);
      case 'updatedAt':
        return Date.parse(task.updatedAt);
      case 'createdAt':
        return Date.parse(task.createdAt);
      case 'estimate':
        return task.estimateMinutes;
      case 'progress':
        return task.progress;
    }
  };
  const sign = sort.dir === 'asc' ? 1 : -1;
  // Sort values and parsed keys are computed once per task, not once per comparison: sorting
  // 10,000 tasks makes ~130,000 comparisons, most of them ties on a field like priority.
  const cache = new Map<Task, { value: SortValue; key: ParsedKey | null }>();
  const entryOf = (task: Task): { value: SortValue; key: ParsedKey | null } => {
    let entry = cache.get(task);
    if (entry === undefined) {
      entry = { value: valueOf(task), key: task.key === null ? null : parseKey(task.key) };
      cache.set(task, entry);
    }
    return entry;
  };
  const byKey = (a: ParsedKey | null, b: ParsedKey | null): number => {
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    return compareKeys(a, b);
  };
  return (a, b) => {
    const ea = entryOf(a);
    const eb = entryOf(b);
    if (sort.field === 'key') {
      // Tasks without a key (not yet numbered) last in both directions.
      if (ea.key === null || eb.key === null) {
        if (ea.key !== eb.key) return ea.key === null ? 1 : -1;
      } else {
        const order = compareKeys(ea.key, eb.key) * sign;
        if (order !== 0) return order;
      }
    } else {
      const va = ea.value;
      const vb = eb.value;
      if (va === null || vb === null) {
        if (va !== vb) return va === null ? 1 : -1;
      } else if (typeof va === 'number' && typeof vb === 'number') {
        if (va !== vb) return (va - vb) * sign;
      } else if (typeof va === 'string' && typeof vb === 'string') {
        const order = collator.compare(va, vb) * sign;
        if (order !== 0) return order;
      }
    }
    // Ties: by key ascending, then id, so the order is stable whatever the field.
    const tie = byKey(ea.key, eb.key);
    if (tie !== 0) return tie;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** The tasks that match `query`, in its sort order (a new array; `tasks` is not changed). */
export function applyQuery(tasks: Iterable<Task>, query: TaskQuery, ctx: QueryContext): Task[] {
  const matches = matcher(query, ctx.now);
  const result: Task[] = [];
  for (const task of tasks) if (matches(task)) result.push(task);
  return result.sort(compareTasks(query.sort, ctx));
}

// ---------------------------------------------------------------------------------------------
// URL search parameters

/**
 * Parameter names. Lists are comma-separated (ids never contain commas); a present but empty
 * parameter means "no filter" where the page's preset has one (e.g. `assignee=` on "my tasks").
 * Sort is `sort=<field>` ascending or `sort=-<field>` descending.
 */
const PARAM = {
  text: 'q',
  status: 'status',
  assignee: 'assignee',
  label: 'label',
  priority: 'priority',
  kind: 'kind',
  due: 'due',
  archived: 'archived',
  sort: 'sort'
} as const;

/** The values of a list parameter that pass `schema`; invalid ones are dropped. */
function listParam<T>(params: URLSearchParams, name: string, schema: z.ZodType<T>): T[] | null {
  const raw = params.getAll(name);
  if (raw.length === 0) return null;
  const values: T[] = [];
  for (const part of raw.flatMap((value) => value.split(','))) {
    const parsed = schema.safeParse(part.trim());
    if (parsed.success && !values.includes(parsed.data)) values.push(parsed.data);
  }
  return values.slice(0, MAX_QUERY_VALUES);
}

function parseSort(value: string | null): TaskSort | null {
  if (value === null) return null;
  const desc = value.startsWith('-');
  const field = sortFieldSchema.safeParse(desc ? value.slice(1) : value);
  return field.success ? { field: field.data, dir: desc ? 'desc' : 'asc' } : null;
}

/**
 * The query a URL describes. Missing parameters take their value from `defaults` (the page's
 * preset); invalid values are ignored rather than thrown, since URLs are typed and edited by
 * people and old links outlive renamed options.
 */
export function queryFromSearchParams(
  params: URLSearchParams,
  defaults: TaskQuery = DEFAULT_TASK_QUERY
): TaskQuery {
  const text = params.get(PARAM.text);
  const due = dueFilterSchema.safeParse(params.get(PARAM.due));
  const archived = archivedFilterSchema.safeParse(params.get(PARAM.archived));
  return {
    text: text === null ? defaults.text : text.slice(0, MAX_QUERY_TEXT_LENGTH),
    status: listParam(params, PARAM.status, filterIdSchema) ?? defaults.status,
    assignee: listParam(params, PARAM.assignee, filterIdSchema) ?? defaults.assignee,
    label: listParam(params, PARAM.label, filterIdSchema) ?? defaults.label,
    priority: listParam(params, PARAM.priority, prioritySchema) ?? defaults.priority,
    kind: listParam(params, PARAM.kind, taskKindSchema) ?? defaults.kind,
    due: due.success ? due.data : defaults.due,
    archived: archived.success ? archived.data : defaults.archived,
    sort: parseSort(params.get(PARAM.sort)) ?? defaults.sort
  };
}

/**
 * Search parameters for `query`, holding only what differs from `defaults`, so the plain page
 * has a plain URL. `queryFromSearchParams(queryToSearchParams(q, d), d)` gives `q` back.
 */
export function queryToSearchParams(
  query: TaskQuery,
  defaults: TaskQuery = DEFAULT_TASK_QUERY
): URLSearchParams {
  const params = new URLSearchParams();
  const text = query.text.trim();
  if (text !== defaults.text.trim()) params.set(PARAM.text, text);
  for (const field of LIST_FILTER_FIELDS) {
    const values: readonly string[] = query[field];
    const preset: readonly string[] = defaults[field];
    const same = values.length === preset.length && values.every((v) => preset.includes(v));
    if (!same) params.set(PARAM[field], values.join(','));
  }
  if (query.due !== defaults.due) params.set(PARAM.due, query.due);
  if (query.archived !== defaults.archived) params.set(PARAM.archived, query.archived);
  if (query.sort.field !== defaults.sort.field || query.sort.dir !== defaults.sort.dir) {
    params.set(PARAM.sort, `${query.sort.dir === 'desc' ? '-' : ''}${query.sort.field}`);
  }
  return params;
}
