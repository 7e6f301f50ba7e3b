/**
 * RFC 4180 CSV records with the line each starts on: `"` quoting with `""` inside, commas, line
 * breaks (CR, LF, CRLF) inside quoted fields. A byte order mark is dropped. Pure.
 */
import type { ErrorList } from './import-rows';

/** One record: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Splits `text` into records; quoting problems go to `errors` with their line. */
export function splitCsv(text: string, errors: ErrorList): CsvRecord[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let startLine = 1;
  let quoted = false;
  let quoteLine = 1;
  let fieldStarted = false;
  let i = 0;
  const n = source.length;
  const endRecord = () => {
    fields.push(field);
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: startLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  while (i < n) {
    const c = source[i]!;
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\r' || c === '\n') {
        if (c === '\r' && source[i + 1] === '\n') i++;
        field += '\n';
        line++;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (!fieldStarted || field === '') {
        quoted = true;
        quoteLine = line;
        fieldStarted = true;
        i++;
        continue;
      }
      errors.add(startLine, 'import.row.csvStrayQuote');
      field += c;
      i++;
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      startLine = line;
      i++;
      continue;
    }
    field += c;
    fieldStarted = true;
    i++;
  }
  if (quoted) errors.add(quoteLine, 'import.row.csvUnclosedQuote');
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
