/**
 * The dynamic-inventory JSON itself (src/lib/server/cmdb/cmdb-inventory.ts), without Ansible: the
 * group names it makes and the shape of its answer. tests/records/cmdb-inventory.test.ts feeds it
 * to the real ansible-inventory.
 */
import { describe, expect, it } from 'vitest';
import { ansibleName, inventoryJson } from '$lib/server/cmdb/cmdb-inventory';

describe('Ansible names', () => {
  it('keeps ASCII words, turns other ASCII into "_" and other characters into u<hex>', () => {
    expect(ansibleName('production')).toBe('production');
    expect(ansibleName('prod-eu.1')).toBe('prod_eu_1');
    expect(ansibleName('生产')).toBe('u751f_u4ea7');
    expect(ansibleName('prod生产')).toBe('prod_u751f_u4ea7');
    expect(ansibleName('café')).toBe('caf_ue9');
    expect(ansibleName('😀')).toBe('u1f600');
    expect(ansibleName('9lives')).toBe('_9lives');
    expect(ansibleName('')).toBe('_');
    for (const text of ['a b', '数据库', 'x/y', 'ok_1'])
      expect(ansibleName(text)).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
  });
});

describe('inventoryJson', () => {
  it('lists hosts and VMs only, in type, env and tag groups under all, with host vars', () => {
    const inventory = inventoryJson([
      {
        id: 'a',
        type: 'vm',
        name: 'vm-1',
        environment: 'staging',
        criticality: 'low',
        owner: null,
        attributes: { ip: 'fe80::1/64', 'os-family': 'debian', criticality: 'overridden' },
        tags: ['k8s node']
      },
      {
        id: 'b',
        type: 'database',
        name: 'pg',
        environment: 'staging',
        criticality: 'high',
        owner: 'dba',
        attributes: {},
        tags: []
      }
    ]);
    expect(inventory).toEqual({
      all: { hosts: [], vars: {}, children: ['env_staging', 'tag_k8s_node', 'type_vm'] },
      env_staging: { hosts: ['vm-1'], vars: {}, children: [] },
      tag_k8s_node: { hosts: ['vm-1'], vars: {}, children: [] },
      type_vm: { hosts: ['vm-1'], vars: {}, children: [] },
      _meta: {
        hostvars: {
          'vm-1': {
            ip: 'fe80::1/64',
            os_family: 'debian',
            ansible_host: 'fe80::1',
            runboard_id: 'a',
            runboard_type: 'vm',
            criticality: 'low',
            owner: null,
            environment: 'staging',
            tags: ['k8s node']
          }
        }
      }
    });
  });

  it('is an empty but valid inventory for an empty CMDB', () => {
    expect(inventoryJson([])).toEqual({
      all: { hosts: [], vars: {}, children: [] },
      _meta: { hostvars: {} }
    });
  });
});
