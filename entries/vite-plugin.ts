import type { Server } from 'node:http';
import type { Plugin } from 'vite';

/**
 * `npm run dev`: attaches the websocket endpoint to Vite's own HTTP server, so development has
 * the same single port as production. Upgrades for other paths (Vite's HMR) pass through.
 */
export function syncDevServer(): Plugin {
  return {
    name: 'runboard-sync-dev',
    apply: 'serve',
    async configureServer(server) {
      const httpServer = server.httpServer;
      if (!httpServer || process.env.VITEST) return;
      // Loaded lazily so `vite build` and vitest never open the database.
      const { loadConfig } = await import('../src/lib/server/config');
      const { startRuntime } = await import('./composition-root');
      const runtime = await startRuntime(loadConfig());
      runtime.syncServer.attach(httpServer as Server);
      httpServer.once('close', () => void runtime.close());
    }
  };
}
