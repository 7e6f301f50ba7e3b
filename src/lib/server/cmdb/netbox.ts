/**
 * Import from NetBox's REST API (issue 14): given a NetBox URL and an API token, read devices,
 * virtual machines, services and clusters and plan them as CMDB items and relations, checked
 * like any import file (cmdb-import.ts `buildPlan`).
 *
 * - Tokens: a NetBox v2 token (`nbt_…`) is sent as `Authorization: Bearer nbt_…`; any other
 *   value as a legacy v1 `Authorization: Token …`.
 * - Pages: every list is followed through its `next` links, whatever their style (`?offset=` or
 *   the cursor-style `?start=` of NetBox 4.x), until `next` is null. A `next` on another origin is
 *   refused (the token is never sent anywhere but the given NetBox), a `next` already read is a
 *   loop, and past `maxPages` pages per list the import stops. Each request has a timeout.
 * - Mapping: clusters → `cluster`; devices → `network_device` when their role's slug names a
 *   switch, router or firewall, else `host`; virtual machines → `vm`, `runs_on` their cluster;
 *   services → `service` named `<parent>/<service>`, `runs_on` their device or VM (NetBox ≤ 4.2
 *   `device`/`virtual_machine`, 4.3+ `parent`). Site, tenant, role, platform, status, serial,
 *   type and the NetBox object (`netbox_id`, e.g. `dcim.device/12`) become attributes; the
 *   primary IP becomes `ip` (without its prefix length); NetBox tags become tags; a custom field
 *   `environment` becomes the environment.
 * - Rows of errors are a running index over the objects read, 1-based, in the order clusters,
 *   devices, virtual machines, services (NetBox has no file lines).
 *
 * Written against NetBox 4 response shapes (`{ count, next, previous, results }`) and tested
 * against recorded pages served locally (tests/fixtures/netbox); NetBox itself was not run here.
 */
import type { MessageKey } from '../../i18n/messages/en';
import {
  buildPlan,
  type DraftItem,
  type DraftRelation,
  type ImportContext,
  type ImportResult
} from './cmdb-import';

/** Limits of one NetBox import. */
export const NETBOX_DEFAULTS = {
  /** Per HTTP request. */
  requestTimeoutMs: 30_000,
  /** Pages per list (devices, VMs, services, clusters). */
  maxPages: 200,
  /** `?limit=` asked for (NetBox caps it at its MAX_PAGE_SIZE, 1000 by default). */
  pageSize: 250
} as const;

export interface NetboxOptions {
  /** NetBox's base URL, e.g. `https://netbox.example.com` (a trailing `/api` is accepted). */
  url: string;
  token: string;
  requestTimeoutMs?: number;
  maxPages?: number;
  pageSize?: number;
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch;
}

/** Why NetBox could not be read: a message key with its parameters. */
export interface NetboxFailure {
  key: MessageKey;
  values?: Record<string, string | number>;
}

export type NetboxImportResult = ImportResult | { ok: false; failure: NetboxFailure };

/** The lists read, as NetBox returned their objects. */
export interface NetboxObjects {
  clusters: NetboxObject[];
  devices: NetboxObject[];
  virtualMachines: NetboxObject[];
  services: NetboxObject[];
}

/** A NetBox object: loosely typed, read with the helpers below. */
export type NetboxObject = Record<string, unknown>;

const LISTS = [
  ['clusters', '/api/virtualization/clusters/'],
  ['devices', '/api/dcim/devices/'],
  ['virtualMachines', '/api/virtualization/virtual-machines/'],
  ['services', '/api/ipam/services/']
] as const;

/** The `Authorization` header for a NetBox token (v2 `nbt_…` as Bearer, v1 as Token). */
export function netboxAuthorization(token: string): string {
  const trimmed = token.trim();
  return trimmed.startsWith('nbt_') ? `Bearer ${trimmed}` : `Token ${trimmed}`;
}

/** Reads NetBox and plans its objects as an import (see the module comment). */
export async function importFromNetbox(
  options: NetboxOptions,
  ctx: ImportContext
): Promise<NetboxImportResult> {
  const read = await fetchNetboxObjects(options);
  if (!read.ok) return read;
  return buildPlan(netboxDrafts(read.objects), ctx);
}

/** Reads the four lists from NetBox, every page of each. */
export async function fetchNetboxObjects(
  options: NetboxOptions
): Promise<{ ok: true; objects: NetboxObjects } | { ok: false; failure: NetboxFailure }> {
  let base: URL;
  try {
    base = new URL(options.url.trim());
  } catch {
    return { ok: false, failure: { key: 'cmdbImport.netbox.badUrl' } };
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    return { ok: false, failure: { key: 'cmdbImport.netbox.badUrl' } };
  }
  if (options.token.trim() === '')
    return { ok: false, failure: { key: 'cmdbImport.netbox.missingToken' } };
  const root = base.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  const objects: NetboxObjects = { clusters: [], devices: [], virtualMachines: [], services: [] };
  for (const [list, path] of LISTS) {
    const first = new URL(`${root}${path}`, base.origin);
    first.searchParams.set('limit', String(options.pageSize ?? NETBOX_DEFAULTS.pageSize));
    const read = await readPages(first, path, base.origin, options);
    if (!read.ok) return read;
    objects[list] = read.results;
  }
  return { ok: true, objects };
}

