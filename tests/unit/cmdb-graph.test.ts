/**
 * The CMDB's dependency graph (shared/cmdb/cmdb-doc.ts): impact at the shortest depth, cycle
 * checks one relation at a time and for many at once, and relations of several types between
 * the same two items.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  CmdbGraph,
  parseRelationId,
  readRelations,
  relationId,
  writeItem,
  writeRelation
} from '../../src/lib/shared/cmdb/cmdb-doc';

describe('CmdbGraph', () => {
  it('answers impact breadth first, each item at its shortest depth', () => {
    // app → svc → db → host, and app → db directly.
    const graph = new CmdbGraph([
      { from: 'app', to: 'svc' },
      { from: 'svc', to: 'db' },
      { from: 'db', to: 'host' },
      { from: 'app', to: 'db' }
    ]);
    expect(graph.impact('host')).toEqual([
      { id: 'db', depth: 1 },
      { id: 'svc', depth: 2 },
      { id: 'app', depth: 2 }
    ]);
    expect(graph.impact('host', 1)).toEqual([{ id: 'db', depth: 1 }]);
    expect(
      graph
        .needs('app')
        .map((r) => r.id)
        .sort()
    ).toEqual(['db', 'host', 'svc']);
    expect(graph.wouldCycle('host', 'app')).toBe(true);
    expect(graph.wouldCycle('app', 'host')).toBe(false);
    expect(graph.wouldCycle('x', 'x')).toBe(true);
  });

  it('keeps an edge while another relation type still links the two items', () => {
    const graph = new CmdbGraph();
    graph.add('a', 'b');
    graph.add('a', 'b');
    graph.remove('a', 'b');
    expect(graph.dependencies('a')).toEqual(['b']);
    graph.remove('a', 'b');
    expect(graph.dependencies('a')).toEqual([]);
  });

  it('adds many relations with one check, refusing only those that close a cycle', () => {
    const graph = new CmdbGraph();
    const chain = Array.from({ length: 50 }, (_, i) => ({ from: `n${i}`, to: `n${i + 1}` }));
    expect(graph.addAcyclic(chain)).toEqual([]);
    expect(graph.hasCycle()).toBe(false);
    const more = [
      { from: 'n50', to: 'n0' }, // closes the chain
      { from: 'x', to: 'n0' },
      ...Array.from({ length: 10 }, (_, i) => ({ from: `y${i}`, to: 'n25' }))
    ];
    expect(graph.addAcyclic(more)).toEqual([{ from: 'n50', to: 'n0' }]);
    expect(graph.hasCycle()).toBe(false);
    expect(graph.impact('n0').length).toBe(1);
  });

  it('reads relations from their ids, skipping malformed ones and missing ends', () => {
    const doc = new Y.Doc();
    const at = '2026-12-05T00:00:00.000Z';
    const base = {
      environment: null,
      criticality: 'low' as const,
      owner: null,
      attributes: {},
      tags: [],
      createdAt: at,
      updatedAt: at
    };
    writeItem(doc, 'a', { ...base, type: 'host', name: 'a' });
    writeItem(doc, 'b', { ...base, type: 'host', name: 'b' });
    writeRelation(doc, { from: 'a', to: 'b', type: 'runs_on' });
    writeRelation(doc, { from: 'a', to: 'gone', type: 'runs_on' });
    doc.getMap('relations').set('not~a~relation~at all', true);
    expect(readRelations(doc)).toEqual([
      { id: relationId('a', 'b', 'runs_on'), from: 'a', to: 'b', type: 'runs_on' }
    ]);
    expect(parseRelationId('a~a~runs_on')).toBeNull();
    expect(parseRelationId('a~b~owns')).toBeNull();
    expect(CmdbGraph.ofDoc(doc).impact('b')).toEqual([{ id: 'a', depth: 1 }]);
  });
});
