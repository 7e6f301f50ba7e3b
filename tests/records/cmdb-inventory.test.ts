/**
 * The CMDB as Ansible dynamic inventory (src/lib/server/cmdb/cmdb-inventory.ts), read by the
 * REAL `ansible-inventory` and `ansible-playbook` from Debian's ansible-core: the JSON is served
 * by a local HTTP server on port 0 that wants a bearer token, as `GET …/cmdb/inventory` does,
 * and Ansible reads it through the three-line curl script of docs/cmdb-import.md.
 *
 * Outside CI a missing `ansible-inventory` skips this file with a message; under CI (env CI set)
 * it runs and fails instead (scripts/install-test-deps.sh installs ansible-core and curl).
 */
import { execFile } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ansibleName, inventoryJson, type InventoryItem } from '$lib/server/cmdb/cmdb-inventory';

const ANSIBLE_INVENTORY = process.env.ANSIBLE_INVENTORY_BIN ?? '/usr/bin/ansible-inventory';
const ANSIBLE_PLAYBOOK = process.env.ANSIBLE_PLAYBOOK_BIN ?? '/usr/bin/ansible-playbook';

function missing(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return false;
  } catch {
    return true;
  }
}

const skip = !process.env.CI && missing(ANSIBLE_INVENTORY);
if (skip) {
  console.warn(
    `CMDB inventory tests skipped: ${ANSIBLE_INVENTORY} not found; install ansible-core ` +
      '(sh scripts/install-test-deps.sh). Under CI they run and fail instead.'
  );
}

const TOKEN = 'rb_test_inventory_token';

const items: InventoryItem[] = [
  {
    id: 'ci_web1',
    type: 'host',
    name: 'web-01.example.com',
    environment: 'production',
    criticality: 'high',
    owner: 'platform',
    attributes: { ip: '10.0.0.11/24', rack: 'A1', 'http-port': 8080 },
    tags: ['web', 'linux']
  },
  {
    id: 'ci_db1',
    type: 'vm',
    name: 'db-01',
    environment: '生产',
    criticality: 'critical',
    owner: 'DBA 组',
    attributes: { ansible_host: 'db01.internal', ip: '10.0.0.21', backup: true },
    tags: ['数据库']
  },
  {
    id: 'ci_lb',
    type: 'host',
    name: 'lb',
    environment: null,
    criticality: 'medium',
    owner: null,
    attributes: {},
    tags: []
  },
  {
    id: 'ci_app',
    type: 'application',
    name: 'checkout',
    environment: 'production',
    criticality: 'high',
    owner: 'shop',
    attributes: {},
    tags: ['web']
  }
];

/** The script of docs/cmdb-import.md, word for word. */
const SCRIPT = `#!/bin/sh
# Ansible inventory script: the CMDB of one Runboard workspace.
exec curl -fsS -H "Authorization: Bearer $RUNBOARD_TOKEN" "$RUNBOARD_URL/api/v1/workspaces/$RUNBOARD_WS/cmdb/inventory"
`;

let server: Server;
let dir: string;
let env: NodeJS.ProcessEnv;
let script: string;

function run(bin: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      { env, cwd: dir, timeout: 60_000, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${bin} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      }
    );
  });
}

beforeAll(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'runboard-inventory-'));
  const body = JSON.stringify(inventoryJson(items, []));
  server = createServer((req, res) => {
    const ok =
      req.url === '/api/v1/workspaces/ops/cmdb/inventory' &&
      req.headers.authorization === `Bearer ${TOKEN}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(ok ? body : '{"error":{"code":"unauthorized"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  script = join(dir, 'runboard-inventory.sh');
  writeFileSync(script, SCRIPT);
  chmodSync(script, 0o755);
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    HOME: dir,
    ANSIBLE_HOME: join(dir, 'ansible-home'),
    ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_INVENTORY_ENABLED: 'script',
    ANSIBLE_INVENTORY_UNPARSED_FAILED: '1',
    RUNBOARD_URL: `http://127.0.0.1:${port}`,
    RUNBOARD_WS: 'ops',
    RUNBOARD_TOKEN: TOKEN
  };
});

