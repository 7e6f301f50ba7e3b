/**
 * The CMDB over REST against the production app (cmdb-api.ts) and over the websocket: items
 * checked against the document (types, custom fields, unique names), relations without cycles,
 * impact with depth, filtered lists, and history written by the server with who and what — also
 * for edits made over the websocket, where a relation that closes a cycle is removed again.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ciItemSchema,
  ciRelationSchema,
  type CiItem,
  type CiValue
} from '../../src/lib/shared/cmdb/schema';
import {
  relationId,
  relationsMap,
  writeItem,
  writeRelation,
  itemsMap
} from '../../src/lib/shared/cmdb/cmdb-doc';
import { connectClient, waitFor, whenSynced } from '../helpers/clients';
import { errorShape, useRestApp } from '../helpers/rest';
import { NETBOX_TOKEN, startNetboxServer } from '../helpers/netbox-server';

const WS = 'cmdbrest';
const rest = useRestApp(WS, ['owner', 'operator', 'member'], 'runboard-rest-cmdb-');
const base = `/api/v1/workspaces/${WS}`;

const historySchema = z.object({
  entries: z.array(
    z.object({
      action: z.string(),
      field: z.string().nullable().optional(),
      from: z.unknown(),
      to: z.unknown(),
      actorName: z.string().nullable()
    })
  )
});

/** A request with a raw body (a file), as `token`; the answer's text and JSON. */
async function send(
  path: string,
  body: string | undefined,
  token: string,
  headers: Record<string, string> = {}
) {
  const response = await fetch(`${rest.app.baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', ...headers },
    body
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Polls `predicate` until it holds (5 s at most). */
async function eventually(predicate: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function create(body: Record<string, unknown>, as = 'operator') {
  const reply = await rest.call('POST', `${base}/cmdb/items`, body, as);
  expect(reply.status, reply.text).toBe(201);
  return ciItemSchema.parse(reply.body);
}

async function relate(from: string, to: string, type = 'depends_on') {
  return rest.call('POST', `${base}/cmdb/relations`, { from, to, type }, 'operator');
}

describe('configuration items', () => {
  it('are created by operators, checked against the document, listed with filters', async () => {
    const web = await create({
      type: 'host',
      name: 'web-01.prod',
      environment: 'production',
      criticality: 'critical',
      owner: 'sre',
      tags: ['linux', 'web'],
      attributes: { ip: '10.0.0.1' }
    });
    expect(web).toMatchObject({ type: 'host', criticality: 'critical', tags: ['linux', 'web'] });
    await create({ type: 'database', name: '订单库 mysql-01', environment: 'production' });
    await create({ type: 'host', name: 'web-02.staging', environment: 'staging', tags: ['linux'] });

    // Members read but do not write; names are unique; types must exist.
    expect(
      (await rest.call('POST', `${base}/cmdb/items`, { type: 'host', name: 'x' }, 'member')).status
    ).toBe(403);
    const taken = await rest.call(
      'POST',
      `${base}/cmdb/items`,
      { type: 'vm', name: 'WEB-01.prod' },
      'operator'
    );
    expect(taken.status).toBe(409);
    const unknown = await rest.call(
      'POST',
      `${base}/cmdb/items`,
      { type: 'spaceship', name: 'x' },
      'operator'
    );
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(errorShape.parse(unknown.body).error.details)).toContain('type');
    const bad = await rest.call(
      'POST',
      `${base}/cmdb/items`,
      { type: 'host', name: '', extra: 1 },
      'operator'
    );
    expect(bad.status).toBe(400);

    const hosts = await rest.call(
      'GET',
      `${base}/cmdb/items?type=host&tag=linux`,
      undefined,
      'member'
    );
    expect(hosts.status).toBe(200);
    expect(
      z
        .array(ciItemSchema)
        .parse(hosts.body)
        .map((i) => i.name)
    ).toEqual(['web-01.prod', 'web-02.staging']);
    expect(hosts.headers.get('x-total-count')).toBe('2');
    const search = await rest.call('GET', `${base}/cmdb/items?q=${encodeURIComponent('订单')}`);
    expect(
      z
        .array(ciItemSchema)
        .parse(search.body)
        .map((i) => i.name)
    ).toEqual(['订单库 mysql-01']);
    const paged = await rest.call('GET', `${base}/cmdb/items?limit=1&environment=production`);
    expect(z.array(ciItemSchema).parse(paged.body)).toHaveLength(1);
    expect(paged.headers.get('link')).toContain('offset=1');

    const patched = await rest.call(
      'PATCH',
      `${base}/cmdb/items/${web.id}`,
      { criticality: 'high', attributes: { ip: '10.0.0.2', os: 'debian' } },
      'operator'
    );
    expect(patched.status, patched.text).toBe(200);
    const history = historySchema.parse(
      (await rest.call('GET', `${base}/cmdb/items/${web.id}/history`, undefined, 'member')).body
    );
    const fields = history.entries.map((e) => [e.action, e.field ?? null, e.from, e.to]);
    expect(fields).toContainEqual(['updated', 'criticality', 'critical', 'high']);
    expect(fields).toContainEqual(['updated', 'attributes.ip', '10.0.0.1', '10.0.0.2']);
    expect(fields).toContainEqual(['updated', 'attributes.os', null, 'debian']);
    expect(fields).toContainEqual(['created', null, null, 'web-01.prod']);
    expect(history.entries.every((e) => e.actorName !== null)).toBe(true);

    const removed = await rest.call(
      'DELETE',
      `${base}/cmdb/items/${web.id}`,
      undefined,
      'operator'
    );
    expect(removed.status).toBe(204);
    expect((await rest.call('GET', `${base}/cmdb/items/${web.id}`)).status).toBe(404);
  });

  it('relate without cycles and answer impact with depth', async () => {
    const app = await create({ type: 'application', name: 'shop' });
    const svc = await create({ type: 'service', name: 'checkout' });
    const db = await create({ type: 'database', name: 'orders-db' });
    const host = await create({ type: 'host', name: 'db-host-1' });
    const other = await create({ type: 'application', name: 'reporting' });
    for (const [from, to, type] of [
      [app.id, svc.id, 'depends_on'],
      [svc.id, db.id, 'depends_on'],
      [db.id, host.id, 'runs_on'],
      [other.id, db.id, 'depends_on']
    ] as const) {
      const reply = await relate(from, to, type);
      expect(reply.status, reply.text).toBe(201);
      expect(ciRelationSchema.parse(reply.body).id).toBe(relationId(from, to, type));
    }
    // The same relation again is the same relation.
    expect((await relate(app.id, svc.id)).status).toBe(201);

    const cycle = await relate(host.id, app.id, 'connects_to');
    expect(cycle.status).toBe(422);
    expect(errorShape.parse(cycle.body).error.code).toBe('cycle');
    expect((await relate(host.id, host.id)).status).toBe(422);
    expect((await relate(host.id, 'nosuchitem')).status).toBe(400);

    const impact = await rest.call(
      'GET',
      `${base}/cmdb/items/${host.id}/impact`,
      undefined,
      'member'
    );
    expect(impact.status).toBe(200);
    expect((impact.body as { items: unknown[] }).items).toEqual([
      { id: db.id, name: 'orders-db', type: 'database', depth: 1 },
      { id: svc.id, name: 'checkout', type: 'service', depth: 2 },
      { id: other.id, name: 'reporting', type: 'application', depth: 2 },
      { id: app.id, name: 'shop', type: 'application', depth: 3 }
    ]);

    const item = await rest.call('GET', `${base}/cmdb/items/${db.id}`);
    expect((item.body as { relations: unknown[] }).relations).toHaveLength(3);
    const unlink = await rest.call(
      'DELETE',
      `${base}/cmdb/relations/${encodeURIComponent(relationId(other.id, db.id, 'depends_on'))}`,
      undefined,
      'operator'
    );
    expect(unlink.status).toBe(204);
    const after = await rest.call('GET', `${base}/cmdb/items/${host.id}/impact`);
    expect((after.body as { items: Array<{ id: string }> }).items.map((i) => i.id)).not.toContain(
      other.id
    );
    const history = historySchema.parse(
      (await rest.call('GET', `${base}/cmdb/items/${db.id}/history`)).body
    );
    expect(history.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['related', 'unrelated', 'created'])
    );
  });

  it('edits over the websocket are recorded, and a relation closing a cycle is removed again', async () => {
    const a = await create({ type: 'service', name: 'ws-a' });
    const b = await create({ type: 'service', name: 'ws-b' });
    expect((await relate(a.id, b.id)).status).toBe(201);

    const viewer = connectClient(rest.app.wsUrl, `${WS}.cmdb`, {
      params: { token: rest.users['member']!.token }
    });
    rest.clients.push(viewer);
    const operator = connectClient(rest.app.wsUrl, `${WS}.cmdb`, {
      params: { token: rest.users['operator']!.token }
    });
    rest.clients.push(operator);
    await Promise.all([whenSynced(viewer), whenSynced(operator)]);

    // A member's copy is read-only: what it writes is never applied.
    const current = itemsMap(viewer.doc).get(a.id) as CiValue;
    writeItem(viewer.doc, a.id, { ...current, name: 'forged' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rest.call('GET', `${base}/cmdb/items/${a.id}`)).body).toMatchObject({
      name: 'ws-a'
    });

    // An operator renames over the websocket: the history names them.
    const value = itemsMap(operator.doc).get(b.id) as CiValue;
    writeItem(operator.doc, b.id, { ...value, name: 'ws-b-renamed' });
    // …and closes a cycle, as two offline devices could: the server removes it again.
    const back = writeRelation(operator.doc, { from: b.id, to: a.id, type: 'depends_on' });
    await waitFor(() => !relationsMap(operator.doc).has(back), 5_000);
    await eventually(async () => {
      const reply = await rest.call('GET', `${base}/cmdb/items/${b.id}`);
      return (reply.body as { name?: string }).name === 'ws-b-renamed';
    });
    const readHistory = async () =>
      historySchema.parse((await rest.call('GET', `${base}/cmdb/items/${b.id}/history`)).body);
    await eventually(async () => (await readHistory()).entries.some((e) => e.action === 'refused'));
    const history = await readHistory();
    expect(history.entries.map((e) => [e.action, e.field ?? null])).toEqual(
      expect.arrayContaining([
        ['refused', 'depends_on'],
        ['updated', 'name']
      ])
    );
    const rename = history.entries.find((e) => e.field === 'name');
    expect(rename).toMatchObject({ from: 'ws-b', to: 'ws-b-renamed' });
    expect(rename?.actorName).toEqual(expect.any(String));
    // b's impact is a (a depends on b), and a's is nothing: the cycle is gone.
    const impactOf = async (id: string) =>
      (
        (await rest.call('GET', `${base}/cmdb/items/${id}/impact`)).body as {
          items: Array<{ id: string }>;
        }
      ).items.map((i) => i.id);
    expect(await impactOf(b.id)).toEqual([a.id]);
    expect(await impactOf(a.id)).toEqual([]);

    // A device that was offline brings many relations at once, one of which closes a cycle:
    // only that one is removed.
    const leaves: CiItem[] = [];
    for (let i = 0; i < 12; i++) leaves.push(await create({ type: 'host', name: `leaf-${i}` }));
    const closing = relationId(leaves[0]!.id, a.id, 'connects_to');
    operator.doc.transact(() => {
      for (const leaf of leaves)
        writeRelation(operator.doc, { from: b.id, to: leaf.id, type: 'runs_on' });
      writeRelation(operator.doc, { from: leaves[0]!.id, to: a.id, type: 'connects_to' });
    });
    await waitFor(() => !relationsMap(operator.doc).has(closing), 5_000);
    await eventually(async () => (await impactOf(leaves[11]!.id)).length === 2);
    expect(relationsMap(operator.doc).has(relationId(b.id, leaves[0]!.id, 'runs_on'))).toBe(true);
  });
});

describe('import, export and the inventory', () => {
  const importFile = (format: string, body: string, as = 'operator', dryRun = false) =>
    send(
      `${base}/cmdb/import?format=${format}${dryRun ? '&dryRun=true' : ''}`,
      body,
      rest.users[as]!.token
    );

  it('imports CSV all or nothing, with each bad row named, and previews first', async () => {
    const good = [
      'type,name,environment,criticality,owner,tags,depends_on',
      'host,imp-host-1,production,high,dba,linux;rack-3,',
      'database,imp-db,production,critical,dba,mysql,imp-host-1',
      'service,imp-api,production,medium,web,,imp-db'
    ].join('\n');
    const preview = await importFile('csv', good, 'operator', true);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.json).toEqual({
      imported: 0,
      preview: { create: 3, update: 0, relations: 2 },
      errors: []
    });
    expect((await rest.call('GET', `${base}/cmdb/items?q=imp-`)).headers.get('x-total-count')).toBe(
      '0'
    );

    const bad = [
      'type,name,environment,criticality,owner,tags,depends_on',
      'host,bad-host,production,high,dba,,',
      'spaceship,bad-2,production,low,,,',
      'host,BAD-HOST,,,,,',
      'service,bad-svc,,urgent,,,nobody-here'
    ].join('\n');
    const refused = await importFile('csv', bad);
    expect(refused.status).toBe(422);
    const error = errorShape.parse(refused.json).error;
    expect(error.code).toBe('import_rejected');
    const rows = (error.details as Array<{ row: number; message: string }>).map((d) => d.row);
    expect(rows).toEqual(expect.arrayContaining([3, 4, 5]));
    expect((await rest.call('GET', `${base}/cmdb/items?q=bad-`)).headers.get('x-total-count')).toBe(
      '0'
    );

    // In Chinese when the caller asks for it.
    const zh = await send(`${base}/cmdb/import?format=csv`, bad, rest.users['operator']!.token, {
      'accept-language': 'zh-CN'
    });
    expect(JSON.stringify(zh.json)).toMatch(/[\u4e00-\u9fff]/);

    const imported = await importFile('csv', good);
    expect(imported.status, imported.text).toBe(201);
    expect(imported.json).toMatchObject({ imported: 3, errors: [] });
    const [host] = z
      .array(ciItemSchema)
      .parse((await rest.call('GET', `${base}/cmdb/items?q=imp-host-1`)).body);
    const impact = await rest.call('GET', `${base}/cmdb/items/${host!.id}/impact`);
    expect((impact.body as { items: Array<{ name: string; depth: number }> }).items).toEqual([
      expect.objectContaining({ name: 'imp-db', depth: 1 }),
      expect.objectContaining({ name: 'imp-api', depth: 2 })
    ]);

    // Again: matched by name, updated in place; a relation back closing a cycle is refused.
    const again = await importFile(
      'csv',
      good.replace('host,imp-host-1,production,high', 'host,imp-host-1,production,critical'),
      'operator',
      true
    );
    expect(again.json).toMatchObject({ preview: { create: 0, update: 3, relations: 0 } });
    const cycle = await importFile(
      'json',
      JSON.stringify({
        relations: [{ from: 'imp-host-1', to: 'imp-api', type: 'depends_on' }],
        items: []
      })
    );
    expect(cycle.status).toBe(422);
    expect(JSON.stringify(cycle.json)).toContain('imp-api');
    expect((await importFile('csv', good, 'member')).status).toBe(403);
  });

  it('imports an Ansible inventory, exports what the import reads back, and serves the inventory', async () => {
    const ini = [
      '[web]',
      'inv-web[1:2].example.com ansible_host=10.1.0.1',
      '',
      '[web:vars]',
      'environment=staging'
    ].join('\n');
    const imported = await importFile('ansible-ini', ini);
    expect(imported.status, imported.text).toBe(201);
    expect(imported.json).toMatchObject({ imported: 2 });

    const exported = await send(
      `${base}/cmdb/export?format=json`,
      undefined,
      rest.users['member']!.token
    );
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    const round = await importFile('json', exported.text, 'operator', true);
    expect(round.status, round.text).toBe(200);
    expect((round.json as { preview: { create: number } }).preview.create).toBe(0);

    const inventory = await rest.call('GET', `${base}/cmdb/inventory`, undefined, 'member');
    expect(inventory.status).toBe(200);
    const body = inventory.body as { _meta: { hostvars: Record<string, Record<string, unknown>> } };
    expect(body._meta.hostvars['inv-web1.example.com']).toMatchObject({ ansible_host: '10.1.0.1' });
    expect(JSON.stringify(body)).toContain('env_staging');
  });

  it('imports from NetBox (recorded pages), admins only, with a clear error for a bad token', async () => {
    const netbox = await startNetboxServer();
    try {
      const call = (token: string, as = 'owner', dryRun = false) =>
        rest.call('POST', `${base}/cmdb/import/netbox`, { url: netbox.origin, token, dryRun }, as);
      expect((await call(NETBOX_TOKEN, 'operator')).status).toBe(403);
      const wrong = await call('nbt_wrong.token');
      expect(wrong.status).toBe(400);
      expect(errorShape.parse(wrong.body).error.message).toMatch(/token/i);
      const preview = await call(NETBOX_TOKEN, 'owner', true);
      expect(preview.status, preview.text).toBe(200);
      const imported = await call(NETBOX_TOKEN);
      expect(imported.status, imported.text).toBe(201);
      const created = (preview.body as { preview: { create: number } }).preview.create;
      expect((imported.body as { imported: number }).imported).toBe(created);
      expect(created).toBeGreaterThan(5);
    } finally {
      await netbox.close();
    }
  });
});
