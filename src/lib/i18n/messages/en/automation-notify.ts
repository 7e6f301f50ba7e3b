/** English messages of job-run notifications (docs/automation.md, "Notifications"). */
export const automationNotify = {
  'apiDocs.op.incidentRemediations': 'Jobs that remediate an incident',
  'channels.event.run.succeeded': 'Job run succeeded',
  'channels.event.run.failed': 'Job run failed (failed, timed out, interrupted)',
  'notify.run.succeeded': 'Job run succeeded: {job}',
  'notify.run.failed': 'Job run failed: {job}',
  'notify.run.timedOut': 'Job run timed out: {job}',
  'notify.run.interrupted': 'Job run interrupted: {job}',
  'notify.run.cancelled': 'Job run cancelled: {job}',
  'notify.run.bySystem': 'Runboard (schedule or automatic remediation)',
  'notify.run.field.job': 'Job',
  'notify.run.field.requestedBy': 'Run by',
  'notify.run.field.trigger': 'Started from',
  'notify.run.field.change': 'Change',
  'notify.run.field.duration': 'Duration',
  'notify.run.field.exitCode': 'Exit code',
  'notify.run.field.incident': 'Incident',
  'notify.run.field.task': 'Task',
  'notify.run.field.reason': 'Reason',
  'notify.run.duration.seconds': '{s} s',
  'notify.run.duration.minutes': '{m} min {s} s',
  'notify.run.duration.hours': '{h} h {m} min'
} as const;
