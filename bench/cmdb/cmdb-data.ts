/**
 * Data of the CMDB benchmark (issue 14, "Benchmark"): a layered inventory, generated from a fixed
 * seed so every run measures the same one, written as `<ws>.cmdb` with this checkout's model
 * (`src/lib/shared/cmdb/cmdb-doc.ts`: one plain value per item, relations named by their ends)
 * and stored into DATA_DIR or a PostgreSQL database through the server's own storage before the
 * app starts; the app mirrors it to records when it first loads it. Also the layout the
 * architecture rejected (a `Y.Map` per item, a JSON object per relation) for the size and decode
 * comparison, and the in-process impact with `CmdbGraph`. Bundled from source by
 * bench/cmdb/index.mjs (esbuild, packages external).
 *
 * The inventory, bottom to top (each layer only points at lower ones, so it is a DAG):
 * network devices, clusters, hosts (run on clusters, connect to network devices), VMs (run on
 * hosts, some on clusters too), databases (run on VMs), services (run on VMs, depend on
 * databases), applications (depend on services and databases). Targets are picked with a skew,
 * so a few low items carry thousands of items' impact, as real inventories do.
 */
import * as Y from 'yjs';
import {
  CmdbGraph,
  itemsMap,
  readItems,
  relationId,
  relationsMap
} from '../../src/lib/shared/cmdb/cmdb-doc';
import type { CiValue, Criticality, RelationType } from '../../src/lib/shared/cmdb/schema';
import { CmdbStore } from '../../src/lib/server/cmdb/cmdb-store';
import { openDatabase } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import { cmdbDocName } from '../../src/lib/shared/doc-name';
import { seededRandom } from '../../tests/helpers/random';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

type Layer = 'network_device' | 'cluster' | 'host' | 'vm' | 'database' | 'service' | 'application';

/** Layers bottom to top with their share of the items. */
const LAYERS: ReadonlyArray<[Layer, number]> = [
  ['network_device', 0.02],
  ['cluster', 0.01],
  ['host', 0.14],
  ['vm', 0.3],
  ['database', 0.08],
  ['service', 0.3],
  ['application', 0.15]
];

/** Relations beyond each item's own (runs_on and the like), by share of the rest. */
const EXTRA: ReadonlyArray<[Layer, Layer, RelationType, number]> = [
  ['application', 'service', 'depends_on', 0.35],
  ['application', 'database', 'depends_on', 0.1],
  ['service', 'database', 'depends_on', 0.25],
  ['service', 'vm', 'connects_to', 0.08],
  ['database', 'host', 'depends_on', 0.05],
  ['vm', 'cluster', 'runs_on', 0.07],
  ['host', 'network_device', 'connects_to', 0.05],
  ['service', 'network_device', 'connects_to', 0.05]
];

const ENVIRONMENTS: ReadonlyArray<[string, number]> = [
  ['production', 0.5],
  ['staging', 0.3],
  ['dev', 0.2]
];
const CRITICALITY: ReadonlyArray<[Criticality, number]> = [
  ['critical', 0.1],
  ['high', 0.25],
  ['medium', 0.4],
  ['low', 0.25]
];
const TEAMS = [
  'platform',
  'sre',
  'payments',
  'identity',
  'search',
  'data',
  'dba',
  'network',
  'storefront',
  'mobile',
  'billing',
  'observability'
];
const TAGS = [
  'pci',
  'gdpr',
  'k8s',
  'linux',
  'windows',
  'edge',
  'eu-west',
  'us-east',
  'ap-east',
  'legacy',
  'backup',
  'oncall-24x7',
  'batch',
  'public',
  '核心',
  '上海机房'
];
const DOMAINS = [
  'payments',
  'checkout',
  'identity',
  'search',
  'catalog',
  'orders',
  'billing',
  'ledger',
  'inventory',
  'shipping',
  'notifications',
  'analytics',
  'gateway',
  'profile',
  'pricing',
  'reviews',
  'kafka',
  'auth',
  'media',
  'reports'
];
const SITES = ['dc1', 'dc2', 'sh1', 'fra1', 'iad1'];
const ENGINES = ['postgres', 'mysql', 'redis', 'mongodb', 'elasticsearch'];
const ROLES = ['api', 'worker', 'web', 'cron', 'consumer', 'grpc'];
const APP_WORDS = ['portal', 'console', 'app', 'backoffice', 'platform', '系统'];
const OS = ['Debian 12', 'Debian 11', 'Ubuntu 22.04', 'Rocky 9', 'Windows Server 2022'];

