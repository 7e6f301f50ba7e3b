/**
 * Redis for multi-node tests: a unique channel prefix on the shared Redis (pub/sub channels
 * are global, whatever the db number, so the prefix is what keeps runs apart; the fan-out
 * writes no keys), or an own `redis-server` on a free port for tests that restart it. Also a
 * small TCP balancer, so stock clients reconnect to whichever node is alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { freePort } from './alertmanager';

/** The shared Redis of this machine. */
export const SHARED_REDIS_URL = process.env.RUNBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A channel prefix no other run uses. */
export function uniqueRedisPrefix(): string {
  return `runboard-test-${randomUUID().slice(0, 12)}`;
}

/**
 * Fails with a readable message when no Redis answers at `url`: a multi-node test would
 * otherwise start its nodes anyway (they keep retrying) and only time out waiting for an edit.
 */
export async function requireRedis(url: string = SHARED_REDIS_URL): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 5_000,
    retryStrategy: () => null
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const where = url.replace(/\/\/[^@/]*@/, '//…@');
    throw new Error(
      `Redis at ${where} is required and not reachable ` +
        `(${error instanceof Error ? error.message : String(error)}); start redis-server or set ` +
        'RUNBOARD_TEST_REDIS_URL',
      { cause: error }
    );
  } finally {
    redis.disconnect();
  }
}

export interface OwnRedis {
  port: number;
  url: string;
  /** Stops it (SIGTERM, no save) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

/** Starts an own `redis-server` (no persistence) on a free port of 127.0.0.1. */
export async function startOwnRedis(binary = '/usr/bin/redis-server'): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    );
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis did not start:\n${output}`)), 10_000);
      proc.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis exited (${code}):\n${output}`));
      });
    });
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start };
}

export interface Balancer {
  port: number;
  /** `ws://127.0.0.1:<port>/sync`. */
  wsUrl: string;
  /** Replaces the backend ports (round robin over them). */
  setBackends(ports: number[]): void;
  close(): Promise<void>;
}

/**
 * A round-robin TCP balancer on 127.0.0.1: each new connection goes to the next backend that
 * accepts it (a dead one is skipped), as a load balancer in front of the nodes would.
 */
export async function startBalancer(backends: number[]): Promise<Balancer> {
  let ports = [...backends];
  let next = 0;
  const sockets = new Set<Socket>();
  const dial = (client: Socket, tries: number) => {
    if (tries >= ports.length || client.destroyed) {
      client.destroy();
      return;
    }
    const port = ports[next++ % ports.length]!;
    const upstream = connect(port, '127.0.0.1');
    let connected = false;
    sockets.add(upstream);
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      client.once('close', () => upstream.destroy());
    });
    upstream.on('error', () => undefined);
    upstream.once('close', () => {
      sockets.delete(upstream);
      // Refused (the node is dead): try the next one; otherwise the node hung up.
      if (connected) client.destroy();
      else dial(client, tries + 1);
    });
  };
  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.on('error', () => client.destroy());
    client.once('close', () => sockets.delete(client));
    dial(client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    setBackends(list) {
      ports = [...list];
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
}
