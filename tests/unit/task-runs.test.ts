/**
 * Runbook runs recorded on a task's document (`<ws>.task.<id>`): ticking and clearing steps,
 * refusals, observation, and concurrent ticks on two replicas.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DomainError,
  initTaskContent,
  readRunCounts,
  readRunSteps,
  setRunStep,
  taskContentOf
} from '../../src/lib/shared/board/board-model';
import { runCounts } from '../../src/lib/shared/board/task-runs';
import { at, syncAll } from '../fixtures/board';

/** A task document as the server sets it up. */
function newTaskDoc(): { doc: Y.Doc } {
  const doc = new Y.Doc();
  doc.transact(() => initTaskContent(doc));
  return { doc };
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
    const { doc } = newTaskDoc();
    const step = setRunStep(doc, 'rb1', 'step-a', true, {
      actor: 'bob',
      now: at(5),
      stepText: 'Drain node'
    });
    expect(step).toEqual({ doneBy: 'bob', doneAt: at(5).toISOString() });
    expect(readRunSteps(doc, 'rb1')).toEqual({
      'step-a': { doneBy: 'bob', doneAt: at(5).toISOString() }
    });
    // The tick carries the text; the activity entry is the server's (activity-derive.test.ts).
    const runs = taskContentOf(doc).get('runs') as Y.Map<unknown>;
    expect(runs.get('rb1/step-a')).toEqual({
      doneBy: 'bob',
      doneAt: at(5).toISOString(),
      text: 'Drain node'
    });
  });

  it('clears a step and keeps other runbooks apart', () => {
    const { doc } = newTaskDoc();
    setRunStep(doc, 'rb1', 'a', true, { actor: 'bob', now: at(1) });
    setRunStep(doc, 'rb1', 'b', true, { actor: 'bob', now: at(2) });
    setRunStep(doc, 'rb2', 'a', true, { actor: 'carol', now: at(3) });
    expect(setRunStep(doc, 'rb1', 'a', false, { actor: 'carol', now: at(4) })).toBeNull();
    expect(Object.keys(readRunSteps(doc, 'rb1'))).toEqual(['b']);
    expect(readRunSteps(doc, 'rb2')).toEqual({
      a: { doneBy: 'carol', doneAt: at(3).toISOString() }
    });
    const map = taskContentOf(doc);
    expect(runCounts(map)).toEqual({ rb1: 1, rb2: 1 });
    expect(map.has('activity')).toBe(false);
  });

  it('writes nothing when the step already has that state', () => {
    const { doc } = newTaskDoc();
    setRunStep(doc, 'rb1', 'a', true, { actor: 'bob', now: at(1) });
    let updates = 0;
    doc.on('update', () => updates++);
    const again = setRunStep(doc, 'rb1', 'a', true, { actor: 'carol', now: at(2) });
    setRunStep(doc, 'rb1', 'b', false, { actor: 'carol', now: at(2) });
    expect(updates).toBe(0);
    expect(again).toEqual({ doneBy: 'bob', doneAt: at(1).toISOString() });
  });

  it('refuses bad ids before writing anything', () => {
    const { doc } = newTaskDoc();
    let updates = 0;
    doc.on('update', () => updates++);
    expect(codeOf(() => setRunStep(doc, 'rb/1', 'a', true))).toBe('invalid_input');
    expect(codeOf(() => setRunStep(doc, 'rb1', '', true))).toBe('invalid_input');
    expect(codeOf(() => setRunStep(doc, 'rb1', 'a/b', true))).toBe('invalid_input');
    expect(updates).toBe(0);
  });

  it('creates the runs map on the first tick of a task that predates run mode', () => {
    const { doc } = newTaskDoc();
    taskContentOf(doc).delete('runs');
    setRunStep(doc, 'rb1', 'a', true, { actor: 'bob', now: at(1) });
    expect(Object.keys(readRunSteps(doc, 'rb1'))).toEqual(['a']);
  });

  it('counts the ticks per runbook', () => {
    const { doc } = newTaskDoc();
    setRunStep(doc, 'rb1', 'a', true, { actor: 'bob' });
    setRunStep(doc, 'rb1', 'b', true, { actor: 'bob' });
    expect(readRunCounts(doc)).toEqual({ rb1: 2 });
  });

  it('keeps both of two steps ticked concurrently on two replicas', () => {
    const { doc: a } = newTaskDoc();
    const b = new Y.Doc();
    syncAll(a, b);
    // Both replicas tick the first steps of the same runbook before hearing of each other.
    setRunStep(a, 'rb1', 'drain', true, { actor: 'alice', now: at(1) });
    setRunStep(b, 'rb1', 'restart', true, { actor: 'bob', now: at(2) });
    syncAll(a, b);
    const expected = {
      drain: { doneBy: 'alice', doneAt: at(1).toISOString() },
      restart: { doneBy: 'bob', doneAt: at(2).toISOString() }
    };
    expect(readRunSteps(a, 'rb1')).toEqual(expected);
    expect(readRunSteps(b, 'rb1')).toEqual(expected);
  });
});
