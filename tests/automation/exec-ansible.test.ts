/**
 * Real `ansible-playbook` (Debian ansible-core): against localhost with the local connection,
 * and over real SSH to an sshd started by the test with a generated key handed over as an
 * ssh_key credential. Parameters arrive as extra vars, literally (never templated); `--check`
 * changes nothing; a vault password reaches Ansible through a file, never argv.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeInventory } from '../../src/lib/server/automation/exec/ansible';
import { execute } from '../../src/lib/server/automation/exec/execute';
import { MASK } from '../../src/lib/shared/automation/schema';
import {
  ansibleSpec,
  recordingSink,
  requireProgram,
  testPlaces,
  type RecordingSink,
  type TestPlaces
} from '../helpers/exec';
import { SSHD, startSshd, type TestSshd } from '../helpers/sshd';

const hasAnsible = requireProgram(existsSync('/usr/bin/ansible-playbook'), 'ansible-playbook');
const hasSshd = requireProgram(existsSync(SSHD), 'sshd (openssh-server)');

let places: TestPlaces;
const never = () => new AbortController().signal;

beforeAll(async () => {
  places = await testPlaces(300);
});

afterAll(async () => {
  await places.dispose();
});

/** The command lines of every process in a group, sampled until `stop()`. */
function watchGroup(onSample?: (cmdlines: string[][]) => void) {
  const seen: string[][] = [];
  let timer: NodeJS.Timeout | undefined;
  const sample = (pgid: number) => {
    const found: string[][] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) !== pgid) continue;
        const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
        if (argv.length > 0) found.push(argv);
      } catch {
        // gone meanwhile
      }
    }
    seen.push(...found);
    onSample?.(found);
  };
  return {
    seen,
    spawned(pid: number) {
      sample(pid);
      timer = setInterval(() => sample(pid), 25);
    },
    stop() {
      clearInterval(timer);
    }
  };
}

