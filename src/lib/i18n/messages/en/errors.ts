import type { ErrorCode } from '../../../shared/model/domain-error';

/**
 * English messages for error codes (`error.<code>`): what the UI shows for a refused operation
 * or a failed request, whatever the server's English `message` says. Typed against the code
 * list in shared/model/domain-error.ts, so a new code without a message fails the type check.
 */
export const errors = {
  'error.invalid_input': 'Some of the input is not valid. Check it and try again.',
  'error.not_found': 'This no longer exists. Reload the page to see the current state.',
  'error.forbidden': 'Your role does not allow this.',
  'error.conflict':
    'This clashes with the current state; someone may have just changed it. Reload and try again.',
  'error.email_taken': 'An account with this email already exists.',
  'error.last_owner': 'The last owner cannot be demoted or removed. Make someone else owner first.',
  'error.invite_invalid': 'This invite link is no longer valid. Ask for a new one.',
  'error.already_member': 'This person is already a member of the workspace.',
  'error.setup_done': 'Runboard is already set up. Sign in instead.',
  'error.invalid_credentials': 'Wrong email or password.',
  'error.wrong_password': 'The current password is wrong.',
  'error.rate_limited': 'Too many attempts. Wait a few minutes and try again.',
  'error.cycle':
    'That relation would close a cycle: the other item already depends on this one, directly or through others.',
  'error.import_rejected': 'Nothing was imported: some rows have errors.',
  'error.too_little_history':
    'There is too little finished work to evaluate the AI on yet. Finish or import more tasks and incidents.',
  'error.invalid_transition': 'That step is not allowed from the current state.',
  'error.approval_required':
    'A change is approved or rejected by approvals, and only an emergency change starts without one.',
  'error.self_approval': 'You requested this change, so you cannot approve it yourself.',
  'error.not_an_approver': 'The approval policy does not count your approval for this change.',
  'error.frozen': 'The change window falls in a change freeze. Pick another window.',
  'error.change_required':
    'This job needs an approved change: start it from the change, or pick the change it belongs to.',
  'error.change_not_approved':
    'The change is not approved yet, so its jobs cannot run. An emergency change may run once submitted.',
  'error.outside_window':
    'It is outside the change window. Run the job between the window’s start and end.',
  'error.secret_key_required':
    'Credentials cannot be saved: the server has no secret key (RUNBOARD_SECRET_KEY).',
  'error.invalid_secret': 'The integration secret is missing or wrong.',
  'error.task_archived': 'This task is in the archive. Un-archive it first to change it.',
  'error.unsupported_media_type':
    'This file type is not supported. Upload a PNG, JPEG, GIF or WebP image.',
  'error.payload_too_large': 'The file or the request is too large.',
  'error.bad_document_name': 'This address does not name a valid document.',
  'error.storage_unavailable':
    'Saving is taking longer than usual. The change is kept and retried; try again in a moment.',
  'error.nodes_unreachable':
    'The other Runboard servers cannot be reached right now, so this cannot be done safely. Nothing was changed; try again in a moment.',
  'error.bad_request': 'The server could not understand the request.',
  'error.unauthorized': 'Your session has ended. Sign in again.',
  'error.method_not_allowed': 'This action is not available here.',
  'error.internal_error':
    'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.',
  'error.unavailable': 'The server is busy or starting up. Try again in a moment.',
  'error.network_error': 'The server could not be reached. Check the connection and try again.',
  'error.http_error': 'The server answered with an error. Try again.',
  'error.invalid_response': 'The server sent an answer this page cannot read. Reload the page.'
} as const satisfies Record<`error.${ErrorCode}`, string>;
