/**
 * English text of outgoing messages (chat, e-mail; notifications/message.ts), rendered on the
 * server in the channel's language.
 */
export const notify = {
  'notify.incident.opened': 'Incident {ref} opened: {title}',
  'notify.incident.acknowledged': 'Incident {ref} acknowledged by {actor}: {title}',
  'notify.incident.resolved': 'Incident {ref} resolved: {title}',
  'notify.incident.resolvedAutomatically': 'Incident {ref} resolved (alerts cleared): {title}',
  'notify.incident.reopened': 'Incident {ref} fired again and was reopened: {title}',
  'notify.incident.closed': 'Incident {ref} closed by {actor}: {title}',
  'notify.incident.escalated':
    'Incident {ref} is not acknowledged: paging {people} (step {step}): {title}',
  'notify.incident.escalatedToChannel': 'Incident {ref} is not acknowledged (step {step}): {title}',
  'notify.field.severity': 'Severity',
  'notify.field.state': 'State',
  'notify.field.workspace': 'Workspace',
  'notify.field.labels': 'Labels',
  'notify.field.comment': 'Comment',
  'notify.field.runbook': 'Runbook',
  'notify.field.source': 'Source',
  'notify.severity.critical': 'critical',
  'notify.severity.high': 'high',
  'notify.severity.warning': 'warning',
  'notify.severity.info': 'info',
  'notify.state.triggered': 'triggered',
  'notify.state.acknowledged': 'acknowledged',
  'notify.state.resolved': 'resolved',
  'notify.state.closed': 'closed',
  'notify.action.open': 'Open in Runboard',
  'notify.actor.server': 'Runboard',
  'notify.test.title': 'Test message from Runboard',
  'notify.test.body': 'If you can read this, the channel “{name}” of workspace {workspace} works.'
} as const;