afterAll(async () => {
  if (skip) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('the CMDB read by the real ansible-inventory', () => {
  it('--list: hosts and VMs with their groups and host vars, nothing else', async () => {
    const { stdout, stderr } = await run(ANSIBLE_INVENTORY, ['-i', script, '--list']);
    expect(stderr).not.toMatch(/invalid characters|Failed to parse|ERROR/i);
    const listed = JSON.parse(stdout) as Record<
      string,
      { hosts?: string[]; children?: string[] }
    > & {
      _meta: { hostvars: Record<string, Record<string, unknown>> };
    };
    const env = `env_${ansibleName('生产')}`;
    expect(env).toBe('env_u751f_u4ea7');
    expect(listed.all!.children).toEqual(
      expect.arrayContaining([
        'type_host',
        'type_vm',
        'env_production',
        env,
        'tag_web',
        'tag_linux',
        `tag_${ansibleName('数据库')}`
      ])
    );
    expect(listed.type_host!.hosts).toEqual(['lb', 'web-01.example.com']);
    expect(listed.type_vm!.hosts).toEqual(['db-01']);
    expect(listed.env_production!.hosts).toEqual(['web-01.example.com']);
    expect(listed[env]!.hosts).toEqual(['db-01']);
    expect(listed.tag_web!.hosts).toEqual(['web-01.example.com']);
    expect(listed).not.toHaveProperty('type_application');
    expect(Object.keys(listed._meta.hostvars).sort()).toEqual([
      'db-01',
      'lb',
      'web-01.example.com'
    ]);
    expect(listed._meta.hostvars['web-01.example.com']).toMatchObject({
      ansible_host: '10.0.0.11',
      ip: '10.0.0.11/24',
      rack: 'A1',
      http_port: 8080,
      runboard_id: 'ci_web1',
      runboard_type: 'host',
      criticality: 'high',
      owner: 'platform',
      environment: 'production'
    });
    expect(listed._meta.hostvars['db-01']).toMatchObject({
      ansible_host: 'db01.internal',
      backup: true,
      owner: 'DBA 组',
      environment: '生产'
    });
    expect(listed._meta.hostvars.lb).not.toHaveProperty('ansible_host');
  }, 90_000);

  it('--graph: every host under its groups', async () => {
    const { stdout } = await run(ANSIBLE_INVENTORY, ['-i', script, '--graph']);
    expect(stdout).toContain('@all:');
    expect(stdout).toMatch(/@type_vm:\n\s*\|\s*\|--db-01/);
    expect(stdout).toMatch(/@env_u751f_u4ea7:\n\s*\|\s*\|--db-01/);
    expect(stdout).toMatch(/@tag_web:\n\s*\|\s*\|--web-01\.example\.com/);
  }, 90_000);

  it('a wrong token fails the inventory instead of giving an empty one', async () => {
    const saved = env.RUNBOARD_TOKEN;
    env.RUNBOARD_TOKEN = 'wrong';
    try {
      await expect(run(ANSIBLE_INVENTORY, ['-i', script, '--list'])).rejects.toThrow(/failed/);
    } finally {
      env.RUNBOARD_TOKEN = saved;
    }
  }, 90_000);

  it.skipIf(missing(ANSIBLE_PLAYBOOK) && !process.env.CI)(
    'a playbook sees the host vars (debug only, nothing is connected to)',
    async () => {
      const playbook = join(dir, 'show.yml');
      writeFileSync(
        playbook,
        `- hosts: env_u751f_u4ea7:type_host
  gather_facts: false
  tasks:
    - name: show
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }} {{ runboard_id }} {{ criticality }} {{ ansible_host | default('-') }}"
`
      );
      const { stdout, stderr } = await run(ANSIBLE_PLAYBOOK, ['-i', script, playbook]);
      // `environment` and `tags` are play keywords too; as host vars Ansible takes them silently.
      expect(stderr).not.toMatch(/reserved|WARNING|ERROR/);
      expect(stdout).toContain('"msg": "db-01 ci_db1 critical db01.internal"');
      expect(stdout).toContain('"msg": "web-01.example.com ci_web1 high 10.0.0.11"');
      // Without an address Ansible connects by the inventory name itself.
      expect(stdout).toContain('"msg": "lb ci_lb medium lb"');
      expect(stdout).toMatch(/ok=1\s+changed=0\s+unreachable=0\s+failed=0/);
    },
    90_000
  );
});
