/**
 * Reading a CMDB import file (docs/design.md §2 `POST …/cmdb/import?format=`): CSV, JSON, and
 * Ansible inventories in INI and YAML, into an `ImportPlan` (the items to create and the
 * relations between them, by name) or the list of every problem, each with its row.
 *
 * Pure and framework-free: no document, no store, no request. The service applies a plan in one
 * transaction, so nothing is half imported, after resolving the relations whose ends are not in
 * the file against the items it already has (and checking those for cycles).
 *
 * Rows are 1-based LINES of the file, the header being line 1 in CSV; a CSV record with a quoted
 * line break is reported at its first line; a JSON item at the line where its `{` is (a JSON file
 * on one line therefore reports every item at row 1); an inventory host at its first appearance.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { MessageKey } from '../../i18n/messages/en';
import {
  CmdbGraph,
  checkCustomFields,
  isKnownType,
  type FieldProblem
} from '../../shared/cmdb/cmdb-doc';
import {
  CI_LIMITS,
  CRITICALITIES,
  RELATION_TYPES,
  type AttributeValue,
  type CiCreate,
  type CiType,
  type Criticality,
  type RelationType
} from '../../shared/cmdb/schema';

/** The formats of `?format=`. */
export const IMPORT_FORMATS = ['csv', 'json', 'ansible-ini', 'ansible-yaml'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Limits of one import. */
export const IMPORT_LIMITS = {
  /** Items in one file. */
  items: 20_000,
  /** Errors reported; past it the last entry says there are more. */
  errors: 200,
  /** Hosts one range pattern (`web[001:999]`) may expand to. */
  hostRangeHosts: 10_000
} as const;

/** One problem of the file: its row (line) and a message key with its parameters. */
export interface RowError {
  row: number;
  key: MessageKey;
  values?: Record<string, string | number>;
}

/** A relation of the plan, its ends named by item name (case as written in the file). */
export interface PlannedRelation {
  row: number;
  from: string;
  to: string;
  type: RelationType;
}

/**
 * What an import creates. `relations` may name items that are not in the file (`to`, or `from`
 * in JSON): the service resolves those against the workspace's items, refuses unknown names and
 * checks cycles through existing relations. Relations between two items of the file are
 * already checked for cycles here.
 */
export interface ImportPlan {
  items: Array<{ row: number; item: CiCreate }>;
  relations: PlannedRelation[];
}

export type ImportResult = { ok: true; plan: ImportPlan } | { ok: false; errors: RowError[] };

export interface ImportContext {
  /** The workspace's custom types, by name. */
  customTypes: Record<string, CiType>;
}

/** Whether `value` names an import format. */
export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

/** Reads an import file of `format`; either a plan with no problem, or every problem found. */
export function parseImport(format: ImportFormat, text: string, ctx: ImportContext): ImportResult {
  const errors = new ErrorList();
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let drafts: ParsedFile = { items: [], relations: [] };
  if (body.trim() === '') {
    errors.add(1, 'cmdbImport.row.emptyFile');
  } else if (format === 'csv') {
    drafts = readCsvFile(body, errors);
  } else if (format === 'json') {
    drafts = readJsonFile(body, errors);
  } else if (format === 'ansible-ini') {
    drafts = inventoryDrafts(readIniInventory(body, errors));
  } else {
    drafts = inventoryDrafts(readYamlInventory(body, errors));
  }
  return buildPlan(drafts, ctx, errors);
}

/** Validates drafted items and relations (any source, NetBox too) into a plan or row errors. */
export function buildPlan(
  drafts: ParsedFile,
  ctx: ImportContext,
  errors = new ErrorList()
): ImportResult {
  if (drafts.items.length > IMPORT_LIMITS.items) {
    errors.add(drafts.items[IMPORT_LIMITS.items]?.row ?? 1, 'cmdbImport.row.tooManyRows', {
      max: IMPORT_LIMITS.items
    });
    return { ok: false, errors: errors.list() };
  }
  const items: ImportPlan['items'] = [];
  /** Lower-cased name → row of its first item. */
  const firstRow = new Map<string, number>();
  for (const draft of drafts.items) {
    const item = checkItem(draft, ctx, errors);
    if (item === null) continue;
    const folded = item.name.toLowerCase();
    const first = firstRow.get(folded);
    if (first !== undefined) {
      errors.add(draft.row, 'cmdbImport.row.duplicateName', { name: item.name, first });
      continue;
    }
    firstRow.set(folded, draft.row);
    items.push({ row: draft.row, item });
  }
  const relations = checkRelations(drafts.relations, firstRow, errors);
  if (errors.size > 0) return { ok: false, errors: errors.list() };
  return { ok: true, plan: { items, relations } };
}

// ---------------------------------------------------------------------------------------------
// Drafts: what each format reads, before the common checks.

/** An item as a file states it, before the checks: values not yet known to be well typed. */
export interface DraftItem {
  row: number;
  type: unknown;
  name: unknown;
  environment?: unknown;
  criticality?: unknown;
  owner?: unknown;
  attributes?: Record<string, unknown>;
  tags?: unknown;
  /** Whether attribute values are text to convert for typed custom fields (CSV, INI). */
  textAttributes?: boolean;
}

export interface DraftRelation {
  row: number;
  from: unknown;
  to: unknown;
  type: unknown;
}

export interface ParsedFile {
  items: DraftItem[];
  relations: DraftRelation[];
}

/** Errors in the order found, listed by row, at most `IMPORT_LIMITS.errors` of them. */
export class ErrorList {
  private readonly errors: RowError[] = [];
  private count = 0;

  add(row: number, key: MessageKey, values?: Record<string, string | number>): void {
    this.count++;
    // One more than the limit is kept, to know that there were more.
    if (this.errors.length > IMPORT_LIMITS.errors) return;
    this.errors.push(values === undefined ? { row, key } : { row, key, values });
  }

  /** How many problems were found (kept or not). */
  get size(): number {
    return this.count;
  }

  list(): RowError[] {
    const sorted = [...this.errors].sort((a, b) => a.row - b.row);
    if (sorted.length <= IMPORT_LIMITS.errors) return sorted;
    const kept = sorted.slice(0, IMPORT_LIMITS.errors - 1);
    kept.push({
      row: kept.at(-1)?.row ?? 1,
      key: 'cmdbImport.row.tooManyErrors',
      values: { max: IMPORT_LIMITS.errors }
    });
    return kept;
  }
}

const FIELD_PROBLEM_KEYS: Record<FieldProblem['problem'], MessageKey> = {
  required: 'cmdbImport.row.fieldRequired',
  not_number: 'cmdbImport.row.fieldNotNumber',
  not_boolean: 'cmdbImport.row.fieldNotBoolean',
  not_date: 'cmdbImport.row.fieldNotDate',
  not_choice: 'cmdbImport.row.fieldNotChoice'
};

// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The common checks of one item; null (with errors added) when it cannot be created. */
function checkItem(draft: DraftItem, ctx: ImportContext, errors: ErrorList): CiCreate | null {
  const { row } = draft;
  const before = errors.size;
  let type = '';
  if (draft.type === undefined || draft.type === null) {
    errors.add(row, 'cmdbImport.row.missingType');
  } else if (typeof draft.type !== 'string') {
    errors.add(row, 'cmdbImport.row.fieldNotText', { field: 'type' });
  } else if (draft.type.trim() === '') {
    errors.add(row, 'cmdbImport.row.missingType');
  } else {
    type = draft.type.trim();
    if (!isKnownType(type, ctx.customTypes))
      errors.add(row, 'cmdbImport.row.unknownType', { type });
  }

  let name = '';
  if (draft.name !== undefined && draft.name !== null && typeof draft.name !== 'string') {
    errors.add(row, 'cmdbImport.row.fieldNotText', { field: 'name' });
  } else {
    name = (draft.name ?? '').trim();
    if (name === '') errors.add(row, 'cmdbImport.row.missingName');
    else if (name.length > CI_LIMITS.nameChars)
      errors.add(row, 'cmdbImport.row.nameTooLong', { max: CI_LIMITS.nameChars });
    else if (CONTROL.test(name)) errors.add(row, 'cmdbImport.row.nameControl');
  }

  const environment = optionalText(draft.environment, 'environment', row, errors);
  if (environment !== null && environment.length > CI_LIMITS.environmentChars) {
    errors.add(row, 'cmdbImport.row.environmentTooLong', { max: CI_LIMITS.environmentChars });
  }
  const owner = optionalText(draft.owner, 'owner', row, errors);
  if (owner !== null && owner.length > CI_LIMITS.ownerChars) {
    errors.add(row, 'cmdbImport.row.ownerTooLong', { max: CI_LIMITS.ownerChars });
  }
  const criticalityText = optionalText(draft.criticality, 'criticality', row, errors);
  let criticality: Criticality | undefined;
  if (criticalityText !== null) {
    const folded = criticalityText.toLowerCase();
    if ((CRITICALITIES as readonly string[]).includes(folded)) criticality = folded as Criticality;
    else errors.add(row, 'cmdbImport.row.badCriticality', { value: criticalityText });
  }

  const tags = checkTags(draft.tags, row, errors);
  const attributes = checkAttributes(draft, type, ctx, errors);
  if (errors.size > before) return null;
  const item: CiCreate = { type, name, environment, owner, attributes, tags };
  if (criticality !== undefined) item.criticality = criticality;
  return item;
}

/** A trimmed text, or null when absent or empty. */
function optionalText(
  value: unknown,
  field: string,
  row: number,
  errors: ErrorList
): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    errors.add(row, 'cmdbImport.row.fieldNotText', { field });
    return null;
  }
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function checkTags(value: unknown, row: number, errors: ErrorList): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((t) => typeof t !== 'string')) {
    errors.add(row, 'cmdbImport.row.fieldNotList', { field: 'tags' });
    return [];
  }
  const tags: string[] = [];
  for (const raw of value as string[]) {
    const tag = raw.trim();
    if (tag === '' || tags.includes(tag)) continue;
    if (tag.length > CI_LIMITS.tagChars)
      errors.add(row, 'cmdbImport.row.tagTooLong', {
        tag: tag.slice(0, 40),
        max: CI_LIMITS.tagChars
      });
    tags.push(tag);
  }
  if (tags.length > CI_LIMITS.tags)
    errors.add(row, 'cmdbImport.row.tooManyTags', { max: CI_LIMITS.tags });
  return tags;
}

