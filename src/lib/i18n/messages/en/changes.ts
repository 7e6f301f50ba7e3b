/**
 * English messages of change management (docs/changes.md): states, types and risks, the
 * messages sent about changes and their chat buttons, the API reference, audit entries, and the
 * error codes (`changeErrors`, spread into the errors area, which lists every code).
 */
export const changeErrors = {
  'error.approval_required':
    'A change is approved or rejected by approvals, and only an emergency change starts without one.',
  'error.self_approval': 'You requested this change, so you cannot approve it yourself.',
  'error.not_an_approver': 'The approval policy does not count your approval for this change.',
  'error.frozen': 'The change window falls in a change freeze. Pick another window.'
} as const;

export const changes = {
  'changes.type.standard': 'Standard',
  'changes.type.normal': 'Normal',
  'changes.type.emergency': 'Emergency',
  'changes.risk.low': 'Low',
  'changes.risk.medium': 'Medium',
  'changes.risk.high': 'High',
  'changes.state.draft': 'Draft',
  'changes.state.submitted': 'Waiting for approval',
  'changes.state.approved': 'Approved',
  'changes.state.rejected': 'Rejected',
  'changes.state.scheduled': 'Scheduled',
  'changes.state.in_progress': 'In progress',
  'changes.state.completed': 'Completed',
  'changes.state.failed': 'Failed',
  'changes.state.rolled_back': 'Rolled back',
  'changes.state.cancelled': 'Cancelled',
  'changes.requirement.approvals': '{have} of {count} approvals by operators or admins',
  'changes.requirement.admin': 'An approval by an admin (critical production item)',
  'changes.requirement.owner_team': 'An approval by a member of the owner team “{team}”',
  'changes.requirement.owner_team_unknown':
    'An approval by the owner team “{team}”, which the policy names no members of',
  'changes.requirement.review': 'A review after the emergency change',
  'changes.requirement.pre_approved': 'Pre-approved (standard change)',

  'channels.event.change.submitted': 'Change submitted (approval requests)',
  'channels.event.change.approved': 'Change approved',
  'channels.event.change.rejected': 'Change rejected',

  'notify.change.submitted': 'Change {ref} submitted by {actor}: {title}',
  'notify.change.approvalRequested': 'Approval requested from {approver} for change {ref}: {title}',
  'notify.change.approved': 'Change {ref} approved: {title}',
  'notify.change.rejected': 'Change {ref} rejected by {actor}: {title}',
  'notify.field.changeType': 'Type',
  'notify.field.risk': 'Risk',
  'notify.field.window': 'Window',
  'notify.action.approve': 'Approve',
  'notify.action.reject': 'Reject',
  'notify.decide.approved': '{user} approved {ref} as {approver} from {via}.',
  'notify.decide.rejected': '{user} rejected {ref} as {approver} from {via}.',
  'notify.decide.refused': '{ref} was not changed: {reason}',
  'notify.decide.invalid': 'This button has expired or is not valid. Open the change in Runboard.',

  'apiDocs.tag.changes':
    'Change requests: their state machine, approvals under the workspace’s policy, conflicts, freezes and figures.',
  'apiDocs.op.createChange': 'Request a change',
  'apiDocs.op.listChanges': 'List changes (the change calendar)',
  'apiDocs.op.getChange': 'Get a change with its approvals, requirements and conflicts',
  'apiDocs.op.updateChange': 'Change a draft change',
  'apiDocs.op.transitionChange': 'Move a change to another state',
  'apiDocs.op.decideChange': 'Approve or reject a change',
  'apiDocs.op.getChangePolicy': 'Get the change approval policy',
  'apiDocs.op.updateChangePolicy': 'Replace the change approval policy',
  'apiDocs.op.createFreeze': 'Create a change freeze',
  'apiDocs.op.listFreezes': 'List change freezes',
  'apiDocs.op.deleteFreeze': 'Delete a change freeze',
  'apiDocs.op.markIncidentCause': 'Mark a change as the cause of an incident',
  'apiDocs.op.unmarkIncidentCause': 'Unmark a change as the cause of an incident',
  'apiDocs.op.incidentWhatChanged': 'What changed before an incident',
  'apiDocs.op.changeFigures': 'Change success rate, failure rate and lead time',
  'apiDocs.op.chatDecideChange': 'Approve or reject a change from a chat button',

  'audit.group.change': 'Changes',
  'audit.group.freeze': 'Change freezes',
  'audit.action.change.created': 'Change requested',
  'audit.action.change.transitioned': 'Change moved',
  'audit.action.change.decided': 'Change approval decided',
  'audit.action.change.policy_updated': 'Change policy replaced',
  'audit.action.change.cause_marked': 'Change marked as an incident’s cause',
  'audit.action.change.cause_unmarked': 'Change no longer an incident’s cause',
  'audit.action.freeze.created': 'Change freeze created',
  'audit.action.freeze.deleted': 'Change freeze deleted',
  'audit.sentence.change.created': '{actor} requested the change {ref} “{title}”',
  'audit.sentence.change.transitioned': '{actor} moved the change {ref} from {from} to {to}',
  'audit.sentence.change.decided': '{actor} decided “{decision}” on the change {ref}',
  'audit.sentence.change.policy_updated': '{actor} replaced the change approval policy',
  'audit.sentence.change.cause_marked': '{actor} marked the change {ref} as a cause of {incident}',
  'audit.sentence.change.cause_unmarked':
    '{actor} no longer marks the change {ref} as a cause of {incident}',
  'audit.sentence.freeze.created': '{actor} created a change freeze: {reason}',
  'audit.sentence.freeze.deleted': '{actor} deleted the change freeze: {reason}'
} as const;
