/**
 * The changes part of the ledger document (`<ws>.ledger`, docs/design.md §2): a read-only
 * mirror of the server's change facts (state, approvals), so a device shows them while offline.
 * Written only by the server (changes-service.ts); every member's connection to the ledger is
 * read-only, so nothing a client writes here is applied, and the server never reads it back:
 * the rows are the truth. One entry per change under its id, a plain JSON value replaced whole;
 * changes finished long ago are dropped from it (the records keep them).
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { approvalDecisionSchema, changeStateSchema, changeTypeSchema } from './schema';

/** The map of change facts in the ledger document. */
export const LEDGER_CHANGES = 'changes';
/** Finished changes older than this leave the ledger. */
export const LEDGER_KEEP_FINISHED_MS = 30 * 24 * 60 * 60_000;

export const changeFactSchema = z.object({
  id: z.string(),
  key: z.string().nullable(),
  title: z.string(),
  type: changeTypeSchema,
  state: changeStateSchema,
  windowStart: z.string(),
  windowEnd: z.string(),
  requester: z.string(),
  approvals: z.array(
    z.object({
      userId: z.string().nullable(),
      decision: approvalDecisionSchema,
      kind: z.string(),
      at: z.string()
    })
  ),
  reviewPending: z.boolean(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string()
});
export type ChangeFact = z.infer<typeof changeFactSchema>;

/** Writes (replaces) the facts of changes, and drops finished ones older than the window. */
export function writeChangeFacts(doc: Y.Doc, facts: readonly ChangeFact[], nowMs: number): void {
  const changes = doc.getMap<unknown>(LEDGER_CHANGES);
  doc.transact(() => {
    for (const fact of facts) changes.set(fact.id, structuredClone(fact));
    for (const [id, value] of changes) {
      const parsed = changeFactSchema.safeParse(value);
      if (!parsed.success) continue;
      const finishedAt = parsed.data.finishedAt;
      if (finishedAt !== null && nowMs - Date.parse(finishedAt) > LEDGER_KEEP_FINISHED_MS) {
        changes.delete(id);
      }
    }
  });
}

/** The change facts in a ledger document, by window start; entries that do not parse are skipped. */
export function readChangeFacts(doc: Y.Doc): ChangeFact[] {
  const out: ChangeFact[] = [];
  for (const value of doc.getMap<unknown>(LEDGER_CHANGES).values()) {
    const parsed = changeFactSchema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out.sort((a, b) =>
    a.windowStart < b.windowStart ? -1 : a.windowStart > b.windowStart ? 1 : 0
  );
}
