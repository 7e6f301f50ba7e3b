/** English messages for the task archive: the list view's archive tab and archived task pages. */
export const archive = {
  'archive.tab.board': 'On the board',
  'archive.tab.archive': 'Archive',
  'archive.tabs': 'Which tasks',
  'archive.subtitle':
    'Finished tasks leave the board after a while and are kept here: search them, filter them, open them.',
  'archive.search': 'Search the archive',
  'archive.searchPlaceholder': 'Key or words of the title',
  'archive.filter.kind': 'Kind',
  'archive.filter.anyKind': 'Any kind',
  'archive.filter.assignee': 'Assignee',
  'archive.filter.anyone': 'Anyone',
  'archive.filter.unassigned': 'Unassigned',
  'archive.filter.label': 'Label',
  'archive.filter.anyLabel': 'Any label',
  'archive.filter.from': 'Finished from',
  'archive.filter.to': 'Finished until',
  'archive.loading': 'Searching the archive…',
  'archive.count.one': '{count} archived task',
  'archive.count.other': '{count} archived tasks',
  'archive.more': 'Show more',
  'archive.empty.title': 'Nothing in the archive yet',
  'archive.empty.body':
    'Tasks done, resolved or archived longer ago than the archive window move here from the board.',
  'archive.noMatches.title': 'No archived tasks match',
  'archive.noMatches.body': 'Try fewer filters or other words.',
  'archive.failed': 'The archive could not be loaded: {message}',
  'archive.retry': 'Try again',
  'archive.col.finished': 'Finished',
  'archive.banner': 'Archived on {date}. This task is read-only while it is in the archive.',
  'archive.offlineCopy':
    'Offline: showing the copy this device kept when the task was last viewed.',
  'archive.unarchive': 'Un-archive',
  'archive.unarchiving': 'Bringing it back…',
  'archive.unarchived': 'Back on the board.',
  'archive.loadingTask': 'Looking in the archive…'
} as const;