/** Words typed into the list's search box and sent as `q` (they match a few to many items). */
export const SEARCH_TERMS = [
  'payments',
  'checkout',
  'pg-',
  'redis',
  'k8s',
  'worker',
  'prd-',
  'stg',
  'fra1',
  'identity',
  'gateway',
  'debian',
  'mysql',
  'api',
  'cron',
  'ledger',
  'eu-west',
  '系统',
  '0042',
  'backoffice'
];

export interface CmdbSeedOptions {
  items: number;
  relations: number;
  seed?: number;
}

export interface CmdbData {
  items: Array<{ id: string; layer: Layer; value: CiValue }>;
  relations: Array<{ from: string; to: string; type: RelationType }>;
}

/** The inventory as plain data (deterministic for the options). */
export function generateCmdb(options: CmdbSeedOptions): CmdbData {
  const random = seededRandom(options.seed ?? 14);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const weighted = <T>(list: ReadonlyArray<readonly [T, number]>): T => {
    let u = random();
    for (const [value, share] of list) {
      if ((u -= share) < 0) return value;
    }
    return (list[list.length - 1] as readonly [T, number])[0];
  };
  const id = () =>
    Array.from({ length: 16 }, () => ALPHABET.charAt(Math.floor(random() * 62))).join('');
  const base = Date.UTC(2026, 0, 1);

  const byLayer = new Map<Layer, string[]>();
  const items: CmdbData['items'] = [];
  const counts = LAYERS.map(([, share]) => Math.max(1, Math.round(share * options.items)));
  // The top layer takes what rounding left over.
  const rest = options.items - counts.reduce((a, b) => a + b, 0);
  counts[counts.length - 1] = Math.max(1, (counts[counts.length - 1] ?? 1) + rest);
  const seq = new Map<string, number>();
  const unique = (stem: string) => {
    const n = (seq.get(stem) ?? 0) + 1;
    seq.set(stem, n);
    return `${stem}-${String(n).padStart(4, '0')}`;
  };
  LAYERS.forEach(([layer], index) => {
    const ids: string[] = [];
    byLayer.set(layer, ids);
    for (let k = 0; k < (counts[index] ?? 0); k++) {
      const environment = weighted(ENVIRONMENTS);
      const env = environment === 'production' ? 'prd' : environment === 'staging' ? 'stg' : 'dev';
      const site = pick(SITES);
      const domain = pick(DOMAINS);
      let name: string;
      let attributes: Record<string, string | number | boolean>;
      switch (layer) {
        case 'network_device':
          name = unique(`${site}-${pick(['sw', 'rtr', 'fw', 'lb'])}`);
          attributes = { model: pick(['QFX5120', 'N9K-C93180', 'F5 i5800']), ports: 48, site };
          break;
        case 'cluster':
          name = unique(`${env}-k8s-${site}`);
          attributes = { kind: 'kubernetes', version: `1.${28 + Math.floor(random() * 4)}` };
          attributes.nodes = 3 + Math.floor(random() * 60);
          break;
        case 'host':
          name = unique(`${env}-node.${site}`);
          attributes = { cpu: pick([16, 32, 64]), memory_gb: pick([64, 128, 256]) };
          attributes.os = pick(OS);
          attributes.rack = `R${1 + Math.floor(random() * 40)}`;
          break;
        case 'vm':
          name = unique(`vm-${env}-${domain}`);
          attributes = { vcpu: pick([2, 4, 8]), memory_gb: pick([4, 8, 16, 32]), os: pick(OS) };
          break;
        case 'database': {
          const engine = pick(ENGINES);
          name = unique(`${engine === 'postgres' ? 'pg' : engine}-${domain}-${env}`);
          attributes = { engine, version: pick(['15', '16', '8.0', '7.2']) };
          attributes.size_gb = 10 + Math.floor(random() * 2000);
          break;
        }
        case 'service':
          name = unique(`${domain}-${pick(ROLES)}-${env}`);
          attributes = { port: 8000 + Math.floor(random() * 1000), language: pick(['go', 'java']) };
          attributes.repo = `git.example.com/${domain}`;
          break;
        default:
          name = unique(`${domain} ${pick(APP_WORDS)} ${env}`);
          attributes = { url: `https://${domain}.example.com`, tier: pick(['gold', 'silver']) };
          attributes.sla = pick(['99.9', '99.95', '99.5']);
      }
      // 2–4 attributes: trim the optional ones at random, add one at most.
      const keys = Object.keys(attributes);
      while (keys.length > 2 && random() < 0.3) delete attributes[keys.pop() as string];
      if (Object.keys(attributes).length < 4 && random() < 0.3) attributes.backup = random() < 0.5;
      const tags = new Set<string>();
      const tagCount = 1 + Math.floor(random() * 3);
      while (tags.size < tagCount) tags.add(pick(TAGS));
      const at = new Date(base + Math.floor(random() * 300 * 86_400_000)).toISOString();
      const itemId = id();
      ids.push(itemId);
      items.push({
        id: itemId,
        layer,
        value: {
          type: layer,
          name,
          environment,
          criticality: weighted(CRITICALITY),
          owner: layer === 'database' && random() < 0.6 ? 'dba' : pick(TEAMS),
          attributes,
          tags: [...tags],
          createdAt: at,
          updatedAt: at
        }
      });
    }
  });

  // Relations: `skew` > 1 favours the first items of a layer (fan-in).
  const keys = new Set<string>();
  const relations: CmdbData['relations'] = [];
  const target = (layer: Layer, skew: number) => {
    const ids = byLayer.get(layer) ?? [];
    return ids[Math.floor(ids.length * random() ** skew)] as string;
  };
  const relate = (from: string, to: string, type: RelationType) => {
    if (relations.length >= options.relations) return;
    const key = relationId(from, to, type);
    if (keys.has(key)) return;
    keys.add(key);
    relations.push({ from, to, type });
  };
  for (const from of byLayer.get('host') ?? []) {
    relate(from, target('cluster', 1.6), 'runs_on');
    relate(from, target('network_device', 1.6), 'connects_to');
  }
  for (const from of byLayer.get('vm') ?? []) relate(from, target('host', 1.5), 'runs_on');
  for (const from of byLayer.get('database') ?? []) relate(from, target('vm', 1.5), 'runs_on');
  for (const from of byLayer.get('service') ?? []) {
    relate(from, target('vm', 1.5), 'runs_on');
  }
  for (const from of byLayer.get('application') ?? []) {
    relate(from, target('service', 2), 'depends_on');
  }
  for (let tries = 0; relations.length < options.relations && tries < options.relations * 20;) {
    tries++;
    let u = random();
    let pattern = EXTRA[0] as (typeof EXTRA)[number];
    for (const p of EXTRA) {
      pattern = p;
      if ((u -= p[3]) < 0) break;
    }
    relate(pick(byLayer.get(pattern[0]) ?? []), target(pattern[1], 2.5), pattern[2]);
  }
  return { items, relations };
}

