/**
 * The one row shape every history-import format is read into (docs/import.md), with the
 * helpers the parsers share: per-row errors with message keys, dates in the formats the
 * sources write, and the words that name a status's category. Pure: no store, no document.
 */
import type { MessageKey } from '../../i18n/messages/en';
import { offsetAt } from '../../shared/zoned-time';

export const IMPORT_FORMATS = ['runboard-json', 'jira-csv', 'trello-json'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const IMPORT_KINDS = ['task', 'incident', 'change'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_PRIORITIES = ['urgent', 'high', 'medium', 'low', 'none'] as const;
export type ImportPriority = (typeof IMPORT_PRIORITIES)[number];

export type StatusCategory = 'todo' | 'in_progress' | 'done';

/** Limits of one import (docs/import.md, "Limits"). */
export const IMPORT_LIMITS = {
  /** Largest body, in bytes. */
  maxBytes: 20 * 1024 * 1024,
  /** Rows (issues, cards, items) in one file. */
  maxRows: 50_000,
  /** Errors reported; past it the last entry says there are more. */
  maxErrors: 200,
  /** Longest title kept (the board's limit). */
  maxTitleLength: 300,
  /** Longest description kept (the board's limit). */
  maxDescriptionLength: 100_000,
  /** Labels per item (the board's limit). */
  maxLabels: 50
} as const;

/** Who an item was assigned to, as the file names them. */
export interface AssigneeRef {
  email: string | null;
  name: string | null;
}

/** One item of any format, before it meets the board. Times are ISO 8601 in UTC. */
export interface ImportRow {
  /** 1-based: the CSV line the record starts on (header = 1), or the array index + 1. */
  row: number;
  title: string;
  description: string;
  kind: ImportKind;
  /** The status as the file writes it (a column name or id, or a word like "Done"). */
  status: string;
  /** The category the source itself gives the status (Jira's Status Category, a closed card). */
  categoryHint: StatusCategory | null;
  /** Whether a status the board does not know is an error (runboard-json) or falls back. */
  strictStatus: boolean;
  priority: ImportPriority;
  labels: string[];
  assignee: AssigneeRef | null;
  createdAt: string;
  startedAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  doneAt: string | null;
  /** The item's id in the source (Jira issue key, Trello short link), for the audit and docs. */
  sourceKey: string | null;
}

/** One problem: its row and a message key of the `import` catalog with its values. */
export interface RowError {
  row: number;
  key: MessageKey;
  values?: Record<string, string | number>;
}

/** The rows read; with errors, also the rows that were fine (so all problems show at once). */
export type ParseResult =
  { ok: true; rows: ImportRow[] } | { ok: false; errors: RowError[]; rows: ImportRow[] };

/** Errors of one parse, capped at `IMPORT_LIMITS.maxErrors`. */
export class ErrorList {
  readonly items: RowError[] = [];
  private full = false;

  /** Adds a problem; past the cap, one last entry says there are more. */
  add(row: number, key: MessageKey, values?: Record<string, string | number>): void {
    if (this.full) return;
    if (this.items.length >= IMPORT_LIMITS.maxErrors) {
      this.items.push({
        row,
        key: 'import.row.tooManyErrors',
        values: { max: IMPORT_LIMITS.maxErrors }
      });
      this.full = true;
      return;
    }
    this.items.push(values === undefined ? { row, key } : { row, key, values });
  }

  get size(): number {
    return this.items.length;
  }
}

// ------------------------------------------------------------------------------------------
// Dates

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  一月: 1,
  二月: 2,
  三月: 3,
  四月: 4,
  五月: 5,
  六月: 6,
  七月: 7,
  八月: 8,
  九月: 9,
  十月: 10,
  十一月: 11,
  十二月: 12
};
for (let m = 1; m <= 12; m++) MONTHS[`${m}月`] = m;

/** Offset of `timeZone` from UTC at instant `utcMs`, in minutes. */
function zoneOffsetMinutes(timeZone: string, utcMs: number): number {
  return Math.round(offsetAt(utcMs, timeZone) / 60_000);
}

/** A wall-clock time in `timeZone` as an ISO instant, or null when the fields are impossible. */
function wallClock(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  timeZone: string
): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(guess);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  // Two steps settle the offset also next to a daylight-saving change.
  let utc = guess - zoneOffsetMinutes(timeZone, guess) * 60_000;
  utc = guess - zoneOffsetMinutes(timeZone, utc) * 60_000;
  return new Date(utc).toISOString();
}

// Each part of a date is matched on its own: no nested optional groups (safe-regex).
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ZONE_SUFFIX = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const DAY_ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DAY_JIRA = /^(\d{1,2})\/([^/]+)\/(\d{2}|\d{4})$/;
const CLOCK = /^(\d{1,2}):(\d\d)(:\d\d|)$/;
const HALF_DAY = /^(AM|PM|上午|下午)$/i;

