/**
 * English messages for what every page shares: the app shell, language, sync status, navigation,
 * presence, task kinds and priorities, error page.
 */
export const common = {
  'app.name': 'Runboard',
  'app.skipToContent': 'Skip to content',
  'app.mainNav': 'Main',

  'locale.label': 'Language',
  'locale.en': 'EN',
  'locale.zh-CN': '中文',
  'locale.en.name': 'English',
  'locale.zh-CN.name': '简体中文',

  'sync.connecting': 'Connecting…',
  'sync.online': 'Online',
  'sync.syncing': 'Syncing…',
  'sync.offline': 'Offline',
  'sync.refused': 'Refused',
  'sync.pending.one': '{count} change waiting',
  'sync.pending.other': '{count} changes waiting',
  'sync.statusLabel': 'Connection: {state}',
  'sync.statusLabelOf': '{subject} connection: {state}',
  'sync.offlineHint':
    'You are offline. Changes are kept on this device and sync when you reconnect.',
  'sync.refusedHint': 'The server refused this board ({reason}). Reload the page to try again.',
  'sync.reload': 'Reload',

  'nav.workspace': 'Workspace',
  'nav.board': 'Board',
  'nav.list': 'List',
  'nav.myTasks': 'My tasks',
  'nav.settings': 'Settings',
  'presence.viewing.one': '{count} other person here: {names}',
  'presence.viewing.other': '{count} other people here: {names}',

  'kind.task': 'Task',
  'kind.incident': 'Incident',
  'kind.change': 'Change',

  'priority.urgent': 'Urgent',
  'priority.high': 'High',
  'priority.medium': 'Medium',
  'priority.low': 'Low',
  'priority.none': 'No priority',

  'task.key': 'Key',
  'task.kind': 'Kind',
  'task.priority': 'Priority',
  'task.labels': 'Labels',
  'task.assignee': 'Assignee',
  'task.unassigned': 'Unassigned',
  'task.due': 'Due {date}',
  'task.overdue': 'Overdue since {date}',

  'error.title': 'Something went wrong',
  'error.notFound': 'This page does not exist.',
  'error.code': 'Error {status}',
  'error.home': 'Go to the board'
} as const;
