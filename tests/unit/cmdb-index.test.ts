/**
 * The browser's CMDB index (src/lib/cmdb/cmdb-index.ts) and the checked edits (cmdb-writes.ts):
 * filters and search, the graph kept in step with item and relation events (also remote ones and
 * relations that arrive before their items), cycles refused before writing, custom fields
 * checked, and a 20,000-item filter timed (printed, not asserted: the machine is shared).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CmdbIndex } from '$lib/cmdb/cmdb-index';
import { quickItemValue } from '$lib/cmdb/item-value-check';
import { filtersFromSearchParams, filtersToSearch } from '$lib/cmdb/cmdb-query';
import {
  CmdbWriteError,
  addRelation,
  createItem,
  deleteCustomType,
  removeItem,
  removeRelation,
  saveCustomType,
  updateItem
} from '$lib/cmdb/cmdb-writes';
import { relationId, relationsMap, writeItem, writeRelation } from '$lib/shared/cmdb/cmdb-doc';
import { ciValueSchema, type CiValue } from '$lib/shared/cmdb/schema';

function value(name: string, extra: Partial<CiValue> = {}): CiValue {
  return {
    type: 'host',
    name,
    environment: 'production',
    criticality: 'medium',
    owner: null,
    attributes: {},
    tags: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra
  };
}

function refused(run: () => unknown): CmdbWriteError {
  try {
    run();
  } catch (error) {
    if (error instanceof CmdbWriteError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('CmdbIndex', () => {
  it('filters by every field and searches names, tags, owners and attribute values', () => {
    const doc = new Y.Doc();
    writeItem(doc, 'web1', value('web-01', { tags: ['edge', 'nginx'], owner: 'sre' }));
    writeItem(doc, 'db1', value('Orders DB', { type: 'database', criticality: 'critical' }));
    writeItem(
      doc,
      'st1',
      value('web-stage', { environment: 'staging', attributes: { ip: '10.0.0.7' } })
    );
    const index = new CmdbIndex(doc);
    const names = (query: Parameters<CmdbIndex['filter']>[0]) =>
      index.filter(query).map((item) => item.name);

    expect(names({})).toEqual(['Orders DB', 'web-01', 'web-stage']);
    expect(names({ q: 'WEB' })).toEqual(['web-01', 'web-stage']);
    expect(names({ q: 'orders' })).toEqual(['Orders DB']);
    expect(names({ q: '10.0.0.7' })).toEqual(['web-stage']);
    expect(names({ q: 'nginx' })).toEqual(['web-01']);
    expect(names({ type: 'database' })).toEqual(['Orders DB']);
    expect(names({ environment: 'staging' })).toEqual(['web-stage']);
    expect(names({ criticality: 'critical' })).toEqual(['Orders DB']);
    expect(names({ tag: 'edge' })).toEqual(['web-01']);
    expect(names({ owner: 'sre', q: 'web' })).toEqual(['web-01']);
    expect(index.facets().environments).toEqual(
      new Map([
        ['production', 2],
        ['staging', 1]
      ])
    );
  });

  it('follows edits made elsewhere, item by item', () => {
    const doc = new Y.Doc();
    const index = new CmdbIndex(doc);
    let changes = 0;
    index.onChange(() => changes++);
    writeItem(doc, 'a', value('alpha'));
    expect(index.filter({ q: 'alpha' })).toHaveLength(1);
    writeItem(doc, 'a', value('beta'));
    expect(index.filter({ q: 'alpha' })).toHaveLength(0);
    expect(index.get('a')?.name).toBe('beta');
    // A malformed value (a broken client) reads as absent.
    doc.getMap('items').set('a', { name: 42 });
    expect(index.size).toBe(0);
    expect(changes).toBe(3);

    // A remote peer's update arrives the same way.
    const remote = new Y.Doc();
    writeItem(remote, 'r', value('remote-one'));
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote));
    expect(index.get('r')?.name).toBe('remote-one');
  });

  it('keeps the graph in step with relations, also ones that arrive before their items', () => {
    const doc = new Y.Doc();
    const index = new CmdbIndex(doc);
    // Relations first (a sync may deliver them in any order): no edge until both ends exist.
    writeRelation(doc, { from: 'app', to: 'db', type: 'depends_on' });
    writeRelation(doc, { from: 'app', to: 'db', type: 'connects_to' });
    expect(index.graph.dependencies('app')).toEqual([]);
    writeItem(doc, 'app', value('app'));
    writeItem(doc, 'db', value('db'));
    expect(index.graph.dependencies('app')).toEqual(['db']);
    expect(index.relationCount).toBe(2);
    // Two relation types share one edge: removing one keeps it.
    removeRelation(doc, relationId('app', 'db', 'connects_to'));
    expect(index.graph.dependencies('app')).toEqual(['db']);
    expect(index.relationsOf('db').in.map((r) => r.type)).toEqual(['depends_on']);
    removeRelation(doc, relationId('app', 'db', 'depends_on'));
    expect(index.graph.dependencies('app')).toEqual([]);

    writeRelation(doc, { from: 'app', to: 'db', type: 'runs_on' });
    expect(index.graph.impact('db')).toEqual([{ id: 'app', depth: 1 }]);
    removeItem(doc, index, 'db');
    expect(index.graph.dependents('db')).toEqual([]);
    expect(relationsMap(doc).size).toBe(0);
  });
});

describe('checked edits', () => {
  it('creates and edits items through the schemas, with custom type fields checked', () => {
    const doc = new Y.Doc();
    const index = new CmdbIndex(doc);
    const id = createItem(doc, index, { type: 'host', name: ' web-01 ', tags: ['a', 'a'] });
    expect(index.get(id)).toMatchObject({ name: 'web-01', criticality: 'medium', tags: ['a'] });
    expect(refused(() => createItem(doc, index, { type: 'host', name: '' })).code).toBe('invalid');
    // Names are unique, ignoring case; an item keeps its own name on edit.
    expect(refused(() => createItem(doc, index, { type: 'vm', name: 'WEB-01' })).code).toBe(
      'duplicate_name'
    );
    updateItem(doc, index, id, { type: 'host', name: 'web-01', criticality: 'high' });
    expect(refused(() => createItem(doc, index, { type: 'rack', name: 'r1' })).code).toBe(
      'unknown_type'
    );

    saveCustomType(
      doc,
      index,
      'rack',
      {
        label: 'Rack',
        fields: [
          { key: 'units', label: 'Units', type: 'number', required: true },
          { key: 'row', label: 'Row', type: 'choice', required: false, choices: ['A', 'B'] }
        ]
      },
      { creating: true }
    );
    const problems = refused(() =>
      createItem(doc, index, { type: 'rack', name: 'r1', attributes: { row: 'C' } })
    );
    expect(problems.code).toBe('custom_fields');
    expect(problems.fields).toEqual([
      { field: 'units', problem: 'required' },
      { field: 'row', problem: 'not_choice' }
    ]);
    const rack = createItem(doc, index, { type: 'rack', name: 'r1', attributes: { units: 42 } });
    updateItem(doc, index, rack, { type: 'rack', name: 'r1', attributes: { units: 48 } });
    expect(index.get(rack)?.attributes).toEqual({ units: 48 });
    expect(refused(() => deleteCustomType(doc, index, 'rack')).code).toBe('type_in_use');
    expect(
      refused(() =>
        saveCustomType(doc, index, 'host', { label: 'H', fields: [] }, { creating: true })
      ).code
    ).toBe('type_exists');
  });

  it('refuses a relation that would close a cycle, naming the path, and writes nothing', () => {
    const doc = new Y.Doc();
    const index = new CmdbIndex(doc);
    const [a, b, c] = ['app', 'svc', 'db'].map((name) =>
      createItem(doc, index, { type: 'service', name })
    ) as [string, string, string];
    addRelation(doc, index, a, b, 'depends_on');
    addRelation(doc, index, b, c, 'runs_on');
    const before = relationsMap(doc).size;
    const error = refused(() => addRelation(doc, index, c, a, 'connects_to'));
    expect(error.code).toBe('cycle');
    expect(error.path).toEqual(['db', 'app', 'svc', 'db']);
    expect(relationsMap(doc).size).toBe(before);
    expect(refused(() => addRelation(doc, index, a, a, 'depends_on')).code).toBe('self_relation');
    expect(refused(() => addRelation(doc, index, a, b, 'depends_on')).code).toBe(
      'duplicate_relation'
    );
    expect(index.graph.impact(c)).toEqual([
      { id: b, depth: 1 },
      { id: a, depth: 2 }
    ]);
  });
});

describe('the quick check of stored item values', () => {
  it('accepts only what the schema returns unchanged, and refuses all it refuses', () => {
    const good = value('web-01', {
      owner: 'sre',
      tags: ['edge'],
      attributes: { ip: '10.0.0.1', cores: 8, virtual: false, note: null }
    });
    const samples: unknown[] = [
      good,
      value('生产数据库', { environment: '生产', owner: '' }),
      { ...good, name: ' padded ' },
      { ...good, name: 'bell\u0007' },
      { ...good, name: '' },
      { ...good, name: 'x'.repeat(201) },
      { ...good, type: 'Host' },
      { ...good, type: 'rack' },
      { ...good, criticality: 'severe' },
      { ...good, environment: '' },
      { ...good, environment: 'x'.repeat(41) },
      { ...good, owner: 'x'.repeat(101) },
      { ...good, tags: ['ok', ' no'] },
      { ...good, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
      { ...good, attributes: { '': 1 } },
      { ...good, attributes: { nested: { a: 1 } } },
      { ...good, attributes: { n: Number.NaN } },
      { ...good, attributes: { s: 'x'.repeat(2001) } },
      { ...good, extra: true },
      { ...good, createdAt: 5 },
      [good],
      null,
      'web-01'
    ];
    for (const sample of samples) {
      const parsed = ciValueSchema.safeParse(sample);
      const quick = quickItemValue(sample);
      if (!parsed.success) expect(quick, JSON.stringify(sample)).toBeNull();
      else if (quick !== null) expect(quick, JSON.stringify(sample)).toEqual(parsed.data);
    }
    expect(quickItemValue(good)).toEqual(good);
  });
});

describe('the list filters in the address', () => {
  it('round-trip, leave out what is unset and ignore an unknown criticality', () => {
    const filters = {
      q: ' web ',
      type: 'rack',
      environment: '生产',
      criticality: 'high' as const,
      tag: 'edge',
      owner: ''
    };
    const search = filtersToSearch(filters);
    expect(search).toBe('q=web&type=rack&env=%E7%94%9F%E4%BA%A7&criticality=high&tag=edge');
    expect(filtersFromSearchParams(new URLSearchParams(search))).toEqual({ ...filters, q: 'web' });
    expect(filtersFromSearchParams(new URLSearchParams('criticality=severe')).criticality).toBe('');
    expect(filtersToSearch(filtersFromSearchParams(new URLSearchParams()))).toBe('');
  });
});

describe('a CMDB of 20,000 items and 60,000 relations', () => {
  it('filters in well under the 100 ms budget (timing printed)', () => {
    const doc = new Y.Doc();
    const environments = ['production', 'staging', 'development'];
    doc.transact(() => {
      for (let i = 0; i < 20_000; i++) {
        writeItem(
          doc,
          `i${i}`,
          value(`host-${i.toString().padStart(5, '0')}`, {
            environment: environments[i % 3] ?? null,
            tags: [`rack-${i % 40}`],
            owner: `team-${i % 12}`,
            attributes: { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }
          })
        );
      }
      for (let i = 1; i < 20_000; i++) {
        // Each item needs up to three items before it: no cycles, 60,000 relations in all.
        for (const step of [1, 7, 101]) {
          if (i - step >= 0)
            writeRelation(doc, { from: `i${i}`, to: `i${i - step}`, type: 'depends_on' });
        }
      }
    });
    let started = performance.now();
    const index = new CmdbIndex(doc);
    const buildMs = performance.now() - started;
    index.sorted();

    const queries = [
      { q: 'host-1' },
      { q: '10.0.3' },
      { q: 'host', environment: 'staging', tag: 'rack-7' },
      { owner: 'team-3' },
      { q: 'nothing-matches-this' }
    ];
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const query of queries) {
        started = performance.now();
        index.filter(query);
        times.push(performance.now() - started);
      }
    }
    times.sort((x, y) => x - y);
    const p95 = times[Math.floor(times.length * 0.95)] ?? 0;
    started = performance.now();
    const impact = index.graph.impact('i0');
    const impactMs = performance.now() - started;
    console.log(
      `cmdb index: built over ${index.size} items / ${index.relationCount} relations in ${buildMs.toFixed(0)} ms; ` +
        `filter median ${times[Math.floor(times.length / 2)]?.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms; ` +
        `impact of the root (${impact.length} items) ${impactMs.toFixed(1)} ms`
    );
    expect(index.relationCount).toBe(59_891);
    expect(index.filter({ q: 'host-19999' })).toHaveLength(1);
  });
});