/** `h:mm[:ss]` and an optional AM/PM (上午/下午) as 24-hour parts, or null. */
function clockOf(
  time: string | undefined,
  half: string | undefined
): [number, number, number] | null {
  if (time === undefined) return half === undefined ? [0, 0, 0] : null;
  const clock = CLOCK.exec(time);
  if (!clock) return null;
  let hour = Number(clock[1]);
  const minute = Number(clock[2]);
  const second = clock[3] ? Number(clock[3].slice(1)) : 0;
  if (half !== undefined) {
    if (!HALF_DAY.test(half) || hour < 1 || hour > 12) return null;
    const pm = half.toUpperCase() === 'PM' || half === '下午';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  return [hour, minute, second];
}

/**
 * Reads a date the way import files write it: ISO 8601 with a zone; ISO without a zone, or
 * Jira's `dd/MMM/yy h:mm AM` (English or Chinese month names, 上午/下午), read in `timeZone`.
 * Returns the instant as ISO in UTC, or null when the text is not such a date.
 */
export function parseImportDate(text: string, timeZone = 'UTC'): string | null {
  const value = text.trim();
  if (value === '' || value.length > 64) return null;
  if (ISO_DATE_TIME.test(value) && ZONE_SUFFIX.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  // "2024-03-12T09:15:00.123" → day and clock; fractions of a second are dropped.
  const parts = value
    .replace(/\.\d+$/, '')
    .replace(/^(\d{4}-\d{1,2}-\d{1,2})T/, '$1 ')
    .split(/\s+/);
  if (parts.length > 3) return null;
  const [day, time, half] = parts;
  const iso = DAY_ISO.exec(day ?? '');
  if (iso) {
    const clock = half === undefined ? clockOf(time, undefined) : null;
    if (clock === null) return null;
    return wallClock(Number(iso[1]), Number(iso[2]), Number(iso[3]), ...clock, timeZone);
  }
  const jira = DAY_JIRA.exec(day ?? '');
  if (jira) {
    const month = MONTHS[jira[2]!.toLowerCase()];
    const clock = clockOf(time, half);
    if (month === undefined || clock === null) return null;
    let year = Number(jira[3]);
    if (jira[3]!.length === 2) year += year < 70 ? 2000 : 1900;
    return wallClock(year, month, Number(jira[1]), ...clock, timeZone);
  }
  return null;
}

// ------------------------------------------------------------------------------------------
// Words

/** Status words and the category they mean, lower-case (docs/import.md, "Statuses"). */
const STATUS_WORDS: Record<string, StatusCategory> = {
  todo: 'todo',
  'to do': 'todo',
  open: 'todo',
  new: 'todo',
  backlog: 'todo',
  reopened: 'todo',
  triggered: 'todo',
  'selected for development': 'todo',
  waiting: 'todo',
  pending: 'todo',
  待办: 'todo',
  待处理: 'todo',
  新建: 'todo',
  打开: 'todo',
  已触发: 'todo',
  重新打开: 'todo',
  in_progress: 'in_progress',
  'in progress': 'in_progress',
  doing: 'in_progress',
  'in review': 'in_progress',
  review: 'in_progress',
  acknowledged: 'in_progress',
  进行中: 'in_progress',
  处理中: 'in_progress',
  已确认: 'in_progress',
  审核中: 'in_progress',
  done: 'done',
  closed: 'done',
  resolved: 'done',
  complete: 'done',
  completed: 'done',
  fixed: 'done',
  "won't do": 'done',
  "won't fix": 'done',
  cancelled: 'done',
  canceled: 'done',
  完成: 'done',
  已完成: 'done',
  已关闭: 'done',
  已解决: 'done',
  关闭: 'done',
  已取消: 'done'
};

/** The category a status word means, or null. */
export function statusCategoryOf(word: string): StatusCategory | null {
  return STATUS_WORDS[word.trim().toLowerCase()] ?? null;
}

const PRIORITY_WORDS: Record<string, ImportPriority> = {
  urgent: 'urgent',
  highest: 'urgent',
  blocker: 'urgent',
  critical: 'urgent',
  p0: 'urgent',
  p1: 'high',
  high: 'high',
  major: 'high',
  紧急: 'urgent',
  最高: 'urgent',
  高: 'high',
  medium: 'medium',
  normal: 'medium',
  p2: 'medium',
  中: 'medium',
  中等: 'medium',
  low: 'low',
  minor: 'low',
  lowest: 'low',
  trivial: 'low',
  p3: 'low',
  p4: 'low',
  低: 'low',
  最低: 'low',
  none: 'none',
  '': 'none'
};

/** The board priority a source's priority means, or null when unknown. */
export function priorityOf(word: string): ImportPriority | null {
  return PRIORITY_WORDS[word.trim().toLowerCase()] ?? null;
}

const KIND_WORDS: Record<string, ImportKind> = {
  incident: 'incident',
  事件: 'incident',
  故障: 'incident',
  'post-incident review': 'incident',
  change: 'change',
  变更: 'change',
  'change request': 'change'
};

/** The kind a source's issue type means; anything not an incident or change is a task. */
export function kindOf(issueType: string): ImportKind {
  return KIND_WORDS[issueType.trim().toLowerCase()] ?? 'task';
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An assignee as a file names them: an e-mail, a name, or "Name <email>". */
export function assigneeOf(text: string): AssigneeRef | null {
  const value = text.trim();
  if (value === '' || value.toLowerCase() === 'unassigned' || value === '未分配') return null;
  const angled = /^(.*)<([^>]+)>$/.exec(value);
  if (angled && EMAIL.test(angled[2]!.trim())) {
    const name = angled[1]!.trim();
    return { email: angled[2]!.trim(), name: name === '' ? null : name };
  }
  if (EMAIL.test(value)) return { email: value, name: null };
  return { email: null, name: value };
}

/** Trims a title to the board's limit (one line). */
export function cleanTitle(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, IMPORT_LIMITS.maxTitleLength);
}
