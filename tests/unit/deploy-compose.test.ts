/**
 * The container files of deploy/, offline (no Docker engine here, so `docker compose config`
 * and `docker build` are not run; docs/deploy/README.md says so): the Dockerfile's stages, the
 * multi-node compose file (parsed as YAML with its merge keys, then checked against the app's
 * contracts), its Caddyfile, the .env example and the single-node compose file at the root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  deployDir,
  dockerStages,
  instruction,
  knownEnvVars,
  npmStartCommand,
  root,
  stageEnv
} from '../helpers/deploy';

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is walked as plain data */
const readYaml = (file: string): any => parse(readFileSync(file, 'utf8'), { merge: true });

const stages = dockerStages();
const final = stages.at(-1)!;

describe('deploy/Dockerfile', () => {
  it('builds in stages and ships no compiler, npm cache or source in the final one', () => {
    expect(stages.map((s) => s.name)).toEqual(['toolchain', 'build', 'prod-deps', 'runtime']);
    const finalText = final.instructions.map((i) => `${i.op} ${i.args}`).join('\n');
    expect(finalText).not.toMatch(/\b(g\+\+|gcc|make|python3|build-essential)\b/);
    expect(finalText).not.toMatch(/npm (ci|install)/);
    const copies = final.instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toEqual([
      '--from=prod-deps /app/node_modules ./node_modules',
      '--from=build /app/package.json ./package.json',
      '--from=build /app/build ./build'
    ]);
    const prodDeps = stages.find((s) => s.name === 'prod-deps')!;
    expect(instruction(prodDeps, 'RUN')).toMatch(/npm ci --omit=dev/);
  });

  it('skips onnxruntime’s download in every npm install (all are in the toolchain’s children)', () => {
    expect(stageEnv(stages[0]!).ONNXRUNTIME_NODE_INSTALL).toBe('skip');
    for (const stage of stages) {
      const installs = stage.instructions.some(
        (i) => i.op === 'RUN' && /npm (ci|install)/.test(i.args)
      );
      if (installs) expect(stage.from, stage.name).toBe('toolchain');
    }
  });

  it('runs `npm start`’s command as a numeric non-root user under tini, with a health check', () => {
    expect(JSON.parse(instruction(final, 'CMD')!)).toEqual(npmStartCommand());
    expect(JSON.parse(instruction(final, 'ENTRYPOINT')!)).toEqual(['/usr/bin/tini', '--']);
    const runs = final.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.join('\n')).toMatch(/apt-get install -y --no-install-recommends tini /);
    const user = instruction(final, 'USER')!;
    expect(user).toMatch(/^\d+:\d+$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    const healthcheck = instruction(final, 'HEALTHCHECK')!;
    expect(healthcheck).toMatch(/CMD \["node", "-e", .*\/healthz/);
    expect(stageEnv(final)).toMatchObject({ NODE_ENV: 'production', DATA_DIR: '/data' });
    expect(instruction(final, 'EXPOSE')).toBe(stageEnv(final).PORT);
    for (const name of Object.keys(stageEnv(final))) {
      expect(knownEnvVars().has(name), name).toBe(true);
    }
  });

  it('is fed a build context without secrets, state or dependencies', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.git', '.env', '.env.*', 'node_modules', 'build', 'data', '*.rbk']) {
      expect(ignored, entry).toContain(entry);
    }
  });
});

