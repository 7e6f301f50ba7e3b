import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  UnsavedJournal,
  journalPrefix,
  replayJournals,
  type JournalStorage
} from '../../src/lib/sync/unsaved-journal';

/** `localStorage` over a Map, with its key order. */
function memoryStorage(): JournalStorage & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get length() {
      return entries.size;
    },
    key: (index) => [...entries.keys()][index] ?? null,
    getItem: (key) => entries.get(key) ?? null,
    setItem: (key, value) => void entries.set(key, String(value)),
    removeItem: (key) => void entries.delete(key)
  };
}

/** A `committed()` whose answers the test gives, one call at a time. */
function manualCommits() {
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  return {
    committed: () =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
      }),
    get calls() {
      return waiting.length;
    },
    async commit() {
      waiting.shift()?.resolve();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
}

const DOC = 'ws1.runbook.abc';

/** A doc whose local updates go to the journal, as connect-doc wires it. */
function typingDoc(journal: UnsavedJournal): Y.Doc {
  const doc = new Y.Doc();
  doc.on('update', (update: Uint8Array) => journal.track(update));
  return doc;
}

describe('UnsavedJournal', () => {
  it('keeps each update until a commit asked for after it answers', async () => {
    const storage = memoryStorage();
    const commits = manualCommits();
    const journal = new UnsavedJournal({ docName: DOC, storage, committed: commits.committed });
    const doc = typingDoc(journal);
    doc.getText('t').insert(0, 'a');
    expect(commits.calls).toBe(1);
    // Typed while the first question is out: its answer does not cover this one.
    doc.getText('t').insert(1, 'b');
    expect(journal.pendingCount).toBe(2);
    await commits.commit();
    expect(journal.pendingCount).toBe(1);
    expect(commits.calls).toBe(1);
    await commits.commit();
    expect(journal.pendingCount).toBe(0);
    expect(commits.calls).toBe(0);
    journal.flush();
    expect(storage.entries.size).toBe(0);
  });

  it('flushes what is uncommitted; the next page replays it once and forgets it', () => {
    const storage = memoryStorage();
    const commits = manualCommits();
    const journal = new UnsavedJournal({
      docName: DOC,
      storage,
      committed: commits.committed,
      tabId: 'tab1'
    });
    const doc = typingDoc(journal);
    doc.getText('t').insert(0, 'typed just before the reload');
    journal.flush();
    expect([...storage.entries.keys()]).toEqual([`${journalPrefix(DOC)}tab1`]);

    // The next page: its offline copy lacks the text; the journal brings it back.
    const next = new Y.Doc();
    const origins: unknown[] = [];
    next.on('update', (_update: Uint8Array, origin: unknown) => origins.push(origin));
    const origin = Symbol('journal');
    expect(replayJournals(next, DOC, storage, origin)).toBe(1);
    expect(next.getText('t').toString()).toBe('typed just before the reload');
    expect(origins).toEqual([origin]);
    expect(storage.entries.size).toBe(0);
    expect(replayJournals(next, DOC, storage, origin)).toBe(0);
  });

  it('replays the journals of every tab of the document, not of other documents, and drops junk', () => {
    const storage = memoryStorage();
    const source = new Y.Doc();
    source.getText('t').insert(0, 'one');
    const first = Y.encodeStateAsUpdate(source);
    source.getText('t').insert(3, ' two');
    const second = Y.encodeStateAsUpdate(source);
    storage.setItem(`${journalPrefix(DOC)}a`, Buffer.from(first).toString('base64'));
    storage.setItem(`${journalPrefix(DOC)}b`, Buffer.from(second).toString('base64'));
    storage.setItem(`${journalPrefix(DOC)}c`, 'not base64 of an update!');
    storage.setItem(
      `${journalPrefix('ws1.runbook.other')}a`,
      Buffer.from(first).toString('base64')
    );
    storage.setItem('runboard:pending:ws1.runbook.abc', '3');

    const doc = new Y.Doc();
    expect(replayJournals(doc, DOC, storage, null)).toBe(2);
    expect(doc.getText('t').toString()).toBe('one two');
    expect([...storage.entries.keys()].sort()).toEqual([
      'runboard:pending:ws1.runbook.abc',
      `${journalPrefix('ws1.runbook.other')}a`
    ]);
  });

  it('forgets a written journal once its updates are committed after all', async () => {
    const storage = memoryStorage();
    const commits = manualCommits();
    const journal = new UnsavedJournal({ docName: DOC, storage, committed: commits.committed });
    const doc = typingDoc(journal);
    doc.getText('t').insert(0, 'x');
    journal.flush(); // the tab was hidden, then came back
    expect(storage.entries.size).toBe(1);
    await commits.commit();
    expect(storage.entries.size).toBe(0);
  });

  it('asks again while the database is not open, and writes on destroy what is uncommitted', async () => {
    const storage = memoryStorage();
    let open = false;
    let calls = 0;
    const journal = new UnsavedJournal({
      docName: DOC,
      storage,
      committed: () => {
        calls++;
        return open ? Promise.resolve() : Promise.reject(new Error('not open'));
      }
    });
    const doc = typingDoc(journal);
    doc.getText('t').insert(0, 'x');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(journal.pendingCount).toBe(1);
    journal.destroy();
    expect(storage.entries.size).toBe(1);
    open = true;
    await new Promise((resolve) => setTimeout(resolve, 80));
    // Destroyed: it stops asking, and the entry stays for the next page.
    expect(storage.entries.size).toBe(1);
  });

  it('a full storage loses only the journal, never throws', () => {
    const storage = memoryStorage();
    storage.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    const journal = new UnsavedJournal({
      docName: DOC,
      storage,
      committed: () => new Promise(() => undefined)
    });
    typingDoc(journal).getText('t').insert(0, 'x');
    expect(() => journal.flush()).not.toThrow();
  });
});
