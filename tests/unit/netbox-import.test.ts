/**
 * Import from NetBox (src/lib/server/cmdb/netbox.ts) against RECORDED NetBox 4-shaped pages
 * served by a real local HTTP server on port 0 (tests/helpers/netbox-server.ts). NetBox itself
 * does not run here.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  importFromNetbox,
  netboxAuthorization,
  type NetboxImportResult
} from '$lib/server/cmdb/netbox';
import type { ImportPlan } from '$lib/server/cmdb/cmdb-import';
import { translate } from '$lib/server/i18n/translate';
import {
  NETBOX_LEGACY_TOKEN,
  NETBOX_TOKEN,
  startNetboxServer,
  type NetboxServer
} from '../helpers/netbox-server';

const TOKEN = NETBOX_TOKEN;
const LEGACY_TOKEN = NETBOX_LEGACY_TOKEN;
const ctx = { customTypes: {} };

let netbox: NetboxServer;
let origin: string;
let mode: NetboxServer['mode'];
let requests: NetboxServer['requests'];

beforeAll(async () => {
  netbox = await startNetboxServer();
  ({ origin, mode, requests } = netbox);
});

afterAll(() => netbox.close());

beforeEach(() => netbox.reset());

function plan(result: NetboxImportResult): ImportPlan {
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.plan;
}
function failure(result: NetboxImportResult) {
  if (result.ok || !('failure' in result))
    throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  // Every failure reads whole in both languages.
  for (const locale of ['en', 'zh-CN'] as const) {
    const text = translate(
      locale,
      result.failure.key as 'cmdbImport.netbox.http',
      result.failure.values as never
    );
    expect(text).not.toMatch(/\{\w+\}/);
  }
  return result.failure;
}

describe('NetBox import (recorded pages, local server)', () => {
  it('reads every page of every list with a v2 Bearer token and maps devices, VMs, services and clusters', async () => {
    const result = await importFromNetbox({ url: `${origin}/`, token: TOKEN }, ctx);
    const p = plan(result);
    // Devices came in 3 pages, following the cursor-style `next` links.
    const deviceRequests = requests
      .filter((r) => r.url.startsWith('/api/dcim/devices/'))
      .map((r) => r.url);
    expect(deviceRequests).toEqual([
      '/api/dcim/devices/?limit=250',
      '/api/dcim/devices/?limit=2&start=13',
      '/api/dcim/devices/?limit=2&start=15'
    ]);
    expect(new Set(requests.map((r) => r.authorization))).toEqual(new Set([`Bearer ${TOKEN}`]));

    expect(p.items.map((i) => [i.row, i.item.type, i.item.name])).toEqual([
      [1, 'cluster', 'pve-prod'],
      [2, 'host', 'web-01'],
      [3, 'host', 'web-02'],
      [4, 'network_device', 'core-sw-01'],
      [5, 'network_device', 'edge-fw-01'],
      [6, 'host', 'hv-01'],
      [7, 'vm', 'app-01'],
      [8, 'vm', 'db-01'],
      [9, 'service', 'web-01/https'],
      [10, 'service', 'web-02/https'],
      [11, 'service', 'db-01/postgresql'],
      [12, 'service', 'app-01/app']
    ]);
    const byName = Object.fromEntries(p.items.map((i) => [i.item.name, i.item]));
    expect(byName['web-01']).toEqual({
      type: 'host',
      name: 'web-01',
      environment: 'production',
      owner: null,
      tags: ['web'],
      attributes: {
        netbox_id: 'dcim.device/11',
        site: 'DC Shanghai 1',
        tenant: 'Shop',
        platform: 'Ubuntu 22.04',
        status: 'active',
        ip: '10.20.0.11',
        role: 'Server',
        device_type: 'PowerEdge R650',
        serial: 'CN7A001',
        rack: 'R01'
      }
    });
    expect(byName['edge-fw-01']!.tags).toEqual(['边界']);
    expect(byName['hv-01']!.attributes).toMatchObject({ status: 'planned' });
    expect(byName['hv-01']!.attributes).not.toHaveProperty('ip');
    expect(byName['db-01']!.attributes).toMatchObject({
      vcpus: 8,
      memory_mb: 16384,
      disk_gb: 200,
      ip: '10.30.0.32'
    });
    expect(byName['app-01/app']!.attributes).toMatchObject({ protocol: 'tcp', ports: '8080,8443' });
    expect(byName['pve-prod']!.attributes).toMatchObject({
      cluster_type: 'Proxmox',
      site: 'DC Shanghai 1'
    });
    expect(p.relations).toEqual([
      { row: 7, from: 'app-01', to: 'pve-prod', type: 'runs_on' },
      { row: 8, from: 'db-01', to: 'pve-prod', type: 'runs_on' },
      { row: 9, from: 'web-01/https', to: 'web-01', type: 'runs_on' },
      { row: 10, from: 'web-02/https', to: 'web-02', type: 'runs_on' },
      { row: 11, from: 'db-01/postgresql', to: 'db-01', type: 'runs_on' },
      { row: 12, from: 'app-01/app', to: 'app-01', type: 'runs_on' }
    ]);
  });

  it('sends a legacy token as "Token …" and accepts a URL ending in /api', async () => {
    plan(await importFromNetbox({ url: `${origin}/api/`, token: LEGACY_TOKEN }, ctx));
    expect(new Set(requests.map((r) => r.authorization))).toEqual(
      new Set([`Token ${LEGACY_TOKEN}`])
    );
    expect(netboxAuthorization(' nbt_x.y ')).toBe('Bearer nbt_x.y');
  });

  it('a bad token is a clear error (HTTP 403), after one request', async () => {
    const f = failure(await importFromNetbox({ url: origin, token: 'nbt_wrong.token' }, ctx));
    expect(f).toEqual({ key: 'cmdbImport.netbox.unauthorized', values: { status: 403 } });
    expect(requests).toHaveLength(1);
  });

  it('stops on a page loop instead of reading forever', async () => {
    mode.loop = true;
    const f = failure(await importFromNetbox({ url: origin, token: TOKEN }, ctx));
    expect(f).toEqual({
      key: 'cmdbImport.netbox.pageLoop',
      values: { path: '/api/dcim/devices/' }
    });
    expect(requests.filter((r) => r.url.startsWith('/api/dcim/devices/'))).toHaveLength(3);
  });

  it('stops past the page limit', async () => {
    const f = failure(await importFromNetbox({ url: origin, token: TOKEN, maxPages: 2 }, ctx));
    expect(f).toEqual({
      key: 'cmdbImport.netbox.tooManyPages',
      values: { path: '/api/dcim/devices/', max: 2 }
    });
  });

  it('never sends the token to another origin named by a next link', async () => {
    mode.foreignNext = true;
    const f = failure(await importFromNetbox({ url: origin, token: TOKEN }, ctx));
    expect(f).toEqual({
      key: 'cmdbImport.netbox.foreignNext',
      values: { path: '/api/dcim/devices/', origin: 'http://elsewhere.test' }
    });
  });

  it('times out a request that gets no answer', async () => {
    mode.slowPath = '/api/virtualization/clusters/';
    const started = Date.now();
    const f = failure(
      await importFromNetbox({ url: origin, token: TOKEN, requestTimeoutMs: 300 }, ctx)
    );
    expect(f).toEqual({ key: 'cmdbImport.netbox.timeout', values: { seconds: 1 } });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports server errors, unreachable servers and bad URLs', async () => {
    mode.failPath = '/api/ipam/services/';
    expect(failure(await importFromNetbox({ url: origin, token: TOKEN }, ctx))).toEqual({
      key: 'cmdbImport.netbox.http',
      values: { status: 500, path: '/api/ipam/services/' }
    });
    expect(
      failure(await importFromNetbox({ url: 'ftp://netbox.example', token: TOKEN }, ctx)).key
    ).toBe('cmdbImport.netbox.badUrl');
    expect(failure(await importFromNetbox({ url: 'netbox', token: TOKEN }, ctx)).key).toBe(
      'cmdbImport.netbox.badUrl'
    );
    expect(failure(await importFromNetbox({ url: origin, token: ' ' }, ctx)).key).toBe(
      'cmdbImport.netbox.missingToken'
    );
    // A port nothing listens on: the server's own port once it is closed is not safe to reuse, so
    // take a fresh one and close it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    expect(
      failure(await importFromNetbox({ url: `http://127.0.0.1:${closedPort}`, token: TOKEN }, ctx))
    ).toEqual({
      key: 'cmdbImport.netbox.unreachable',
      values: { url: `http://127.0.0.1:${closedPort}` }
    });
  });

  it('checks the mapped objects like any import: a VM named like a device is a duplicate at its running index', async () => {
    mode.duplicateVm = true;
    const result = await importFromNetbox({ url: origin, token: TOKEN }, ctx);
    if (result.ok || !('errors' in result)) throw new Error(JSON.stringify(result));
    expect(result.errors).toEqual([
      { row: 7, key: 'cmdbImport.row.duplicateName', values: { name: 'WEB-01', first: 2 } }
    ]);
  });
});