describe('deploy/compose.yaml', () => {
  const compose = readYaml(join(deployDir, 'compose.yaml'));
  const services = compose.services as Record<string, any>;
  const apps = ['app1', 'app2'];

  it('runs two app nodes, PostgreSQL, Redis and a proxy', () => {
    expect(Object.keys(services).sort()).toEqual(['app1', 'app2', 'postgres', 'proxy', 'redis']);
  });

  it('builds the app nodes from deploy/Dockerfile on PostgreSQL and Redis, hardened', () => {
    for (const name of apps) {
      const app = services[name];
      expect(app.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
      expect(existsSync(join(deployDir, app.build.context, app.build.dockerfile))).toBe(true);
      expect(app.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(app.environment.REDIS_URL).toMatch(/^redis:\/\/.*@redis:6379\/\d+$/);
      expect(app.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' }
      });
      expect(app).toMatchObject({ read_only: true, cap_drop: ['ALL'], env_file: '.env' });
      expect(app.tmpfs).toContain('/tmp');
      expect(app.volumes[0]).toMatch(new RegExp(`^${name}-data:/data$`));
      expect(Number.parseInt(app.stop_grace_period, 10)).toBeGreaterThanOrEqual(35);
      expect(app.ports).toBeUndefined();
    }
  });

  it('names each node (RUNBOARD_NODE_NAME, the `node` label of its metrics) as its service', () => {
    for (const name of apps) {
      expect(services[name].environment.RUNBOARD_NODE_NAME).toBe(name);
      expect(services[name].hostname).toBe(name);
      // The rest of the shared environment is kept (a merge, not a replacement).
      expect(services[name].environment.RUNBOARD_DRAIN_SECONDS).toBe('6');
    }
    expect(knownEnvVars().has('RUNBOARD_NODE_NAME')).toBe(true);
  });

  it('checks the health of every service and starts the proxy after healthy nodes', () => {
    for (const name of ['postgres', 'redis', 'proxy']) {
      expect(services[name].healthcheck?.test, name).toBeDefined();
    }
    // The app nodes use the image's HEALTHCHECK (deploy/Dockerfile).
    expect(instruction(final, 'HEALTHCHECK')).toBeDefined();
    expect(services.proxy.depends_on).toEqual({
      app1: { condition: 'service_healthy' },
      app2: { condition: 'service_healthy' }
    });
  });

  it('commits no secret: passwords are required variables from deploy/.env', () => {
    const text = readFileSync(join(deployDir, 'compose.yaml'), 'utf8');
    for (const name of ['POSTGRES_PASSWORD', 'REDIS_PASSWORD']) {
      expect(text).toContain(`\${${name}:?`);
    }
    expect(services.postgres.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    const gitignore = readFileSync(join(root, '.gitignore'), 'utf8').split('\n');
    expect(gitignore).toContain('.env');
  });

  it('declares every named volume it mounts', () => {
    const declared = Object.keys(compose.volumes);
    const mounted = Object.values(services).flatMap((s: any) =>
      (s.volumes ?? [])
        .map((v: string) => v.split(':')[0])
        .filter((source: string) => !source.startsWith('.'))
    );
    expect([...new Set(mounted)].sort()).toEqual(declared.sort());
  });

  it('proxies to both nodes through Caddy, routing on /readyz, with TLS and open websockets', () => {
    const mount = services.proxy.volumes.find((v: string) =>
      v.endsWith(':/etc/caddy/Caddyfile:ro')
    );
    const caddyfile = readFileSync(join(deployDir, mount.split(':')[0]), 'utf8');
    const upstreams = /reverse_proxy ([^{]+)\{/.exec(caddyfile)![1]!.trim().split(/\s+/);
    expect(upstreams).toEqual(apps.map((a) => `${a}:3000`));
    expect(caddyfile).toMatch(/health_uri \/readyz/);
    expect(caddyfile).toMatch(/tls \{\$RUNBOARD_TLS:internal\}/);
    expect(caddyfile).not.toMatch(/stream_timeout|read_timeout|write_timeout/);
    expect(services.proxy.ports).toEqual(
      expect.arrayContaining(['${RUNBOARD_HTTPS_PORT:-443}:443'])
    );
  });

  it('has an .env example naming only variables something reads, secrets left empty', () => {
    const text = readFileSync(join(deployDir, '.env.example'), 'utf8');
    const entries = text
      .split('\n')
      .filter((line) => /^[A-Z]/.test(line))
      .map((line) => line.split('=') as [string, string]);
    const composeText = readFileSync(join(deployDir, 'compose.yaml'), 'utf8');
    const interpolated = new Set([...composeText.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]));
    const known = knownEnvVars();
    for (const [name] of entries) {
      expect(known.has(name) || interpolated.has(name), name).toBe(true);
    }
    const values = Object.fromEntries(entries);
    for (const secret of [
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
      'RUNBOARD_SECRET_KEY',
      'METRICS_TOKEN',
      'OIDC_CLIENT_SECRET'
    ]) {
      expect(values[secret], secret).toBe('');
    }
  });
});

describe('compose.yaml (one node, SQLite)', () => {
  it('builds the same image and keeps its data in a volume', () => {
    const compose = readYaml(join(root, 'compose.yaml'));
    const app = compose.services.runboard;
    expect(app.build).toEqual({ context: '.', dockerfile: 'deploy/Dockerfile' });
    expect(app.environment.DATA_DIR).toBe('/data');
    expect(app.volumes).toEqual(['runboard-data:/data']);
    expect(app.environment.DATABASE_URL).toBeUndefined();
  });
});
