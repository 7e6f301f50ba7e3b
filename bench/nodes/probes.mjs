// Round trips that bound the nodes' latency, measured once before the clusters run: a PostgreSQL
// query, a PostgreSQL commit that flushes the WAL (what every durable append waits for), and a
// Redis PING. Nothing is written: the commit is `SELECT pg_current_xact_id()`, which takes a
// transaction id and so makes its commit write (and, with synchronous_commit on, flush) a record.
import { connect } from 'node:net';
import pg from 'pg';
import { quantile } from '../sync/stats.mjs';

/**
 * Median and p99 of `n` sequential calls of `fn`, in ms.
 * @param {number} n
 * @param {() => Promise<unknown>} fn
 */
async function timeEach(n, fn) {
  /** @type {number[]} */
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
}

/**
 * PostgreSQL round trips on the database at `url`.
 * @param {string} url
 * @param {number} [n]
 */
export async function pgRoundTrips(url, n = 50) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const query = await timeEach(n, () => c.query('SELECT 1'));
    const commit = await timeEach(n, () => c.query('SELECT pg_current_xact_id()'));
    const { rows } = await c.query('SHOW synchronous_commit');
    return { query, commit, synchronousCommit: String(rows[0]?.synchronous_commit ?? '?') };
  } finally {
    await c.end();
  }
}

/**
 * Redis PING round trips.
 * @param {string} url
 * @param {number} [n]
 */
export async function redisRoundTrips(url, n = 50) {
  const u = new URL(url);
  const sock = connect({ host: u.hostname, port: Number(u.port || 6379) });
  await new Promise((res, rej) => {
    sock.once('connect', res);
    sock.once('error', rej);
  });
  /** @type {(() => void) | null} */
  let waiting = null;
  let buf = '';
  sock.on('data', (c) => {
    buf += c.toString('latin1');
    if (buf.includes('\r\n') && waiting) {
      buf = '';
      const w = waiting;
      waiting = null;
      w();
    }
  });
  try {
    return await timeEach(
      n,
      () =>
        new Promise((res) => {
          waiting = () => res(undefined);
          sock.write('PING\r\n');
        })
    );
  } finally {
    sock.destroy();
  }
}
