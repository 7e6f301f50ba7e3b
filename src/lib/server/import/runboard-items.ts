/**
 * `runboard-json` (docs/design.md §2): an array of items, each checked by a zod schema. Row
 * numbers are the item's 1-based index in the array. Pure.
 */
import { z } from 'zod';
import {
  ErrorList,
  IMPORT_KINDS,
  IMPORT_LIMITS,
  IMPORT_PRIORITIES,
  assigneeOf,
  cleanTitle,
  parseImportDate,
  type ImportRow,
  type ParseResult
} from './import-rows';

const dateText = z.string().max(64);

/** One item of a `runboard-json` file (the contract's fields; nothing else). */
export const runboardItemSchema = z
  .object({
    title: z.string().trim().min(1).max(IMPORT_LIMITS.maxTitleLength),
    description: z.string().max(IMPORT_LIMITS.maxDescriptionLength).optional(),
    kind: z.enum(IMPORT_KINDS).optional(),
    status: z.string().trim().min(1).max(100),
    priority: z.enum(IMPORT_PRIORITIES).optional(),
    labels: z.array(z.string().trim().min(1).max(40)).max(IMPORT_LIMITS.maxLabels).optional(),
    assignee: z.string().trim().max(200).nullable().optional(),
    createdAt: dateText,
    startedAt: dateText.nullable().optional(),
    acknowledgedAt: dateText.nullable().optional(),
    resolvedAt: dateText.nullable().optional(),
    doneAt: dateText.nullable().optional()
  })
  .strict();

const DATE_FIELDS = ['createdAt', 'startedAt', 'acknowledgedAt', 'resolvedAt', 'doneAt'] as const;

/** Reads a `runboard-json` file; dates without a zone are read in `timeZone`. */
export function parseRunboardJson(text: string, timeZone: string): ParseResult {
  const errors = new ErrorList();
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    errors.add(1, 'import.row.jsonSyntax', { reason: (error as Error).message });
    return { ok: false, errors: errors.items, rows: [] };
  }
  if (!Array.isArray(value)) {
    errors.add(1, 'import.row.runboardShape');
    return { ok: false, errors: errors.items, rows: [] };
  }
  if (value.length === 0) {
    errors.add(1, 'import.row.emptyFile');
    return { ok: false, errors: errors.items, rows: [] };
  }
  if (value.length > IMPORT_LIMITS.maxRows) {
    errors.add(1, 'import.row.tooManyRows', { max: IMPORT_LIMITS.maxRows });
    return { ok: false, errors: errors.items, rows: [] };
  }
  const rows: ImportRow[] = [];
  value.forEach((item: unknown, index) => {
    const row = index + 1;
    const parsed = runboardItemSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.') || '-';
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) errors.add(row, 'import.row.unknownField', { field: key });
        } else if (issue.code === 'invalid_type' && issue.input === undefined) {
          errors.add(row, 'import.row.missingField', { field });
        } else {
          errors.add(row, 'import.row.badField', { field });
        }
      }
      return;
    }
    const data = parsed.data;
    const times: Record<(typeof DATE_FIELDS)[number], string | null> = {
      createdAt: null,
      startedAt: null,
      acknowledgedAt: null,
      resolvedAt: null,
      doneAt: null
    };
    let bad = false;
    for (const field of DATE_FIELDS) {
      const text = data[field];
      if (text === undefined || text === null || text === '') continue;
      const at = parseImportDate(text, timeZone);
      if (at === null) {
        errors.add(row, 'import.row.badDate', { field, value: text });
        bad = true;
      }
      times[field] = at;
    }
    if (bad || times.createdAt === null) return;
    rows.push({
      row,
      title: cleanTitle(data.title),
      description: data.description ?? '',
      kind: data.kind ?? 'task',
      status: data.status,
      categoryHint: null,
      strictStatus: true,
      priority: data.priority ?? 'none',
      labels: [...new Set(data.labels ?? [])],
      assignee: assigneeOf(data.assignee ?? ''),
      createdAt: times.createdAt,
      startedAt: times.startedAt,
      acknowledgedAt: times.acknowledgedAt,
      resolvedAt: times.resolvedAt,
      doneAt: times.doneAt,
      sourceKey: null
    });
  });
  return errors.size > 0 ? { ok: false, errors: errors.items, rows } : { ok: true, rows };
}
