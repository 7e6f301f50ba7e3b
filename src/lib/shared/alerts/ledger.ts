/**
 * The incidents part of the ledger document (`<ws>.ledger`, docs/design.md §2): a read-only
 * mirror of the server's incident facts, so a device shows the state of incidents it saw while
 * offline. Written only by the server (alerts-service.ts); every member's connection to the
 * ledger is read-only, so nothing a client writes here is applied. One entry per incident under
 * its id, a plain JSON value replaced whole; incidents finished long ago are dropped from it
 * (the records keep them).
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { incidentStateSchema, severitySchema } from './schema';

/** The map of incident facts in the ledger document. */
export const LEDGER_INCIDENTS = 'incidents';
/** Closed incidents older than this leave the ledger. */
export const LEDGER_KEEP_CLOSED_MS = 30 * 24 * 60 * 60_000;

export const incidentFactSchema = z.object({
  id: z.string(),
  key: z.string().nullable(),
  title: z.string(),
  state: incidentStateSchema,
  severity: severitySchema,
  openedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  /** Alerts of the incident, and how many of them still fire. */
  alerts: z.int().min(0),
  firing: z.int().min(0),
  flapping: z.boolean(),
  updatedAt: z.string()
});
export type IncidentFact = z.infer<typeof incidentFactSchema>;

/** Writes (replaces) the facts of incidents, and drops closed ones older than the window. */
export function writeIncidentFacts(
  doc: Y.Doc,
  facts: readonly IncidentFact[],
  nowMs: number
): void {
  const incidents = doc.getMap<unknown>(LEDGER_INCIDENTS);
  doc.transact(() => {
    for (const fact of facts) incidents.set(fact.id, { ...fact });
    for (const [id, value] of incidents) {
      const parsed = incidentFactSchema.safeParse(value);
      if (!parsed.success) continue;
      const closedAt = parsed.data.closedAt;
      if (closedAt !== null && nowMs - Date.parse(closedAt) > LEDGER_KEEP_CLOSED_MS) {
        incidents.delete(id);
      }
    }
  });
}

/** The incident facts in a ledger document, newest first; entries that do not parse are skipped. */
export function readIncidentFacts(doc: Y.Doc): IncidentFact[] {
  const out: IncidentFact[] = [];
  for (const value of doc.getMap<unknown>(LEDGER_INCIDENTS).values()) {
    const parsed = incidentFactSchema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out.sort((a, b) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0));
}
