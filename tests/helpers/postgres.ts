/**
 * PostgreSQL for tests: a fresh database per suite on the machine's server (trust auth), dropped
 * afterwards. Without a reachable server the PostgreSQL suites skip locally with a message, and
 * fail under CI (CI must prove both backends).
 */
import { randomBytes } from 'node:crypto';
import { escapeIdentifier, type Client } from 'pg';
import { withPgAdmin } from '../../scripts/pg-admin.mjs';

/** The maintenance database the test databases are created from. */
export const adminUrl =
  process.env.RUNBOARD_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection string of the new database. */
  url: string;
  /** Its name (`runboard_test_<pid>_<random>`). */
  name: string;
  /** Ends every connection still open to it and drops it; safe to call twice. */
  drop(): Promise<void>;
}

/** Runs `fn` on a fresh connection to the admin database. */
export function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  return withPgAdmin(adminUrl, fn);
}

/** Creates an empty database for one suite. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `runboard_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  // Identifiers cannot be query parameters; the name is built above from digits and hex only.
  await withAdmin((client) => client.query(`CREATE DATABASE ${escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(async (client) => {
        await terminateConnections(client, name);
        await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
      });
    }
  };
}

/**
 * Opens or closes `database` to new connections (an outage that refuses every login, superusers
 * included, while the server itself stays up).
 */
export async function allowConnections(database: string, allow: boolean): Promise<void> {
  // Identifiers cannot be query parameters; names come from createTestDatabase.
  await withAdmin((client) =>
    client.query(
      `ALTER DATABASE ${escapeIdentifier(database)} ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`
    )
  );
}

/** Terminates every backend connected to `database` (other than `client`'s own). */
export async function terminateConnections(client: Client, database: string): Promise<number> {
  const { rows } = await client.query<{ killed: boolean }>(
    `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [database]
  );
  return rows.filter((row) => row.killed).length;
}

/**
 * Why PostgreSQL tests cannot run here, or null when they can. Under CI this is always null: the
 * tests then run and fail on the connection error instead of skipping.
 */
export async function postgresSkipReason(): Promise<string | null> {
  if (process.env.CI) return null;
  try {
    await withAdmin((client) => client.query('SELECT 1'));
    return null;
  } catch (error) {
    const reason =
      `PostgreSQL tests skipped: ${adminUrl.replace(/\/\/[^@/]*@/, '//…@')} is not reachable ` +
      `(${error instanceof Error ? error.message : String(error)}); set RUNBOARD_TEST_PG_ADMIN_URL ` +
      'or start PostgreSQL. Under CI they fail instead.';
    console.warn(reason);
    return reason;
  }
}
