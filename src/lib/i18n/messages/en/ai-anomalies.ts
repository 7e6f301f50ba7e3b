/** English messages of anomaly detection (docs/ai.md, "Anomalies"): API, reports, messages. */
export const aiAnomalies = {
  'apiDocs.op.listAnomalies': 'Anomalies in alert and task rates',
  'apiDocs.op.getAnomalySettings': 'The anomaly message settings',
  'apiDocs.op.updateAnomalySettings': 'Change the anomaly message settings',

  'anomalies.series.alerts': 'alerts',
  'anomalies.series.tasks': 'tasks created',
  'anomalies.kind.service': 'service',
  'anomalies.kind.label': 'label',
  'anomalies.band': '{series} for {group}: {observed} vs expected {expected}',
  'anomalies.heading': 'Anomalies',
  'anomalies.hint':
    'Hours with far more alerts or new tasks than the same hour usually has (per service and label).',
  'anomalies.loading': 'Looking for anomalies…',
  'anomalies.none': 'No anomalies in this range.',
  'anomalies.failed': 'Anomalies could not be loaded.',
  'anomalies.capped': 'Only the {evaluated} busiest of {total} groups were checked.',
  'anomalies.when': '{start} – {end}',
  'anomalies.score': 'score {score}',
  'anomalies.drill': 'Show the items',

  'anomalies.settings.heading': 'Anomaly messages',
  'anomalies.settings.notify': 'Send a message when a new anomaly starts',
  'anomalies.settings.channel': 'Channel',
  'anomalies.settings.noChannel': 'Choose a channel',
  'anomalies.settings.locale': 'Language of the message',
  'anomalies.settings.save': 'Save',
  'anomalies.settings.saved': 'Saved.',
  'anomalies.settings.failed': 'The settings could not be saved: {message}',

  'notify.anomaly.title': 'Anomaly: {series} for {group}: {observed} vs expected {expected}',
  'notify.anomaly.field.series': 'Series',
  'notify.anomaly.field.group': 'Group',
  'notify.anomaly.field.start': 'Started',
  'notify.anomaly.field.score': 'Score',
  'channels.event.ai.anomaly': 'Anomaly'
} as const;
