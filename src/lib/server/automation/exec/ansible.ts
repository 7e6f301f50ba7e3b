/**
 * An Ansible run's files, arguments and environment, and its recap (docs/automation.md).
 *
 * - `ansible-playbook` from PATH; argv holds file paths and flags only, never a value:
 *   `<playbook> -i <inventory> --extra-vars @<params.yml> [--extra-vars @<passwords.yml>]
 *   [--private-key <key>] [-u <user>] [--vault-password-file <file>]… [--check]`.
 * - Parameters and passwords reach the playbook through extra-vars files (0600). They are YAML
 *   with every string tagged `!unsafe`, so a value such as `{{ lookup('pipe', …) }}` stays text
 *   and is never templated by Jinja. The same holds for the CMDB inventory's host and group
 *   variables (an operator's CMDB attribute must not become code on the runner).
 * - Inventory: static text written as given (`.yml` for YAML, `.ini` otherwise); the CMDB's
 *   dynamic-inventory JSON becomes a static YAML inventory; none: localhost, local connection.
 * - Credentials: ssh_key → a 0600 key file, `--private-key` and `-u <username>`; password →
 *   `ansible_password` and `ansible_become_password` (and `ansible_user`) in their own extra-vars
 *   file; vault_password → a 0600 file for `--vault-password-file`; token → the environment
 *   variables `RB_CREDENTIAL_<NAME>_SECRET` (and `_USERNAME`).
 */
/* eslint-disable security/detect-non-literal-fs-filename -- every path here is a fixed name
   inside the run's own working directory (made by mkdtemp), never request text. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostRecap } from '../../../shared/automation/schema';
import type { ExecCredential, ExecInventory, ExecSpec } from './types';
import { credentialEnvPrefix } from './run-environment';

/** ANSI escape sequences (colours, cursor moves) as ansible-playbook prints them. */
// eslint-disable-next-line no-control-regex -- ESC is what this pattern is about
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** `host : ok=1 changed=0 …`: the host, then `name=count` pairs. */
const RECAP_LINE = /^(\S+)\s+:\s(.*)$/;
const RECAP_COUNT = /([a-z]+)=(\d+)/g;

/** The last PLAY RECAP of ansible-playbook's output, per host; null when there is none. */
export function parseRecap(output: string): HostRecap[] | null {
  const text = stripAnsi(output).replace(/\r/g, '');
  const at = text.lastIndexOf('PLAY RECAP');
  if (at < 0) return null;
  const lines = text.slice(at).split('\n').slice(1);
  const hosts: HostRecap[] = [];
  for (const line of lines) {
    const m = RECAP_LINE.exec(line.trim());
    const counts = new Map<string, number>();
    for (const [, name = '', count = ''] of (m?.[2] ?? '').matchAll(RECAP_COUNT)) {
      counts.set(name, Number(count));
    }
    if (!m || !['ok', 'changed', 'unreachable', 'failed'].every((k) => counts.has(k))) {
      if (hosts.length > 0 || line.trim() !== '') break;
      continue;
    }
    const n = (name: string) => counts.get(name) ?? 0;
    hosts.push({
      host: m[1] ?? '',
      ok: n('ok'),
      changed: n('changed'),
      unreachable: n('unreachable'),
      failed: n('failed'),
      skipped: n('skipped'),
      rescued: n('rescued'),
      ignored: n('ignored')
    });
  }
  return hosts;
}

/**
 * A YAML double-quoted scalar for any string: JSON's escapes (valid YAML) plus `\uXXXX` for the
 * characters YAML forbids in a stream (DEL, C1 controls, U+FFFE/FFFF).
 */
function yamlString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  );
}

/**
 * A value as YAML flow text with every string scalar tagged `!unsafe` (never templated by
 * Ansible). Keys stay plain quoted strings.
 */
export function unsafeYaml(value: unknown): string {
  if (typeof value === 'string') return `!unsafe ${yamlString(value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(unsafeYaml).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${yamlString(k)}: ${unsafeYaml(v)}`
    );
    return `{${entries.join(', ')}}`;
  }
  return 'null';
}

/** Whether static inventory text is YAML (or JSON) rather than INI. */
export function inventoryIsYaml(text: string): boolean {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) return false;
    return line === '---' || line.startsWith('{') || /^[^\s=]+:(\s|$)/.test(line);
  }
  return false;
}

type Group = { hosts?: unknown; vars?: unknown; children?: unknown };

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * Ansible's dynamic-inventory JSON (`--list` of an inventory script: groups with `hosts`, `vars`
 * and `children`, or a bare host list; `_meta.hostvars`) as the static YAML inventory's shape:
 * `{ all: { hosts, vars, children: { <group>: { hosts: { <host>: <hostvars> }, vars,
 * children: { <child>: {} } } } } }`. Hosts in no group go under `all`.
 */
