/** Who acts on a model: a member id, or null for the system (server jobs, imports). */
import { idSchema } from './ids';
import { parseInput } from './parse';

/** Options of every model mutation. */
export interface MutationOptions {
  /** Transaction origin, handed to `doc.transact` (lets providers and observers tell who wrote). */
  origin?: unknown;
}

/** Options of a mutation that records who acted and when (activity, `createdBy`, `updatedAt`). */
export interface ActedMutationOptions extends MutationOptions {
  /** Time of the change; defaults to the current time. */
  now?: Date;
  /**
   * Member id of whoever acts (null: the system, e.g. a server job): recorded as `createdBy`,
   * `by` of activity entries, a comment's author, `doneBy` of a checklist item.
   */
  actor?: string | null;
}

/** The validated actor id, or null for none (the system); `invalid_input` when malformed. */
export function parseActor(actor: string | null | undefined): string | null {
  if (actor === undefined || actor === null) return null;
  return parseInput(idSchema, actor, 'actor');
}
