/**
 * The browser side of the history import (docs/import.md): uploads the file with
 * XMLHttpRequest, because only XHR reports upload progress, and reads the answer: a preview
 * (dry run) or the result, or the rows refused. The server's part of a 10,000-row file takes a
 * few seconds, shown as an indeterminate bar after the upload.
 */
import { z } from 'zod';

export const IMPORT_FORMATS = ['jira-csv', 'trello-json', 'runboard-json'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Largest file the server takes (IMPORT_LIMITS.maxBytes). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

const rowErrorSchema = z.object({ row: z.number(), message: z.string() });
export type ImportRowError = z.infer<typeof rowErrorSchema>;

const previewSchema = z.object({
  total: z.number(),
  archived: z.number(),
  live: z.number(),
  byKind: z.object({ task: z.number(), incident: z.number(), change: z.number() }),
  byStatus: z.array(z.object({ columnId: z.string(), column: z.string(), count: z.number() })),
  newMembers: z.array(z.object({ name: z.string(), email: z.string().nullable() })),
  newLabels: z.array(z.string()),
  sample: z.array(
    z.object({
      row: z.number(),
      title: z.string(),
      kind: z.enum(['task', 'incident', 'change']),
      column: z.string(),
      assignee: z.string().nullable(),
      createdAt: z.string(),
      doneAt: z.string().nullable()
    })
  )
});
export type ImportPreview = z.infer<typeof previewSchema>;

const answerSchema = z.object({
  imported: z.number(),
  errors: z.array(rowErrorSchema),
  preview: previewSchema,
  summary: z
    .object({
      archived: z.number(),
      live: z.number(),
      incidents: z.number(),
      membersCreated: z.number(),
      labelsCreated: z.number(),
      firstKey: z.string().nullable(),
      lastKey: z.string().nullable()
    })
    .nullable()
});
export type ImportAnswer = z.infer<typeof answerSchema>;

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
});

/** What an upload ends with. */
export type ImportReply =
  | { kind: 'answer'; answer: ImportAnswer }
  | { kind: 'rejected'; errors: ImportRowError[] }
  | { kind: 'failed'; code: string; message: string };

/** The format a file's name suggests. */
export function formatOfFile(name: string): ImportFormat | null {
  if (/\.csv$/i.test(name)) return 'jira-csv';
  return null;
}

/**
 * `POST …/import?format=&dryRun=&timeZone=` with `file` as the body; `onUpload` gets the
 * fraction sent (0–1), and `onSent` fires when the server has the whole file.
 */
export function uploadImport(
  workspaceId: string,
  file: Blob,
  options: {
    format: ImportFormat;
    dryRun: boolean;
    timeZone: string;
    onUpload: (fraction: number) => void;
    onSent: () => void;
  }
): Promise<ImportReply> {
  const query = new URLSearchParams({ format: options.format, timeZone: options.timeZone });
  if (options.dryRun) query.set('dryRun', '1');
  const url = `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/import?${query}`;
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader(
      'content-type',
      options.format === 'jira-csv' ? 'text/csv; charset=utf-8' : 'application/json'
    );
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onUpload(event.loaded / event.total);
    };
    xhr.upload.onload = () => {
      options.onUpload(1);
      options.onSent();
    };
    xhr.onerror = () => resolve({ kind: 'failed', code: 'network', message: 'network error' });
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON: reported below with the status.
      }
      if (xhr.status === 200 || xhr.status === 201) {
        const parsed = answerSchema.safeParse(body);
        resolve(
          parsed.success
            ? { kind: 'answer', answer: parsed.data }
            : { kind: 'failed', code: 'bad_answer', message: `HTTP ${xhr.status}` }
        );
        return;
      }
      const failure = errorSchema.safeParse(body);
      if (!failure.success) {
        resolve({ kind: 'failed', code: 'http', message: `HTTP ${xhr.status}` });
        return;
      }
      const details = z.array(rowErrorSchema).safeParse(failure.data.error.details);
      if (failure.data.error.code === 'import_rejected' && details.success) {
        resolve({ kind: 'rejected', errors: details.data });
        return;
      }
      resolve({
        kind: 'failed',
        code: failure.data.error.code,
        message: failure.data.error.message
      });
    };
    xhr.send(file);
  });
}