function checkAttributes(
  draft: DraftItem,
  type: string,
  ctx: ImportContext,
  errors: ErrorList
): Record<string, AttributeValue> {
  const { row } = draft;
  const raw = draft.attributes ?? {};
  const custom = Object.hasOwn(ctx.customTypes, type) ? ctx.customTypes[type] : undefined;
  const fields = new Map((custom?.fields ?? []).map((f) => [f.key, f]));
  const out: Record<string, AttributeValue> = {};
  const entries = Object.entries(raw);
  if (entries.length > CI_LIMITS.attributes) {
    errors.add(row, 'cmdbImport.row.tooManyAttributes', { max: CI_LIMITS.attributes });
  }
  for (const [key, value] of entries) {
    if (key.trim() === '' || key.length > CI_LIMITS.attributeKeyChars) {
      errors.add(row, 'cmdbImport.row.attributeKey', {
        key: key.slice(0, 40),
        max: CI_LIMITS.attributeKeyChars
      });
      continue;
    }
    let v: AttributeValue;
    if (value === null || typeof value === 'boolean') v = value;
    else if (typeof value === 'number' && Number.isFinite(value)) v = value;
    else if (typeof value === 'string')
      v = draft.textAttributes === true ? fromText(value, fields.get(key)?.type) : value;
    else {
      errors.add(row, 'cmdbImport.row.attributeValue', { key });
      continue;
    }
    if (typeof v === 'string' && v.length > CI_LIMITS.attributeValueChars) {
      errors.add(row, 'cmdbImport.row.attributeTooLong', {
        key,
        max: CI_LIMITS.attributeValueChars
      });
      continue;
    }
    out[key] = v;
  }
  if (custom !== undefined) {
    for (const problem of checkCustomFields(custom.fields, out)) {
      errors.add(row, FIELD_PROBLEM_KEYS[problem.problem], { field: problem.field, type });
    }
  }
  return out;
}

