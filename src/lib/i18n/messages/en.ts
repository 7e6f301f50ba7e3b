/**
 * English UI messages: the source of keys. Every other locale is typed against this object,
 * so a missing or extra key is a compile error. `{name}` marks a parameter filled by `t()`.
 */
export const en = {
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
  'sync.offlineHint':
    'You are offline. Changes are kept on this device and sync when you reconnect.',
  'sync.refusedHint': 'The server refused this board ({reason}). Reload the page to try again.',
  'sync.reload': 'Reload',

  'board.title': 'Board',
  'board.workspace': 'Workspace',
  'board.loading': 'Loading board…',
  'board.empty.title': 'No tasks yet',
  'board.empty.body':
    'Add the first task with the form above. It works offline too and syncs as soon as you are back online.',
  'board.column.empty': 'No cards',
  'board.column.unknown': 'Other',
  'board.taskCount.one': '{count} task',
  'board.taskCount.other': '{count} tasks',

  'column.backlog': 'Backlog',
  'column.todo': 'To do',
  'column.in-progress': 'In progress',
  'column.review': 'Review',
  'column.done': 'Done',

  'form.heading': 'New task',
  'form.title': 'Title',
  'form.titlePlaceholder': 'What needs to be done?',
  'form.kind': 'Kind',
  'form.priority': 'Priority',
  'form.submit': 'Add task',
  'form.errorTitleRequired': 'Enter a title.',
  'form.errorTitleTooLong': 'Keep the title under {max} characters.',
  'form.errorFailed': 'The task could not be added: {message}',
  'form.added': 'Added “{title}”.',

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
  'error.home': 'Go to the board',

  'apiDocs.pageTitle': 'API reference · Runboard',
  'apiDocs.title': 'API reference',
  'apiDocs.version': 'Version {version}',
  'apiDocs.intro': 'The REST API speaks JSON. Paths below are relative to {baseUrl}.',
  'apiDocs.errorsIntro': 'Every error has this shape, with a fitting HTTP status:',
  'apiDocs.specLink': 'OpenAPI 3.1 document (openapi.json)',
  'apiDocs.contents': 'Contents',
  'apiDocs.empty': 'No operations are documented yet.',
  'apiDocs.operationCount.one': '{count} operation',
  'apiDocs.operationCount.other': '{count} operations',
  'apiDocs.schemas': 'Schemas',
  'apiDocs.schemasIntro': 'Named schemas that the operations refer to.',
  'apiDocs.parameters': 'Parameters',
  'apiDocs.column.name': 'Name',
  'apiDocs.column.location': 'In',
  'apiDocs.column.schema': 'Schema',
  'apiDocs.column.description': 'Description',
  'apiDocs.location.path': 'path',
  'apiDocs.location.query': 'query',
  'apiDocs.required': 'required',
  'apiDocs.optional': 'optional',
  'apiDocs.requestBody': 'Request body',
  'apiDocs.responses': 'Responses',
  'apiDocs.status.default': 'Other',
  'apiDocs.responseHeaders': 'Headers',
  'apiDocs.noBody': 'No body',
  'apiDocs.showJson': 'JSON Schema',
  'apiDocs.schema.anyValue': 'any value',
  'apiDocs.schema.arrayOf': 'array of',
  'apiDocs.schema.oneOf': 'one of',
  'apiDocs.schema.orNull': 'or null',
  'apiDocs.schema.allowed': 'allowed',
  'apiDocs.schema.default': 'default',
  'apiDocs.schema.const': 'exactly',
  'apiDocs.schema.minimum': 'min',
  'apiDocs.schema.maximum': 'max',
  'apiDocs.schema.minLength': 'min length',
  'apiDocs.schema.maxLength': 'max length',
  'apiDocs.schema.minItems': 'min items',
  'apiDocs.schema.maxItems': 'max items',
  'apiDocs.schema.pattern': 'pattern',
  'apiDocs.schema.format': 'format',
  'apiDocs.schema.example': 'example',
  'apiDocs.schema.noExtra': 'no other properties'
} as const;

/** Keys of the UI messages. */
export type MessageKey = keyof typeof en;

/** Names of the `{name}` parameters in a message string. */
export type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | ParamNames<Rest>
  : never;

/** The parameters of message `K`, by name. */
export type MessageParams<K extends MessageKey> = Record<
  ParamNames<(typeof en)[K]>,
  string | number
>;

type AllOf<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** A translation of `S`: any string that keeps every `{param}` of the English original. */
type TranslationOf<S extends string> = [ParamNames<S>] extends [never]
  ? string
  : AllOf<ParamNames<S> extends infer P extends string ? `${string}{${P}}${string}` : never>;

/** The shape every locale's messages must have: exactly the English keys, same parameters. */
export type Messages = { readonly [K in MessageKey]: TranslationOf<(typeof en)[K]> };
