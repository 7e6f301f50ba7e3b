/**
 * How the server reads activity off the transactions it applies (activity-recorder.ts,
 * `deriveActivity` and `actorOf`): one entry per thing that happened to a task, the actor from
 * the transaction's origin, and an `activity` array written by a client flagged for removal,
 * never read. The records themselves (database, REST, websocket) are in
 * tests/api/task-activity.test.ts.
 */
import { initTaskContent } from '../../src/lib/shared/board/task-doc';
import { TASK_CONTENT_MAP } from '../../src/lib/shared/board/task-doc-name';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  actorOf,
  deriveActivity,
  type DerivedActivity
} from '../../src/lib/server/board/activity-recorder';
import {
  addChecklistItem,
  addComment,
  archiveTask,
  assignTaskKey,
  createTask,
  deleteComment,
  editComment,
  moveTask,
  removeChecklistItem,
  setRunStep,
  setTaskDescription,
  unarchiveTask,
  updateChecklistItem,
  updateTask,
  updateTasks,
  upsertLabel
} from '../../src/lib/shared/board/board-model';
import type { RoomConnection } from '../../sync-server/room';
import {
  clientOrigin,
  peerOrigin,
  serverOrigin,
  SERVER_ORIGIN,
  toUpdateOrigin
} from '../../sync-server/update-origin';
import { at, newBoard } from '../fixtures/board';

type Entry = DerivedActivity['entries'][number] & { by: string | null | undefined };

/** Collects what each transaction on `doc` derives, with the actor of its origin. */
function record(doc: Y.Doc) {
  const entries: Entry[] = [];
  const legacy: string[] = [];
  const descriptions: Array<[string, string | null | undefined]> = [];
  const tasks = doc.getMap<unknown>('tasks');
  tasks.observeDeep((events, transaction) => {
    const by = actorOf(toUpdateOrigin(transaction.origin));
    const derived = deriveActivity(events, tasks);
    for (const entry of derived.entries) entries.push({ ...entry, by });
    legacy.push(...derived.legacyWrites);
    for (const id of derived.descriptionEdits) descriptions.push([id, by]);
  });
  return { entries, legacy, descriptions };
}

/** Records what `deriveActivity` makes of a task document's transactions (`taskId`'s content). */
function recordTask(doc: Y.Doc, taskId: string) {
  const entries: Entry[] = [];
  const descriptions: Array<[string, string | null | undefined]> = [];
  const content = doc.getMap<unknown>(TASK_CONTENT_MAP);
  content.observeDeep((events, transaction) => {
    const by = actorOf(toUpdateOrigin(transaction.origin));
    const derived = deriveActivity(events, content, taskId);
    for (const entry of derived.entries) entries.push({ ...entry, by });
    for (const id of derived.descriptionEdits) descriptions.push([id, by]);
  });
  return { entries, descriptions };
}

const as = (actor: string | null) => ({ origin: serverOrigin(actor), actor });

