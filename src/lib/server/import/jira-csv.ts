/**
 * Jira's "Export CSV (all fields)" (and "current fields") read into import rows. Jira writes
 * one column per header name, repeating a header for multi-valued fields (`Labels`,
 * `Labels`, …), dates as `12/Mar/24 9:15 AM` in the exporting user's time zone (or ISO), and
 * custom fields as `Custom field (Name)`. The mapping is in docs/import.md. Pure.
 */
import { splitCsv } from './csv-records';
import {
  ErrorList,
  IMPORT_LIMITS,
  assigneeOf,
  cleanTitle,
  kindOf,
  parseImportDate,
  priorityOf,
  statusCategoryOf,
  type ImportRow,
  type ParseResult,
  type StatusCategory
} from './import-rows';

/** Header names (lower-case) read for each field; the first present wins. */
const COLUMNS = {
  title: ['summary', '摘要', '概要'],
  key: ['issue key', '问题关键字', '关键字'],
  type: ['issue type', '问题类型'],
  status: ['status', '状态'],
  statusCategory: ['status category', '状态类别'],
  priority: ['priority', '优先级'],
  assignee: ['assignee', '经办人'],
  created: ['created', '创建日期', '已创建'],
  updated: ['updated', '更新日期', '已更新'],
  resolved: ['resolved', '已解决', '解决日期'],
  description: ['description', '描述'],
  started: [
    'custom field (start date)',
    'custom field (started)',
    'custom field (actual start)',
    'start date'
  ],
  acknowledged: ['custom field (acknowledged)', 'custom field (acknowledged at)'],
  labels: ['labels', '标签']
} as const;

type Field = keyof typeof COLUMNS;

const CATEGORY_WORDS: Record<string, StatusCategory> = {
  'to do': 'todo',
  new: 'todo',
  待办: 'todo',
  'in progress': 'in_progress',
  进行中: 'in_progress',
  done: 'done',
  完成: 'done'
};

/** Reads a Jira CSV export; dates without a zone are read in `timeZone`. */
export function parseJiraCsv(text: string, timeZone: string): ParseResult {
  const errors = new ErrorList();
  const records = splitCsv(text, errors);
  const header = records.shift();
  if (header === undefined) {
    errors.add(1, 'import.row.emptyFile');
    return { ok: false, errors: errors.items, rows: [] };
  }
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const indexes = (field: Field): number[] => {
    const wanted = COLUMNS[field] as readonly string[];
    for (const name of wanted) {
      const found = names.flatMap((n, i) => (n === name ? [i] : []));
      if (found.length > 0) return found;
    }
    return [];
  };
  const at = Object.fromEntries(
    (Object.keys(COLUMNS) as Field[]).map((f) => [f, indexes(f)])
  ) as Record<Field, number[]>;
  for (const required of ['title', 'status', 'created'] as const) {
    if (at[required].length === 0) {
      errors.add(header.line, 'import.row.csvMissingColumn', { column: COLUMNS[required][0] });
    }
  }
  if (errors.size > 0) return { ok: false, errors: errors.items, rows: [] };
  if (records.length > IMPORT_LIMITS.maxRows) {
    errors.add(1, 'import.row.tooManyRows', { max: IMPORT_LIMITS.maxRows });
    return { ok: false, errors: errors.items, rows: [] };
  }
  const rows: ImportRow[] = [];
  for (const record of records) {
    const cell = (field: Field): string => {
      const i = at[field][0];
      return i === undefined ? '' : (record.fields[i] ?? '').trim();
    };
    const row = record.line;
    if (record.fields.length > header.fields.length) {
      errors.add(row, 'import.row.csvColumnCount', {
        found: record.fields.length,
        expected: header.fields.length
      });
      continue;
    }
    const date = (field: Field, required: boolean): string | null => {
      const value = cell(field);
      if (value === '') {
        if (required) errors.add(row, 'import.row.missingField', { field: COLUMNS[field][0] });
        return null;
      }
      const parsed = parseImportDate(value, timeZone);
      if (parsed === null) {
        errors.add(row, 'import.row.badDate', { field: COLUMNS[field][0], value });
      }
      return parsed;
    };
    const title = cleanTitle(cell('title'));
    if (title === '') errors.add(row, 'import.row.missingField', { field: 'Summary' });
    const status = cell('status');
    if (status === '') errors.add(row, 'import.row.missingField', { field: 'Status' });
    const createdAt = date('created', true);
    const updatedAt = date('updated', false);
    const resolvedAt = date('resolved', false);
    const startedAt = date('started', false);
    const acknowledgedAt = date('acknowledged', false);
    const priorityText = cell('priority');
    const priority = priorityOf(priorityText);
    if (priority === null) {
      errors.add(row, 'import.row.unknownPriority', { value: priorityText });
    }
    const kind = kindOf(cell('type'));
    const hint = CATEGORY_WORDS[cell('statusCategory').toLowerCase()] ?? statusCategoryOf(status);
    const labels = [
      ...new Set(
        at.labels
          .flatMap((i) => (record.fields[i] ?? '').split(/\s+/))
          .map((l) => l.trim())
          .filter((l) => l !== '')
      )
    ];
    if (labels.length > IMPORT_LIMITS.maxLabels) {
      errors.add(row, 'import.row.tooManyLabels', { max: IMPORT_LIMITS.maxLabels });
    }
    if (createdAt === null || title === '' || status === '' || priority === null) continue;
    // A finished issue without a resolution date finished when it was last updated.
    const finished = hint === 'done' || resolvedAt !== null;
    const doneAt = finished ? (resolvedAt ?? updatedAt) : null;
    rows.push({
      row,
      title,
      description: cell('description').slice(0, IMPORT_LIMITS.maxDescriptionLength),
      kind,
      status,
      categoryHint: hint,
      strictStatus: false,
      priority,
      labels,
      assignee: assigneeOf(cell('assignee')),
      createdAt,
      startedAt,
      acknowledgedAt,
      resolvedAt: kind === 'incident' ? (resolvedAt ?? doneAt) : resolvedAt,
      doneAt,
      sourceKey: cell('key') || null
    });
  }
  if (rows.length === 0 && errors.size === 0) errors.add(1, 'import.row.emptyFile');
  return errors.size > 0 ? { ok: false, errors: errors.items, rows } : { ok: true, rows };
}
