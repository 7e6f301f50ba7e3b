/**
 * Reading CMDB import files (src/lib/server/cmdb/cmdb-import.ts): CSV, JSON and Ansible
 * inventories (INI, YAML) into a plan, or every problem with the line it is on and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { translate } from '$lib/server/i18n/translate';
import {
  IMPORT_LIMITS,
  expandHostPattern,
  parseImport,
  type ImportPlan,
  type ImportResult,
  type RowError
} from '$lib/server/cmdb/cmdb-import';
import { ciCreateSchema, type CiType } from '$lib/shared/cmdb/schema';

const customTypes: Record<string, CiType> = {
  rack: {
    label: 'Rack',
    fields: [
      { key: 'units', label: 'Units', type: 'number', required: true },
      { key: 'powered', label: 'Powered', type: 'boolean', required: false },
      { key: 'room', label: 'Room', type: 'choice', required: false, choices: ['A', 'B'] }
    ]
  }
};
const ctx = { customTypes };

/** The plan of a good file; every item in it is what `POST …/cmdb/items` accepts. */
function plan(result: ImportResult): ImportPlan {
  if (!result.ok) throw new Error(`expected a plan, got ${JSON.stringify(result.errors)}`);
  for (const { item } of result.plan.items) expect(ciCreateSchema.parse(item)).toEqual(item);
  return result.plan;
}
function errors(result: ImportResult): RowError[] {
  if (result.ok) throw new Error('expected errors, got a plan');
  return result.errors;
}
/** Errors as `row key` strings, easy to compare. */
function brief(result: ImportResult): string[] {
  return errors(result).map((e) => `${e.row} ${e.key.replace('cmdbImport.row.', '')}`);
}

