/**
 * The PostgreSQL pass (`npm run test:postgres`) runs again, on PostgreSQL, only the test files
 * whose behaviour depends on the run's backend, as listed in tests/postgres-pass.mjs
 * (docs/testing.md, "The PostgreSQL pass"). This guard fails when a test file stores on the
 * run's backend but is in neither list, when a listed file no longer does (it would run the
 * same tests twice), and when a record store or document storage has no file proving it on
 * PostgreSQL.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notOnPostgres, postgres, storeCoverage } from '../postgres-pass.mjs';

const root = resolve(import.meta.dirname, '../..');

function walk(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path, keep));
    else if (keep(path)) out.push(relative(root, path));
  }
  return out.sort();
}

/** Every vitest file (the browser tests live in tests/e2e and are *.e2e.ts). */
const testFiles = walk(join(root, 'tests'), (path) => path.endsWith('.test.ts'));

/**
 * The top-level argument count of each call of `name(` in `text` (strings and comments are not
 * parsed; the helpers' arguments are plain expressions).
 */
function callArities(text: string, name: string): number[] {
  const arities: number[] = [];
  const call = new RegExp(`(?<![\\w.])${name}\\(`, 'g');
  for (const match of text.matchAll(call)) {
    let depth = 1;
    let commas = 0;
    let sawArgument = false;
    let lastSignificant = '';
    for (let i = match.index + match[0].length; i < text.length && depth > 0; i++) {
      const c = text[i]!;
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
      if (depth === 0) break;
      if (depth === 1 && c === ',') commas++;
      if (!/\s/.test(c)) {
        sawArgument = true;
        lastSignificant = c;
      }
    }
    // A trailing comma does not start another argument.
    arities.push(sawArgument ? commas + 1 - (lastSignificant === ',' ? 1 : 0) : 0);
  }
  return arities;
}

/**
 * Helpers whose backend is an optional argument defaulting to the run's (tests/helpers/database.ts):
 * a call without it follows RUNBOARD_TEST_DATABASE.
 */
const OPTIONAL_BACKEND = { databaseTargetFor: 2, openTestDatabase: 2 } as const;
/** Names that always mean the run's backend. */
const RUN_BACKEND = ['databaseEnvFor', 'testBackend'];

/** Whether `text` (a helper's body or a test file) stores on the run's backend via `names`. */
function followsRunBackend(text: string, names: Set<string>): boolean {
  for (const [name, full] of Object.entries(OPTIONAL_BACKEND)) {
    if (callArities(text, name).some((arity) => arity < full)) return true;
  }
  for (const name of names) {
    if (new RegExp(`(?<![\\w.'"])${name}\\b`).test(text)) return true;
  }
  return false;
}

/** Top-level declarations of a helper module: name → text up to the next one. */
function declarations(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const starts = [
    ...text.matchAll(
      /^(?:export\s+)?(?:async\s+)?(?:function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)/gm
    )
  ];
  starts.forEach((match, i) => {
    const end = starts[i + 1]?.index ?? text.length;
    out.set(match[1]!, text.slice(match.index, end));
  });
  return out;
}

/**
 * The helpers (tests/helpers/) that store on the run's backend: those that call one of
 * RUN_BACKEND, an OPTIONAL_BACKEND helper without its backend, or such a helper, to a fixpoint.
 * tests/helpers/database.ts defines the switch itself and is left out.
 */
const backendHelpers = (() => {
  const decls = new Map<string, string>();
  for (const file of walk(join(root, 'tests/helpers'), (path) => path.endsWith('.ts'))) {
    if (file.endsWith('/database.ts') || file.endsWith('.d.ts')) continue;
    for (const [name, body] of declarations(readFileSync(join(root, file), 'utf8')))
      decls.set(name, body);
  }
  const following = new Set(RUN_BACKEND);
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, body] of decls) {
      if (following.has(name)) continue;
      // The declaration's own name is not a use of itself.
      const uses = body.slice(body.indexOf(name) + name.length);
      if (followsRunBackend(uses, following)) {
        following.add(name);
        changed = true;
      }
    }
  }
  return following;
})();

