/**
 * CMDB export (src/lib/server/cmdb/cmdb-export.ts): CSV and JSON files that the import reads back
 * into the same items and relations, and CSV cells that a spreadsheet cannot run as formulas.
 */
import { describe, expect, it } from 'vitest';
import {
  exportCsv,
  exportJson,
  guardCell,
  type ExportItem,
  type ExportRelation
} from '$lib/server/cmdb/cmdb-export';
import { parseImport, splitCsv, ErrorList, type ImportPlan } from '$lib/server/cmdb/cmdb-import';
import type { CiType } from '$lib/shared/cmdb/schema';

const customTypes: Record<string, CiType> = {
  rack: {
    label: 'Rack',
    fields: [
      { key: 'units', label: 'Units', type: 'number', required: true },
      { key: 'powered', label: 'Powered', type: 'boolean', required: false },
      { key: 'installed', label: 'Installed', type: 'date', required: false }
    ]
  }
};

const items: ExportItem[] = [
  {
    id: 'i1',
    type: 'host',
    name: 'web-01',
    environment: 'production',
    criticality: 'high',
    owner: 'platform',
    attributes: { ip: '10.0.0.1', note: 'two\nlines, "quoted"' },
    tags: ['web', 'linux']
  },
  {
    id: 'i2',
    type: 'database',
    name: '订单数据库',
    environment: '生产',
    criticality: 'critical',
    owner: 'DBA 组',
    attributes: { ip: '10.0.0.2' },
    tags: ['数据库']
  },
  {
    id: 'i3',
    type: 'service',
    name: '=HYPERLINK("http://evil","x")',
    environment: null,
    criticality: 'medium',
    owner: '@team',
    attributes: { cmd: '+1+2', neg: '-5', tab: '\tindented', quoted: "'=still" },
    tags: ['-dash', 'ok']
  },
  {
    id: 'i4',
    type: 'rack',
    name: 'rack 7, room B',
    environment: 'production',
    criticality: 'low',
    owner: null,
    attributes: { units: 42, powered: false, installed: '2024-03-01' },
    tags: []
  },
  {
    id: 'i5',
    type: 'cluster',
    name: 'k8s',
    environment: null,
    criticality: 'medium',
    owner: null,
    attributes: {},
    tags: []
  }
];
const relations: ExportRelation[] = [
  { from: 'i1', to: 'i2', type: 'depends_on' },
  { from: 'i3', to: 'i1', type: 'depends_on' },
  { from: 'i3', to: 'i2', type: 'depends_on' },
  { from: 'i1', to: 'i5', type: 'runs_on' },
  { from: 'i2', to: 'i4', type: 'connects_to' },
  { from: 'i1', to: 'gone', type: 'depends_on' }
];

/** Items as the import plans them, to compare with the exported ones. */
function asExported(plan: ImportPlan) {
  return plan.items.map(({ item }) => ({
    type: item.type,
    name: item.name,
    environment: item.environment ?? null,
    criticality: item.criticality ?? 'medium',
    owner: item.owner ?? null,
    attributes: item.attributes ?? {},
    tags: item.tags ?? []
  }));
}
const original = items.map(({ id: _id, ...rest }) => rest);
const namedRelations = [
  { from: 'web-01', to: '订单数据库', type: 'depends_on' },
  { from: '=HYPERLINK("http://evil","x")', to: 'web-01', type: 'depends_on' },
  { from: '=HYPERLINK("http://evil","x")', to: '订单数据库', type: 'depends_on' },
  { from: 'web-01', to: 'k8s', type: 'runs_on' },
  { from: '订单数据库', to: 'rack 7, room B', type: 'connects_to' }
];
const sortRelations = (list: Array<{ from: string; to: string; type: string }>) =>
  [...list]
    .map(({ from, to, type }) => ({ from, to, type }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('CMDB export', () => {
  it('CSV round-trips through the import: items, typed custom fields and relations', () => {
    const csv = exportCsv(items, relations);
    const result = parseImport('csv', csv, { customTypes });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(asExported(result.plan)).toEqual(original);
    expect(sortRelations(result.plan.relations)).toEqual(sortRelations(namedRelations));
    // The multi-line cell makes the first record span two lines; the next starts on line 4.
    expect(result.plan.items.map((i) => i.row)).toEqual([2, 4, 5, 6, 7]);
  });

  it('JSON round-trips exactly, attribute types and null attributes included', () => {
    const withNull = items.map((item) =>
      item.id === 'i5' ? { ...item, attributes: { retired: null, cores: 8, ha: true } } : item
    );
    const json = exportJson(withNull, relations);
    const result = parseImport('json', json, { customTypes });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(asExported(result.plan)).toEqual(withNull.map(({ id: _id, ...rest }) => rest));
    expect(sortRelations(result.plan.relations)).toEqual(sortRelations(namedRelations));
    // Each item is reported at the line where its object starts.
    const lines = json.split('\n');
    for (const { row, item } of result.plan.items) {
      expect(lines[row - 1]!.trim()).toBe('{');
      expect(lines[row]).toContain(`"type": "${item.type}"`);
    }
  });

  it('guards every CSV cell a spreadsheet would run as a formula', () => {
    const csv = exportCsv(items, relations);
    const errors = new ErrorList();
    const cells = splitCsv(csv, errors).flatMap((record) => record.fields);
    expect(errors.size).toBe(0);
    for (const value of cells) {
      expect(value, value).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(cells).toContain(`'=HYPERLINK("http://evil","x")`);
    expect(cells).toContain("'@team");
    expect(cells).toContain("'+1+2");
    expect(cells).toContain("''=still");
    expect(cells).toContain("'-dash;ok");
    expect(guardCell('plain')).toBe('plain');
    expect(guardCell('-')).toBe("'-");
  });

  it('exports an empty CMDB as a header the import accepts as nothing to do', () => {
    expect(exportCsv([], [])).toBe('type,name,environment,criticality,owner,tags\r\n');
    expect(JSON.parse(exportJson([], []))).toEqual({ items: [], relations: [] });
  });
});
