/**
 * A NetBox stand-in for tests: RECORDED NetBox 4-shaped pages (tests/fixtures/netbox/*.json:
 * `{ count, next, previous, results }`) served by a real local HTTP server on port 0. NetBox
 * itself does not run here. The fixtures name their own origin `http://netbox.test`; the server
 * rewrites it to its own address, as NetBox writes absolute `next` links with the address it is
 * reached at. `mode` makes it misbehave (a page loop, a foreign `next`, a slow or failing path).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '../fixtures/netbox');
export const NETBOX_TOKEN = 'nbt_4f2a9c1e7b3d.Zx9qL2mN8vR4tY6uW1eS3dF5gH7jK0pA';
export const NETBOX_LEGACY_TOKEN = '0123456789abcdef0123456789abcdef01234567';

export interface NetboxMode {
  loop: boolean;
  foreignNext: boolean;
  slowPath: string | null;
  failPath: string | null;
  duplicateVm: boolean;
}

export interface NetboxServer {
  origin: string;
  mode: NetboxMode;
  requests: Array<{ url: string; authorization: string | undefined }>;
  reset(): void;
  close(): Promise<void>;
}

export async function startNetboxServer(): Promise<NetboxServer> {
  const mode: NetboxMode = {
    loop: false,
    foreignNext: false,
    slowPath: null,
    failPath: null,
    duplicateVm: false
  };
  const requests: NetboxServer['requests'] = [];
  let origin = '';
  const fixture = (name: string): string =>
    readFileSync(join(FIXTURES, name), 'utf8').replaceAll('http://netbox.test', origin);

  function pageFor(req: IncomingMessage): string | null {
    const url = new URL(req.url ?? '/', origin);
    switch (url.pathname) {
      case '/api/dcim/devices/': {
        const start = url.searchParams.get('start');
        if (start === null) return fixture('devices-1.json');
        if (start === '13') {
          const page = fixture('devices-2.json');
          return mode.foreignNext
            ? page.replace(
                `${origin}/api/dcim/devices/?limit=2&start=15`,
                'http://elsewhere.test/api/dcim/devices/?start=15'
              )
            : page;
        }
        if (start === '15') {
          const page = JSON.parse(fixture('devices-3.json')) as { next: string | null };
          // The loop: the last page points back to the second.
          if (mode.loop) page.next = `${origin}/api/dcim/devices/?limit=2&start=13`;
          return JSON.stringify(page);
        }
        return null;
      }
      case '/api/virtualization/clusters/':
        return fixture('clusters.json');
      case '/api/virtualization/virtual-machines/': {
        const page = fixture('virtual-machines.json');
        return mode.duplicateVm ? page.replaceAll('"app-01"', '"WEB-01"') : page;
      }
      case '/api/ipam/services/':
        return fixture('services.json');
      default:
        return null;
    }
  }

  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const path = new URL(req.url ?? '/', origin).pathname;
    if (mode.slowPath === path) return; // never answers: the client's timeout must end it
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${NETBOX_TOKEN}` && auth !== `Token ${NETBOX_LEGACY_TOKEN}`) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(fixture('forbidden.json'));
      return;
    }
    if (mode.failPath === path) {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<h1>Server Error</h1>');
      return;
    }
    const body = pageFor(req);
    res.writeHead(body === null ? 404 : 200, { 'content-type': 'application/json' });
    res.end(body ?? '{"detail":"Not found."}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    mode,
    requests,
    reset() {
      Object.assign(mode, {
        loop: false,
        foreignNext: false,
        slowPath: null,
        failPath: null,
        duplicateVm: false
      });
      requests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
}
