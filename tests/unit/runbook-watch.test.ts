import { afterAll, afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { openSqlite } from '../../src/lib/server/db/sqlite';
import { createLogger } from '../../src/lib/server/log';
import { runbookIndexFor } from '../../src/lib/server/runbooks/runbook-index';
import { runbookVersionsFor } from '../../src/lib/server/runbooks/runbook-versions';
import { watchRunbook } from '../../src/lib/server/runbooks/runbook-watch';
import { fillFragment, markdownToDoc } from '../../src/lib/shared/runbooks/markdown';
import {
  initRunbook,
  readRunbookMeta,
  updateRunbookMeta
} from '../../src/lib/shared/runbooks/runbook-model';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2025-05-01T08:00:00.000Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

const MINUTE = 60_000;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-rbwatch-'));
  dirs.push(dir);
  const db = openSqlite(dir);
  const doc = new Y.Doc();
  initRunbook(doc, { id: 'rb', title: 'Watched', now: new Date() });
  // The DocStore's part the watcher uses: run a change on the (already loaded) document.
  const docStore = {
    transact: <T>(_name: string, fn: (d: Y.Doc) => T) =>
      Promise.resolve(doc.transact(() => fn(doc)))
  };
  const stop = watchRunbook(doc, 'ws.runbook.rb', 'ws', 'rb', {
    db,
    docStore,
    logger: createLogger('error')
  });
  return { db, doc, stop, index: runbookIndexFor(db), versions: runbookVersionsFor(db) };
}

describe('runbook watcher', () => {
  test('indexes on load and again after the debounce, not before', () => {
    const { doc, index } = setup();
    expect(index.get('ws', 'rb')?.title).toBe('Watched');
    fillFragment(doc, markdownToDoc('Rotate the etcd certificates.'));
    vi.advanceTimersByTime(500);
    expect(index.search('ws', { q: 'etcd' })).toEqual([]);
    vi.advanceTimersByTime(600);
    expect(index.search('ws', { q: 'etcd' }).map((r) => r.id)).toEqual(['rb']);
    updateRunbookMeta(doc, { title: 'Renamed' });
    vi.advanceTimersByTime(1100);
    expect(index.get('ws', 'rb')?.title).toBe('Renamed');
  });

  test('content edits move updatedAt at most once a minute', () => {
    const { doc } = setup();
    const created = readRunbookMeta(doc, 'rb').updatedAt;
    vi.advanceTimersByTime(2 * MINUTE);
    fillFragment(doc, markdownToDoc('First edit.'));
    vi.advanceTimersByTime(1100);
    const touched = readRunbookMeta(doc, 'rb').updatedAt;
    expect(touched > created).toBe(true);
    fillFragment(doc, markdownToDoc('Second edit.'));
    vi.advanceTimersByTime(1100);
    expect(readRunbookMeta(doc, 'rb').updatedAt).toBe(touched);
  });

  test('snapshots after ten minutes of editing and on unload, only when changed', () => {
    const { doc, versions } = setup();
    fillFragment(doc, markdownToDoc('Step one.'));
    vi.advanceTimersByTime(9 * MINUTE);
    expect(versions.list('ws', 'rb')).toEqual([]);
    vi.advanceTimersByTime(1 * MINUTE);
    expect(versions.list('ws', 'rb').map((v) => v.kind)).toEqual(['auto']);
    // No change since: the unload takes no second snapshot.
    doc.destroy();
    expect(versions.list('ws', 'rb')).toHaveLength(1);
  });

  test('an unload right after an edit flushes the index and snapshots', () => {
    const { doc, index, versions } = setup();
    fillFragment(doc, markdownToDoc('Drain the node first.'));
    doc.destroy();
    expect(index.search('ws', { q: 'drain' }).map((r) => r.id)).toEqual(['rb']);
    expect(versions.list('ws', 'rb')).toHaveLength(1);
  });

  test('opening a runbook without editing it takes no snapshot', () => {
    const { doc, versions } = setup();
    vi.advanceTimersByTime(20 * MINUTE);
    doc.destroy();
    expect(versions.list('ws', 'rb')).toEqual([]);
  });

  test('stop() ends watching', () => {
    const { doc, index, stop } = setup();
    stop();
    fillFragment(doc, markdownToDoc('Unseen words.'));
    vi.advanceTimersByTime(20 * MINUTE);
    expect(index.search('ws', { q: 'unseen' })).toEqual([]);
  });
});
