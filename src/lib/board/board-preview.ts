/**
 * A preview of a big board for the next start: the first cards of every column as this
 * device last showed them, kept in localStorage. Decoding a 10,000-task board from IndexedDB
 * takes seconds on a phone-class CPU (docs/scale.md); with the preview the page shows the
 * board at once, read-only and marked as loading, and swaps in the live document as soon as
 * it is loaded. Only boards big enough to be slow get one; small boards load in milliseconds.
 *
 * The preview is a cache, never a source: it is validated on read, dropped when invalid, and
 * nothing is ever written back to the document from it.
 */
import { z } from 'zod';
import {
  columnSchema,
  labelSchema,
  taskSchema,
  type Column,
  type Label,
  type Task
} from '$lib/shared/board/schema';

/** Boards with fewer open cards than this get no preview (they load fast enough). */
export const PREVIEW_MIN_CARDS = 300;
/**
 * Cards kept per column: a screenful on a tall monitor (a card is about 120 px high), as many
 * as the live board's first render shows (`FIRST_REVEAL_CARDS_PER_COLUMN`).
 */
export const PREVIEW_CARDS_PER_COLUMN = 12;
const PREVIEW_VERSION = 1;
const KEY_PREFIX = 'runboard:board-preview:';

const previewSchema = z.object({
  version: z.literal(PREVIEW_VERSION),
  columns: z.array(columnSchema),
  labels: z.record(z.string(), labelSchema),
  groups: z.array(
    z.object({
      id: z.string(),
      total: z.int().min(0),
      tasks: z.array(taskSchema).max(PREVIEW_CARDS_PER_COLUMN)
    })
  )
});
/** What a preview holds. */
export type BoardPreview = z.infer<typeof previewSchema>;

/** A column's cards as the board view groups them (see board-view.svelte.ts). */
export interface PreviewSource {
  id: string;
  tasks: readonly Task[];
  total: number;
}

/**
 * The preview of a board, or null when it is too small to need one. Descriptions are left out
 * (cards do not show them), which keeps a preview of 5 columns around 60 KB.
 */
export function buildPreview(
  columns: readonly Column[],
  labels: Readonly<Record<string, Label>>,
  groups: readonly PreviewSource[]
): BoardPreview | null {
  const total = groups.reduce((sum, group) => sum + group.total, 0);
  if (total < PREVIEW_MIN_CARDS) return null;
  return {
    version: PREVIEW_VERSION,
    columns: [...columns],
    labels: { ...labels },
    groups: groups.map((group) => ({
      id: group.id,
      total: group.total,
      tasks: group.tasks
        .slice(0, PREVIEW_CARDS_PER_COLUMN)
        .map((task) => ({ ...task, description: '' }))
    }))
  };
}

/** Parses a stored preview; null when absent, from another version, or invalid. */
export function decodePreview(text: string | null): BoardPreview | null {
  if (text === null) return null;
  try {
    const parsed = previewSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The stored preview of `docName`, if any. */
export function loadPreview(docName: string): BoardPreview | null {
  try {
    return decodePreview(localStorage.getItem(KEY_PREFIX + docName));
  } catch {
    return null;
  }
}

/** Stores (or, for null, removes) the preview of `docName`; a full storage is not an error. */
export function savePreview(docName: string, preview: BoardPreview | null): void {
  try {
    if (preview === null) localStorage.removeItem(KEY_PREFIX + docName);
    else localStorage.setItem(KEY_PREFIX + docName, JSON.stringify(preview));
  } catch {
    // Quota or privacy mode: the next start simply has no preview.
  }
}
