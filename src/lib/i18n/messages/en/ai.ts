/** English messages of local AI (docs/ai.md): similar work, "last time", the index settings. */
export const ai = {
  'apiDocs.tag.ai':
    'Local AI: similar work across Chinese and English, and its index (docs/ai.md).',
  'apiDocs.op.findSimilar': 'Items similar to a text',
  'apiDocs.op.getLastTime': 'Last time this happened',
  'apiDocs.op.getAiIndex': 'The AI index and its rebuild',
  'apiDocs.op.rebuildAiIndex': 'Rebuild the AI index',

  'ai.similar.heading': 'Similar work',
  'ai.similar.createHeading': 'Similar open and past work',
  'ai.similar.loading': 'Looking for similar work…',
  'ai.similar.none': 'Nothing similar found.',
  'ai.similar.failed': 'Similar work could not be loaded.',
  'ai.similar.duplicate': 'Possible duplicate: {title}',
  'ai.similar.duplicateHint': 'Similarity {score}. Check it before you create another one.',
  'ai.similar.score': 'Similarity {score}',
  'ai.type.task': 'Task',
  'ai.type.incident': 'Incident',
  'ai.type.runbook': 'Runbook',
  'ai.type.ci': 'CI',
  'ai.status.open': 'Open',
  'ai.status.done': 'Done',
  'ai.status.archived': 'Archived',

  'ai.lastTime.heading': 'Last time this happened',
  'ai.lastTime.resolvedBy': '{name} resolved {incident} in {duration}.',
  'ai.lastTime.resolvedByNobody': '{incident} was resolved in {duration} (alerts cleared).',
  'ai.lastTime.runbooks': 'Runbook used:',
  'ai.lastTime.noRunbook': 'No runbook was linked to it.',
  'ai.lastTime.none': 'No similar incident was resolved before.',
  'ai.duration.minutes': '{minutes} min',
  'ai.duration.hours': '{hours} h {minutes} min',
  'ai.duration.days': '{days} d {hours} h',

  'ai.settings.title': 'AI',
  'ai.settings.body':
    'Runboard compares new work with the tasks, incidents, runbooks and CIs of this workspace, archived ones included. Everything runs on this server; nothing is sent anywhere unless an embeddings endpoint is configured.',
  'ai.settings.embedder': 'Embedder',
  'ai.settings.items': 'Items indexed',
  'ai.settings.stale': 'Waiting to be re-embedded',
  'ai.settings.threshold': 'Duplicate warning from similarity',
  'ai.settings.rebuild': 'Rebuild the index',
  'ai.settings.rebuildHint':
    'Re-embeds every item. Needed only after changing the glossary or the model; changes are indexed as they happen.',
  'ai.settings.progress': 'Rebuilding: {done} of {total}',
  'ai.settings.starting': 'Reading the items…',
  'ai.settings.done': 'Rebuilt: {total} items embedded.',
  'ai.settings.failed': 'The rebuild failed: {message}',
  'ai.settings.loadFailed': 'The index could not be loaded.'
} as const;