/**
 * A text cell as the value a typed custom field wants: numbers and booleans of number and
 * boolean fields; anything else stays text (free attributes are kept as written).
 */
function fromText(text: string, fieldType: string | undefined): AttributeValue {
  const trimmed = text.trim();
  if (fieldType === 'number' && trimmed !== '' && Number.isFinite(Number(trimmed)))
    return Number(trimmed);
  if (fieldType === 'boolean') {
    const folded = trimmed.toLowerCase();
    if (['true', 'yes', '1'].includes(folded)) return true;
    if (['false', 'no', '0'].includes(folded)) return false;
  }
  return text;
}

function checkRelations(
  drafts: DraftRelation[],
  firstRow: Map<string, number>,
  errors: ErrorList
): PlannedRelation[] {
  const out: PlannedRelation[] = [];
  const graph = new CmdbGraph();
  const seen = new Set<string>();
  for (const draft of drafts) {
    const { row } = draft;
    if (
      typeof draft.from !== 'string' ||
      typeof draft.to !== 'string' ||
      typeof draft.type !== 'string' ||
      draft.from.trim() === '' ||
      draft.to.trim() === ''
    ) {
      errors.add(row, 'cmdbImport.row.relationShape');
      continue;
    }
    const from = draft.from.trim();
    const to = draft.to.trim();
    if (!(RELATION_TYPES as readonly string[]).includes(draft.type)) {
      errors.add(row, 'cmdbImport.row.relationType', { type: draft.type });
      continue;
    }
    const type = draft.type as RelationType;
    const a = from.toLowerCase();
    const b = to.toLowerCase();
    if (a === b) {
      errors.add(row, 'cmdbImport.row.relationSelf', { name: from });
      continue;
    }
    const key = `${a}\u0000${b}\u0000${type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (firstRow.has(a) && firstRow.has(b)) {
      // Every relation type is an edge of the one dependency graph (cmdb-doc.ts), as on the server.
      if (graph.wouldCycle(a, b)) {
        errors.add(row, 'cmdbImport.row.relationCycle', { from, to });
        continue;
      }
      graph.add(a, b);
    }
    out.push({ row, from, to, type });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CSV

/** The CSV columns besides `attr.<key>`. */
export const CSV_COLUMNS = [
  'type',
  'name',
  'environment',
  'criticality',
  'owner',
  'tags',
  ...RELATION_TYPES
] as const;
const REQUIRED_CSV_COLUMNS = ['type', 'name'] as const;
/** The prefix of a free-attribute column. */
export const CSV_ATTRIBUTE_PREFIX = 'attr.';
/** Separator of the values of list cells (tags, relation targets). */
export const CSV_LIST_SEPARATOR = ';';

/** One CSV record: its fields and the line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into records (RFC 4180: `"` quoting with `""` inside, commas, CR, LF or CRLF
 * inside quotes; CRLF or LF between records). Wholly empty lines are skipped. Problems (an
 * unclosed quote, a quote inside an unquoted field) are added to `errors` at their line.
 */
export function splitCsv(text: string, errors: ErrorList): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let bad = false;
    // An empty line is not a record.
    if (text[i] === '\n' || text[i] === '\r') {
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const quoteLine = line;
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          else if (c === '\r' && text[i + 1] !== '\n') line++;
          field += c;
          i++;
        }
        if (!closed) {
          errors.add(quoteLine, 'cmdbImport.row.csvUnclosedQuote');
          return records;
        }
        // Anything between the closing quote and the next separator is a malformed field.
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (!bad) errors.add(startLine, 'cmdbImport.row.csvStrayQuote');
          bad = true;
          field += text[i];
          i++;
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"' && !bad) {
            errors.add(startLine, 'cmdbImport.row.csvStrayQuote');
            bad = true;
          }
          field += text[i];
          i++;
        }
      }
      fields.push(field);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      // End of record: a line break or the end of the text.
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    records.push({ line: startLine, fields });
  }
  return records;
}

