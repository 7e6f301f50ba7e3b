// One admin connection to a PostgreSQL server, for the tools that make and drop databases: the
// test helpers (tests/helpers/postgres.ts), the PostgreSQL test pass (scripts/test-postgres.mjs)
// and the benchmark (bench/pg.mjs).
import pg from 'pg';

/**
 * Runs `fn` on a fresh connection to `url` and closes it. A connection the server ends (a
 * test terminating backends) emits 'error', which must not crash the process.
 * @template T
 * @param {string} url
 * @param {(client: import('pg').Client) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withPgAdmin(url, fn) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}