describe('CSV import', () => {
  it('reads the header of the contract, tags separated by ";", and the optional columns', () => {
    const csv = [
      'type,name,environment,criticality,owner,tags',
      'host,web-01,production,high,platform,web;linux',
      'database,pg-main,production,critical,dba,',
      'service,checkout,,,,'
    ].join('\n');
    const p = plan(parseImport('csv', csv, ctx));
    expect(p.items).toEqual([
      {
        row: 2,
        item: {
          type: 'host',
          name: 'web-01',
          environment: 'production',
          criticality: 'high',
          owner: 'platform',
          attributes: {},
          tags: ['web', 'linux']
        }
      },
      {
        row: 3,
        item: {
          type: 'database',
          name: 'pg-main',
          environment: 'production',
          criticality: 'critical',
          owner: 'dba',
          attributes: {},
          tags: []
        }
      },
      {
        row: 4,
        item: {
          type: 'service',
          name: 'checkout',
          environment: null,
          owner: null,
          attributes: {},
          tags: []
        }
      }
    ]);
    expect(p.relations).toEqual([]);
  });

  it('follows RFC 4180: BOM, CRLF, quoted commas, quotes and line breaks; a record spanning lines is reported at its first line', () => {
    const csv =
      '\uFEFFtype,name,owner,attr.note,depends_on\r\n' +
      'host,"web, one","team ""A""","two\r\nlines",db\r\n' +
      'database,db,,,\r\n' +
      '\r\n' +
      'host,web-02,,"x","db;web, one"\r\n' +
      'vm,,,,\r\n';
    const result = parseImport('csv', csv, ctx);
    // Line 1 header, 2-3 the quoted record, 4 db, 5 empty, 6 web-02, 7 the vm without a name.
    expect(brief(result)).toEqual(['7 missingName']);
    const fixed = parseImport('csv', csv.replace('vm,,,,', 'vm,vm-1,,,'), ctx);
    const p = plan(fixed);
    expect(p.items.map((i) => [i.row, i.item.name])).toEqual([
      [2, 'web, one'],
      [4, 'db'],
      [6, 'web-02'],
      [7, 'vm-1']
    ]);
    expect(p.items[0]!.item.owner).toBe('team "A"');
    expect(p.items[0]!.item.attributes).toEqual({ note: 'two\r\nlines' });
    expect(p.relations).toEqual([
      { row: 2, from: 'web, one', to: 'db', type: 'depends_on' },
      { row: 6, from: 'web-02', to: 'db', type: 'depends_on' },
      { row: 6, from: 'web-02', to: 'web, one', type: 'depends_on' }
    ]);
  });

  it('keeps free attributes as text and converts the typed fields of a custom type', () => {
    const csv = [
      'type,name,attr.units,attr.powered,attr.port',
      'rack,r1,42,yes,8080',
      'host,h1,42,yes,8080'
    ].join('\n');
    const p = plan(parseImport('csv', csv, ctx));
    expect(p.items[0]!.item.attributes).toEqual({ units: 42, powered: true, port: '8080' });
    expect(p.items[1]!.item.attributes).toEqual({ units: '42', powered: 'yes', port: '8080' });
  });

  it('refuses unknown, duplicate and missing columns on row 1 and reads no row', () => {
    expect(brief(parseImport('csv', 'type,name,colour\nhost,a,red', ctx))).toEqual([
      '1 csvUnknownColumn'
    ]);
    expect(brief(parseImport('csv', 'type,name,name\nhost,a,b', ctx))).toEqual([
      '1 csvDuplicateColumn'
    ]);
    expect(brief(parseImport('csv', 'name,owner\na,b', ctx))).toEqual(['1 csvMissingColumn']);
    const e = errors(parseImport('csv', 'type,name,colour\nhost,a,red', ctx))[0]!;
    expect(e.values).toEqual({ column: 'colour' });
  });

  it('reports every bad row with its line, the first problem does not hide the others, and nothing is planned', () => {
    const csv = [
      'type,name,criticality,tags,depends_on', // 1
      'host,a,high,,', // 2 fine
      'gizmo,b,,,', // 3 unknown type
      'host,A,,,', // 4 duplicate of a (case-insensitive)
      'host,c,urgent,,', // 5 bad criticality
      'host,d,low', // 6 too few fields
      'rack,e,,,', // 7 custom type without its required field
      `host,f,,${Array.from({ length: CI_TAGS + 1 }, (_, i) => `t${i}`).join(';')},`, // 8 too many tags
      'host,g,,,a', // 9 fine: g depends on a
      'host,h,,,h' // 10 self
    ].join('\n');
    const result = parseImport('csv', csv, ctx);
    expect(brief(result)).toEqual([
      '3 unknownType',
      '4 duplicateName',
      '5 badCriticality',
      '6 csvColumnCount',
      '7 fieldRequired',
      '8 tooManyTags',
      '10 relationSelf'
    ]);
    const list = errors(result);
    expect(list[1]!.values).toEqual({ name: 'A', first: 2 });
    expect(list[3]!.values).toEqual({ found: 3, expected: 5 });
    expect(list[4]!.values).toEqual({ field: 'units', type: 'rack' });
    expect(result).not.toHaveProperty('plan');
  });

  it('refuses a cycle among the items of the file, at the row of the relation that closes it', () => {
    const csv = [
      'type,name,depends_on,runs_on',
      'service,a,b,',
      'service,b,,c',
      'host,c,,',
      'host,d,,',
      'host,C2,,',
      'service,x,,a'
    ].join('\n');
    expect(parseImport('csv', csv, ctx).ok).toBe(true);
    const cyclic = csv.replace('host,c,,', 'host,c,a,');
    const list = errors(parseImport('csv', cyclic, ctx));
    expect(list).toEqual([
      { row: 4, key: 'cmdbImport.row.relationCycle', values: { from: 'c', to: 'a' } }
    ]);
  });

  it('passes relations to names outside the file on to the service', () => {
    const p = plan(parseImport('csv', 'type,name,depends_on\nservice,api,existing-db;other', ctx));
    expect(p.relations.map((r) => r.to)).toEqual(['existing-db', 'other']);
  });

  it('undoes the formula guard of the export and reports unclosed or stray quotes', () => {
    const p = plan(parseImport('csv', "type,name,owner\nhost,'=cmd,'-team", ctx));
    expect(p.items[0]!.item).toMatchObject({ name: '=cmd', owner: '-team' });
    expect(brief(parseImport('csv', 'type,name\nhost,"open\nhost,b', ctx))).toEqual([
      '2 csvUnclosedQuote'
    ]);
    expect(brief(parseImport('csv', 'type,name\nhost,a"b', ctx))).toEqual(['2 csvStrayQuote']);
  });

  it('stops listing at the error limit and says there are more', () => {
    const rows = Array.from({ length: 300 }, (_, i) => `gizmo,n${i}`);
    const list = errors(parseImport('csv', ['type,name', ...rows].join('\n'), ctx));
    expect(list).toHaveLength(IMPORT_LIMITS.errors);
    expect(list.at(-1)!.key).toBe('cmdbImport.row.tooManyErrors');
    expect(list[0]!.row).toBe(2);
  });

  it('reads runs_on and connects_to columns and old Mac line ends (CR)', () => {
    const csv = 'type,name,runs_on,connects_to\rvm,app,k8s,\r\rcluster,k8s,,lb\rhost,lb,,\r';
    const p = plan(parseImport('csv', csv, ctx));
    expect(p.items.map((i) => [i.row, i.item.name])).toEqual([
      [2, 'app'],
      [4, 'k8s'],
      [5, 'lb']
    ]);
    expect(p.relations).toEqual([
      { row: 2, from: 'app', to: 'k8s', type: 'runs_on' },
      { row: 4, from: 'k8s', to: 'lb', type: 'connects_to' }
    ]);
  });

  it('checks the limits of names, environments, owners, tags and attributes', () => {
    const long = (n: number) => 'x'.repeat(n);
    const csv = [
      'type,name,environment,owner,tags,attr.note',
      `host,${long(201)},,,,`,
      `host,b,${long(41)},,,`,
      `host,c,,${long(101)},,`,
      `host,d,,,${long(61)},`,
      `host,e,,,,${long(2001)}`,
      'host,"f\tg",,,,'
    ].join('\n');
    expect(brief(parseImport('csv', csv, ctx))).toEqual([
      '2 nameTooLong',
      '3 environmentTooLong',
      '4 ownerTooLong',
      '5 tagTooLong',
      '6 attributeTooLong',
      '7 nameControl'
    ]);
  });

  it('refuses an empty file', () => {
    expect(brief(parseImport('csv', '\uFEFF \n', ctx))).toEqual(['1 emptyFile']);
  });
});