/** Cells written with a `'` before `= + - @`, tab or CR by the export (CSV injection guard). */
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/;

/** A cell as the export wrote it, without the `'` that guards against formula injection. */
export function unescapeCell(cell: string): string {
  return ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell;
}

function splitList(cell: string): string[] {
  return cell
    .split(CSV_LIST_SEPARATOR)
    .map((part) => unescapeCell(part.trim()))
    .filter((part) => part !== '');
}

function readCsvFile(text: string, errors: ErrorList): ParsedFile {
  const records = splitCsv(text, errors);
  const out: ParsedFile = { items: [], relations: [] };
  const header = records[0];
  if (header === undefined) return out;
  const columns = header.fields.map((f) => f.trim());
  let headerOk = true;
  const seen = new Set<string>();
  for (const column of columns) {
    const known =
      (CSV_COLUMNS as readonly string[]).includes(column.toLowerCase()) ||
      (column.startsWith(CSV_ATTRIBUTE_PREFIX) && column.length > CSV_ATTRIBUTE_PREFIX.length);
    if (!known) {
      errors.add(header.line, 'cmdbImport.row.csvUnknownColumn', { column });
      headerOk = false;
    }
    const key = column.startsWith(CSV_ATTRIBUTE_PREFIX) ? column : column.toLowerCase();
    if (seen.has(key)) {
      errors.add(header.line, 'cmdbImport.row.csvDuplicateColumn', { column });
      headerOk = false;
    }
    seen.add(key);
  }
  for (const required of REQUIRED_CSV_COLUMNS) {
    if (!seen.has(required)) {
      errors.add(header.line, 'cmdbImport.row.csvMissingColumn', { column: required });
      headerOk = false;
    }
  }
  if (!headerOk) return out;
  const keys = columns.map((c) => (c.startsWith(CSV_ATTRIBUTE_PREFIX) ? c : c.toLowerCase()));
  for (const record of records.slice(1)) {
    if (record.fields.length !== keys.length) {
      errors.add(record.line, 'cmdbImport.row.csvColumnCount', {
        found: record.fields.length,
        expected: keys.length
      });
      continue;
    }
    const draft: DraftItem = {
      row: record.line,
      type: '',
      name: '',
      attributes: {},
      textAttributes: true
    };
    const attributes: Record<string, unknown> = {};
    const links: Array<{ to: string; type: RelationType }> = [];
    keys.forEach((key, index) => {
      const raw = record.fields[index] ?? '';
      if (key.startsWith(CSV_ATTRIBUTE_PREFIX)) {
        const value = unescapeCell(raw.trim());
        if (value !== '') attributes[key.slice(CSV_ATTRIBUTE_PREFIX.length)] = value;
      } else if (key === 'tags') {
        draft.tags = splitList(raw);
      } else if ((RELATION_TYPES as readonly string[]).includes(key)) {
        for (const to of splitList(raw)) links.push({ to, type: key as RelationType });
      } else {
        const value = unescapeCell(raw.trim());
        if (key === 'type' || key === 'name') draft[key] = value;
        else if (value !== '') draft[key as 'environment' | 'criticality' | 'owner'] = value;
      }
    });
    draft.attributes = attributes;
    out.items.push(draft);
    const from = typeof draft.name === 'string' ? draft.name.trim() : '';
    if (from !== '') {
      for (const link of links)
        out.relations.push({ row: record.line, from, to: link.to, type: link.type });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON

const JSON_ITEM_FIELDS = [
  'type',
  'name',
  'environment',
  'criticality',
  'owner',
  'attributes',
  'tags'
];
const JSON_RELATION_FIELDS = ['from', 'to', 'type'];

function readJsonFile(text: string, errors: ErrorList): ParsedFile {
  const out: ParsedFile = { items: [], relations: [] };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    errors.add(jsonErrorLine(text, reason), 'cmdbImport.row.jsonSyntax', {
      reason: reason.slice(0, 200)
    });
    return out;
  }
  const lines = jsonLines(text);
  let items: unknown;
  let relations: unknown = [];
  if (Array.isArray(root)) {
    items = root;
  } else if (
    root !== null &&
    typeof root === 'object' &&
    Array.isArray((root as Record<string, unknown>).items)
  ) {
    const object = root as Record<string, unknown>;
    items = object.items;
    relations = object.relations ?? [];
    for (const key of Object.keys(object)) {
      if (key !== 'items' && key !== 'relations')
        errors.add(1, 'cmdbImport.row.unknownField', { field: key });
    }
    if (!Array.isArray(relations)) {
      errors.add(lines.relationsAt ?? 1, 'cmdbImport.row.fieldNotList', { field: 'relations' });
      relations = [];
    }
  } else {
    errors.add(1, 'cmdbImport.row.jsonShape');
    return out;
  }
  (items as unknown[]).forEach((raw, index) => {
    const row = lines.items[index] ?? 1;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      errors.add(row, 'cmdbImport.row.notObject');
      return;
    }
    const object = raw as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (!JSON_ITEM_FIELDS.includes(key))
        errors.add(row, 'cmdbImport.row.unknownField', { field: key });
    }
    const attributes = object.attributes;
    if (
      attributes !== undefined &&
      attributes !== null &&
      (typeof attributes !== 'object' || Array.isArray(attributes))
    ) {
      errors.add(row, 'cmdbImport.row.fieldNotObject', { field: 'attributes' });
    }
    out.items.push({
      row,
      type: object.type,
      name: object.name,
      environment: object.environment,
      criticality: object.criticality,
      owner: object.owner,
      tags: object.tags,
      attributes:
        attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes)
          ? (attributes as Record<string, unknown>)
          : {}
    });
  });
  (relations as unknown[]).forEach((raw, index) => {
    const row = lines.relations[index] ?? 1;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      errors.add(row, 'cmdbImport.row.notObject');
      return;
    }
    const object = raw as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (!JSON_RELATION_FIELDS.includes(key))
        errors.add(row, 'cmdbImport.row.unknownField', { field: key });
    }
    out.relations.push({ row, from: object.from, to: object.to, type: object.type });
  });
  return out;
}

