/** Who acts on a model: a member id, or null for the system (server jobs, imports). */
import { idSchema } from './ids';
import { parseInput } from './parse';

/** The validated actor id, or null for none (the system); `invalid_input` when malformed. */
export function parseActor(actor: string | null | undefined): string | null {
  if (actor === undefined || actor === null) return null;
  return parseInput(idSchema, actor, 'actor');
}
