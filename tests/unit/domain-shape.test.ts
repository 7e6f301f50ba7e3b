/**
 * One shape for every server domain (docs/ARCHITECTURE.md, "One shape for every domain"): each
 * folder of src/lib/server/ is either infrastructure named in ARCHITECTURE.md, or a domain with
 * `<domain>-api.ts` (the REST operations, its only SvelteKit-aware file), `<domain>-service.ts`
 * (rules and permission checks), its stores `*-store.ts` (records) and optionally
 * `<domain>-extension.ts` (the sync extension), importing each other only downwards:
 * api → service → store. A domain without one of these is named in ARCHITECTURE.md with why.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const serverDir = join(root, 'src/lib/server');
const architecture = readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8');

/** Folders of src/lib/server that are infrastructure, not domains. */
const INFRASTRUCTURE = ['api', 'auth', 'db', 'demo', 'i18n'];

/** The section of ARCHITECTURE.md that lists the infrastructure folders and the exceptions. */
const shapeSection = (() => {
  const start = architecture.indexOf('## One shape for every domain');
  const end = architecture.indexOf('\n## ', start + 1);
  return start === -1 ? '' : architecture.slice(start, end === -1 ? undefined : end);
})();

const folders = readdirSync(serverDir).filter((name) =>
  statSync(join(serverDir, name)).isDirectory()
);
const domains = folders.filter((name) => !INFRASTRUCTURE.includes(name));

function sources(domain: string): string[] {
  return readdirSync(join(serverDir, domain)).filter((file) => file.endsWith('.ts'));
}

/** Module specifiers a file imports (static, dynamic and type-only). */
function importsOf(domain: string, file: string): string[] {
  const text = readFileSync(join(serverDir, domain, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

type Role = 'api' | 'json' | 'service' | 'store' | 'extension' | 'helper';

/**
 * The role of a file by its name: the REST operations (`-api`), the JSON forms they answer with
 * (`-json`, shared with the pages), the rules (`-service`), records (`-store`), the sync
 * extension (`-extension`), or a helper of any of them (segmentation, schemas, types).
 */
function roleOf(file: string): Role {
  const match = /-(api|json|service|store|extension)\.ts$/.exec(file);
  return (match?.[1] as Role | undefined) ?? 'helper';
}

/** Roles a file of each role may import from the server's domain folders. */
const MAY_IMPORT: Record<Role, readonly Role[]> = {
  api: ['api', 'json', 'service', 'store', 'extension', 'helper'],
  json: ['json', 'service', 'store', 'helper'],
  service: ['service', 'store', 'extension', 'helper'],
  extension: ['store', 'helper'],
  store: ['store', 'helper'],
  helper: ['store', 'helper']
};

describe('the shape of the server domains', () => {
  it('names every infrastructure folder in ARCHITECTURE.md', () => {
    expect(shapeSection).not.toBe('');
    for (const folder of INFRASTRUCTURE) {
      expect(folders, folder).toContain(folder);
      expect(shapeSection, folder).toContain(`\`${folder}/\``);
    }
  });

  it.each(domains)('%s: <domain>-api.ts, <domain>-service.ts and its stores', (domain) => {
    const files = sources(domain);
    for (const role of ['api', 'service', 'store'] as const) {
      const expected =
        role === 'store'
          ? files.some((f) => f.endsWith('-store.ts'))
          : files.includes(`${domain}-${role}.ts`);
      if (!expected) {
        // The exception must be written down, with the domain and the missing part.
        expect(shapeSection, `${domain} has no ${role}: name it in ARCHITECTURE.md`).toMatch(
          new RegExp(`\`${domain}/\`[\\s\\S]{0,40}?no ${role}`)
        );
      }
    }
    // One REST file and one service per domain; an extension is named after its domain.
    expect(files.filter((f) => roleOf(f) === 'api')).toEqual(
      files.includes(`${domain}-api.ts`) ? [`${domain}-api.ts`] : []
    );
    expect(files.filter((f) => roleOf(f) === 'service')).toEqual(
      files.includes(`${domain}-service.ts`) ? [`${domain}-service.ts`] : []
    );
    for (const file of files.filter((f) => roleOf(f) === 'extension')) {
      expect(file).toBe(`${domain}-extension.ts`);
    }
  });

  it.each(domains)(
    '%s: imports only downwards (api → service → store), SvelteKit only in the api',
    (domain) => {
      for (const file of sources(domain)) {
        const role = roleOf(file);
        for (const spec of importsOf(domain, file)) {
          if (role !== 'api') {
            expect(spec, `${domain}/${file}`).not.toMatch(/^@sveltejs\/kit|^\$app\//);
          }
          // Files of server domains, by relative path or $lib alias.
          const target = /(?:^\.\.?\/|\$lib\/server\/)(?:[a-z-]+\/)?([a-z-]+)$/.exec(spec);
          if (!target || (!spec.startsWith('.') && !spec.startsWith('$lib/server/'))) continue;
          const targetFolder = spec.startsWith('./')
            ? domain
            : (/(?:\.\.\/|\$lib\/server\/)([a-z-]+)\//.exec(spec)?.[1] ?? '');
          if (!domains.includes(targetFolder)) continue;
          const targetRole = roleOf(`${target[1]}.ts`);
          expect(
            MAY_IMPORT[role],
            `${domain}/${file} (${role}) imports ${spec} (${targetRole})`
          ).toContain(targetRole);
        }
      }
    }
  );
});
