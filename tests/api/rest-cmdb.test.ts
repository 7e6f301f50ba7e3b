/**
 * The CMDB over REST against the production app (cmdb-api.ts) and over the websocket: items
 * checked against the document (types, custom fields, unique names), relations without cycles,
 * impact with depth, filtered lists, and history written by the server with who and what — also
 * for edits made over the websocket, where a relation that closes a cycle is removed again.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ciItemSchema, ciRelationSchema } from '../../src/lib/shared/cmdb/schema';
import {
  relationId,
  relationsMap,
  writeItem,
  writeRelation,
  itemsMap
} from '../../src/lib/shared/cmdb/cmdb-doc';
import { connectClient, waitFor, whenSynced } from '../helpers/clients';
import { errorShape, useRestApp } from '../helpers/rest';

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
    const current = itemsMap(viewer.doc).get(a.id) as Record<string, unknown>;
    writeItem(viewer.doc, a.id, { ...(current as never), name: 'forged' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rest.call('GET', `${base}/cmdb/items/${a.id}`)).body).toMatchObject({
      name: 'ws-a'
    });

    // An operator renames over the websocket: the history names them.
    const value = itemsMap(operator.doc).get(b.id) as Record<string, unknown>;
    writeItem(operator.doc, b.id, { ...(value as never), name: 'ws-b-renamed' });
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
    const leaves = [];
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
