/**
 * Keeps an incident page current without polling: the server moves an incident's board card
 * whenever the incident changes state (a person elsewhere, an alert resolving), and the board
 * document is live in every workspace page. So a change of the incident cards on the board is
 * the signal to load the server's facts again.
 */
import { navigating } from '$app/state';
import { untrack } from 'svelte';
import type { WorkspaceContext } from '$lib/board/workspace-board.svelte';
import type { Task } from '$lib/shared/board/schema';

/** Changes of the cards closer together than this are one refresh. */
const SETTLE_MS = 400;

/**
 * Calls `onChange` (once per burst, never while navigating away) when the incident cards
 * `select` picks change column, key or archive state on the live board. Call during component
 * initialisation.
 */
export function refreshOnIncidentCards(
  workspace: WorkspaceContext,
  select: (task: Task) => boolean,
  onChange: () => void
): void {
  let last: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  $effect(() => {
    const view = workspace.board?.view;
    if (!view || view.previewing) return;
    const signature = [...view.tasks.values()]
      .filter((task) => task.kind === 'incident' && select(task))
      .map((task) => `${task.id}:${task.status}:${task.key ?? ''}:${task.archivedAt ?? ''}`)
      .sort()
      .join(',');
    if (last !== null && signature !== last) {
      clearTimeout(timer);
      timer = setTimeout(() => {
        // An invalidation during a navigation aborts it (SvelteKit keeps the latest), so a
        // click on a link right after a card moved would be lost; the next page loads anyway.
        if (navigating.to === null) untrack(onChange);
      }, SETTLE_MS);
    }
    last = signature;
  });
  $effect(() => () => clearTimeout(timer));
}
