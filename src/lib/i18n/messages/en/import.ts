/**
 * English messages of the history import (src/lib/server/import, docs/import.md): the per-row
 * errors (`{row}` is never in a message: the API puts it beside it), the settings section,
 * its API reference entries and its audit entries.
 */
export const historyImport = {
  'import.row.tooManyErrors': 'More than {max} problems; fix these and try again to see the rest.',
  'import.row.emptyFile': 'The file holds no items.',
  'import.row.tooManyRows': 'The file has more than {max} items; split it into smaller files.',
  'import.row.csvStrayQuote':
    'A quote appears inside an unquoted field; put the whole field in quotes and double the quote.',
  'import.row.csvUnclosedQuote': 'A quoted field starts here and is never closed.',
  'import.row.csvMissingColumn':
    'The header has no “{column}” column. Export from Jira with “Export CSV (all fields)”.',
  'import.row.csvColumnCount': 'This row has {found} fields; the header has {expected}.',
  'import.row.missingField': '“{field}” is missing.',
  'import.row.badDate':
    '“{value}” in “{field}” is not a date. Use ISO 8601 (2024-03-12T09:15:00Z) or Jira’s 12/Mar/24 9:15 AM.',
  'import.row.unknownPriority':
    'Unknown priority “{value}”. Use Highest, High, Medium, Low, Lowest (or urgent, high, medium, low, none).',
  'import.row.tooManyLabels': 'More than {max} labels.',
  'import.row.jsonSyntax': 'The file is not valid JSON: {reason}',
  'import.row.runboardShape': 'Expected an array of items (see docs/import.md).',
  'import.row.unknownField': 'Unknown field “{field}”.',
  'import.row.badField': '“{field}” has a value of the wrong kind or length.',
  'import.row.trelloShape':
    'This is not a Trello board export: expected an object with “lists” and “cards”.',
  'import.row.trelloCard': 'This card lacks its id, name or list.',
  'import.row.trelloUnknownList': 'The card is in list “{list}”, which the export does not hold.',
  'import.row.unknownStatus':
    'No column of the board matches the status “{status}”. Columns: {columns}; or use todo, in_progress, done.',
  'import.row.finishedWithoutTime':
    'The item is finished but has no doneAt or resolvedAt; give the time it was finished.',
  'import.row.openButDone':
    'The status “{status}” is not a done column, yet the item has a done or resolved time.',
  'import.row.timeInFuture': '“{field}” is in the future.',
  'import.row.timeBeforeCreated': '“{field}” is before the item was created.',
  'import.row.assigneeNotMember':
    '{email} has an account but is not a member of this workspace; add them first, or leave the assignee empty.',
  'import.row.assigneeAmbiguous':
    'Several members are called “{name}”; name the assignee by e-mail.',

  'import.title': 'Import history',
  'import.body':
    'Bring past tasks and incidents from Jira, Trello or a runboard-json file, with their times and assignees, so reports and suggestions learn from them at once. Finished items go to the archive; open ones onto the board.',
  'import.format': 'Format',
  'import.format.jira-csv': 'Jira CSV (Export CSV, all fields)',
  'import.format.trello-json': 'Trello board JSON',
  'import.format.runboard-json': 'runboard-json',
  'import.timeZone': 'Time zone of dates without one',
  'import.timeZone.hint': 'Jira writes times in the exporting user’s zone.',
  'import.file': 'File',
  'import.file.drop': 'Drop the file here, or',
  'import.file.choose': 'choose a file',
  'import.file.chosen': '{name} ({size})',
  'import.file.tooLarge': 'The file is larger than {max}.',
  'import.preview': 'Check the file',
  'import.preview.title': 'Preview',
  'import.preview.total.one': '{count} item: {archived} to the archive, {live} onto the board',
  'import.preview.total.other': '{count} items: {archived} to the archive, {live} onto the board',
  'import.preview.kinds': 'Tasks {task} · Incidents {incident} · Changes {change}',
  'import.preview.byStatus': 'By column: {columns}',
  'import.preview.newMembers': 'New inactive members (cannot sign in): {names}',
  'import.preview.newLabels': 'New labels: {names}',
  'import.preview.sample': 'First items',
  'import.preview.errors.one': 'One problem: nothing will be imported until it is fixed',
  'import.preview.errors.other': '{count} problems: nothing will be imported until they are fixed',
  'import.preview.ok': 'No problems found.',
  'import.column.row': 'Row',
  'import.column.message': 'Problem',
  'import.column.title': 'Title',
  'import.column.kind': 'Kind',
  'import.column.status': 'Column',
  'import.column.assignee': 'Assignee',
  'import.column.created': 'Created',
  'import.column.done': 'Done',
  'import.confirm.one': 'Import {count} item',
  'import.confirm.other': 'Import {count} items',
  'import.reset': 'Start over',
  'import.progress.uploading': 'Uploading… {percent}%',
  'import.progress.checking': 'Checking the file…',
  'import.progress.importing': 'Writing the items…',
  'import.result.title': 'Imported',
  'import.result.summary':
    '{imported} items imported ({firstKey} – {lastKey}): {archived} archived, {live} on the board, {incidents} incidents, {members} new members.',
  'import.result.archive': 'Open the archive',
  'import.result.board': 'Open the board',
  'import.failed': 'The import failed: {message}',

  'apiDocs.tag.import':
    'History import from Jira, Trello and runboard-json, with a preview (admins).',
  'apiDocs.op.importHistory': 'Import history (Jira, Trello, runboard-json)',

  'audit.group.import': 'History import',
  'audit.action.import.completed': 'History imported',
  'audit.action.import.member_created': 'Inactive member created by an import',
  'audit.sentence.import.completed.one': '{actor} imported {count} item from {format}',
  'audit.sentence.import.completed.other': '{actor} imported {count} items from {format}',
  'audit.sentence.import.member_created':
    '{actor} imported history assigned to {member}, added as an inactive member'
} as const;
