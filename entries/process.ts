/**
 * Shared start-up and shutdown of a Runboard process (the app and the standalone sync node):
 * read the config, build the runtime, listen, and on SIGTERM/SIGINT stop accepting, save
 * every pending update and exit.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../src/lib/server/config';
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
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // Tests and the benchmark read this line to find the port when PORT=0.
  runtime.logger.info(`${name} listening on http://${host}:${address.port}`, {
    dataDir: config.dataDir,
    storage: runtime.storage.kind
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info('shutting down', { signal });
    server.close();
    server.closeIdleConnections();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