/**
 * The line of a JSON syntax error: from the `position N` newer Node versions name, else found as
 * the shortest prefix of the text that is wrong in itself (not merely unfinished).
 */
function jsonErrorLine(text: string, reason: string): number {
  const position = /position (\d+)/.exec(reason);
  if (position) return lineAt(text, Number(position[1]));
  const viable = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      if (!(error instanceof Error)) return false;
      // Running out of text is "end of input", or an error at the position just past the end.
      const at = /position (\d+)/.exec(error.message);
      return (
        /end of (JSON )?input/i.test(error.message) || (at !== null && Number(at[1]) >= length)
      );
    }
  };
  let lo = 0;
  let hi = text.length;
  if (viable(hi)) return 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (viable(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lineAt(text, Math.max(0, lo - 1));
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

/**
 * The lines where the item objects (of a bare array, or of `items`) and the relation objects
 * start, found by walking the (already valid) JSON text once, skipping strings.
 */
function jsonLines(text: string): { items: number[]; relations: number[]; relationsAt?: number } {
  const items: number[] = [];
  const relations: number[] = [];
  let relationsAt: number | undefined;
  /** The open containers; `path` names the arrays whose elements we want. */
  const stack: Array<{
    kind: 'object' | 'array';
    path: string;
    expectKey: boolean;
    key: string | null;
  }> = [];
  let line = 1;
  const valueStarts = (at: number) => {
    const top = stack.at(-1);
    if (top === undefined || top.kind !== 'array') return;
    if (top.path === '$' || top.path === '$.items') items.push(at);
    else if (top.path === '$.relations') relations.push(at);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === ',' || c === ':') {
      const top = stack.at(-1);
      if (c === ',' && top?.kind === 'object') top.expectKey = true;
      continue;
    }
    const top = stack.at(-1);
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          s += text[j + 1] ?? '';
          j += 2;
          continue;
        }
        s += text[j];
        j++;
      }
      if (top?.kind === 'object' && top.expectKey) {
        top.key = s;
        top.expectKey = false;
      } else {
        valueStarts(line);
      }
      i = j;
      continue;
    }
    if (c === '{' || c === '[') {
      valueStarts(line);
      let path = '';
      if (top === undefined) path = c === '[' ? '$' : '$root';
      else if (top.kind === 'object' && top.path === '$root' && top.key !== null) {
        path = `$.${top.key}`;
        if (top.key === 'relations') relationsAt = line;
      }
      stack.push({ kind: c === '{' ? 'object' : 'array', path, expectKey: c === '{', key: null });
      continue;
    }
    if (c === '}' || c === ']') {
      stack.pop();
      continue;
    }
    // A number, true, false or null: one value, skip to its end.
    valueStarts(line);
    while (i + 1 < text.length && /[^\s,\]}]/.test(text[i + 1]!)) i++;
  }
  return relationsAt === undefined ? { items, relations } : { items, relations, relationsAt };
}