const following = testFiles.filter((file) =>
  followsRunBackend(readFileSync(join(root, file), 'utf8'), backendHelpers)
);

/** Whether a file opens PostgreSQL itself in the default run. */
function opensPostgresItself(file: string): boolean {
  return /\b(recordsBackends|durableBackends|postgresBackend|createTestDatabase)\b|name: 'postgres'/.test(
    readFileSync(join(root, file), 'utf8')
  );
}

describe('the PostgreSQL pass (tests/postgres-pass.mjs)', () => {
  it('finds the helpers that store on the run’s backend', () => {
    // A sanity check of the scan itself: these are the entry points most suites use.
    for (const name of [
      'startApp',
      'startAppProcess',
      'startSyncProcess',
      'startSyncServer',
      'useRestApp',
      'seedWorkspace',
      'readStoredDoc'
    ])
      expect(backendHelpers, name).toContain(name);
    // Helpers that name their backend are not.
    for (const name of ['openTestRecords', 'tempDataDir', 'sqliteBackend', 'postgresBackend'])
      expect(backendHelpers, name).not.toContain(name);
    expect(callArities('openTestDatabase(dir, backend.name)', 'openTestDatabase')).toEqual([2]);
    expect(callArities('openTestDatabase(join(a, b),\n)', 'openTestDatabase')).toEqual([1]);
  });

  it('lists every test file that stores on the run’s backend', () => {
    const unlisted = following.filter((file) => !(file in postgres) && !(file in notOnPostgres));
    expect(
      unlisted,
      'these files store on RUNBOARD_TEST_DATABASE’s backend: add each to `postgres` in ' +
        'tests/postgres-pass.mjs when what it proves depends on the storage, or to ' +
        '`notOnPostgres` with the reason it does not'
    ).toEqual([]);
  });

  it('lists only files that exist, store on the run’s backend, and once', () => {
    const listed = [...Object.keys(postgres), ...Object.keys(notOnPostgres)];
    expect(
      listed.filter((file) => !existsSync(join(root, file))),
      'missing files'
    ).toEqual([]);
    expect(
      listed.filter((file) => !following.includes(file)),
      'these files run the same tests on both passes (they name their backends or store ' +
        'nothing): remove them from tests/postgres-pass.mjs'
    ).toEqual([]);
    expect(
      Object.keys(postgres).filter((file) => file in notOnPostgres),
      'in both'
    ).toEqual([]);
    for (const [file, reason] of Object.entries({ ...postgres, ...notOnPostgres }))
      expect(reason.trim().length, `a reason for ${file}`).toBeGreaterThan(10);
  });

  it('proves every record store and document storage on PostgreSQL', () => {
    const stores = [
      ...walk(join(root, 'src'), (path) => /-store\.ts$/.test(path)),
      ...walk(join(root, 'sync-server'), (path) => /-store\.ts$/.test(path)),
      // The in-memory storage has nothing to prove on PostgreSQL.
      ...walk(join(root, 'sync-server/storage'), (path) => /-storage\.ts$/.test(path)).filter(
        (path) => !path.endsWith('memory-storage.ts')
      )
    ];
    const coverage: Record<string, string[]> = storeCoverage;
    expect(
      stores.filter((store) => !coverage[store]?.length),
      'map each store to the test files that prove it on PostgreSQL in storeCoverage'
    ).toEqual([]);
    for (const [store, files] of Object.entries(coverage)) {
      expect(existsSync(join(root, store)), `${store} exists`).toBe(true);
      for (const file of files) {
        expect(existsSync(join(root, file)), `${file} exists`).toBe(true);
        expect(
          file in postgres || opensPostgresItself(file),
          `${file} (for ${store}) runs on PostgreSQL: in \`postgres\` or opening it itself`
        ).toBe(true);
      }
    }
  });
});