const CI_TAGS = 50;

describe('JSON import', () => {
  it('reads { items, relations } with the line where each object starts', () => {
    const json = `{
  "items": [
    { "type": "host", "name": "web-01", "environment": "production",
      "attributes": { "cpu": 4, "ssd": true, "note": null }, "tags": ["web"] },
    {
      "type": "database",
      "name": "pg"
    },
    { "type": "rack", "name": "r1", "attributes": { "units": 42 } }
  ],
  "relations": [
    { "from": "web-01", "to": "pg", "type": "depends_on" },
    { "from": "pg", "to": "san-1", "type": "runs_on" }
  ]
}`;
    const p = plan(parseImport('json', json, ctx));
    expect(p.items.map((i) => i.row)).toEqual([3, 5, 9]);
    expect(p.items[0]!.item).toEqual({
      type: 'host',
      name: 'web-01',
      environment: 'production',
      owner: null,
      attributes: { cpu: 4, ssd: true, note: null },
      tags: ['web']
    });
    expect(p.relations).toEqual([
      { row: 12, from: 'web-01', to: 'pg', type: 'depends_on' },
      { row: 13, from: 'pg', to: 'san-1', type: 'runs_on' }
    ]);
  });

  it('reads a bare array; a file on one line reports every item at row 1', () => {
    const p = plan(
      parseImport('json', '[{"type":"host","name":"a"},{"type":"vm","name":"b"}]', ctx)
    );
    expect(p.items.map((i) => i.row)).toEqual([1, 1]);
    const list = errors(
      parseImport('json', '[{"type":"host","name":"a"},{"type":"host","name":"a"}]', ctx)
    );
    expect(list).toEqual([
      { row: 1, key: 'cmdbImport.row.duplicateName', values: { name: 'a', first: 1 } }
    ]);
  });

  it('reports wrong shapes, unknown fields, wrong types, duplicates and cycles at their lines', () => {
    const json = `[
  { "type": "host", "name": "a" },
  { "type": "hots", "name": "b" },
  { "type": "host", "name": "A" },
  { "type": "host", "name": "c", "colour": "red" },
  { "type": "host", "name": "d", "tags": "web" },
  { "type": "rack", "name": "e", "attributes": { "units": "many", "room": "C" } },
  "nonsense",
  { "type": "host", "name": "f", "attributes": { "nested": { "x": 1 } } },
  { "type": "host" }
]`;
    expect(brief(parseImport('json', json, ctx))).toEqual([
      '3 unknownType',
      '4 duplicateName',
      '5 unknownField',
      '6 fieldNotList',
      '7 fieldNotNumber',
      '7 fieldNotChoice',
      '8 notObject',
      '9 attributeValue',
      '10 missingName'
    ]);
    const cyclic = `{"items": [
  {"type": "service", "name": "a"},
  {"type": "service", "name": "b"}
], "relations": [
  {"from": "a", "to": "b", "type": "depends_on"},
  {"from": "b", "to": "a", "type": "connects_to"},
  {"from": "a", "to": "b", "type": "likes"}
]}`;
    expect(brief(parseImport('json', cyclic, ctx))).toEqual(['6 relationCycle', '7 relationType']);
  });

  it('reports a syntax error at its line', () => {
    const list = errors(
      parseImport('json', '[\n  {"type": "host", "name": "a"},\n  {"type": }\n]', ctx)
    );
    expect(list).toHaveLength(1);
    expect(list[0]!.key).toBe('cmdbImport.row.jsonSyntax');
    expect(list[0]!.row).toBe(3);
    expect(brief(parseImport('json', '{"things": []}', ctx))).toEqual(['1 jsonShape']);
  });
});