/**
 * The client id both layouts are written under. Yjs draws a random 32-bit one per document, and
 * the rejected layout writes it into every nested entry (its parent's id), so its size would move
 * by a few percent from run to run; this one is as large as most drawn ids (5 bytes as a varint).
 */
const CLIENT_ID = 2_654_435_761;

/** The document as this checkout writes it: plain item values, relations named by their ends. */
export function buildDoc(data: CmdbData): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = CLIENT_ID;
  const items = itemsMap(doc);
  const relations = relationsMap(doc);
  for (let i = 0; i < data.items.length; i += 2000) {
    doc.transact(() => {
      for (const { id, value } of data.items.slice(i, i + 2000)) items.set(id, value);
    });
  }
  for (let i = 0; i < data.relations.length; i += 5000) {
    doc.transact(() => {
      for (const r of data.relations.slice(i, i + 5000))
        relations.set(relationId(r.from, r.to, r.type), true);
    });
  }
  return doc;
}

/** The layout the architecture rejected: a `Y.Map` per item, a JSON object per relation. */
export function buildReferenceDoc(data: CmdbData): Y.Doc {
  const random = seededRandom(41);
  const id = () =>
    Array.from({ length: 16 }, () => ALPHABET.charAt(Math.floor(random() * 62))).join('');
  const doc = new Y.Doc();
  doc.clientID = CLIENT_ID;
  const items = doc.getMap<Y.Map<unknown>>('items');
  const relations = doc.getMap<unknown>('relations');
  for (let i = 0; i < data.items.length; i += 2000) {
    doc.transact(() => {
      for (const { id: itemId, value } of data.items.slice(i, i + 2000)) {
        const map = new Y.Map<unknown>();
        items.set(itemId, map);
        for (const [key, field] of Object.entries(value)) map.set(key, field);
      }
    });
  }
  for (let i = 0; i < data.relations.length; i += 5000) {
    doc.transact(() => {
      for (const r of data.relations.slice(i, i + 5000))
        relations.set(id(), { from: r.from, to: r.to, type: r.type });
    });
  }
  return doc;
}

