/**
 * Shared start-up and shutdown of a Runboard process (the app and the standalone sync node):
 * read the config, build the runtime, listen, and on SIGTERM/SIGINT drain (/readyz fails for
 * `RUNBOARD_DRAIN_SECONDS`), stop accepting, close sockets with "going away", save every pending
 * update and exit, within `RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS` whatever happens.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, SHUTDOWN_DEFAULTS } from '../src/lib/server/config';
import type { Runtime } from '../src/lib/server/runtime';
import { startRuntime } from './composition-root';

/** Starts `name`'s HTTP server built by `build`; exits the process with a readable error. */
export async function runProcess(
  name: string,
  build: (runtime: Runtime) => Server | Promise<Server>
): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`runboard: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const runtime = await startRuntime(config);
  const server = await build(runtime);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const { drainSeconds, timeoutSeconds } = config.shutdown ?? SHUTDOWN_DEFAULTS;
    // Whatever hangs (a stuck database, a peer that never closes), the process leaves within the
    // grace period the orchestrator gives it, and says so.
    setTimeout(() => {
      runtime.logger.error('shutdown did not finish in time; exiting', { timeoutSeconds });
      process.exit(1);
    }, timeoutSeconds * 1000).unref();
    runtime.logger.info('shutting down', { signal, drainSeconds });
    // Draining: /readyz answers 503 and the load balancer routes new clients elsewhere, while
    // this node goes on serving the ones it has.
    runtime.lifecycle.draining = true;
    if (drainSeconds > 0) await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
    // Stop accepting, then close every socket with "going away" (clients reconnect, through the
    // load balancer, to another node), save every pending update and release the database.
    server.close();
    server.closeIdleConnections();
    await runtime.close();
    runtime.logger.info('shut down', { signal });
    process.exit(0);
  };
  // Installed before the node says it listens: whoever starts it may stop it right after.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // Tests and the benchmark read this line to find the port when PORT=0.
  runtime.logger.info(`${name} listening on http://${host}:${address.port}`, {
    dataDir: config.dataDir,
    storage: runtime.storage.kind
  });
}
