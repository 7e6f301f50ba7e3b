/**
 * Runbook runs recorded on a task: ticking and clearing steps, refusals,
 * observation, and concurrent ticks on two replicas.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DomainError,
  createTask,
  getTaskDetail,
  initBoard,
  observeTask,
  readRunCounts,
  readRunSteps,
  setRunStep
} from '../../src/lib/shared/board/board-model';
import { runCounts } from '../../src/lib/shared/board/task-runs';
import { tasksOf } from '../../src/lib/shared/board/board-doc';
import { at, syncAll } from '../fixtures/board';

function newBoardWithTask(): { doc: Y.Doc; taskId: string } {
  const doc = new Y.Doc();
  initBoard(doc);
  const task = createTask(doc, { title: 'Restart db-1' }, { actor: 'alice', now: at(0) });
  return { doc, taskId: task.id };
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
}

describe('setRunStep', () => {
  it('records who ticked a step and when, with the step text for the server to record', () => {
    const { doc, taskId } = newBoardWithTask();
    const step = setRunStep(doc, taskId, 'rb1', 'step-a', true, {
      actor: 'bob',
      now: at(5),
      stepText: 'Drain node'
    });
    expect(step).toEqual({ doneBy: 'bob', doneAt: at(5).toISOString() });
    expect(readRunSteps(doc, taskId, 'rb1')).toEqual({
      'step-a': { doneBy: 'bob', doneAt: at(5).toISOString() }
    });
    // The tick carries the text; the activity entry is the server's (activity-derive.test.ts).
    const runs = (tasksOf(doc).get(taskId) as Y.Map<unknown>).get('runs') as Y.Map<unknown>;
    expect(runs.get('rb1/step-a')).toEqual({
      doneBy: 'bob',
      doneAt: at(5).toISOString(),
      text: 'Drain node'
    });
    expect(getTaskDetail(doc, taskId)?.activity).toEqual([]);
  });

  it('clears a step and keeps other runbooks apart', () => {
    const { doc, taskId } = newBoardWithTask();
    setRunStep(doc, taskId, 'rb1', 'a', true, { actor: 'bob', now: at(1) });
    setRunStep(doc, taskId, 'rb1', 'b', true, { actor: 'bob', now: at(2) });
    setRunStep(doc, taskId, 'rb2', 'a', true, { actor: 'carol', now: at(3) });
    expect(setRunStep(doc, taskId, 'rb1', 'a', false, { actor: 'carol', now: at(4) })).toBeNull();
    expect(Object.keys(readRunSteps(doc, taskId, 'rb1'))).toEqual(['b']);
    expect(readRunSteps(doc, taskId, 'rb2')).toEqual({
      a: { doneBy: 'carol', doneAt: at(3).toISOString() }
    });
    const map = tasksOf(doc).get(taskId) as Y.Map<unknown>;
    expect(runCounts(map)).toEqual({ rb1: 1, rb2: 1 });
    expect(map.has('activity')).toBe(false);
  });

  it('writes nothing when the step already has that state', () => {
    const { doc, taskId } = newBoardWithTask();
    setRunStep(doc, taskId, 'rb1', 'a', true, { actor: 'bob', now: at(1) });
    let updates = 0;
    doc.on('update', () => updates++);
    const again = setRunStep(doc, taskId, 'rb1', 'a', true, { actor: 'carol', now: at(2) });
    setRunStep(doc, taskId, 'rb1', 'b', false, { actor: 'carol', now: at(2) });
    expect(updates).toBe(0);
    expect(again).toEqual({ doneBy: 'bob', doneAt: at(1).toISOString() });
  });

  it('refuses bad ids and unknown tasks before writing anything', () => {
    const { doc, taskId } = newBoardWithTask();
    let updates = 0;
    doc.on('update', () => updates++);
    expect(codeOf(() => setRunStep(doc, taskId, 'rb/1', 'a', true))).toBe('invalid_input');
    expect(codeOf(() => setRunStep(doc, taskId, 'rb1', '', true))).toBe('invalid_input');
    expect(codeOf(() => setRunStep(doc, taskId, 'rb1', 'a/b', true))).toBe('invalid_input');
    expect(codeOf(() => setRunStep(doc, 'nope', 'rb1', 'a', true))).toBe('not_found');
    expect(codeOf(() => readRunSteps(doc, 'nope', 'rb1'))).toBe('not_found');
    expect(updates).toBe(0);
  });

  it('creates the runs map on the first tick of a task that predates run mode', () => {
    const { doc, taskId } = newBoardWithTask();
    const map = tasksOf(doc).get(taskId) as Y.Map<unknown>;
    map.delete('runs');
    setRunStep(doc, taskId, 'rb1', 'a', true, { actor: 'bob', now: at(1) });
    expect(Object.keys(readRunSteps(doc, taskId, 'rb1'))).toEqual(['a']);
  });

  it('fires observeTask on a tick', () => {
    const { doc, taskId } = newBoardWithTask();
    const counts: number[] = [];
    const stop = observeTask(doc, taskId, () => {
      counts.push(readRunCounts(doc, taskId).rb1 ?? 0);
    });
    setRunStep(doc, taskId, 'rb1', 'a', true, { actor: 'bob' });
    stop();
    expect(counts).toEqual([1]);
  });

  it('keeps both of two steps ticked concurrently on two replicas', () => {
    const { doc: a, taskId } = newBoardWithTask();
    const b = new Y.Doc();
    syncAll(a, b);
    // Both replicas tick the first steps of the same runbook before hearing of each other.
    setRunStep(a, taskId, 'rb1', 'drain', true, { actor: 'alice', now: at(1) });
    setRunStep(b, taskId, 'rb1', 'restart', true, { actor: 'bob', now: at(2) });
    syncAll(a, b);
    const expected = {
      drain: { doneBy: 'alice', doneAt: at(1).toISOString() },
      restart: { doneBy: 'bob', doneAt: at(2).toISOString() }
    };
    expect(readRunSteps(a, taskId, 'rb1')).toEqual(expected);
    expect(readRunSteps(b, taskId, 'rb1')).toEqual(expected);
  });
});