/** Decode times in Node: applying the update into a new document, and reading every name too. */
export function decodeTimes(
  update: Uint8Array,
  layout: 'after' | 'reference',
  runs: number
): { decodeMs: number[]; decodeAndReadMs: number[]; names: number } {
  const decodeMs: number[] = [];
  const decodeAndReadMs: number[] = [];
  let names = 0;
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    const t1 = performance.now();
    names = 0;
    const items = doc.getMap<unknown>('items');
    if (layout === 'after') {
      for (const value of items.values()) if ((value as { name?: string }).name) names++;
    } else {
      for (const value of items.values()) if ((value as Y.Map<unknown>).get('name')) names++;
    }
    const t2 = performance.now();
    decodeMs.push(t1 - t0);
    decodeAndReadMs.push(t2 - t0);
    doc.destroy();
  }
  return { decodeMs, decodeAndReadMs, names };
}

export interface ImpactSample {
  id: string;
  name: string;
  layer: Layer;
  /** Items that depend on it, directly or transitively. */
  impact: number;
  kind: 'bottom' | 'mid' | 'top';
}

/**
 * The items the impact queries ask about, `count` of them: 40 % low items with the largest
 * impact (network devices, clusters, hosts), 40 % mid-layer ones (VMs, databases, services) at
 * random, 20 % applications (the top: little or nothing depends on them).
 */
export function impactSamples(data: CmdbData, count: number): ImpactSample[] {
  const graph = new CmdbGraph(data.relations);
  const random = seededRandom(1414);
  const sample = (item: CmdbData['items'][number], kind: ImpactSample['kind']): ImpactSample => ({
    id: item.id,
    name: item.value.name,
    layer: item.layer,
    impact: graph.impact(item.id).length,
    kind
  });
  const of = (layers: Layer[]) => data.items.filter((item) => layers.includes(item.layer));
  const heavy = of(['network_device', 'cluster', 'host'])
    .map((item) => sample(item, 'bottom'))
    .sort((a, b) => b.impact - a.impact)
    .slice(0, 40);
  const mid = of(['vm', 'database', 'service']);
  const top = of(['application']);
  const out: ImpactSample[] = [];
  const nBottom = Math.round(count * 0.4);
  const nMid = Math.round(count * 0.4);
  for (let i = 0; i < nBottom && heavy.length > 0; i++)
    out.push(heavy[i % heavy.length] as ImpactSample);
  for (let i = 0; i < nMid && mid.length > 0; i++)
    out.push(sample(mid[Math.floor(random() * mid.length)] as CmdbData['items'][number], 'mid'));
  while (out.length < count && top.length > 0)
    out.push(sample(top[Math.floor(random() * top.length)] as CmdbData['items'][number], 'top'));
  // Shuffled, so the kinds interleave over the run.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as ImpactSample, out[i] as ImpactSample];
  }
  return out;
}