describe('Ansible INI inventory import', () => {
  const ini = `# the inventory of the shop
bastion.example.com ansible_user=admin

[web]
web[01:03].example.com http_port=80
web-old.example.com:2222 ansible_host=10.0.0.9 note="a quoted value"

[db]
db-[a:b].example.com

[web:vars]
env=staging

[prod:children]
db

[prod:vars]
environment=production
runboard_criticality=critical

[virt]
vm1.example.com runboard_type=vm
`;

  it('expands ranges, turns groups (with their parents) into tags, host vars into attributes and the env var into the environment', () => {
    const p = plan(parseImport('ansible-ini', ini, ctx));
    const byName = Object.fromEntries(p.items.map((i) => [i.item.name, i]));
    expect(p.items.map((i) => i.item.name)).toEqual([
      'bastion.example.com',
      'web01.example.com',
      'web02.example.com',
      'web03.example.com',
      'web-old.example.com',
      'db-a.example.com',
      'db-b.example.com',
      'vm1.example.com'
    ]);
    expect(byName['bastion.example.com']).toEqual({
      row: 2,
      item: {
        type: 'host',
        name: 'bastion.example.com',
        environment: null,
        owner: null,
        attributes: { ansible_user: 'admin' },
        tags: []
      }
    });
    expect(byName['web02.example.com']).toEqual({
      row: 5,
      item: {
        type: 'host',
        name: 'web02.example.com',
        environment: 'staging',
        owner: null,
        attributes: { http_port: '80' },
        tags: ['web']
      }
    });
    expect(byName['web-old.example.com']!.item.attributes).toEqual({
      ansible_host: '10.0.0.9',
      ansible_port: '2222',
      note: 'a quoted value'
    });
    expect(byName['db-b.example.com']).toEqual({
      row: 9,
      item: {
        type: 'host',
        name: 'db-b.example.com',
        environment: 'production',
        criticality: 'critical',
        owner: null,
        attributes: {},
        tags: ['db', 'prod']
      }
    });
    expect(byName['vm1.example.com']!.item.type).toBe('vm');
  });

  it('reports bad sections, bad variables, bad ranges and unknown types at their lines', () => {
    const bad = `[web]
web[03:01]
ok.example.com
[web:nonsense]
x
[db]
db1 port
[db:vars]
novalue
[other]
h1 runboard_type=gizmo
`;
    expect(brief(parseImport('ansible-ini', bad, ctx))).toEqual([
      '2 hostRange',
      '4 iniSection',
      '7 iniVariable',
      '9 iniVariable',
      '11 unknownType'
    ]);
  });

  it('expands host patterns like Ansible', () => {
    expect(expandHostPattern('web[1:3]')).toEqual(['web1', 'web2', 'web3']);
    expect(expandHostPattern('web[08:10].x')).toEqual(
      ['web08', 'web09', 'web10'].map((h) => `${h}.x`)
    );
    expect(expandHostPattern('n[0:6:3]-[a:b]')).toEqual([
      'n0-a',
      'n0-b',
      'n3-a',
      'n3-b',
      'n6-a',
      'n6-b'
    ]);
    expect(expandHostPattern('bad[1:]')).toBeNull();
    expect(() => expandHostPattern('big[0:99999]')).toThrow(RangeError);
  });
});

