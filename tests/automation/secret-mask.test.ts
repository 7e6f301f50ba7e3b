/** The streaming secret masker and the pure parts of the Ansible module (recap, inventory). */
import { describe, expect, it } from 'vitest';
import {
  inventoryIsYaml,
  parseRecap,
  staticInventory,
  unsafeYaml
} from '../../src/lib/server/automation/exec/ansible';
import { SecretMasker, secretPatterns } from '../../src/lib/server/automation/exec/secret-mask';
import { MASK } from '../../src/lib/shared/automation/schema';
import { seededRandom } from '../helpers/random';

function maskInPieces(secrets: string[], text: string, cuts: number[]): string {
  const masker = new SecretMasker(secrets);
  let out = '';
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out += masker.push(text.slice(from, cut));
    from = cut;
  }
  return out + masker.end();
}

describe('SecretMasker', () => {
  it('masks every occurrence, whole', () => {
    expect(maskInPieces(['hunter2'], 'a hunter2 b hunter2hunter2 c', [])).toBe(
      `a ${MASK} b ${MASK}${MASK} c`
    );
  });

  it('masks a secret split across any two chunks', () => {
    const text = 'before the pw=correct-horse-battery after';
    const expected = `before the pw=${MASK} after`;
    for (let cut = 0; cut <= text.length; cut++) {
      expect(maskInPieces(['correct-horse-battery'], text, [cut])).toBe(expected);
    }
  });

  it('masks under random chunking with several secrets, the longer one whole', () => {
    const random = seededRandom(7);
    const secrets = ['abc', 'abcdef', 'zz-top-secret', '变更密码'];
    const text = 'x abcdef y abc z zz-top-secret; 变更密码! abcabcdef end';
    const expected = `x ${MASK} y ${MASK} z ${MASK}; ${MASK}! ${MASK}${MASK} end`;
    for (let round = 0; round < 200; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        Math.floor(random() * text.length)
      ).sort((a, b) => a - b);
      expect(maskInPieces(secrets, text, cuts)).toBe(expected);
    }
  });

  it('passes text through untouched when there is no secret, and holds back nothing', () => {
    const masker = new SecretMasker(['', '   ']);
    expect(masker.push('hello')).toBe('hello');
    expect(masker.end()).toBe('');
  });

  it('holds back at most the longest secret minus one character', () => {
    const masker = new SecretMasker(['12345']);
    expect(masker.push('abcdefgh')).toBe('abcd');
    expect(masker.push('1234')).toBe('efgh');
    expect(masker.push('5!')).toBe(`${MASK}`);
    expect(masker.end()).toBe('!');
  });

  it('masks a secret also as JSON escapes it', () => {
    const secret = 'pa"ss\\word';
    const out = maskInPieces([secret], `raw ${secret} json ${JSON.stringify({ p: secret })}`, [9]);
    expect(out).toBe(`raw ${MASK} json {"p":"${MASK}"}`);
  });

  it('masks a multi-line secret line by line, skipping short lines', () => {
    expect(secretPatterns(['-----BEGIN-----\nAAAABBBB\n==\n\n-----END-----\n'])).toEqual([
      '-----BEGIN-----',
      '-----END-----',
      'AAAABBBB'
    ]);
    const masker = new SecretMasker(['line-one-secret\nab\nline-two-secret']);
    const out = masker.push('x line-two-secret y ab ') + masker.end();
    expect(out).toBe(`x ${MASK} y ab `);
  });

  it('never cuts a surrogate pair in two', () => {
    const masker = new SecretMasker(['secret']);
    const first = masker.push('ab😀cdefgh😀');
    for (const piece of [first]) {
      const last = piece.charCodeAt(piece.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
    }
    expect(first + masker.end()).toBe('ab😀cdefgh😀');
  });
});

describe('parseRecap', () => {
  it('reads the hosts of the last PLAY RECAP, ANSI colours stripped', () => {
    const output = [
      'PLAY [all] *****',
      'TASK [ping] *****',
      '\x1b[0;32mok: [web-01]\x1b[0m',
      '',
      'PLAY RECAP *********************************************************************',
      '\x1b[0;33mweb-01\x1b[0m                     : \x1b[0;32mok=3   \x1b[0m \x1b[0;33mchanged=1   \x1b[0m unreachable=0    failed=0    skipped=2    rescued=0    ignored=1   ',
      '\x1b[0;31mdb.example.org\x1b[0m             : ok=0    changed=0    \x1b[1;31munreachable=1   \x1b[0m failed=0    skipped=0    rescued=0    ignored=0   ',
      '',
      ''
    ].join('\r\n');
    expect(parseRecap(output)).toEqual([
      {
        host: 'web-01',
        ok: 3,
        changed: 1,
        unreachable: 0,
        failed: 0,
        skipped: 2,
        rescued: 0,
        ignored: 1
      },
      {
        host: 'db.example.org',
        ok: 0,
        changed: 0,
        unreachable: 1,
        failed: 0,
        skipped: 0,
        rescued: 0,
        ignored: 0
      }
    ]);
  });

  it('is null without a recap', () => {
    expect(parseRecap('ERROR! the playbook could not be found')).toBeNull();
  });
});

describe('inventories', () => {
  it('tells YAML from INI', () => {
    expect(inventoryIsYaml('# hosts\nall:\n  hosts:\n    a:\n')).toBe(true);
    expect(inventoryIsYaml('---\nweb:\n')).toBe(true);
    expect(inventoryIsYaml('{"all": {}}')).toBe(true);
    expect(inventoryIsYaml('[web]\nweb-01 ansible_host=10.0.0.1\n')).toBe(false);
    expect(inventoryIsYaml('target ansible_host=127.0.0.1 ansible_port=2222\n')).toBe(false);
  });

  it('turns dynamic-inventory JSON into the static YAML shape', () => {
    const dynamic = {
      all: { hosts: [], vars: { site: 'hz' }, children: ['type_host', 'env_prod'] },
      type_host: { hosts: ['web-01', 'db-01'], vars: {}, children: [] },
      env_prod: { hosts: ['web-01'], vars: { tier: 1 }, children: ['type_host'] },
      _meta: {
        hostvars: {
          'web-01': { ansible_host: '10.0.0.1', tags: ['web'] },
          'db-01': { ansible_host: '10.0.0.2' },
          lonely: { ansible_host: '10.0.0.3' }
        }
      }
    };
    expect(staticInventory(dynamic)).toEqual({
      all: {
        hosts: { lonely: { ansible_host: '10.0.0.3' } },
        vars: { site: 'hz' },
        children: {
          type_host: {
            hosts: {
              'web-01': { ansible_host: '10.0.0.1', tags: ['web'] },
              'db-01': { ansible_host: '10.0.0.2' }
            }
          },
          env_prod: {
            hosts: { 'web-01': { ansible_host: '10.0.0.1', tags: ['web'] } },
            vars: { tier: 1 },
            children: { type_host: {} }
          }
        }
      }
    });
  });

  it('writes every string as !unsafe YAML', () => {
    expect(unsafeYaml({ a: "{{ lookup('pipe', 'id') }}", n: 3, b: false, l: ['x\u007f'] })).toBe(
      `{"a": !unsafe "{{ lookup('pipe', 'id') }}", "n": 3, "b": false, "l": [!unsafe "x\\u007f"]}`
    );
  });
});