/**
 * Impact in process, on the decoded document: the graph built once (timed), then per query the
 * walk plus each reached item's name and type (what the REST answer carries).
 */
export function inProcessImpact(
  update: Uint8Array,
  ids: readonly string[]
): { graphMs: number; times: number[]; sizes: number[] } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  try {
    const t0 = performance.now();
    const graph = CmdbGraph.ofDoc(doc);
    const graphMs = performance.now() - t0;
    const items = itemsMap(doc);
    const times: number[] = [];
    const sizes: number[] = [];
    for (const id of ids) {
      const s = performance.now();
      const reached = graph.impact(id).map((r) => {
        const value = items.get(r.id) as { name: string; type: string } | undefined;
        return { id: r.id, name: value?.name ?? '', type: value?.type ?? '', depth: r.depth };
      });
      reached.sort((a, b) => a.depth - b.depth || a.name.localeCompare(b.name));
      times.push(performance.now() - s);
      sizes.push(reached.length);
    }
    return { graphMs, times, sizes };
  } finally {
    doc.destroy();
  }
}

export interface CmdbSeed {
  docName: string;
  items: number;
  relations: number;
  bytes: number;
  referenceBytes: number;
  buildMs: number;
  storeMs: number;
  update: Uint8Array;
  referenceUpdate: Uint8Array;
  samples: ImpactSample[];
  layers: Record<string, number>;
}

/** Generates the inventory and its two encodings (no storage). */
export function prepareCmdb(options: CmdbSeedOptions & { samples: number }) {
  const t0 = performance.now();
  const data = generateCmdb(options);
  const doc = buildDoc(data);
  const update = Y.encodeStateAsUpdate(doc);
  // Sanity: everything reads back through the model the app uses.
  const readBack = readItems(doc).length;
  if (readBack !== data.items.length)
    throw new Error(`only ${readBack} of ${data.items.length} items read back`);
  doc.destroy();
  const buildMs = performance.now() - t0;
  const reference = buildReferenceDoc(data);
  const referenceUpdate = Y.encodeStateAsUpdate(reference);
  reference.destroy();
  const layers: Record<string, number> = {};
  for (const item of data.items) layers[item.layer] = (layers[item.layer] ?? 0) + 1;
  return {
    update,
    referenceUpdate,
    buildMs,
    items: data.items.length,
    relations: data.relations.length,
    layers,
    samples: impactSamples(data, options.samples)
  };
}

/** Stores `update` as `<ws>.cmdb` into DATA_DIR, or PostgreSQL with `databaseUrl`. */
export async function storeCmdb(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
  workspaceId: string;
  update: Uint8Array;
}): Promise<{ docName: string; storeMs: number }> {
  const t0 = performance.now();
  const { records, documents } = await openDatabase(
    options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: options.dataDir },
    { logger: createLogger('error') }
  );
  try {
    const docName = cmdbDocName(options.workspaceId);
    await documents.compact(docName, options.update, 0);
    return { docName, storeMs: performance.now() - t0 };
  } finally {
    await records.close();
  }
}

/**
 * Impact through the records layer in the bench process, on the store the app mirrored (a second
 * connection; nothing is written): `CmdbStore.impact` as the app runs it (a query per level, then
 * the reached items' names), so the REST figure can be told apart into the query and the rest
 * (HTTP, authentication, the app's load).
 */
export async function recordsImpact(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
  workspaceId: string;
  ids: readonly string[];
}): Promise<{ total: number[] }> {
  const { records } = await openDatabase(
    options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: options.dataDir },
    { logger: createLogger('error') }
  );
  const out = { total: [] as number[] };
  try {
    const store = new CmdbStore(records);
    for (const [n, id] of options.ids.entries()) {
      const t0 = performance.now();
      await store.impact(options.workspaceId, id);
      const t1 = performance.now();
      if (n < 5) continue; // warm-up
      out.total.push(t1 - t0);
    }
    return out;
  } finally {
    await records.close();
  }
}
