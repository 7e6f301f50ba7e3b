/** Ids of everything in a document or a record: their schema and their generation. */
import { z } from 'zod';
import { ID_PATTERN } from '../doc-name';

/** Length of generated ids, in characters (62 symbols: about 95 bits). */
export const GENERATED_ID_LENGTH = 16;

/** Ids of tasks, columns, labels, runbooks and members follow the document-name id rule. */
export const idSchema = z
  .string()
  .regex(ID_PATTERN, 'must be 1–64 letters, digits, "_" or "-", starting with a letter or digit')
  .meta({ id: 'Id', description: 'Stable id: 1–64 of [A-Za-z0-9_-], starting alphanumeric.' });

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random url-safe id (letters and digits, so it always passes `isValidId`). */
export function generateId(length: number = GENERATED_ID_LENGTH): string {
  let id = '';
  const bytes = new Uint8Array(length * 2);
  while (id.length < length) {
    globalThis.crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      // 248 = 4 * 62: rejecting the rest keeps every symbol equally likely.
      if (byte < 248 && id.length < length) id += ID_ALPHABET.charAt(byte % 62);
    }
  }
  return id;
}