describe('Ansible YAML inventory import', () => {
  const yaml = `all:
  hosts:
    bastion.example.com:
      ansible_user: admin
  vars:
    ntp: pool.ntp.org
  children:
    web:
      hosts:
        web[1:2].example.com:
          http_port: 80
          tls: true
          labels: [a, b]
      vars:
        env: staging
    prod:
      vars:
        environment: production
      children:
        db:
          hosts:
            db1.example.com:
            vm9.example.com:
              runboard_type: vm
              runboard_owner: dba
`;

  it('reads groups, children, host vars with their YAML types, environments, and the line of each host', () => {
    const p = plan(parseImport('ansible-yaml', yaml, ctx));
    expect(p.items.map((i) => [i.row, i.item.name])).toEqual([
      [3, 'bastion.example.com'],
      [10, 'web1.example.com'],
      [10, 'web2.example.com'],
      [22, 'db1.example.com'],
      [23, 'vm9.example.com']
    ]);
    expect(p.items[1]!.item).toEqual({
      type: 'host',
      name: 'web1.example.com',
      environment: 'staging',
      owner: null,
      attributes: { http_port: 80, tls: true, labels: '["a","b"]' },
      tags: ['web']
    });
    expect(p.items[4]!.item).toEqual({
      type: 'vm',
      name: 'vm9.example.com',
      environment: 'production',
      owner: 'dba',
      attributes: {},
      tags: ['db', 'prod']
    });
  });

  it('reports unknown group keys, syntax errors and duplicate names (case-insensitive) at their lines', () => {
    const bad = `all:
  hosts:
    Web1:
  children:
    web:
      hosts:
        web1:
      members:
        x:
`;
    const list = errors(parseImport('ansible-yaml', bad, ctx));
    expect(list.map((e) => `${e.row} ${e.key}`)).toEqual([
      '7 cmdbImport.row.duplicateName',
      '8 cmdbImport.row.yamlGroupKey'
    ]);
    expect(list[0]!.values).toEqual({ name: 'web1', first: 3 });
    const syntax = errors(parseImport('ansible-yaml', 'all:\n  hosts:\n    a: [\n', ctx));
    expect(syntax[0]!.key).toBe('cmdbImport.row.yamlSyntax');
    expect(brief(parseImport('ansible-yaml', '- a\n- b\n', ctx))).toEqual(['1 yamlShape']);
  });
});

describe('messages', () => {
  it('fills every parameter of every row error, in both languages', () => {
    const broken: Array<[Parameters<typeof parseImport>[0], string]> = [
      ['csv', 'type,name,colour,name\nhost,a'],
      [
        'csv',
        'type,name,criticality,tags,attr.units,depends_on\ngizmo,,urgent,,,\nrack,r,,,x,r\nhost,h,,,,\nhost,H,,,,'
      ],
      ['csv', 'type,name\nhost,"a'],
      ['csv', 'type,name\nhost,a"b'],
      [
        'json',
        '{"items": [1, {"type": 2, "name": [], "colour": 1, "attributes": {"": 1, "k": {}}, "tags": "x"}], "relations": [{"from": "a"}, {"from": "a", "to": "b", "type": "x"}]}'
      ],
      ['json', '[{"type": }]'],
      ['json', '{"x": 1}'],
      ['ansible-ini', '[a:b:c]\n[g]\nh[3:1]\nh[0:99999]\n[g:vars]\nnovalue\n[x\n'],
      ['ansible-yaml', 'all:\n  members: 1\n'],
      ['ansible-yaml', '- 1\n'],
      ['ansible-yaml', 'all: [\n'],
      ['csv', ' ']
    ];
    const keys = new Set<string>();
    for (const [format, text] of broken) {
      for (const error of errors(parseImport(format, text, ctx))) {
        keys.add(error.key);
        for (const locale of ['en', 'zh-CN'] as const) {
          const message = translate(
            locale,
            error.key as 'cmdbImport.row.duplicateName',
            error.values as never
          );
          expect(message, `${error.key} in ${locale}`).not.toMatch(/\{\w+\}/);
        }
      }
    }
    expect(keys.size).toBeGreaterThan(20);
  });
});
