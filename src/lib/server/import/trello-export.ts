/**
 * A Trello board's JSON export (board menu → Print, export and share → Export as JSON) read
 * into import rows: cards, with their list's name as the status, label names, the first
 * member as the assignee, and times from the board's actions (`createCard`, `updateCard` with
 * `listAfter`, `moveCardToBoard`). A card's creation time is also in its id (the first 8 hex
 * digits are seconds since 1970), used when the export's actions do not reach back that far
 * (Trello exports the latest 1,000 actions). A closed (archived) card counts as done. Row
 * numbers are the card's 1-based index in `cards`. Pure.
 */
import { z } from 'zod';
import {
  ErrorList,
  IMPORT_LIMITS,
  cleanTitle,
  statusCategoryOf,
  type ImportRow,
  type ParseResult,
  type StatusCategory
} from './import-rows';

const idText = z.string().min(1).max(100);

const boardSchema = z.object({
  name: z.string().optional(),
  lists: z.array(z.object({ id: idText, name: z.string(), closed: z.boolean().optional() })),
  cards: z.array(z.unknown()),
  labels: z
    .array(z.object({ id: idText, name: z.string().nullish(), color: z.string().nullish() }))
    .optional(),
  members: z
    .array(z.object({ id: idText, fullName: z.string().nullish(), username: z.string().nullish() }))
    .optional(),
  actions: z.array(z.unknown()).optional()
});

const cardSchema = z.object({
  id: idText,
  name: z.string(),
  desc: z.string().optional(),
  idList: idText,
  closed: z.boolean().optional(),
  idMembers: z.array(idText).optional(),
  idLabels: z.array(idText).optional(),
  labels: z
    .array(z.object({ id: idText, name: z.string().nullish(), color: z.string().nullish() }))
    .optional(),
  dateLastActivity: z.string().nullish(),
  shortLink: z.string().optional(),
  due: z.string().nullish(),
  dueComplete: z.boolean().optional()
});

const actionSchema = z.object({
  type: z.string(),
  date: z.string(),
  data: z
    .object({
      card: z.object({ id: idText }).partial().optional(),
      list: z.object({ id: idText }).partial().optional(),
      listAfter: z.object({ id: idText }).partial().optional()
    })
    .partial()
    .optional()
});

/** Trello's lists named like these are in progress or done (more in import-rows.ts). */
function categoryOfList(name: string): StatusCategory {
  return statusCategoryOf(name) ?? 'todo';
}

/** When a card was created, from its id (a Mongo ObjectId: seconds in the first 8 hex). */
function idTime(id: string): string | null {
  if (!/^[0-9a-f]{24}$/i.test(id)) return null;
  return new Date(parseInt(id.slice(0, 8), 16) * 1000).toISOString();
}

function isoOrNull(text: string | null | undefined): string | null {
  if (typeof text !== 'string') return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Reads a Trello board export. */
export function parseTrelloJson(text: string): ParseResult {
  const errors = new ErrorList();
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    errors.add(1, 'import.row.jsonSyntax', { reason: (error as Error).message });
    return { ok: false, errors: errors.items, rows: [] };
  }
  const board = boardSchema.safeParse(value);
  if (!board.success) {
    errors.add(1, 'import.row.trelloShape');
    return { ok: false, errors: errors.items, rows: [] };
  }
  const { lists, cards, members = [], labels = [], actions = [] } = board.data;
  if (cards.length === 0) {
    errors.add(1, 'import.row.emptyFile');
    return { ok: false, errors: errors.items, rows: [] };
  }
  if (cards.length > IMPORT_LIMITS.maxRows) {
    errors.add(1, 'import.row.tooManyRows', { max: IMPORT_LIMITS.maxRows });
    return { ok: false, errors: errors.items, rows: [] };
  }
  const listName = new Map(lists.map((l) => [l.id, l.name.trim()]));
  const memberName = new Map(
    members.map((m) => [m.id, (m.fullName ?? '').trim() || (m.username ?? '').trim()])
  );
  const labelName = new Map(labels.map((l) => [l.id, (l.name ?? '').trim() || (l.color ?? '')]));
  // Per card, oldest first: when it was created, and each list it moved into.
  const created = new Map<string, string>();
  const moves = new Map<string, { at: string; list: string }[]>();
  for (const raw of actions) {
    const action = actionSchema.safeParse(raw);
    if (!action.success) continue;
    const { type, date, data } = action.data;
    const cardId = data?.card?.id;
    const at = isoOrNull(date);
    if (cardId === undefined || at === null) continue;
    if (type === 'createCard' || type === 'copyCard' || type === 'convertToCardFromCheckItem') {
      created.set(cardId, at);
      const list = data?.list?.id;
      if (list !== undefined) moves.set(cardId, [...(moves.get(cardId) ?? []), { at, list }]);
    } else if (type === 'updateCard' && data?.listAfter?.id !== undefined) {
      moves.set(cardId, [...(moves.get(cardId) ?? []), { at, list: data.listAfter.id }]);
    }
  }
  const rows: ImportRow[] = [];
  cards.forEach((raw, index) => {
    const row = index + 1;
    const parsed = cardSchema.safeParse(raw);
    if (!parsed.success) {
      errors.add(row, 'import.row.trelloCard');
      return;
    }
    const card = parsed.data;
    const title = cleanTitle(card.name);
    if (title === '') {
      errors.add(row, 'import.row.missingField', { field: 'name' });
      return;
    }
    const list = listName.get(card.idList);
    if (list === undefined) {
      errors.add(row, 'import.row.trelloUnknownList', { list: card.idList });
      return;
    }
    const createdAt = created.get(card.id) ?? idTime(card.id) ?? isoOrNull(card.dateLastActivity);
    if (createdAt === null) {
      errors.add(row, 'import.row.missingField', { field: 'createdAt' });
      return;
    }
    const history = (moves.get(card.id) ?? []).sort((a, b) => a.at.localeCompare(b.at));
    const category = categoryOfList(list);
    const startedAt =
      history.find((m) => categoryOfList(listName.get(m.list) ?? '') !== 'todo')?.at ?? null;
    const lastDone = history
      .filter((m) => categoryOfList(listName.get(m.list) ?? '') === 'done')
      .at(-1)?.at;
    const closed = card.closed === true;
    const done = category === 'done' || closed;
    const doneAt = done ? (lastDone ?? isoOrNull(card.dateLastActivity) ?? createdAt) : null;
    const cardLabels = card.labels
      ? card.labels.map((l) => (l.name ?? '').trim() || (l.color ?? ''))
      : (card.idLabels ?? []).map((id) => labelName.get(id) ?? '');
    const firstMember = card.idMembers?.[0];
    const assigneeName = firstMember === undefined ? '' : (memberName.get(firstMember) ?? '');
    rows.push({
      row,
      title,
      description: (card.desc ?? '').slice(0, IMPORT_LIMITS.maxDescriptionLength),
      kind: 'task',
      status: list,
      categoryHint: done ? 'done' : category,
      strictStatus: false,
      priority: 'none',
      labels: [...new Set(cardLabels.filter((l) => l !== ''))].slice(0, IMPORT_LIMITS.maxLabels),
      assignee: assigneeName === '' ? null : { email: null, name: assigneeName },
      createdAt,
      startedAt,
      acknowledgedAt: null,
      resolvedAt: null,
      doneAt,
      sourceKey: card.shortLink ?? card.id
    });
  });
  return errors.size > 0 ? { ok: false, errors: errors.items, rows } : { ok: true, rows };
}