describe('deriveActivity', () => {
  it('records creation, each changed field, moves, archive, restore and key assignment', () => {
    const doc = newBoard();
    upsertLabel(doc, { id: 'db', name: 'db', color: '#111111' });
    upsertLabel(doc, { id: 'net', name: 'net', color: '#222222' });
    const log = record(doc);
    createTask(doc, { title: 'Old', labels: ['net'] }, { id: 't', now: at(0), ...as('m1') });
    createTask(doc, { title: 'Other' }, { id: 'o', now: at(0) });
    updateTask(
      doc,
      't',
      { title: 'New', priority: 'high', labels: ['net', 'db'], description: 'x', progress: 0 },
      { now: at(1), ...as('m2') }
    );
    updateTask(doc, 't', { status: 'in-progress' }, { now: at(2), ...as('m2') });
    moveTask(doc, 't', { status: 'in-progress' }, { now: at(3), ...as('m2') }); // reorder only
    moveTask(doc, 't', { status: 'done' }, { now: at(4), ...as('m3') });
    archiveTask(doc, 't', { now: at(5) });
    unarchiveTask(doc, 't', { now: at(6) });
    assignTaskKey(doc, 't', 7);
    expect(log.entries.filter((e) => e.taskId === 't')).toEqual([
      { taskId: 't', by: 'm1', action: 'created' },
      { taskId: 't', by: 'm2', action: 'updated', field: 'title', from: 'Old', to: 'New' },
      { taskId: 't', by: 'm2', action: 'updated', field: 'priority', from: 'none', to: 'high' },
      { taskId: 't', by: 'm2', action: 'updated', field: 'labels', from: 'net', to: 'db,net' },
      { taskId: 't', by: 'm2', action: 'moved', from: 'backlog', to: 'in-progress' },
      { taskId: 't', by: 'm3', action: 'moved', from: 'in-progress', to: 'done' },
      { taskId: 't', by: null, action: 'archived' },
      { taskId: 't', by: null, action: 'restored' },
      { taskId: 't', by: null, action: 'key_assigned', to: 'OPS-7' }
    ]);
    // The description is coalesced by the recorder: derived as "edited", without its text.
    expect(log.descriptions).toEqual([['t', 'm2']]);
    expect(log.legacy).toEqual([]);
  });

  it('records a task created with its key (REST) as created and key_assigned', () => {
    const doc = newBoard();
    const log = record(doc);
    doc.transact(() => {
      createTask(doc, { title: 'T' }, { id: 't' });
      assignTaskKey(doc, 't', 3);
    }, serverOrigin('caller'));
    expect(log.entries).toEqual([
      { taskId: 't', by: 'caller', action: 'created' },
      { taskId: 't', by: 'caller', action: 'key_assigned', to: 'OPS-3' }
    ]);
  });

  it('records checklist, comment, description and run-step changes of a task document', () => {
    const doc = new Y.Doc();
    doc.transact(() => initTaskContent(doc));
    const log = recordTask(doc, 't');
    const o = { now: at(1), ...as('m1') };
    addChecklistItem(doc, 'Drain', { id: 'a', ...o });
    addChecklistItem(doc, 'Patch', { id: 'c', ...o });
    updateChecklistItem(doc, 'c', { done: true }, o);
    updateChecklistItem(doc, 'c', { done: false }, o);
    updateChecklistItem(doc, 'a', { text: 'Drain twice' }, o);
    removeChecklistItem(doc, 'c', o);
    addComment(doc, 'Note', { id: 'k', ...o });
    editComment(doc, 'k', 'Fixed', o);
    deleteComment(doc, 'k', o);
    setRunStep(doc, 'rb1', 's1', true, { ...o, stepText: 'Drain node' });
    setRunStep(doc, 'rb1', 's1', false, o);
    setRunStep(doc, 'rb1', 's2', true, o);
    setTaskDescription(doc, 'Text', as('m2'));
    expect(log.descriptions).toEqual([['t', 'm2']]);
    expect(log.entries.map((e) => [e.action, e.field ?? null, e.to ?? null, e.by])).toEqual([
      ['checklist_added', null, 'Drain', 'm1'],
      ['checklist_added', null, 'Patch', 'm1'],
      ['checklist_checked', null, 'Patch', 'm1'],
      ['checklist_unchecked', null, 'Patch', 'm1'],
      ['updated', 'checklist', 'Drain twice', 'm1'],
      ['checklist_removed', null, 'Patch', 'm1'],
      ['commented', null, null, 'm1'],
      ['comment_edited', null, null, 'm1'],
      ['comment_deleted', null, null, 'm1'],
      ['run_step_checked', null, 'Drain node', 'm1'],
      ['run_step_unchecked', null, 'Drain node', 'm1'],
      ['run_step_checked', null, null, 'm1']
    ]);
    expect(log.entries[4]).toMatchObject({ from: 'Drain' });
  });

  it('records a bulk edit per task, acknowledgement, and nothing for a reorder', () => {
    const doc = newBoard();
    createTask(doc, { title: 'a' }, { id: 'a' });
    createTask(doc, { title: 'b', kind: 'incident' }, { id: 'b' });
    const log = record(doc);
    updateTasks(doc, ['a', 'b'], { priority: 'urgent' }, as('m1'));
    moveTask(doc, 'a', { status: 'backlog', beforeId: 'b' }, as('m1'));
    doc.transact(() => doc.getMap('tasks').size, serverOrigin('m3'));
    updateTask(doc, 'b', { title: 'b' }, as('m1')); // unchanged: no transaction content
    const task = doc.getMap<Y.Map<unknown>>('tasks').get('b');
    doc.transact(() => task?.set('acknowledgedAt', at(9).toISOString()), serverOrigin('m4'));
    expect(log.entries).toEqual([
      { taskId: 'a', by: 'm1', action: 'updated', field: 'priority', from: 'none', to: 'urgent' },
      { taskId: 'b', by: 'm1', action: 'updated', field: 'priority', from: 'none', to: 'urgent' },
      {
        taskId: 'b',
        by: 'm4',
        action: 'updated',
        field: 'acknowledgedAt',
        to: at(9).toISOString()
      }
    ]);
    expect(log.descriptions).toEqual([]);
  });

  it('flags an activity array written by a client, and records nothing from it', () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't' });
    const log = record(doc);
    const task = doc.getMap<Y.Map<unknown>>('tasks').get('t');
    const forged = new Y.Array<unknown>();
    doc.transact(() => {
      task?.set('activity', forged);
      forged.push([{ at: at(0).toISOString(), by: 'boss', action: 'archived' }]);
    });
    doc.transact(() => forged.push([{ at: at(1).toISOString(), by: 'x', action: 'created' }]));
    // A new task that arrives with an array (an old client) is flagged as well.
    doc.transact(() => {
      const map = new Y.Map<unknown>();
      map.set('title', 'Old client');
      map.set('activity', Y.Array.from([{ at: at(0).toISOString(), action: 'created' }]));
      doc.getMap('tasks').set('n', map);
    });
    expect(log.entries).toEqual([{ taskId: 'n', by: null, action: 'created' }]);
    expect(log.legacy).toEqual(['t', 't', 'n']);
  });
});

describe('actorOf', () => {
  it('takes the user of a connection, the actor of a server change, nobody for a peer', () => {
    const connection = (userId?: string): RoomConnection => ({
      send: () => {},
      sendAll: () => {},
      awarenessIds: new Set(),
      grant: {
        principal: { id: userId ?? 'ip:1', kind: userId ? 'session' : 'anonymous', userId },
        readOnly: false
      }
    });
    expect(actorOf(clientOrigin(connection('u1')))).toBe('u1');
    expect(actorOf(clientOrigin(connection()))).toBeNull();
    expect(actorOf(serverOrigin('u2'))).toBe('u2');
    expect(actorOf(serverOrigin(null))).toBeNull();
    expect(actorOf(SERVER_ORIGIN)).toBeNull();
    expect(actorOf(peerOrigin('node-2'))).toBeUndefined();
    // serverOrigin keeps the server semantics (stored, sent to every connection).
    expect(serverOrigin('u2').kind).toBe('server');
  });
});
