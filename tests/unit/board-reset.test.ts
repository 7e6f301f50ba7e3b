/**
 * [GEN6] A board reset on this device: the tasks changed since the last sync are saved, and after
 * the reload re-applied to the fresh board (newer scalar fields patched, offline creations
 * created with their ids, tasks archived on the server meanwhile left alone), then forgotten.
 */
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  reapplyBoardChanges,
  saveBoardChanges,
  savedChangesKey
} from '../../src/lib/board/board-reset';
import { copyBoard } from '../../src/lib/server/board/board-rebase';
import { createTask, getTask, initBoard, updateTask } from '../../src/lib/shared/board/board-model';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key)
  };
}

const DOC = 'w.board';

describe('board reset', () => {
  it('[GEN6] saves what changed since the last sync and re-applies it to the fresh board', () => {
    const t0 = '2026-01-01T00:00:00.000Z';
    const device = new Y.Doc();
    initBoard(device);
    const a = createTask(device, { title: 'a' }, { now: new Date(t0) });
    const b = createTask(device, { title: 'b' }, { now: new Date(t0) });
    const archived = createTask(device, { title: 'archived meanwhile' }, { now: new Date(t0) });
    // The server's fresh generation is rebased from what it had at the last sync.
    const server = new Y.Doc();
    copyBoard(device, server);
    server.getMap('tasks').delete(archived.id);
    updateTask(
      server,
      b.id,
      { title: 'b from someone else' },
      { now: new Date('2026-01-01T00:00:02.000Z') }
    );

    const lastSynced = '2026-01-01T00:00:00.500Z';
    // Offline on this device after the last sync.
    updateTask(
      device,
      a.id,
      { title: 'a offline', priority: 'high' },
      { now: new Date('2026-01-01T00:00:01.000Z') }
    );
    updateTask(
      device,
      b.id,
      { title: 'b offline, older' },
      { now: new Date('2026-01-01T00:00:01.000Z') }
    );
    updateTask(
      device,
      archived.id,
      { title: 'gone' },
      { now: new Date('2026-01-01T00:00:01.000Z') }
    );
    const created = createTask(
      device,
      { title: 'created offline' },
      { now: new Date('2026-01-01T00:00:01.000Z') }
    );

    const storage = memoryStorage();
    expect(saveBoardChanges(device, DOC, lastSynced, storage)).toBe(4);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const summary = reapplyBoardChanges(server, DOC, storage);
    expect(summary).toEqual({
      updated: [a.id],
      created: [created.id],
      gone: [archived.id],
      failed: []
    });
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
    expect(getTask(server, a.id)).toMatchObject({ title: 'a offline', priority: 'high' });
    expect(getTask(server, b.id)!.title).toBe('b from someone else');
    expect(getTask(server, created.id)!.title).toBe('created offline');
    expect(getTask(server, archived.id)).toBeNull();
    expect(storage.map.has(savedChangesKey(DOC))).toBe(false);
    // Nothing saved: nothing to do.
    expect(reapplyBoardChanges(server, DOC, storage).updated).toEqual([]);
  });
});