export function staticInventory(dynamic: Record<string, unknown>): Record<string, unknown> {
  const hostvars = asRecord(asRecord(dynamic._meta).hostvars);
  const grouped = new Set<string>();
  const hostsOf = (list: unknown): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const host of Array.isArray(list) ? list : []) {
      if (typeof host !== 'string') continue;
      grouped.add(host);
      out[host] = asRecord(hostvars[host]);
    }
    return out;
  };
  const children: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(dynamic)) {
    if (name === '_meta' || name === 'all') continue;
    const group: Group = Array.isArray(raw) ? { hosts: raw } : asRecord(raw);
    const entry: Record<string, unknown> = {};
    const hosts = hostsOf(group.hosts);
    if (Object.keys(hosts).length > 0) entry.hosts = hosts;
    const vars = asRecord(group.vars);
    if (Object.keys(vars).length > 0) entry.vars = vars;
    const kids = Array.isArray(group.children)
      ? group.children.filter((c): c is string => typeof c === 'string')
      : [];
    if (kids.length > 0) entry.children = Object.fromEntries(kids.map((c) => [c, {}]));
    children[name] = entry;
  }
  const allRaw = dynamic.all;
  const all: Group = Array.isArray(allRaw) ? { hosts: allRaw } : asRecord(allRaw);
  const allHosts = hostsOf(all.hosts);
  for (const [host, vars] of Object.entries(hostvars)) {
    if (!grouped.has(host)) allHosts[host] = asRecord(vars);
  }
  const root: Record<string, unknown> = {};
  if (Object.keys(allHosts).length > 0) root.hosts = allHosts;
  const allVars = asRecord(all.vars);
  if (Object.keys(allVars).length > 0) root.vars = allVars;
  if (Object.keys(children).length > 0) root.children = children;
  return { all: root };
}

/** The inventory for a run written into the working directory; returns its path. */
export async function writeInventory(
  inventory: ExecInventory | null,
  dir: string
): Promise<string> {
  if (inventory === null) {
    const file = join(dir, 'inventory.ini');
    await writeFile(
      file,
      'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n',
      { mode: 0o600 }
    );
    return file;
  }
  if ('text' in inventory) {
    const file = join(dir, inventoryIsYaml(inventory.text) ? 'inventory.yml' : 'inventory.ini');
    await writeFile(file, inventory.text, { mode: 0o600 });
    return file;
  }
  const file = join(dir, 'inventory.yml');
  await writeFile(file, `${unsafeYaml(staticInventory(inventory.json))}\n`, { mode: 0o600 });
  return file;
}

export interface AnsibleFiles {
  /** Where the parameter, password and vault files go (0700). */
  secretDir: string;
  /** Key files already written for ssh_key credentials, by credential index. */
  keyFiles: Map<number, string>;
}

/** ansible-playbook's arguments for a run; writes the files they point to. */
export async function ansibleArgs(
  spec: ExecSpec,
  playbook: string,
  inventoryFile: string,
  files: AnsibleFiles
): Promise<string[]> {
  const args = [playbook, '-i', inventoryFile];
  const params = join(files.secretDir, 'parameters.yml');
  await writeFile(params, `${unsafeYaml(spec.parameters)}\n`, { mode: 0o600 });
  args.push('--extra-vars', `@${params}`);

  const passwords: Record<string, string> = {};
  let user: string | null = null;
  let key: string | null = null;
  const vaultFiles: string[] = [];
  for (const [i, credential] of spec.credentials.entries()) {
    switch (credential.kind) {
      case 'ssh_key':
        if (key === null) {
          key = files.keyFiles.get(i) ?? null;
          if (credential.username) user = credential.username;
        }
        break;
      case 'password':
        if (!('ansible_password' in passwords)) {
          passwords.ansible_password = credential.secret;
          passwords.ansible_become_password = credential.secret;
          if (credential.username) {
            passwords.ansible_user = credential.username;
            user ??= credential.username;
          }
        }
        break;
      case 'vault_password': {
        const file = join(files.secretDir, `vault-${i}.txt`);
        await writeFile(file, credential.secret, { mode: 0o600 });
        vaultFiles.push(file);
        break;
      }
      case 'token':
        break;
    }
  }
  if (Object.keys(passwords).length > 0) {
    const file = join(files.secretDir, 'passwords.yml');
    await writeFile(file, `${unsafeYaml(passwords)}\n`, { mode: 0o600 });
    args.push('--extra-vars', `@${file}`);
  }
  if (key !== null) args.push('--private-key', key);
  if (user !== null) args.push('-u', user);
  for (const file of vaultFiles) args.push('--vault-password-file', file);
  if (spec.check) args.push('--check');
  return args;
}

/** Ansible's own settings for a run, on top of the clean environment. */
export function ansibleEnv(workdir: string, credentials: readonly ExecCredential[]) {
  const env: Record<string, string> = {
    ANSIBLE_FORCE_COLOR: '1',
    ANSIBLE_NOCOWS: '1',
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
    // One SSH connection per task instead of four (mkdir, put, run, rm); needs no `requiretty`
    // in the target's sudoers, which no current distribution sets. An inventory may override.
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_LOCAL_TEMP: join(workdir, '.ansible', 'tmp'),
    ANSIBLE_REMOTE_TEMP: join(workdir, '.ansible', 'remote-tmp'),
    ANSIBLE_SSH_ARGS:
      '-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o ControlMaster=no'
  };
  for (const credential of credentials) {
    if (credential.kind !== 'token') continue;
    const prefix = credentialEnvPrefix(credential.name);
    env[`${prefix}_SECRET`] = credential.secret;
    if (credential.username) env[`${prefix}_USERNAME`] = credential.username;
  }
  return env;
}
