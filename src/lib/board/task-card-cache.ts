/**
 * The cards of tasks this device showed lately, kept in `localStorage` so a task page can open
 * before the board document is loaded: its id (for the task document, which holds the heavy
 * content) and its card fields (shown read-only until the live board has the task). A device
 * with nothing kept asks the server for the card instead (`fetchTaskCard`). Bounded: the newest
 * `MAX_CARDS` cards per workspace. Read with the task schema: a damaged or foreign entry is
 * ignored, never trusted.
 */
import { z } from 'zod';
import { taskSchema, type Task } from '$lib/shared/board/schema';
import { rest } from '$lib/rest-client';

/** Cards kept per workspace. */
export const MAX_CARDS = 50;

/** Where `localStorage` or a test's map keeps them. */
export type CardStorage = Pick<Storage, 'getItem' | 'setItem'>;

const storedSchema = z.array(taskSchema);

function storageKey(workspaceId: string): string {
  return `runboard:task-cards:${workspaceId}`;
}

function browserStorage(): CardStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function readCards(workspaceId: string, storage: CardStorage): Task[] {
  try {
    const parsed = storedSchema.safeParse(
      JSON.parse(storage.getItem(storageKey(workspaceId)) ?? '[]')
    );
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Keeps `task`'s card (newest first); a full or blocked storage only loses the shortcut. */
export function rememberTaskCard(
  workspaceId: string,
  task: Task,
  storage: CardStorage | null = browserStorage()
): void {
  if (storage === null) return;
  const { id } = task;
  const card = taskSchema.parse({ ...task, description: '' });
  const cards = [card, ...readCards(workspaceId, storage).filter((c) => c.id !== id)];
  try {
    storage.setItem(storageKey(workspaceId), JSON.stringify(cards.slice(0, MAX_CARDS)));
  } catch {
    // Quota or private mode.
  }
}

/** The kept card of the task with id or key `keyOrId`, or null. */
export function cachedTaskCard(
  workspaceId: string,
  keyOrId: string,
  storage: CardStorage | null = browserStorage()
): Task | null {
  if (storage === null) return null;
  return readCards(workspaceId, storage).find((c) => c.id === keyOrId || c.key === keyOrId) ?? null;
}

/**
 * The card of a live task from the server (`GET …/tasks/{keyOrId}`), or null when it is not on
 * the board (archived, unknown) or the server cannot be reached.
 */
export async function fetchTaskCard(workspaceId: string, keyOrId: string): Promise<Task | null> {
  try {
    const body = await rest(
      'GET',
      `/workspaces/${encodeURIComponent(workspaceId)}/tasks/${encodeURIComponent(keyOrId)}`,
      { schema: taskSchema.extend({ archived: z.boolean().optional() }) }
    );
    const { archived, ...card } = body;
    return archived === true ? null : card;
  } catch {
    return null;
  }
}
