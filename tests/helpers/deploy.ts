/**
 * Reading the deployment files of deploy/ for the tests that check them offline: the
 * Dockerfile's final stage, the variables the app reads, and overlays rendered by the real
 * `kubectl kustomize` (docs/deploy/README.md, "What was validated here").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const root = resolve(import.meta.dirname, '../..');
export const deployDir = join(root, 'deploy');
export const overlays = ['on-prem', 'aws', 'azure'] as const;

export interface DockerStage {
  /** The FROM line's image and stage name. */
  from: string;
  name?: string;
  /** Each instruction of the stage, continuation lines joined, comments dropped. */
  instructions: { op: string; args: string }[];
}

/** The stages of a Dockerfile, in order. */
export function dockerStages(file = join(deployDir, 'Dockerfile')): DockerStage[] {
  const lines = readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: DockerStage[] = [];
  for (const line of lines) {
    const [, word, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (word === undefined || rest === undefined) continue;
    const op = word.toUpperCase();
    const args = rest.trim();
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ from: from?.[1] ?? args, name: from?.[2], instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ op, args });
    }
  }
  return stages;
}

/** The arguments of the last `op` in `stage` (JSON exec form parsed). */
export function instruction(stage: DockerStage, op: string): string | undefined {
  return stage.instructions.filter((i) => i.op === op).at(-1)?.args;
}

/** `ENV` of a stage as a map (the `K=V \ K=V` form). */
export function stageEnv(stage: DockerStage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { op, args } of stage.instructions) {
    if (op !== 'ENV') continue;
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** The command `npm start` runs after a build (scripts/start.mjs's default entry). */
export function npmStartCommand(): string[] {
  const source = readFileSync(join(root, 'scripts/start.mjs'), 'utf8');
  const entry = /\?\?\s*'([^']+)'/.exec(source)?.[1];
  if (!entry) throw new Error('scripts/start.mjs: default entry not found');
  return ['node', entry];
}

/**
 * Every environment variable the app reads: the keys of src/lib/server/config.ts's schema, the
 * variables named in docs/design.md's contracts, and Node's own that deployments set.
 */
export function knownEnvVars(): Set<string> {
  const config = readFileSync(join(root, 'src/lib/server/config.ts'), 'utf8');
  const schema = config.slice(config.indexOf('const envSchema'), config.indexOf('export type'));
  const names = new Set<string>();
  for (const [, name] of schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)) if (name) names.add(name);
  const design = readFileSync(join(root, 'docs/design.md'), 'utf8');
  for (const [, name] of design.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+)[=`]/g)) {
    if (name) names.add(name);
  }
  for (const name of ['NODE_ENV', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS']) names.add(name);
  return names;
}

/** Where kubectl is (the Debian package `kubectl`/`kubernetes-client`, or KUBECTL). */
export function kubectlPath(): string {
  const candidates = [process.env.KUBECTL, '/usr/bin/kubectl', '/usr/local/bin/kubectl'];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) {
    throw new Error('kubectl not found: run `bash scripts/install-test-deps.sh` (or set KUBECTL)');
  }
  return found;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> } & Record<
    string,
    unknown
  >;
  [key: string]: unknown;
}

/** Parses a multi-document YAML stream; a YAML error fails. */
export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS() as K8sObject;
  });
}

/** `kubectl kustomize <dir>`: the objects an overlay (or the base) renders to. */
export function renderKustomize(dir: string): K8sObject[] {
  const text = execFileSync(kubectlPath(), ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  });
  return parseObjects(text);
}
