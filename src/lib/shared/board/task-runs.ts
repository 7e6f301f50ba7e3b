/**
 * Runbook runs of a task: which steps of a runbook were ticked while running it "for" this
 * task, by whom and when. The run lives on the task, never in the runbook, so the runbook
 * stays a clean template that any number of tasks can run at once.
 *
 * Layout: the task's `runs` key holds a `Y.Map<`${runbookId}/${stepId}`, { doneBy, doneAt }>`,
 * created with the task. A ticked step is an entry; unticking deletes it. Why flat rather than
 * a map per runbook: Yjs keeps only one of two concurrent `set`s of the same key, so two
 * replicas that each created a runbook's inner map on their first tick would lose one
 * replica's ticks. With one entry per step, concurrent ticks of different steps are all kept.
 * `/` never occurs in an id, so the key splits unambiguously.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import {
  DomainError,
  isoNow,
  parse,
  parseActor,
  type FieldMap,
  type TaskMutationOptions
} from './board-doc';
import { idSchema } from './schema';
import { TASK_CONTENT_MAP } from './task-doc-name';

/** The root map of a task document (see task-doc.ts), where the runs live. */
function contentOf(doc: Y.Doc): FieldMap {
  return doc.getMap<unknown>(TASK_CONTENT_MAP) as FieldMap;
}

/** Key of the runs map inside a task entry. */
export const RUNS_KEY = 'runs';

/** One ticked step of a run. */
export interface RunStep {
  /** Member id of who ticked it (null: the system). */
  doneBy: string | null;
  /** When it was ticked (ISO 8601). */
  doneAt: string;
}

/** Options of `setRunStep`. */
export interface SetRunStepOptions extends TaskMutationOptions {
  /**
   * The step's text as shown in the runbook, kept with the tick (`text`) so the server's
   * activity record of it can name the step.
   */
  stepText?: string;
}

const stepTextSchema = z.string().max(500);

/** A fresh, empty runs map for a new task entry. */
export function newRunsMap(): Y.Map<unknown> {
  return new Y.Map<unknown>();
}

function runsOf(task: FieldMap): Y.Map<unknown> | null {
  const value = task.get(RUNS_KEY);
  return value instanceof Y.Map ? (value as Y.Map<unknown>) : null;
}

/** The entry key of a step of a runbook's run. */
export function runKey(runbookId: string, stepId: string): string {
  return `${runbookId}/${stepId}`;
}

function readStep(value: unknown): RunStep | null {
  if (typeof value !== 'object' || value === null) return null;
  const { doneBy, doneAt } = value as { doneBy?: unknown; doneAt?: unknown };
  if (typeof doneAt !== 'string') return null;
  return { doneBy: typeof doneBy === 'string' ? doneBy : null, doneAt };
}

/**
 * Steps of one runbook's run on a task entry, keyed by step id. Tolerant: entries of the wrong
 * shape are skipped.
 */
export function readRunStepsOf(task: FieldMap, runbookId: string): Record<string, RunStep> {
  const steps: Record<string, RunStep> = {};
  const prefix = `${runbookId}/`;
  runsOf(task)?.forEach((value, key) => {
    if (!key.startsWith(prefix)) return;
    const step = readStep(value);
    if (step !== null) steps[key.slice(prefix.length)] = step;
  });
  return steps;
}

/** Steps of `runbookId`'s run on a task document, keyed by step id (empty when none). */
export function readRunSteps(doc: Y.Doc, runbookId: string): Record<string, RunStep> {
  return readRunStepsOf(contentOf(doc), runbookId);
}

/** Ticked-step counts per runbook of a task entry (runbooks with no ticked step are left out). */
export function runCounts(task: FieldMap): Record<string, number> {
  const counts: Record<string, number> = {};
  runsOf(task)?.forEach((value, key) => {
    const slash = key.indexOf('/');
    if (slash <= 0 || readStep(value) === null) return;
    const runbookId = key.slice(0, slash);
    counts[runbookId] = (counts[runbookId] ?? 0) + 1;
  });
  return counts;
}

/**
 * Ticks (done = true) or clears a step of a runbook's run on a task, recording who and when
 * (the server records the activity). Setting a step to the state it already has writes nothing.
 */
export function setRunStep(
  doc: Y.Doc,
  runbookId: string,
  stepId: string,
  done: boolean,
  options: SetRunStepOptions = {}
): RunStep | null {
  const runbook = parse(idSchema, runbookId, 'runbook id');
  const step = parse(idSchema, stepId, 'step id');
  if (typeof done !== 'boolean') throw new DomainError('invalid_input', 'done must be a boolean');
  const stepText =
    options.stepText === undefined
      ? undefined
      : parse(stepTextSchema, options.stepText, 'step text');
  const now = isoNow(options.now);
  const actor = parseActor(options.actor);
  const task = contentOf(doc);
  const current = readRunStepsOf(task, runbook)[step] ?? null;
  if ((current !== null) === done) return current;
  const next: RunStep | null = done ? { doneBy: actor, doneAt: now } : null;
  const stored = next === null ? null : stepText === undefined ? next : { ...next, text: stepText };
  doc.transact(() => {
    let runs = runsOf(task);
    if (runs === null) {
      // Tasks older than run mode get their runs map on the first tick.
      runs = newRunsMap();
      task.set(RUNS_KEY, runs);
    }
    if (next === null) runs.delete(runKey(runbook, step));
    else runs.set(runKey(runbook, step), stored);
    task.set('updatedAt', now);
  }, options.origin);
  return next;
}

/** Ticked-step counts per runbook of a task document. */
export function readRunCounts(doc: Y.Doc): Record<string, number> {
  return runCounts(contentOf(doc));
}
