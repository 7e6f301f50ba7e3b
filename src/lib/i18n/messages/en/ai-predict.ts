/** English messages of duration prediction and assignee suggestion (docs/ai-models.md). */
export const aiPredict = {
  'apiDocs.op.predictWork': 'Predict duration and suggest assignees',
  'aiPredict.duration': 'Likely {p50} (range {p10}–{p90})',
  'aiPredict.duration.basedOn.one': 'based on {count} similar item',
  'aiPredict.duration.basedOn.other': 'based on {count} similar items',
  'aiPredict.duration.priorsOnly': 'based on the kind, priority and labels only',
  'aiPredict.dueRisk': 'May miss its due date',
  'aiPredict.suggested': 'Suggested',
  'aiPredict.confidence': '{percent}% confidence',
  'aiPredict.reason.resolvedSimilar.one': 'resolved {count} similar item',
  'aiPredict.reason.resolvedSimilar.other': 'resolved {count} similar items',
  'aiPredict.reason.resolvedSimilarTopic.one': 'resolved {count} similar {topic} item',
  'aiPredict.reason.resolvedSimilarTopic.other': 'resolved {count} similar {topic} items',
  'aiPredict.reason.resolvedSimilarIncidents.one': 'resolved {count} similar {topic} incident',
  'aiPredict.reason.resolvedSimilarIncidents.other': 'resolved {count} similar {topic} incidents',
  'aiPredict.reason.onCall': 'on call now',
  'aiPredict.reason.frequent': 'took {count} items before',
  'aiPredict.reason.noOpenWork': 'no open work',
  'aiPredict.reason.lightLoad.one': '{count} open item',
  'aiPredict.reason.lightLoad.other': '{count} open items'
} as const;
