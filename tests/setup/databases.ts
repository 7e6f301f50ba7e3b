/** Per test file: drop the PostgreSQL databases tests/helpers/database.ts made for it. */
import { afterAll } from 'vitest';
import { dropTestDatabases } from '../helpers/database';

afterAll(async () => {
  await dropTestDatabases();
});
