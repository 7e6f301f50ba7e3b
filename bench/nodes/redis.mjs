// Redis for the nodes benchmark: the machine's server (127.0.0.1:6379 unless told), one channel
// prefix per run. The harness only asks Redis who it is (INFO server): its version, and its pid so
// its CPU can be sampled like the nodes'; the nodes do all the publishing.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/** The Redis the nodes fan out through. */
export const REDIS_URL = process.env.RUNBOARD_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A channel prefix no other run uses (pub/sub channels are global, whatever the db number). */
export const uniquePrefix = () => `runboard-bench-${process.pid}-${randomBytes(4).toString('hex')}`;

/**
 * `INFO server` of the Redis at `url` (no password, no TLS: a local server), or why not.
 * @param {string} url
 * @param {number} [timeoutMs]
 * @returns {Promise<{ version: string, pid: number } | { error: string }>}
 */
export function redisInfo(url, timeoutMs = 2000) {
  const u = new URL(url);
  return new Promise((res) => {
    const sock = connect({ host: u.hostname, port: Number(u.port || 6379) });
    let buf = '';
    /** @param {{ version: string, pid: number } | { error: string }} r */
    const done = (r) => {
      clearTimeout(timer);
      sock.destroy();
      res(r);
    };
    const timer = setTimeout(() => done({ error: `no answer in ${timeoutMs} ms` }), timeoutMs);
    sock.on('connect', () => sock.write('INFO server\r\n'));
    sock.on('data', (c) => {
      buf += c.toString('utf8');
      if (buf.startsWith('-')) return done({ error: buf.trim() });
      const m = /^\$(\d+)\r\n/.exec(buf);
      if (!m || Buffer.byteLength(buf) < m[0].length + Number(m[1])) return;
      done({
        version: /redis_version:([^\r\n]+)/.exec(buf)?.[1] ?? '?',
        pid: Number(/process_id:(\d+)/.exec(buf)?.[1] ?? NaN)
      });
    });
    sock.on('error', (err) => done({ error: err.message }));
  });
}
