import { sql as documents } from './0001-documents';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The numbered migrations, applied in order at start. A migration is never edited once it
 * has shipped: add a new numbered file instead.
 */
export const migrations: readonly Migration[] = [{ version: 1, name: 'documents', sql: documents }];