// ---------------------------------------------------------------------------------------------
// Ansible inventories (INI and YAML) share one model: groups with hosts, vars and children.

/** A host of an inventory: where it first appears, and its host vars. */
interface InventoryHost {
  row: number;
  vars: Record<string, unknown>;
  /** Groups it is listed in directly. */
  groups: Set<string>;
}

interface InventoryGroup {
  vars: Record<string, unknown>;
  children: Set<string>;
}

interface Inventory {
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
  /** Whether vars are text (INI) and so converted for typed custom fields. */
  textVars: boolean;
}

function newInventory(textVars: boolean): Inventory {
  return { hosts: new Map(), groups: new Map(), textVars };
}

function groupOf(inventory: Inventory, name: string): InventoryGroup {
  let group = inventory.groups.get(name);
  if (group === undefined) {
    group = { vars: {}, children: new Set() };
    inventory.groups.set(name, group);
  }
  return group;
}

function addHost(
  inventory: Inventory,
  name: string,
  row: number,
  group: string,
  vars: Record<string, unknown>
): void {
  let host = inventory.hosts.get(name);
  if (host === undefined) {
    host = { row, vars: {}, groups: new Set() };
    inventory.hosts.set(name, host);
  }
  Object.assign(host.vars, vars);
  host.groups.add(group);
  groupOf(inventory, group);
}

/** Vars that set an item's fields instead of becoming attributes. */
const ENVIRONMENT_VARS = ['environment', 'env'];
const FIELD_VARS = {
  type: 'runboard_type',
  criticality: 'runboard_criticality',
  owner: 'runboard_owner'
} as const;
/** Groups every host is in, not worth a tag. */
const IMPLICIT_GROUPS = ['all', 'ungrouped'];

/**
 * Every inventory host as a draft item: type `host` (or `runboard_type`), its groups and their
 * ancestors as tags, its host vars as attributes, the environment from an `environment`/`env`
 * host var or else from the deepest group that sets one (Ansible's precedence: a child group
 * over its parent; at one depth, the later name in alphabetical order).
 */
function inventoryDrafts(inventory: Inventory): ParsedFile {
  const parents = new Map<string, Set<string>>();
  for (const [name, group] of inventory.groups) {
    for (const child of group.children) {
      let set = parents.get(child);
      if (!set) parents.set(child, (set = new Set()));
      set.add(name);
    }
  }
  const depthCache = new Map<string, number>();
  const depth = (group: string, trail: Set<string> = new Set()): number => {
    const cached = depthCache.get(group);
    if (cached !== undefined) return cached;
    if (trail.has(group)) return 0; // a cycle of children: Ansible refuses it; do not loop
    trail.add(group);
    let d = group === 'all' ? 0 : 1;
    for (const parent of parents.get(group) ?? []) d = Math.max(d, depth(parent, trail) + 1);
    trail.delete(group);
    depthCache.set(group, d);
    return d;
  };
  const items: DraftItem[] = [];
  const ordered = [...inventory.hosts].sort((a, b) => a[1].row - b[1].row);
  for (const [name, host] of ordered) {
    const groups = new Set<string>();
    const visit = (group: string) => {
      if (groups.has(group)) return;
      groups.add(group);
      for (const parent of parents.get(group) ?? []) visit(parent);
    };
    for (const group of host.groups) visit(group);
    groups.add('all');
    const byPrecedence = [...groups].sort(
      (a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0)
    );
    const groupVars: Record<string, unknown> = {};
    for (const group of byPrecedence)
      Object.assign(groupVars, inventory.groups.get(group)?.vars ?? {});
    const pick = (names: readonly string[]): unknown => {
      for (const key of names) if (host.vars[key] !== undefined) return host.vars[key];
      for (const key of names) if (groupVars[key] !== undefined) return groupVars[key];
      return undefined;
    };
    const attributes: Record<string, unknown> = {};
    const fieldVars: string[] = [...ENVIRONMENT_VARS, ...Object.values(FIELD_VARS)];
    for (const [key, value] of Object.entries(host.vars)) {
      if (fieldVars.includes(key)) continue;
      attributes[key] = value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
    }
    const text = (v: unknown) =>
      v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v);
    items.push({
      row: host.row,
      type: text(pick([FIELD_VARS.type])) ?? 'host',
      name,
      environment: text(pick(ENVIRONMENT_VARS)),
      criticality: text(pick([FIELD_VARS.criticality])),
      owner: text(pick([FIELD_VARS.owner])),
      tags: [...groups].filter((g) => !IMPLICIT_GROUPS.includes(g)).sort(),
      attributes,
      textAttributes: inventory.textVars
    });
  }
  return { items, relations: [] };
}