async function readPages(
  first: URL,
  path: string,
  origin: string,
  options: NetboxOptions
): Promise<{ ok: true; results: NetboxObject[] } | { ok: false; failure: NetboxFailure }> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.requestTimeoutMs ?? NETBOX_DEFAULTS.requestTimeoutMs;
  const maxPages = options.maxPages ?? NETBOX_DEFAULTS.maxPages;
  const results: NetboxObject[] = [];
  const seen = new Set<string>();
  let next: URL | null = first;
  while (next !== null) {
    if (seen.has(next.href))
      return { ok: false, failure: { key: 'cmdbImport.netbox.pageLoop', values: { path } } };
    if (seen.size >= maxPages) {
      return {
        ok: false,
        failure: { key: 'cmdbImport.netbox.tooManyPages', values: { path, max: maxPages } }
      };
    }
    seen.add(next.href);
    let response: Response;
    let body: unknown;
    try {
      response = await doFetch(next, {
        headers: { authorization: netboxAuthorization(options.token), accept: 'application/json' },
        // A redirect could carry the token elsewhere: it is an error, not followed.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs)
      });
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        return {
          ok: false,
          failure: { key: 'cmdbImport.netbox.unauthorized', values: { status: response.status } }
        };
      }
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel();
        return {
          ok: false,
          failure: { key: 'cmdbImport.netbox.http', values: { status: response.status, path } }
        };
      }
      body = await response.json().catch(() => undefined);
    } catch (error) {
      if (
        error instanceof Error &&
        (error.name === 'TimeoutError' || error.name === 'AbortError')
      ) {
        return {
          ok: false,
          failure: {
            key: 'cmdbImport.netbox.timeout',
            values: { seconds: Math.ceil(timeoutMs / 1000) }
          }
        };
      }
      return {
        ok: false,
        failure: { key: 'cmdbImport.netbox.unreachable', values: { url: origin } }
      };
    }
    const page = body as { results?: unknown; next?: unknown } | undefined;
    if (
      page === undefined ||
      page === null ||
      typeof page !== 'object' ||
      !Array.isArray(page.results) ||
      (page.next !== null && page.next !== undefined && typeof page.next !== 'string')
    ) {
      return { ok: false, failure: { key: 'cmdbImport.netbox.badPage', values: { path } } };
    }
    for (const result of page.results) {
      if (result !== null && typeof result === 'object' && !Array.isArray(result))
        results.push(result as NetboxObject);
    }
    if (typeof page.next !== 'string' || page.next === '') {
      next = null;
    } else {
      let url: URL;
      try {
        url = new URL(page.next, next);
      } catch {
        return { ok: false, failure: { key: 'cmdbImport.netbox.badPage', values: { path } } };
      }
      if (url.origin !== origin) {
        return {
          ok: false,
          failure: { key: 'cmdbImport.netbox.foreignNext', values: { path, origin: url.origin } }
        };
      }
      next = url;
    }
  }
  return { ok: true, results };
}

// ---------------------------------------------------------------------------------------------
// Mapping

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A nested object's name (`{ name }`, else `{ display }`), or undefined. */
function nameOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const object = value as Record<string, unknown>;
  return text(object.name) ?? text(object.display);
}

/** A choice field's value (`{ value, label }`) or a plain string. */
function choiceOf(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object')
    return text((value as Record<string, unknown>).value);
  return text(value);
}

function slugOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return '';
  return text((value as Record<string, unknown>).slug) ?? '';
}

/** The primary IP's address without its prefix length. */
function primaryIp(object: NetboxObject): string | undefined {
  for (const key of ['primary_ip', 'primary_ip4', 'primary_ip6']) {
    const ip = object[key];
    if (ip !== null && typeof ip === 'object') {
      const address =
        text((ip as Record<string, unknown>).address) ??
        text((ip as Record<string, unknown>).display);
      if (address !== undefined) return address.replace(/\/\d{1,3}$/, '');
    }
  }
  return undefined;
}

function tagsOf(object: NetboxObject): string[] {
  const tags = object.tags;
  if (!Array.isArray(tags)) return [];
  return tags.map((t) => nameOf(t) ?? text(t)).filter((t): t is string => t !== undefined);
}

function environmentOf(object: NetboxObject): string | undefined {
  const custom = object.custom_fields;
  if (custom === null || typeof custom !== 'object') return undefined;
  const fields = custom as Record<string, unknown>;
  return text(fields.environment) ?? text(fields.env);
}

/** Attributes, leaving out the ones NetBox left empty. */
function attributes(
  entries: Record<string, string | number | undefined>
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = value;
  return out;
}

const NETWORK_ROLES = /switch|router|firewall/i;

