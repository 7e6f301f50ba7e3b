/**
 * The ledger's run facts (shared/automation/ledger.ts): written whole, read newest first, and
 * swept only when the map outgrows its cap — old finished runs and the oldest finished ones go,
 * runs still going always stay.
 */
import * as Y from 'yjs';
import { describe, expect, test } from 'vitest';
import {
  LEDGER_KEEP_RUNS_MS,
  LEDGER_MAX_RUNS,
  LEDGER_RUNS,
  readRunFacts,
  writeRunFacts,
  type RunFact
} from '../../src/lib/shared/automation/ledger';

const NOW = Date.parse('2026-12-05T12:00:00Z');

function fact(n: number, finishedAgoMs: number | null): RunFact {
  const createdAt = new Date(NOW - 30 * 24 * 3_600_000 + n * 1000).toISOString();
  return {
    id: `run-${String(n).padStart(5, '0')}`,
    jobId: 'j',
    jobName: 'Job',
    state: finishedAgoMs === null ? 'running' : 'succeeded',
    trigger: 'schedule',
    purpose: null,
    check: false,
    taskId: null,
    changeId: null,
    incidentId: null,
    runbookId: null,
    runbookBlock: null,
    requestedBy: 'system',
    exitCode: finishedAgoMs === null ? null : 0,
    createdAt,
    startedAt: createdAt,
    finishedAt: finishedAgoMs === null ? null : new Date(NOW - finishedAgoMs).toISOString()
  };
}

describe('ledger run facts', () => {
  test('replaces a fact whole and reads newest first', () => {
    const doc = new Y.Doc();
    writeRunFacts(doc, [fact(1, null), fact(2, null)], NOW);
    writeRunFacts(doc, [{ ...fact(1, 0), state: 'failed', exitCode: 3 }], NOW);
    const facts = readRunFacts(doc);
    expect(facts.map((f) => [f.id, f.state])).toEqual([
      ['run-00002', 'running'],
      ['run-00001', 'failed']
    ]);
  });

  test('keeps everything under the cap, old finished runs included', () => {
    const doc = new Y.Doc();
    writeRunFacts(doc, [fact(1, LEDGER_KEEP_RUNS_MS + 1), fact(2, 1000)], NOW);
    expect(doc.getMap(LEDGER_RUNS).size).toBe(2);
  });

  test('past the cap: drops old finished runs, then the oldest finished, never a running one', () => {
    const doc = new Y.Doc();
    const facts: RunFact[] = [];
    // 10 running runs among the oldest, 100 finished long ago, the rest finished recently.
    for (let n = 0; n < 10; n++) facts.push(fact(n, null));
    for (let n = 10; n < 110; n++) facts.push(fact(n, LEDGER_KEEP_RUNS_MS + 60_000));
    for (let n = 110; n < LEDGER_MAX_RUNS + 200; n++) facts.push(fact(n, 60_000));
    writeRunFacts(doc, facts, NOW);
    const runs = doc.getMap(LEDGER_RUNS);
    expect(runs.size).toBe(LEDGER_MAX_RUNS);
    for (let n = 0; n < 10; n++) expect(runs.has(fact(n, null).id)).toBe(true);
    for (let n = 10; n < 110; n++) expect(runs.has(fact(n, 0).id)).toBe(false);
    // The newest finished runs stay.
    expect(runs.has(fact(LEDGER_MAX_RUNS + 199, 0).id)).toBe(true);
  });
});