/**
 * The hosts a pattern names: `web[01:03].example.com` → web01…web03 (zero padding kept),
 * `db-[a:c]` → db-a…db-c, `[1:9:2]` with a step; several ranges multiply. Null when a range is
 * malformed; throws RangeError past `IMPORT_LIMITS.hostRangeHosts`.
 */
export function expandHostPattern(pattern: string): string[] | null {
  const match = /\[([^\]]*)\]/.exec(pattern);
  if (match === null) return pattern.includes('[') || pattern.includes(']') ? null : [pattern];
  const [whole, inner = ''] = match;
  const head = pattern.slice(0, match.index);
  const tail = pattern.slice(match.index + whole.length);
  const parts = inner.split(':');
  if (parts.length < 2 || parts.length > 3) return null;
  const [start = '', end = '', stepText = '1'] = parts;
  const step = Number(stepText);
  if (!/^\d+$/.test(stepText) || step < 1) return null;
  const values: string[] = [];
  if (/^\d+$/.test(start) && /^\d+$/.test(end)) {
    const from = Number(start);
    const to = Number(end);
    if (to < from) return null;
    if ((to - from) / step + 1 > IMPORT_LIMITS.hostRangeHosts)
      throw new RangeError('too many hosts');
    const width = start.length > 1 && start.startsWith('0') ? start.length : 0;
    for (let i = from; i <= to; i += step) values.push(String(i).padStart(width, '0'));
  } else if (/^[a-zA-Z]$/.test(start) && /^[a-zA-Z]$/.test(end)) {
    const from = start.charCodeAt(0);
    const to = end.charCodeAt(0);
    if (to < from) return null;
    for (let i = from; i <= to; i += step) values.push(String.fromCharCode(i));
  } else {
    return null;
  }
  const rest = expandHostPattern(tail);
  if (rest === null) return null;
  if (values.length * rest.length > IMPORT_LIMITS.hostRangeHosts)
    throw new RangeError('too many hosts');
  return values.flatMap((v) => rest.map((r) => `${head}${v}${r}`));
}

function expandOrReport(pattern: string, row: number, errors: ErrorList): string[] {
  try {
    const hosts = expandHostPattern(pattern);
    if (hosts === null) {
      errors.add(row, 'cmdbImport.row.hostRange', { pattern });
      return [];
    }
    return hosts;
  } catch {
    errors.add(row, 'cmdbImport.row.hostRangeTooLarge', {
      pattern,
      max: IMPORT_LIMITS.hostRangeHosts
    });
    return [];
  }
}

/** Splits an INI host line like a shell would: spaces separate, quotes group, `#` ends it. */
function splitIniLine(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === ' ' || c === '\t') {
      if (started) out.push(current);
      current = '';
      started = false;
    } else if (c === '#' && !started) {
      break;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) out.push(current);
  return out;
}

/** A host pattern with a `:port` suffix (not IPv6): the port becomes `ansible_port`. */
function splitPort(pattern: string): { pattern: string; port?: string } {
  const match = /^([^:]+):(\d+)$/.exec(pattern);
  return match ? { pattern: match[1]!, port: match[2]! } : { pattern };
}

