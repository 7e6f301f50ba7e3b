/**
 * English messages of starting automation runs from the work itself (docs/automation.md): the
 * "run job" block of runbooks, the run dialog and the runs panel of tasks, changes and
 * incidents, and the parameter form they share. States and purposes are in the automation area.
 */
export const automationRuns = {
  'automationRuns.loading': 'Loading…',
  'automationRuns.jobsFailed': 'Could not load the jobs. Check the connection and try again.',
  'automationRuns.noJobs':
    'No jobs are defined in this workspace yet. An admin adds them under Automation.',
  'automationRuns.run': 'Run',
  'automationRuns.starting': 'Starting…',
  'automationRuns.started': 'The run has started.',
  'automationRuns.openRun': 'Open the run',
  'automationRuns.cancel': 'Cancel',
  'automationRuns.close': 'Close',
  'automationRuns.dryRun': 'Dry run (check mode: changes nothing)',
  'automationRuns.dryRunHint': 'Ansible reports what it would change, without changing it.',
  'automationRuns.dryRunChip': 'Dry run',
  'automationRuns.exitCode': 'exit code {code}',
  'automationRuns.noPermission': 'Only operators and admins can run jobs.',
  'automationRuns.requiresChange':
    'This job needs an approved change, and runs only inside its window.',
  'automationRuns.system': 'Runboard',

  'automationRuns.block.title': 'Run job',
  'automationRuns.block.insert': 'Insert a “run job” block',
  'automationRuns.block.noJob': 'No job chosen',
  'automationRuns.block.jobMissing': 'This job no longer exists',
  'automationRuns.block.edit': 'Edit',
  'automationRuns.block.job': 'Job',
  'automationRuns.block.pickJob': 'Choose a job…',
  'automationRuns.block.label': 'Label',
  'automationRuns.block.labelHint': 'What this step does, e.g. “Restart the replica”',
  'automationRuns.block.presets': 'Preset values (can be changed before each run)',
  'automationRuns.block.save': 'Save',
  'automationRuns.block.runHint': 'Run this runbook for a task to run the job from here.',
  'automationRuns.block.startedAt': 'Started {time}',

  'automationRuns.param.none': 'This job takes no parameters.',
  'automationRuns.param.choose': 'Choose…',
  'automationRuns.param.defaultIs': 'Default: {value}',
  'automationRuns.param.requiredMark': 'Required',
  'automationRuns.param.required': 'Required.',
  'automationRuns.param.wholeNumber': 'Enter a whole number.',
  'automationRuns.param.atLeast': 'Must be at least {min}.',
  'automationRuns.param.atMost': 'Must be at most {max}.',
  'automationRuns.param.minLength': 'At least {min} characters.',
  'automationRuns.param.maxLength': 'At most {max} characters.',
  'automationRuns.param.choice': 'Pick one of the choices.',
  'automationRuns.param.boolean': 'Must be yes or no.',

  'automationRuns.panel.title': 'Automation runs',
  'automationRuns.panel.empty': 'No runs yet.',
  'automationRuns.panel.by': '{name} · {time}',

  'automationRuns.task.runJob': 'Run a job',
  'automationRuns.task.dialogTitle': 'Run a job for this task',
  'automationRuns.change.runImplementation': 'Run implementation',
  'automationRuns.change.runRollback': 'Run rollback',
  'automationRuns.change.implementationTitle': 'Run the implementation of this change',
  'automationRuns.change.rollbackTitle': 'Run the rollback of this change',
  'automationRuns.change.notReady':
    'Jobs can run for this change once it is approved or scheduled, or while it is in progress.',
  'automationRuns.incident.runRemediation': 'Run remediation',
  'automationRuns.incident.remediationTitle': 'Run a remediation for this incident',
  'automationRuns.incident.proposed': 'Proposed remediations',
  'automationRuns.incident.proposedHint':
    'Jobs whose remediation rule matches this incident’s labels.',
  'automationRuns.incident.automatic': 'Runs automatically',
  'automationRuns.incident.matches': 'Matches {labels}'
} as const;
