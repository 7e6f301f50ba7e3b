/**
 * The runbooks' sync extension on both databases: debounced indexing, automatic snapshots, the
 * flush on unload, and database errors that are logged and never reach Yjs.
 */
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Logger } from '../../src/lib/server/log';
import {
  runbookExtension,
  watchRunbook,
  type RunbookDocs
} from '../../src/lib/server/runbooks/runbooks-extension';
import { RunbookIndex } from '../../src/lib/server/runbooks/runbooks-store';
import { RunbookVersions } from '../../src/lib/server/runbooks/versions-store';
import { parseDocName } from '../../src/lib/shared/doc-name';
import { fillFragment, markdownToDoc } from '../../src/lib/shared/runbooks/markdown';
import {
  initRunbook,
  readRunbookMeta,
  updateRunbookMeta
} from '../../src/lib/shared/runbooks/runbook-model';
import { openTestRecords, recordsBackends } from '../helpers/records';

const MINUTE = 60_000;

/** A logger that keeps its errors. */
function capturingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const ignore = () => {};
  return {
    errors,
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (message, context) => errors.push(`${message} ${JSON.stringify(context)}`)
  };
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`runbook extension (${backend.name})`, () => {
    beforeEach(() => {
      // Only the watcher's timers and the clock: the database drivers keep their real I/O.
      vi.useFakeTimers({
        now: new Date('2025-05-01T08:00:00.000Z'),
        toFake: ['setTimeout', 'clearTimeout', 'Date']
      });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    async function setup() {
      const { records } = await openTestRecords(backend.name);
      const index = new RunbookIndex(records);
      const versions = new RunbookVersions(records);
      const logger = capturingLogger();
      const doc = new Y.Doc();
      initRunbook(doc, { id: 'rb', title: 'Watched', now: new Date() });
      // The DocStore's part the watcher uses: run a change on the (already loaded) document.
      const docs: RunbookDocs = {
        transact: (_name, fn) => Promise.resolve(doc.transact(() => fn(doc)))
      };
      const deps = { index, versions, docs: () => docs, logger };
      const watch = watchRunbook(doc, 'ws.runbook.rb', 'ws', 'rb', deps);
      await watch.idle();
      return { records, doc, watch, index, versions, logger, deps };
    }

    test('indexes on load and again after the debounce, not before', async () => {
      const { doc, index, watch } = await setup();
      expect((await index.get('ws', 'rb'))?.title).toBe('Watched');
      fillFragment(doc, markdownToDoc('Rotate the etcd certificates.'));
      vi.advanceTimersByTime(500);
      await watch.idle();
      expect(await index.search('ws', { q: 'etcd' })).toEqual([]);
      vi.advanceTimersByTime(600);
      await watch.idle();
      expect((await index.search('ws', { q: 'etcd' })).map((r) => r.id)).toEqual(['rb']);
      updateRunbookMeta(doc, { title: 'Renamed' });
      vi.advanceTimersByTime(1100);
      await watch.idle();
      expect((await index.get('ws', 'rb'))?.title).toBe('Renamed');
    });

    test('content edits move updatedAt at most once a minute', async () => {
      const { doc, watch } = await setup();
      const created = readRunbookMeta(doc, 'rb').updatedAt;
      vi.advanceTimersByTime(2 * MINUTE);
      fillFragment(doc, markdownToDoc('First edit.'));
      vi.advanceTimersByTime(1100);
      await watch.idle();
      const touched = readRunbookMeta(doc, 'rb').updatedAt;
      expect(touched > created).toBe(true);
      fillFragment(doc, markdownToDoc('Second edit.'));
      vi.advanceTimersByTime(1100);
      await watch.idle();
      expect(readRunbookMeta(doc, 'rb').updatedAt).toBe(touched);
    });

    test('snapshots after ten minutes of editing and on unload, only when changed', async () => {
      const { doc, versions, watch } = await setup();
      fillFragment(doc, markdownToDoc('Step one.'));
      vi.advanceTimersByTime(1100);
      await watch.idle();
      vi.advanceTimersByTime(9 * MINUTE - 1100);
      await watch.idle();
      expect(await versions.list('ws', 'rb')).toEqual([]);
      vi.advanceTimersByTime(1 * MINUTE);
      await watch.idle();
      expect((await versions.list('ws', 'rb')).map((v) => v.kind)).toEqual(['auto']);
      // No change since: the unload takes no second snapshot.
      doc.destroy();
      await watch.idle();
      expect(await versions.list('ws', 'rb')).toHaveLength(1);
    });

    test('an unload right after an edit flushes the index and snapshots', async () => {
      const { doc, index, versions, watch } = await setup();
      fillFragment(doc, markdownToDoc('Drain the node first.'));
      doc.destroy();
      await watch.idle();
      expect((await index.search('ws', { q: 'drain' })).map((r) => r.id)).toEqual(['rb']);
      const saved = await versions.list('ws', 'rb');
      expect(saved).toHaveLength(1);
      // The snapshot holds the content of the moment of unload.
      const version = await versions.get('ws', 'rb', saved[0]!.id);
      const copy = new Y.Doc();
      Y.applyUpdate(copy, version!.state);
      expect(readRunbookMeta(copy, 'rb').title).toBe('Watched');
      expect(copy.getXmlFragment('content').toString()).toContain('Drain the node first.');
    });

    test('opening a runbook without editing it takes no snapshot', async () => {
      const { doc, versions, watch } = await setup();
      vi.advanceTimersByTime(20 * MINUTE);
      doc.destroy();
      await watch.idle();
      expect(await versions.list('ws', 'rb')).toEqual([]);
    });

    test('stop() ends watching', async () => {
      const { doc, index, watch } = await setup();
      watch.stop();
      fillFragment(doc, markdownToDoc('Unseen words.'));
      vi.advanceTimersByTime(20 * MINUTE);
      await watch.idle();
      expect(await index.search('ws', { q: 'unseen' })).toEqual([]);
    });

    test('a failing database is logged and never reaches the document', async () => {
      const { records, doc, watch, logger } = await setup();
      await records.close();
      expect(() =>
        fillFragment(doc, markdownToDoc('Edited while the database is gone.'))
      ).not.toThrow();
      vi.advanceTimersByTime(10 * MINUTE);
      await watch.idle();
      expect(() => doc.destroy()).not.toThrow();
      await watch.idle();
      expect(logger.errors.some((line) => line.startsWith('runbooks: indexing failed'))).toBe(true);
      expect(
        logger.errors.some((line) => line.startsWith('runbooks: automatic snapshot failed'))
      ).toBe(true);
    });

    test('the extension watches loaded runbooks and its onClose waits for the unload writes', async () => {
      const { records } = await openTestRecords(backend.name);
      const index = new RunbookIndex(records);
      const versions = new RunbookVersions(records);
      const doc = new Y.Doc();
      const docs: RunbookDocs = {
        transact: (_name, fn) => Promise.resolve(doc.transact(() => fn(doc)))
      };
      const extension = runbookExtension({
        index,
        versions,
        docs: () => docs,
        logger: capturingLogger()
      });
      expect(extension.kinds).toEqual(['runbook']);
      const parsed = parseDocName('ws.runbook.rb2');
      if (!parsed.ok) throw new Error('bad name');
      await extension.onLoad?.({
        name: 'ws.runbook.rb2',
        docName: parsed.name,
        doc,
        requestRebase: () => {}
      });
      initRunbook(doc, { id: 'rb2', title: 'Loaded', now: new Date() });
      fillFragment(doc, markdownToDoc('Written on unload.'));
      doc.destroy();
      await extension.onClose();
      expect((await index.get('ws', 'rb2'))?.title).toBe('Loaded');
      expect((await versions.list('ws', 'rb2')).map((v) => v.kind)).toEqual(['auto']);
    });
  });
}