function readIniInventory(text: string, errors: ErrorList): Inventory {
  const inventory = newInventory(true);
  let section: { group: string; kind: 'hosts' | 'vars' | 'children' } = {
    group: 'ungrouped',
    kind: 'hosts'
  };
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((rawLine, index) => {
    const row = index + 1;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]+)\](.*)$/.exec(line);
    const afterHeader = header?.[2]?.trim() ?? '';
    if (
      header &&
      (afterHeader === '' || afterHeader.startsWith('#') || afterHeader.startsWith(';'))
    ) {
      const parts = header[1]!.trim().split(':');
      const name = parts[0]!.trim();
      const kind = parts[1]?.trim();
      if (
        parts.length > 2 ||
        name === '' ||
        (kind !== undefined && kind !== 'vars' && kind !== 'children')
      ) {
        errors.add(row, 'cmdbImport.row.iniSection', { section: line });
        section = { group: '\u0000', kind: 'hosts' };
        return;
      }
      section = { group: name, kind: kind ?? 'hosts' };
      groupOf(inventory, name);
      return;
    }
    if (line.startsWith('[')) {
      errors.add(row, 'cmdbImport.row.iniSyntax');
      return;
    }
    if (section.group === '\u0000') return; // under a section already reported
    if (section.kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0) {
        errors.add(row, 'cmdbImport.row.iniVariable', { text: line.slice(0, 80) });
        return;
      }
      groupOf(inventory, section.group).vars[line.slice(0, eq).trim()] = unquote(
        line.slice(eq + 1).trim()
      );
      return;
    }
    if (section.kind === 'children') {
      const [child] = splitIniLine(line);
      if (child === undefined) return;
      groupOf(inventory, section.group).children.add(child);
      groupOf(inventory, child);
      return;
    }
    const [first, ...rest] = splitIniLine(line);
    if (first === undefined) return;
    const vars: Record<string, unknown> = {};
    let ok = true;
    for (const token of rest) {
      const eq = token.indexOf('=');
      if (eq <= 0) {
        errors.add(row, 'cmdbImport.row.iniVariable', { text: token.slice(0, 80) });
        ok = false;
        continue;
      }
      vars[token.slice(0, eq)] = token.slice(eq + 1);
    }
    if (!ok) return;
    const { pattern, port } = splitPort(first);
    if (port !== undefined) vars.ansible_port = port;
    for (const host of expandOrReport(pattern, row, errors))
      addHost(inventory, host, row, section.group, vars);
  });
  return inventory;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0])
    return value.slice(1, -1);
  return value;
}

function readYamlInventory(text: string, errors: ErrorList): Inventory {
  const inventory = newInventory(false);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    for (const error of doc.errors.slice(0, 10)) {
      errors.add(error.linePos?.[0].line ?? 1, 'cmdbImport.row.yamlSyntax', {
        reason: error.message.split('\n')[0]!.slice(0, 200)
      });
    }
    return inventory;
  }
  const rowOf = (node: YamlNode | null | undefined, fallback: number): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : fallback;
  const root = doc.contents;
  if (!isMap(root)) {
    errors.add(rowOf(root, 1), 'cmdbImport.row.yamlShape');
    return inventory;
  }
  const readGroup = (name: string, node: unknown, row: number, trail: string[]) => {
    groupOf(inventory, name);
    if (isEmptyNode(node)) return;
    if (!isMap(node)) {
      errors.add(row, 'cmdbImport.row.yamlShape');
      return;
    }
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const keyRow = rowOf(pair.key as YamlNode, row);
      const value = pair.value;
      if (key === 'hosts') {
        if (isEmptyNode(value)) continue;
        if (!isMap(value)) {
          errors.add(keyRow, 'cmdbImport.row.yamlShape');
          continue;
        }
        for (const hostPair of value.items) {
          const hostRow = rowOf(hostPair.key as YamlNode, keyRow);
          const raw = isScalar(hostPair.key) ? String(hostPair.key.value) : '';
          const rawVars = hostPair.value;
          let hostVars: Record<string, unknown> = {};
          if (isMap(rawVars)) hostVars = rawVars.toJSON() as Record<string, unknown>;
          else if (!isEmptyNode(rawVars)) {
            errors.add(hostRow, 'cmdbImport.row.yamlShape');
            continue;
          }
          const { pattern, port } = splitPort(raw);
          if (port !== undefined) hostVars.ansible_port = port;
          for (const host of expandOrReport(pattern, hostRow, errors))
            addHost(inventory, host, hostRow, name, hostVars);
        }
      } else if (key === 'vars') {
        if (isEmptyNode(value)) continue;
        if (!isMap(value)) {
          errors.add(keyRow, 'cmdbImport.row.yamlShape');
          continue;
        }
        Object.assign(groupOf(inventory, name).vars, value.toJSON() as Record<string, unknown>);
      } else if (key === 'children') {
        if (isEmptyNode(value)) continue;
        if (!isMap(value)) {
          errors.add(keyRow, 'cmdbImport.row.yamlShape');
          continue;
        }
        for (const childPair of value.items) {
          const child = isScalar(childPair.key) ? String(childPair.key.value) : '';
          const childRow = rowOf(childPair.key as YamlNode, keyRow);
          groupOf(inventory, name).children.add(child);
          if (trail.includes(child)) continue; // a cycle of children: stop walking it
          readGroup(child, childPair.value, childRow, [...trail, child]);
        }
      } else {
        errors.add(keyRow, 'cmdbImport.row.yamlGroupKey', { key });
      }
    }
  };
  for (const pair of root.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    readGroup(name, pair.value, rowOf(pair.key as YamlNode, 1), [name]);
  }
  return inventory;
}

/** A YAML value left empty (`hosts:` with nothing after it). */
function isEmptyNode(node: unknown): boolean {
  return (
    node === null ||
    node === undefined ||
    (isScalar(node) && (node.value === null || node.value === ''))
  );
}
