/**
 * English messages of automation (docs/automation.md): the automation page with its jobs,
 * credentials and runners, the job editor and run form, the run page and the live log, and the
 * run state badge other pages show.
 */
export const automation = {
  'nav.automation': 'Automation',

  'automation.state.queued': 'Queued',
  'automation.state.running': 'Running',
  'automation.state.succeeded': 'Succeeded',
  'automation.state.failed': 'Failed',
  'automation.state.timed_out': 'Timed out',
  'automation.state.cancelled': 'Cancelled',
  'automation.state.interrupted': 'Interrupted',

  'automation.trigger.api': 'API',
  'automation.trigger.task': 'Task',
  'automation.trigger.runbook': 'Runbook',
  'automation.trigger.change': 'Change',
  'automation.trigger.incident': 'Incident',
  'automation.trigger.schedule': 'Schedule',

  'automation.purpose.implementation': 'Implementation',
  'automation.purpose.rollback': 'Rollback',
  'automation.purpose.remediation': 'Remediation',

  'automation.log.label': 'Run output',
  'automation.log.status.connecting': 'Connecting…',
  'automation.log.status.live': 'Live',
  'automation.log.status.reconnecting': 'Reconnecting…',
  'automation.log.status.ended': 'Finished',
  'automation.log.status.failed': 'Output unavailable',
  'automation.log.lines.one': '{count} line',
  'automation.log.lines.other': '{count} lines',
  'automation.log.follow': 'Follow',
  'automation.log.download': 'Download',
  'automation.log.failed': 'Could not read the output: {message}',
  'automation.log.waiting': 'Waiting for output…',
  'automation.log.noOutput': 'This run printed nothing.'
} as const;
