/**
 * The CMDB as Ansible dynamic-inventory JSON (docs/design.md §2 `GET …/cmdb/inventory`), the
 * shape `ansible-inventory -i <script>` and playbooks read from an inventory script's `--list`:
 *
 * ```json
 * { "all": { "children": ["env_production", "tag_web", "type_host", …] },
 *   "type_host": { "hosts": ["web-01"], "vars": {}, "children": [] }, …,
 *   "_meta": { "hostvars": { "web-01": { "ansible_host": "10.0.0.1", "runboard_id": "…", … } } } }
 * ```
 *
 * - Hosts are the items of type `host` and `vm`, by name. `ansible_host` comes from the item's
 *   `ansible_host` attribute, else its `ip` attribute (without a `/prefix` length).
 * - Groups: `type_<type>`, `env_<environment>` and `tag_<tag>`, all children of `all`.
 * - Group names and variable names are made valid for Ansible (`[A-Za-z0-9_]`, not starting
 *   with a digit) by `ansibleName`: ASCII letters, digits and `_` are kept, other ASCII
 *   characters become `_`, and every other character (Chinese, accents) becomes `u` and its
 *   code point in hex, set off by `_` (`生产` → `u751f_u4ea7`, so `env_u751f_u4ea7`). Two values
 *   that map to one name share a group.
 * - Host vars: the item's attributes (names made valid the same way), then `runboard_id`,
 *   `runboard_type`, `criticality`, `owner`, `environment` and `tags`, which win over attributes
 *   of the same name.
 */
import type { AttributeValue, CiItem } from '../../shared/cmdb/schema';

/** Item types that are inventory hosts. */
export const INVENTORY_HOST_TYPES = ['host', 'vm'] as const;

/** One group of the inventory. */
export interface InventoryGroup {
  hosts: string[];
  vars: Record<string, unknown>;
  children: string[];
}

/** The `--list` answer of an Ansible inventory script. */
export type AnsibleInventory = Record<string, InventoryGroup> & {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
};

/** What the inventory needs of an item. */
export type InventoryItem = Pick<
  CiItem,
  'id' | 'type' | 'name' | 'environment' | 'criticality' | 'owner' | 'attributes' | 'tags'
>;

/**
 * A valid Ansible group or variable name for `text` (see the module comment): readable for
 * ASCII, reversible enough for any other script, never empty, never starting with a digit.
 */
export function ansibleName(text: string): string {
  const pieces: string[] = [];
  let word = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (/^[A-Za-z0-9_]$/.test(char)) {
      word += char;
    } else if (code < 0x80) {
      word += '_';
    } else {
      if (word !== '') pieces.push(word);
      word = '';
      pieces.push(`u${code.toString(16)}`);
    }
  }
  if (word !== '') pieces.push(word);
  const name = pieces.join('_');
  if (name === '') return '_';
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** An address without its `/prefix` length (NetBox and others write `10.0.0.1/24`). */
function bareAddress(value: AttributeValue | undefined): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return value.trim().replace(/\/\d{1,3}$/, '');
}

/**
 * The CMDB's hosts and VMs as Ansible dynamic-inventory JSON (see the module comment).
 * `_relations` is taken for the API's sake and not used yet: relations make no groups.
 */
export function inventoryJson(
  items: readonly InventoryItem[],
  _relations: readonly unknown[] = []
): AnsibleInventory {
  const groups = new Map<string, Set<string>>();
  const hostvars: Record<string, Record<string, unknown>> = {};
  const join = (group: string, host: string) => {
    let set = groups.get(group);
    if (!set) groups.set(group, (set = new Set()));
    set.add(host);
  };
  const hosts = items
    .filter((item) => (INVENTORY_HOST_TYPES as readonly string[]).includes(item.type))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const item of hosts) {
    const host = item.name;
    join(`type_${ansibleName(item.type)}`, host);
    if (item.environment !== null) join(`env_${ansibleName(item.environment)}`, host);
    for (const tag of item.tags) join(`tag_${ansibleName(tag)}`, host);
    const vars: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item.attributes)) vars[ansibleName(key)] = value;
    const address = bareAddress(item.attributes.ansible_host) ?? bareAddress(item.attributes.ip);
    if (address !== null) vars.ansible_host = address;
    Object.assign(vars, {
      runboard_id: item.id,
      runboard_type: item.type,
      criticality: item.criticality,
      owner: item.owner,
      environment: item.environment,
      tags: [...item.tags]
    });
    hostvars[host] = vars;
  }
  const names = [...groups.keys()].sort();
  const inventory: Record<string, unknown> = {
    all: { hosts: [], vars: {}, children: names }
  };
  for (const name of names) {
    inventory[name] = { hosts: [...(groups.get(name) ?? [])].sort(), vars: {}, children: [] };
  }
  inventory._meta = { hostvars };
  return inventory as AnsibleInventory;
}
