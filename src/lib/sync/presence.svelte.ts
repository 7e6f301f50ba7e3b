/**
 * Who else has a document open, and where: a thin layer over the provider's y-protocols
 * `Awareness`. Each client publishes `{ user, location }`; remote states are validated before
 * they reach the UI (they come from other clients, so they are outside input), and one person
 * with several tabs shows once.
 */
import { untrack } from 'svelte';
import { z } from 'zod';
import type { Awareness } from 'y-protocols/awareness';
import { ID_PATTERN } from '$lib/shared/doc-name';

/** Longest location string accepted from a peer. */
const MAX_LOCATION_LENGTH = 200;

const presenceUserSchema = z.object({
  // A member id; the pattern also keeps keys like `__proto__` out of the lookup below.
  id: z.string().regex(ID_PATTERN),
  name: z.string().max(200),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/)
});
export type PresenceUser = z.infer<typeof presenceUserSchema>;

const presenceStateSchema = z.object({
  user: presenceUserSchema,
  /** What the client looks at: 'board', 'list', `task:<id>`, …; null when unknown. */
  location: z.string().max(MAX_LOCATION_LENGTH).nullable()
});

/** Another person with the document open. */
export interface Peer {
  user: PresenceUser;
  /** Locations of all their tabs. */
  locations: string[];
}

/** Reactive list of the other people on a document; call `destroy()` when done. */
export class Presence {
  /** Everyone else, one entry per person (not per tab), sorted by name. */
  peers = $state.raw<Peer[]>([]);

  readonly #awareness: Awareness;
  readonly #user: PresenceUser;

  constructor(awareness: Awareness, user: PresenceUser) {
    this.#awareness = awareness;
    this.#user = user;
    awareness.setLocalStateField('user', user);
    awareness.setLocalStateField('location', null);
    awareness.on('change', this.#refresh);
    this.#refresh();
  }

  /** Tells the others where this tab is (e.g. 'board' or `task:<id>`). */
  setLocation(location: string | null): void {
    const current = (this.#awareness.getLocalState() as { location?: unknown } | null)?.location;
    if (current === location) return;
    this.#awareness.setLocalStateField('location', location);
  }

  /** The people (other than me) whose tabs are at `location`. */
  peersAt(location: string): Peer[] {
    return this.peers.filter((peer) => peer.locations.includes(location));
  }

  #refresh = (): void => {
    const byUser: Record<string, Peer> = {};
    for (const [clientId, raw] of this.#awareness.getStates()) {
      if (clientId === this.#awareness.clientID) continue;
      const parsed = presenceStateSchema.safeParse(raw);
      if (!parsed.success) continue;
      const { user, location } = parsed.data;
      // My other tabs are not "someone else".
      if (user.id === this.#user.id) continue;
      const peer = byUser[user.id] ?? { user, locations: [] };
      if (location !== null && !peer.locations.includes(location)) peer.locations.push(location);
      byUser[user.id] = peer;
    }
    const next = Object.values(byUser).sort((a, b) => a.user.name.localeCompare(b.user.name));
    // Untracked: this runs synchronously inside setLocation(), which pages call from an
    // effect; reading `peers` there would make the effect re-run on every peer change, and
    // two tabs would then echo awareness updates at each other forever.
    if (JSON.stringify(next) !== untrack(() => JSON.stringify(this.peers))) this.peers = next;
  };

  /** Stops listening and withdraws this tab's state. */
  destroy(): void {
    this.#awareness.off('change', this.#refresh);
    this.#awareness.setLocalState(null);
  }
}
