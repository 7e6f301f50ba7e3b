/**
 * The end slot of the app's top bar. The root layout renders it; a page fills it (the board
 * page puts its connection badge there) and empties it when it goes away.
 */
import { getContext, setContext, type Snippet } from 'svelte';

/** What the current page shows at the end of the top bar. */
export class TopBar {
  end = $state.raw<Snippet | null>(null);
}

const TOP_BAR_CONTEXT = Symbol('runboard.top-bar');

/** Creates the top bar slot and makes it available below the caller (the root layout). */
export function setTopBar(): TopBar {
  return setContext(TOP_BAR_CONTEXT, new TopBar());
}

/** The top bar slot set by the root layout; throws when used outside it. */
export function getTopBar(): TopBar {
  const topBar = getContext<TopBar | undefined>(TOP_BAR_CONTEXT);
  if (topBar === undefined) throw new Error('getTopBar() called outside the root layout');
  return topBar;
}