/** The name NetBox shows for an object: its name, else its display, else `<kind>-<id>`. */
function objectName(object: NetboxObject, kind: string): string {
  return text(object.name) ?? text(object.display) ?? `${kind}-${text(object.id) ?? '?'}`;
}

/** NetBox objects as draft items and relations (see the module comment), rows numbered in order. */
export function netboxDrafts(objects: NetboxObjects): {
  items: DraftItem[];
  relations: DraftRelation[];
} {
  const items: DraftItem[] = [];
  const relations: DraftRelation[] = [];
  let row = 0;
  const common = (object: NetboxObject) => ({
    site: nameOf(object.site),
    tenant: nameOf(object.tenant),
    platform: nameOf(object.platform),
    status: choiceOf(object.status),
    ip: primaryIp(object)
  });
  for (const cluster of objects.clusters) {
    items.push({
      row: ++row,
      type: 'cluster',
      name: objectName(cluster, 'cluster'),
      environment: environmentOf(cluster),
      tags: tagsOf(cluster),
      attributes: attributes({
        netbox_id: `virtualization.cluster/${text(cluster.id) ?? '?'}`,
        cluster_type: nameOf(cluster.type),
        cluster_group: nameOf(cluster.group),
        site: nameOf(cluster.site) ?? nameOf(cluster.scope),
        tenant: nameOf(cluster.tenant),
        status: choiceOf(cluster.status)
      })
    });
  }
  /** Device and VM ids → item names, for services. */
  const deviceNames = new Map<string, string>();
  const vmNames = new Map<string, string>();
  for (const device of objects.devices) {
    const role = device.role ?? device.device_role; // `device_role` before NetBox 4.0
    const name = objectName(device, 'device');
    deviceNames.set(text(device.id) ?? name, name);
    items.push({
      row: ++row,
      type: NETWORK_ROLES.test(slugOf(role) || (nameOf(role) ?? '')) ? 'network_device' : 'host',
      name,
      environment: environmentOf(device),
      tags: tagsOf(device),
      attributes: attributes({
        netbox_id: `dcim.device/${text(device.id) ?? '?'}`,
        ...common(device),
        role: nameOf(role),
        device_type:
          nameOf(device.device_type) ??
          text((device.device_type as Record<string, unknown> | null)?.model),
        serial: text(device.serial),
        rack: nameOf(device.rack)
      })
    });
  }
  for (const vm of objects.virtualMachines) {
    const name = objectName(vm, 'vm');
    vmNames.set(text(vm.id) ?? name, name);
    const itemRow = ++row;
    items.push({
      row: itemRow,
      type: 'vm',
      name,
      environment: environmentOf(vm),
      tags: tagsOf(vm),
      attributes: attributes({
        netbox_id: `virtualization.virtualmachine/${text(vm.id) ?? '?'}`,
        ...common(vm),
        role: nameOf(vm.role),
        vcpus: typeof vm.vcpus === 'number' ? vm.vcpus : undefined,
        memory_mb: typeof vm.memory === 'number' ? vm.memory : undefined,
        disk_gb: typeof vm.disk === 'number' ? vm.disk : undefined
      })
    });
    const cluster = nameOf(vm.cluster);
    if (cluster !== undefined)
      relations.push({ row: itemRow, from: name, to: cluster, type: 'runs_on' });
  }
  for (const service of objects.services) {
    const parent = serviceParent(service, deviceNames, vmNames);
    const serviceName = objectName(service, 'service');
    const name = parent === undefined ? serviceName : `${parent}/${serviceName}`;
    const itemRow = ++row;
    const ports = Array.isArray(service.ports)
      ? service.ports.filter((p) => typeof p === 'number').join(',')
      : undefined;
    items.push({
      row: itemRow,
      type: 'service',
      name,
      environment: environmentOf(service),
      tags: tagsOf(service),
      attributes: attributes({
        netbox_id: `ipam.service/${text(service.id) ?? '?'}`,
        protocol: choiceOf(service.protocol),
        ports: ports === '' ? undefined : ports,
        description: text(service.description)
      })
    });
    if (parent !== undefined)
      relations.push({ row: itemRow, from: name, to: parent, type: 'runs_on' });
  }
  return { items, relations };
}

/** The item name of a service's device or VM: `device`/`virtual_machine` (≤ 4.2) or `parent` (4.3+). */
function serviceParent(
  service: NetboxObject,
  deviceNames: Map<string, string>,
  vmNames: Map<string, string>
): string | undefined {
  const byRef = (ref: unknown, names: Map<string, string>): string | undefined => {
    if (ref === null || typeof ref !== 'object') return undefined;
    const id = text((ref as Record<string, unknown>).id);
    return (id !== undefined ? names.get(id) : undefined) ?? nameOf(ref);
  };
  const device = byRef(service.device, deviceNames);
  if (device !== undefined) return device;
  const vm = byRef(service.virtual_machine, vmNames);
  if (vm !== undefined) return vm;
  const type = text(service.parent_object_type);
  if (type === 'dcim.device') return byRef(service.parent, deviceNames);
  if (type === 'virtualization.virtualmachine') return byRef(service.parent, vmNames);
  return nameOf(service.parent);
}
