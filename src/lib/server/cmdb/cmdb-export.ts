/**
 * CMDB export as CSV and JSON: files that `parseImport` (cmdb-import.ts) reads back into the same
 * items and relations, so an export can be edited and imported into another workspace.
 *
 * - CSV: the header `type,name,environment,criticality,owner,tags`, then one `attr.<key>` column
 *   per attribute key in use (sorted), then a `depends_on` / `runs_on` / `connects_to` column for
 *   each relation type in use, listing the names an item points to, separated by `;`. Records
 *   end in CRLF (RFC 4180). Attribute values are written as text: on import, free attributes stay
 *   text and a custom type's number and boolean fields become numbers and booleans again.
 *   Names, tags and relation targets containing `;` cannot be told apart in a list cell; use JSON
 *   for those.
 * - CSV injection: a cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
 *   `@`, tab or CR, after any `'`) is written with a leading `'`, which the import removes again.
 * - JSON: `{ items, relations }` with relations named by item name, two-space indented, one item
 *   object per line start so that import errors point at the right line.
 */
import {
  RELATION_TYPES,
  type CiItem,
  type CiRelation,
  type RelationType
} from '../../shared/cmdb/schema';
import { CSV_ATTRIBUTE_PREFIX, CSV_LIST_SEPARATOR } from './cmdb-import';

/** What the exports need of an item: its id and value (`CiItem`, or the same without times). */
export type ExportItem = Pick<
  CiItem,
  'id' | 'type' | 'name' | 'environment' | 'criticality' | 'owner' | 'attributes' | 'tags'
>;
/** What the exports need of a relation: its ends, by item id, and its type. */
export type ExportRelation = Pick<CiRelation, 'from' | 'to' | 'type'>;

/** The JSON export: the shape `parseImport('json', …)` reads. */
export interface CmdbExportJson {
  items: Array<{
    type: string;
    name: string;
    environment?: string;
    criticality: string;
    owner?: string;
    attributes: Record<string, string | number | boolean | null>;
    tags: string[];
  }>;
  relations: Array<{ from: string; to: string; type: RelationType }>;
}

const CSV_HEADER = ['type', 'name', 'environment', 'criticality', 'owner', 'tags'] as const;

/** A cell a spreadsheet would evaluate (after any number of `'`), guarded with one more `'`. */
const FORMULA = /^'*[=+\-@\t\r]/;

/** A cell value made safe from formula injection (OWASP "CSV Injection"). */
export function guardCell(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** A cell quoted when it must be (RFC 4180): commas, quotes, line breaks, edge spaces. */
function quoteCell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function cell(value: string): string {
  return quoteCell(guardCell(value));
}

function listCell(values: readonly string[]): string {
  return quoteCell(values.map(guardCell).join(CSV_LIST_SEPARATOR));
}

/** Relations by the name of each end; relations whose ends are not both exported are left out. */
function namedRelations(
  items: readonly ExportItem[],
  relations: readonly ExportRelation[]
): Array<{ from: string; to: string; type: RelationType }> {
  const names = new Map(items.map((item) => [item.id, item.name]));
  const out: Array<{ from: string; to: string; type: RelationType }> = [];
  for (const relation of relations) {
    const from = names.get(relation.from);
    const to = names.get(relation.to);
    if (from !== undefined && to !== undefined) out.push({ from, to, type: relation.type });
  }
  return out;
}

/** The CMDB as CSV (see the module comment for the columns). */
export function exportCsv(
  items: readonly ExportItem[],
  relations: readonly ExportRelation[]
): string {
  const attributeKeys = [...new Set(items.flatMap((item) => Object.keys(item.attributes)))].sort();
  const names = new Map(items.map((item) => [item.id, item.name]));
  /** Item id → relation type → the names it points to. */
  const targets = new Map<string, Map<RelationType, string[]>>();
  for (const relation of relations) {
    const to = names.get(relation.to);
    if (to === undefined || !names.has(relation.from)) continue;
    let byType = targets.get(relation.from);
    if (!byType) targets.set(relation.from, (byType = new Map()));
    const list = byType.get(relation.type) ?? [];
    list.push(to);
    byType.set(relation.type, list);
  }
  const relationColumns = RELATION_TYPES.filter((type) =>
    [...targets.values()].some((byType) => byType.has(type))
  );
  const header = [
    ...CSV_HEADER,
    ...attributeKeys.map((key) => `${CSV_ATTRIBUTE_PREFIX}${key}`),
    ...relationColumns
  ].map(cell);
  const lines = [header.join(',')];
  for (const item of items) {
    const row = [
      cell(item.type),
      cell(item.name),
      cell(item.environment ?? ''),
      cell(item.criticality),
      cell(item.owner ?? ''),
      listCell(item.tags),
      ...attributeKeys.map((key) => {
        const value = item.attributes[key];
        return cell(value === undefined || value === null ? '' : String(value));
      }),
      ...relationColumns.map((type) => listCell(targets.get(item.id)?.get(type) ?? []))
    ];
    lines.push(row.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The CMDB as the JSON that the import reads (see the module comment). */
export function exportJson(
  items: readonly ExportItem[],
  relations: readonly ExportRelation[]
): string {
  const body: CmdbExportJson = {
    items: items.map((item) => ({
      type: item.type,
      name: item.name,
      ...(item.environment === null ? {} : { environment: item.environment }),
      criticality: item.criticality,
      ...(item.owner === null ? {} : { owner: item.owner }),
      attributes: { ...item.attributes },
      tags: [...item.tags]
    })),
    relations: namedRelations(items, relations)
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