describe.runIf(hasAnsible)('ansible, local connection', () => {
  const playbook = `
- hosts: all
  gather_facts: false
  tasks:
    - name: write the greeting
      ansible.builtin.copy:
        content: "{{ greeting }}"
        dest: "{{ out_file }}"
        mode: "0600"
    - name: arithmetic on a typed integer
      ansible.builtin.debug:
        msg: "count plus one is {{ count + 1 }}, flag is {{ flag | bool }}"
`;

  it('passes parameters as extra vars, literally, and parses the recap', async () => {
    const outFile = join(places.root, 'greeting.txt');
    const pwned = join(places.root, 'pwned');
    const greeting = `hello; rm -rf ${places.root} $(touch ${pwned}) \`touch ${pwned}\` {{ lookup('pipe', 'touch ${pwned}') }} 'q' "qq"\nsecond line`;
    const sink = recordingSink();
    const result = await execute(
      ansibleSpec(playbook, {
        parameters: { greeting, out_file: outFile, count: 41, flag: true }
      }),
      places,
      sink,
      never()
    );
    expect(result.state, sink.text()).toBe('succeeded');
    expect(result.exitCode).toBe(0);
    expect(result.summary).toEqual([
      {
        host: 'localhost',
        ok: 2,
        changed: 1,
        unreachable: 0,
        failed: 0,
        skipped: 0,
        rescued: 0,
        ignored: 0
      }
    ]);
    expect(await readFile(outFile, 'utf8')).toBe(greeting);
    expect(existsSync(pwned)).toBe(false);
    expect(sink.text()).toContain('count plus one is 42, flag is True');
    // ANSIBLE_FORCE_COLOR: the live log keeps Ansible's colours.
    expect(sink.text()).toContain('\x1b[');
    expect(await places.leftovers()).toEqual([]);
  });

  it('--check reports the change without making it', async () => {
    const outFile = join(places.root, 'checked.txt');
    const watch = watchGroup();
    const sink = recordingSink((pid) => watch.spawned(pid));
    const result = await execute(
      ansibleSpec(playbook, {
        parameters: { greeting: 'dry', out_file: outFile, count: 1, flag: false },
        check: true
      }),
      places,
      sink,
      never()
    );
    watch.stop();
    expect(result.state, sink.text()).toBe('succeeded');
    expect(result.summary?.[0]).toMatchObject({ host: 'localhost', ok: 2, changed: 1 });
    expect(existsSync(outFile)).toBe(false);
    expect(watch.seen.some((argv) => argv.includes('--check'))).toBe(true);
  });

  it('a failing task fails the run with the exit code and a recap', async () => {
    const sink = recordingSink();
    const result = await execute(
      ansibleSpec(
        '- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.fail:\n        msg: broken on purpose\n'
      ),
      places,
      sink,
      never()
    );
    expect(result.state).toBe('failed');
    expect(result.exitCode).toBe(2);
    expect(result.summary?.[0]).toMatchObject({ host: 'localhost', ok: 0, failed: 1 });
    expect(sink.text()).toContain('broken on purpose');
  });

  it('decrypts vault data with a vault_password credential passed as a file, never in argv', async () => {
    const vaultPassword = 'vault-Pw-7Qx9-never-in-argv';
    const scratch = await mkdtemp(join(tmpdir(), 'rb-vault-'));
    try {
      const passwordFile = join(scratch, 'pw');
      await writeFile(passwordFile, vaultPassword, { mode: 0o600 });
      const encrypted = execFileSync(
        'ansible-vault',
        [
          'encrypt_string',
          '--vault-password-file',
          passwordFile,
          '--name',
          'db_password',
          'the-db-pass-42'
        ],
        { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: scratch, LANG: 'C.UTF-8' } }
      );
      const outFile = join(places.root, 'vaulted.txt');
      const indented = encrypted
        .trim()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
      const vaultPlaybook = `
- hosts: all
  gather_facts: false
  vars:
${indented}
  tasks:
    - ansible.builtin.command: sleep 1
      changed_when: false
    - ansible.builtin.copy:
        content: "{{ db_password }}"
        dest: "${outFile}"
    - ansible.builtin.debug:
        msg: "the password is {{ db_password }}"
`;
      const watch = watchGroup();
      const sink = recordingSink((pid) => watch.spawned(pid));
      const result = await execute(
        ansibleSpec(vaultPlaybook, {
          credentials: [
            { name: 'vault', kind: 'vault_password', username: null, secret: vaultPassword }
          ]
        }),
        places,
        sink,
        never()
      );
      watch.stop();
      expect(result.state, sink.text()).toBe('succeeded');
      expect(await readFile(outFile, 'utf8')).toBe('the-db-pass-42');
      const playbookArgv = watch.seen.find((argv) =>
        argv.some((a) => a.endsWith('ansible-playbook'))
      );
      expect(playbookArgv).toBeDefined();
      expect(playbookArgv).toContain('--vault-password-file');
      for (const argv of watch.seen) expect(argv.join(' ')).not.toContain(vaultPassword);
      // The vault password itself is a secret: masked if anything printed it.
      expect(sink.text()).not.toContain(vaultPassword);
      const passwordPath = playbookArgv?.[playbookArgv.indexOf('--vault-password-file') + 1] ?? '';
      expect(existsSync(passwordPath)).toBe(false);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('hands a password credential over as extra vars from a file, and a token as the environment', async () => {
    const password = "p@ss {{ not_templated }} 'quoted'";
    const outFile = join(places.root, 'credentials.txt');
    const watch = watchGroup();
    const sink = recordingSink((pid) => watch.spawned(pid));
    const result = await execute(
      ansibleSpec(
        `- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.command: sleep 0.5
      changed_when: false
    - ansible.builtin.copy:
        dest: "${outFile}"
        content: "{{ [ansible_password, ansible_become_password, ansible_user, lookup('ansible.builtin.env', 'RB_CREDENTIAL_API_TOKEN_SECRET'), lookup('ansible.builtin.env', 'RB_CREDENTIAL_API_TOKEN_USERNAME')] | join('|') }}"
`,
        {
          credentials: [
            { name: 'become', kind: 'password', username: 'deploy', secret: password },
            { name: 'api token', kind: 'token', username: 'bot', secret: 'tok-XYZ-987' }
          ],
          // the local connection ignores ansible_user and ansible_password
          inventory: { text: 'localhost ansible_connection=local\n' }
        }
      ),
      places,
      sink,
      never()
    );
    watch.stop();
    expect(result.state, sink.text()).toBe('succeeded');
    expect(await readFile(outFile, 'utf8')).toBe(`${password}|${password}|deploy|tok-XYZ-987|bot`);
    expect(watch.seen.length).toBeGreaterThan(0);
    for (const argv of watch.seen) {
      expect(argv.join(' ')).not.toContain('p@ss');
      expect(argv.join(' ')).not.toContain('tok-XYZ');
    }
    expect(sink.text()).not.toContain('tok-XYZ-987');
  });

  it('runs against the CMDB inventory; host variables stay text, never templated', async () => {
    const pwned = join(places.root, 'pwned-by-cmdb');
    const inventory = {
      all: { hosts: [], vars: {}, children: ['type_host', 'env_prod'] },
      type_host: { hosts: ['web-01', 'web-02'], vars: {}, children: [] },
      env_prod: { hosts: ['web-01'], vars: {}, children: [] },
      _meta: {
        hostvars: {
          'web-01': {
            ansible_connection: 'local',
            note: `{{ lookup('pipe', 'touch ${pwned}') }}`,
            tags: ['web', 'prod']
          },
          'web-02': { ansible_connection: 'local', note: 'plain' }
        }
      }
    };
    const sink = recordingSink();
    const result = await execute(
      ansibleSpec(
        '- hosts: env_prod\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug:\n        msg: "note={{ note }} tags={{ tags | join(\',\') }}"\n',
        { inventory: { json: inventory } }
      ),
      places,
      sink,
      never()
    );
    expect(result.state, sink.text()).toBe('succeeded');
    expect(result.summary?.map((h) => h.host)).toEqual(['web-01']);
    expect(sink.text()).toContain(`note={{ lookup('pipe', 'touch ${pwned}') }} tags=web,prod`);
    expect(existsSync(pwned)).toBe(false);
  });

  it('writes CMDB inventory that ansible-inventory reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rb-inv-'));
    try {
      const file = await writeInventory(
        {
          json: {
            all: { hosts: [], vars: { site: 'hz' }, children: ['tag_web'] },
            tag_web: { hosts: ['web-01'], vars: { port: 8080 }, children: [] },
            _meta: { hostvars: { 'web-01': { ansible_host: '10.0.0.1' } } }
          }
        },
        dir
      );
      const listed = JSON.parse(
        execFileSync('ansible-inventory', ['-i', file, '--list'], {
          encoding: 'utf8',
          env: { PATH: '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' }
        })
      );
      expect(listed.tag_web.hosts).toEqual(['web-01']);
      // Strings are marked unsafe (never templated); ansible-inventory shows the mark.
      expect(listed._meta.hostvars['web-01']).toEqual({
        ansible_host: { __ansible_unsafe: '10.0.0.1' },
        port: 8080,
        site: { __ansible_unsafe: 'hz' }
      });
      expect(file.endsWith('.yml')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(hasAnsible && hasSshd)('ansible over real SSH', () => {
  let sshd: TestSshd;

  beforeAll(async () => {
    sshd = await startSshd();
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('reaches sshd with an ssh_key credential; the key file is 0600 and gone afterwards', async () => {
    const remoteFile = join(places.root, 'written-over-ssh.txt');
    const playbook = `
- hosts: target
  gather_facts: false
  tasks:
    - ansible.builtin.ping:
    - ansible.builtin.command:
        argv: [touch, "{{ remote_file }}"]
        creates: "{{ remote_file }}"
    - ansible.builtin.command: sleep 0.5
      changed_when: false
`;
    const keyFiles = new Map<string, string>();
    const watch = watchGroup((found) => {
      for (const argv of found) {
        const file = argv[argv.indexOf('--private-key') + 1];
        if (argv.includes('--private-key') && file && !keyFiles.has(file)) {
          try {
            keyFiles.set(file, (statSync(file).mode & 0o777).toString(8));
          } catch {
            // not there yet / gone
          }
        }
      }
    });
    const sink: RecordingSink = recordingSink((pid) => watch.spawned(pid));
    const result = await execute(
      ansibleSpec(playbook, {
        parameters: { remote_file: remoteFile },
        inventory: {
          text: `target ansible_host=127.0.0.1 ansible_port=${sshd.port}\n`
        },
        credentials: [
          { name: 'deploy key', kind: 'ssh_key', username: sshd.user, secret: sshd.clientKey }
        ]
      }),
      places,
      sink,
      never()
    );
    watch.stop();
    expect(result.state, `${sink.text()}\n--- sshd ---\n${sshd.log()}`).toBe('succeeded');
    expect(result.summary).toEqual([
      {
        host: 'target',
        ok: 3,
        changed: 1,
        unreachable: 0,
        failed: 0,
        skipped: 0,
        rescued: 0,
        ignored: 0
      }
    ]);
    expect(existsSync(remoteFile)).toBe(true);
    expect(sshd.log()).toMatch(/Accepted publickey for \S+ from 127\.0\.0\.1/);
    expect([...keyFiles.values()]).toEqual(['600']);
    for (const file of keyFiles.keys()) expect(existsSync(file)).toBe(false);
    const argv = watch.seen.find((a) => a.includes('--private-key')) ?? [];
    expect(argv[argv.indexOf('-u') + 1]).toBe(sshd.user);
    // The key's lines never show in the output.
    for (const line of sshd.clientKey.split('\n').filter((l) => l.length >= 4)) {
      expect(sink.text()).not.toContain(line);
    }
    expect(sink.text()).not.toContain(MASK);
    expect(await places.leftovers()).toEqual([]);
  });

  it('an unreachable host (wrong key) fails with unreachable in the recap', async () => {
    const other = await mkdtemp(join(tmpdir(), 'rb-key-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(other, 'k')]);
      const sink = recordingSink();
      const result = await execute(
        ansibleSpec(
          '- hosts: target\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n',
          {
            inventory: { text: `target ansible_host=127.0.0.1 ansible_port=${sshd.port}\n` },
            credentials: [
              {
                name: 'wrong',
                kind: 'ssh_key',
                username: sshd.user,
                secret: await readFile(join(other, 'k'), 'utf8')
              }
            ]
          }
        ),
        places,
        sink,
        never()
      );
      expect(result.state).toBe('failed');
      expect(result.exitCode).toBe(4);
      expect(result.summary?.[0]).toMatchObject({ host: 'target', unreachable: 1 });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
