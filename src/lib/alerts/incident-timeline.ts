/**
 * One sentence per incident timeline event, in the reader's language: what the incident page
 * shows (IncidentTimeline.svelte) and what a post-incident review starts with (server,
 * alerts/review-template.ts). Framework-free: each side hands in its own translation.
 */
import type { IncidentEvent } from '../shared/alerts/schema';

/** The catalog keys of the sentences (src/lib/i18n/messages/<locale>/alerts.ts). */
export type IncidentEventMessage =
  | 'incidentPage.event.alert_firing'
  | 'incidentPage.event.alert_resolved'
  | 'incidentPage.event.alerts_cleared'
  | 'incidentPage.event.acknowledged'
  | 'incidentPage.event.resolved'
  | 'incidentPage.event.resolvedAutomatic'
  | 'incidentPage.event.reopened'
  | 'incidentPage.event.flapping'
  | 'incidentPage.event.escalated'
  | 'incidentPage.event.escalatedNobody'
  | 'incidentPage.event.channel'
  | 'incidentPage.event.closed'
  | 'incidentPage.event.review_started'
  | 'incidentPage.event.note'
  | 'incidentPage.timeline.intake'
  | 'incidentPage.timeline.viaChat';

export interface EventWords {
  text(key: IncidentEventMessage, params?: Record<string, string | number>): string;
  /** `incidentPage.event.opened` in the plural form for `count`. */
  opened(count: number): string;
  /** A list in the language's words ("A, B and C"). */
  list(items: string[]): string;
  memberName(id: string): string;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The sentence for one event. */
export function describeIncidentEvent(event: IncidentEvent, words: EventWords): string {
  const name =
    event.actor === null
      ? words.text('incidentPage.timeline.intake')
      : words.memberName(event.actor);
  switch (event.type) {
    case 'opened': {
      const fingerprints = event.data['fingerprints'];
      return words.opened(Array.isArray(fingerprints) ? fingerprints.length : 1);
    }
    case 'alert_firing':
    case 'alert_resolved':
      return words.text(`incidentPage.event.${event.type}`, {
        fingerprint: text(event.data['fingerprint'])
      });
    case 'resolved':
      return event.data['automatic'] === true
        ? words.text('incidentPage.event.resolvedAutomatic')
        : words.text('incidentPage.event.resolved', { name });
    case 'acknowledged':
    case 'closed':
    case 'review_started':
    case 'note':
      return words.text(`incidentPage.event.${event.type}`, { name });
    case 'escalated': {
      const step = typeof event.data['step'] === 'number' ? event.data['step'] : 1;
      const paged = Array.isArray(event.data['paged'])
        ? event.data['paged'].map((entry) =>
            // Channels are recorded by id: a person does not read those.
            text(entry).startsWith('channel:')
              ? words.text('incidentPage.event.channel')
              : text(entry)
          )
        : [];
      return paged.length === 0
        ? words.text('incidentPage.event.escalatedNobody', { step })
        : words.text('incidentPage.event.escalated', { step, paged: words.list(paged) });
    }
    case 'alerts_cleared':
    case 'reopened':
    case 'flapping':
      return words.text(`incidentPage.event.${event.type}`);
  }
}
