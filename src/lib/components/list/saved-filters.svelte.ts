/**
 * Saved filters of the task list: named queries kept in this browser's localStorage, per user
 * and workspace (`runboard:saved-filters:<userId>:<ws>`). They are a personal convenience, not
 * shared state, so they stay out of the board document. What is read back is validated: the
 * storage may hold anything an older version or another tab wrote.
 */
import { z } from 'zod';
import { taskQuerySchema, type TaskQuery } from '$lib/shared/board/task-query';

/** Longest name of a saved filter, in characters. */
export const MAX_SAVED_FILTER_NAME_LENGTH = 60;
/** Most saved filters per user and workspace. */
export const MAX_SAVED_FILTERS = 50;

const savedFilterSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(MAX_SAVED_FILTER_NAME_LENGTH),
  query: taskQuerySchema
});
export type SavedFilter = z.infer<typeof savedFilterSchema>;

/** The localStorage key of a user's saved filters in a workspace. */
export function savedFiltersKey(userId: string, workspaceId: string): string {
  return `runboard:saved-filters:${userId}:${workspaceId}`;
}

/** The valid entries of a stored value; anything unreadable counts as none. */
function parseStored(raw: string | null): SavedFilter[] {
  if (raw === null) return [];
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return [];
    return value.flatMap((entry) => {
      const parsed = savedFilterSchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
  } catch {
    return [];
  }
}

/** Reactive saved filters of one user in one workspace; call `destroy()` when done. */
export class SavedFilters {
  items = $state.raw<SavedFilter[]>([]);

  readonly #key: string;

  constructor(key: string) {
    this.#key = key;
    this.items = parseStored(localStorage.getItem(key));
    // Another tab saving or deleting a filter shows here too.
    window.addEventListener('storage', this.#handleStorage);
  }

  /**
   * Saves `query` under `name`, replacing a filter of the same name (case-insensitive), and
   * returns false when the browser refuses to store it (quota, private mode).
   */
  save(name: string, query: TaskQuery): boolean {
    const trimmed = name.trim().slice(0, MAX_SAVED_FILTER_NAME_LENGTH);
    const lower = trimmed.toLocaleLowerCase();
    const existing = this.items.find((item) => item.name.toLocaleLowerCase() === lower);
    const entry: SavedFilter = {
      id: existing?.id ?? crypto.randomUUID(),
      name: trimmed,
      query: taskQuerySchema.parse(query)
    };
    const next = existing
      ? this.items.map((item) => (item.id === existing.id ? entry : item))
      : [...this.items, entry].slice(-MAX_SAVED_FILTERS);
    return this.#write(next);
  }

  /** Deletes the saved filter `id`. */
  remove(id: string): boolean {
    return this.#write(this.items.filter((item) => item.id !== id));
  }

  #write(items: SavedFilter[]): boolean {
    try {
      localStorage.setItem(this.#key, JSON.stringify(items));
    } catch {
      return false;
    }
    this.items = items;
    return true;
  }

  #handleStorage = (event: StorageEvent): void => {
    if (event.key === this.#key) this.items = parseStored(event.newValue);
  };

  /** Stops following other tabs. */
  destroy(): void {
    window.removeEventListener('storage', this.#handleStorage);
  }
}
