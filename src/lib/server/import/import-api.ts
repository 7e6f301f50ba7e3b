/**
 * REST operation of the history import (docs/import.md, docs/design.md §2
 * `POST /api/v1/workspaces/<ws>/import?format=runboard-json|jira-csv|trello-json`): the file as
 * the body; `dryRun=1` answers the preview (200, with every row's problem) and writes nothing;
 * otherwise any bad row refuses the whole file (422 `import_rejected`, `details: [{ row,
 * message }]`, as the CMDB import) and a good file is imported at once (201). Admins only.
 */
import { z } from 'zod';
import { readBodyBytes, type Operation } from '$lib/server/api/operation';
import { defineRawOperation } from '$lib/server/api/raw-operation';
import { ApiError } from '$lib/server/api/errors';
import { translate } from '$lib/server/i18n/translate';
import { DomainError } from '$lib/shared/model/domain-error';
import type { Locale } from '$lib/shared/locale';
import { workspaceParams } from '../workspaces/workspaces-json';
import { IMPORT_FORMATS, IMPORT_LIMITS, type ImportFormat, type RowError } from './import-rows';

const TAGS = ['import'] as const;

const countSchema = z.int().min(0);
const kindCounts = z.object({ task: countSchema, incident: countSchema, change: countSchema });

const previewSchema = z
  .object({
    total: countSchema.describe('Items the file holds (without the bad rows).'),
    archived: countSchema.describe('Finished items: straight to the archive.'),
    live: countSchema.describe('Open items: onto the board, in their column.'),
    byKind: kindCounts,
    byStatus: z.array(
      z.object({
        columnId: z.string(),
        column: z.string(),
        category: z.enum(['todo', 'in_progress', 'done']),
        count: countSchema
      })
    ),
    newMembers: z
      .array(z.object({ name: z.string(), email: z.string().nullable() }))
      .describe('Assignees who are not members: created as inactive members (no sign-in).'),
    newLabels: z.array(z.string()).describe('Labels added to the board.'),
    sample: z
      .array(
        z.object({
          row: z.int(),
          sourceKey: z
            .string()
            .nullable()
            .describe('Its key in the source: Jira issue key, Trello short link.'),
          title: z.string(),
          kind: z.enum(['task', 'incident', 'change']),
          column: z.string(),
          assignee: z.string().nullable(),
          createdAt: z.string(),
          doneAt: z.string().nullable()
        })
      )
      .describe('The first 100 items as they will be written.')
  })
  .meta({ id: 'HistoryImportPreview' });

const rowErrorSchema = z.object({ row: z.int(), message: z.string() });

const resultSchema = z
  .object({
    imported: countSchema.describe('Items written (0 with `dryRun`).'),
    errors: z
      .array(rowErrorSchema)
      .describe('Always empty on 201; with `dryRun`, every bad row (`row` as in `details`).'),
    preview: previewSchema,
    summary: z
      .object({
        archived: countSchema,
        live: countSchema,
        incidents: countSchema.describe('Incident records created (reports count them).'),
        membersCreated: countSchema,
        labelsCreated: countSchema,
        firstKey: z.string().nullable(),
        lastKey: z.string().nullable()
      })
      .nullable()
      .describe('What was written; null with `dryRun`.')
  })
  .meta({ id: 'HistoryImportResult' });

/** A message of the import catalog with its values (keys are checked where they are made). */
const translateMessage = translate as (
  locale: Locale,
  key: RowError['key'],
  values?: RowError['values']
) => string;

function translated(errors: readonly RowError[], locale: Locale) {
  return errors.map((e) => ({ row: e.row, message: translateMessage(locale, e.key, e.values) }));
}

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

export const importHistoryOperation = defineRawOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/import',
    operationId: 'importHistory',
    summary: 'Import history (Jira, Trello, runboard-json)',
    description:
      'The file as the body: `runboard-json` (an array of `{ title, description?, kind?, ' +
      'status, priority?, labels?, assignee?, createdAt, startedAt?, acknowledgedAt?, ' +
      'resolvedAt?, doneAt? }`), a Jira CSV export (all fields) or a Trello board JSON ' +
      'export. Finished items go to the archive with their times, open ones onto the board in ' +
      'the matching column; incidents also become incident records. Unknown assignees become ' +
      'inactive members. All or nothing: any bad row refuses the whole file. Up to 20 MiB.',
    tags: TAGS,
    auth: { member: 'history.import' },
    params: workspaceParams,
    query: z
      .object({
        format: z.enum(IMPORT_FORMATS),
        dryRun: flag.describe('`true`/`1`: preview only, write nothing (answers 200).'),
        timeZone: z
          .string()
          .max(64)
          .optional()
          .describe('IANA zone of dates written without one (Jira: the exporter’s); UTC.')
      })
      .strict(),
    responses: {
      200: { description: 'The preview (`dryRun`), with every bad row.', schema: resultSchema },
      201: { description: 'Imported.', schema: resultSchema },
      413: { description: 'Larger than 20 MiB.' },
      422: {
        description:
          'Bad rows (`import_rejected`): nothing imported; `details` lists `{ row, message }`, ' +
          '`row` being the 1-based line of a CSV (header = 1) or index of a JSON item or card.'
      }
    }
  },
  async ({ event, request, query }) => {
    const { format, dryRun, timeZone } = query as {
      format: ImportFormat;
      dryRun: boolean;
      timeZone?: string;
    };
    const bytes = await readBodyBytes(
      event.request,
      IMPORT_LIMITS.maxBytes,
      () =>
        new ApiError(413, 'payload_too_large', `the file exceeds ${IMPORT_LIMITS.maxBytes} bytes`)
    );
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new DomainError('invalid_input', 'the file is not UTF-8 text');
    }
    const locale = event.locals.locale;
    const outcome = await request.runtime.imports.importFile(
      request.workspaceId,
      request.access.actorId,
      format,
      text,
      { dryRun, timeZone: timeZone ?? 'UTC' }
    );
    if (outcome.errors.length > 0 && !dryRun) {
      throw new DomainError(
        'import_rejected',
        `${outcome.errors.length} row(s) refused; nothing imported`,
        { details: translated(outcome.errors, locale) }
      );
    }
    return Response.json(
      {
        imported: outcome.imported,
        errors: translated(outcome.errors, locale),
        preview: outcome.preview,
        summary: outcome.summary
      },
      { status: dryRun ? 200 : 201 }
    );
  }
);

export const importOperations: readonly Operation[] = [importHistoryOperation];
