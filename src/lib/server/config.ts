/**
 * The one reader of the environment. Everything configurable is parsed and validated here,
 * once per process; a bad value stops the process with a readable list of what is wrong.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

const logLevels = ['debug', 'info', 'warn', 'error'] as const;
const aiEmbedders = ['lexical', 'model', 'openai'] as const;

/** The defaults of automation-runner.ts `automationDefaults.staleMs` and `.heartbeatMs`. */
export const AUTOMATION_STALE_MS_DEFAULT = 30_000;
export const AUTOMATION_HEARTBEAT_MS_DEFAULT = 5_000;

/** Days a finished task stays on the live board before it moves to the archive. */
export const DEFAULT_ARCHIVE_AFTER_DAYS = 14;

/** How long ai/ask waits for the optional chat endpoint before it keeps the rules' query. */
export const AI_CHAT_TIMEOUT_MS_DEFAULT = 5_000;

/** Graceful shutdown's timings when not configured (seconds). */
export const SHUTDOWN_DEFAULTS = { drainSeconds: 0, timeoutSeconds: 20 } as const;

/** Path of the OIDC redirect URI: register `<ORIGIN>/auth/oidc/callback` at the provider. */
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
/** The variables that turn single sign-on on: all of them, or none. */
const OIDC_REQUIRED = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
const OIDC_OPTIONAL = ['OIDC_NAME', 'OIDC_SCOPES'] as const;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A blank variable counts as unset (compose and .env files often carry `OIDC_ISSUER=`). */
function blankIsUnset<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);
}

/** Whether `name` holds a non-blank value. */
function isSet(env: Record<string, string | undefined>, name: string): boolean {
  return (env[name] ?? '').trim() !== '';
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  // Checked for its scheme only: the driver reports what else is wrong when it connects, and
  // the value (which may hold a password) never appears in a message.
  DATABASE_URL: blankIsUnset(
    z
      .string()
      .refine((value) => /^postgres(ql)?:\/\//.test(value), {
        message:
          'must be a PostgreSQL connection URL (postgres://user:password@host:5432/database); ' +
          'unset it to use the embedded SQLite store in DATA_DIR'
      })
      .optional()
  ),
  // Checked for its scheme only, like DATABASE_URL (the value may hold a password).
  REDIS_URL: blankIsUnset(
    z
      .string()
      .refine((value) => /^rediss?:\/\//.test(value), {
        message:
          'must be a Redis URL (redis://[:password@]host:6379[/db], or rediss:// for TLS); ' +
          'unset it to run a single node'
      })
      .optional()
  ),
  // Channels are `<REDIS_PREFIX>:doc:<name>`, `…:access`, `…:nodes`: one prefix per deployment
  // sharing a Redis (pub/sub channels ignore the db number).
  REDIS_PREFIX: blankIsUnset(
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, {
        message: 'must be 1 to 64 letters, digits, dots, dashes or underscores'
      })
      .default('runboard')
  ),
  // This node's name, the `node` label of its own metrics (docs/metrics.md "Several nodes");
  // unset: the hostname (in Kubernetes the pod name, which the Deployment also passes).
  RUNBOARD_NODE_NAME: blankIsUnset(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/, {
        message:
          'must be 1 to 253 letters, digits, dots, dashes or underscores, starting with a ' +
          'letter or digit (e.g. the pod name)'
      })
      .optional()
  ),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  // Finished tasks older than this leave the live board for the archive (archive/archive-service.ts).
  ARCHIVE_AFTER_DAYS: blankIsUnset(
    z.coerce
      .number()
      .int({ message: 'must be a whole number of days' })
      .min(1, { message: 'must be at least 1 (day)' })
      .default(DEFAULT_ARCHIVE_AFTER_DAYS)
  ),
  ORIGIN: z.url().optional(),
  // Credentials at rest (notification channels, automation) are sealed under this key
  // (auth/secret-box.ts): 32 bytes as 64 hex digits or base64.
  RUNBOARD_SECRET_KEY: blankIsUnset(
    z
      .string()
      .trim()
      .refine((v) => decodeSecretKey(v) !== null, {
        message: 'must be 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32)'
      })
      .optional()
  ),
  // Tokens and the client secret cross this connection, so plain http is for a provider on the
  // same host only (a local Keycloak while trying things out, the test suite).
  OIDC_ISSUER: blankIsUnset(
    z
      .url({ protocol: /^https?$/ })
      .refine(
        (v) =>
          !URL.canParse(v) || v.startsWith('https:') || LOOPBACK_HOSTS.has(new URL(v).hostname),
        { message: 'must use https (plain http is accepted for localhost only)' }
      )
      .optional()
  ),
  // How long a running run may go without its runner calling in before it is marked
  // `interrupted`, and how often runners call in (and the sweep looks); docs/automation.md
  // "Limits". Meant for tests and unusual networks; the defaults suit most installs.
  RUNBOARD_AUTOMATION_STALE_MS: blankIsUnset(
    z.coerce
      .number()
      .int({ message: 'must be a whole number of milliseconds' })
      .min(1000, { message: 'must be at least 1000 (ms)' })
      .max(3_600_000, { message: 'must be at most 3600000 (ms, an hour)' })
      .optional()
  ),
  RUNBOARD_AUTOMATION_HEARTBEAT_MS: blankIsUnset(
    z.coerce
      .number()
      .int({ message: 'must be a whole number of milliseconds' })
      .min(200, { message: 'must be at least 200 (ms)' })
      .max(600_000, { message: 'must be at most 600000 (ms)' })
      .optional()
  ),
  // A node's own limits (docs/deploy/limits in docs/scale.md "Per node"): websocket
  // connections it holds, and the resident memory above which it takes no new ones and reports
  // itself not ready, so the load balancer sends new clients elsewhere.
  RUNBOARD_MAX_CONNECTIONS: blankIsUnset(
    z.coerce
      .number()
      .int({ message: 'must be a whole number of connections' })
      .min(1, { message: 'must be at least 1' })
      .optional()
  ),
  RUNBOARD_MAX_MEMORY_MB: blankIsUnset(
    z.coerce
      .number()
      .int({ message: 'must be a whole number of MiB' })
      .min(64, { message: 'must be at least 64 (MiB)' })
      .optional()
  ),
  // Graceful shutdown on SIGTERM (entries/process.ts): /readyz fails for DRAIN seconds while the
  // node still serves (a load balancer's readiness probe notices and stops sending clients),
  // then it stops accepting, saves, closes its sockets with "going away" and exits; after
  // SHUTDOWN_TIMEOUT seconds it exits regardless. Keep the sum below the orchestrator's grace
  // period (Kubernetes: terminationGracePeriodSeconds, 30 by default).
  RUNBOARD_DRAIN_SECONDS: blankIsUnset(
    z.coerce
      .number()
      .min(0, { message: 'must be 0 or more (seconds)' })
      .max(300, { message: 'must be at most 300 (seconds)' })
      .default(SHUTDOWN_DEFAULTS.drainSeconds)
  ),
  RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS: blankIsUnset(
    z.coerce
      .number()
      .min(1, { message: 'must be at least 1 (second)' })
      .max(600, { message: 'must be at most 600 (seconds)' })
      .default(SHUTDOWN_DEFAULTS.timeoutSeconds)
  ),
  // Bearer token GET /metrics requires when set (docs/metrics.md); unset: /metrics is open.
  METRICS_TOKEN: blankIsUnset(
    z.string().trim().min(16, { message: 'must be at least 16 characters' }).optional()
  ),
  // An OpenAI-compatible chat endpoint (e.g. a local Ollama, http://127.0.0.1:11434/v1) that
  // may read the questions of ai/ask the rules find only text in (docs/ai-ask.md). Optional.
  RUNBOARD_AI_CHAT_URL: blankIsUnset(z.url({ protocol: /^https?$/ }).optional()),
  RUNBOARD_AI_CHAT_MODEL: blankIsUnset(z.string().trim().min(1).max(200).optional()),
  RUNBOARD_AI_CHAT_API_KEY: blankIsUnset(z.string().trim().optional()),
  RUNBOARD_AI_CHAT_TIMEOUT_MS: blankIsUnset(
    z.coerce
      .number()
      .int({ message: 'must be a whole number of milliseconds' })
      .min(100, { message: 'must be at least 100 (ms)' })
      .max(120_000, { message: 'must be at most 120000 (ms)' })
      .default(AI_CHAT_TIMEOUT_MS_DEFAULT)
  ),
  // The text embedder of the AI index (docs/ai.md): lexical (default), a transformers.js model
  // in MODEL_DIR, or an OpenAI-compatible embeddings endpoint (e.g. a local Ollama).
  RUNBOARD_AI_EMBEDDER: blankIsUnset(z.enum(aiEmbedders).default('lexical')),
  MODEL_DIR: blankIsUnset(z.string().trim().optional()),
  RUNBOARD_AI_EMBEDDINGS_URL: blankIsUnset(
    z
      .url({
        protocol: /^https?$/,
        message: 'must be an http(s) URL such as http://127.0.0.1:11434/v1'
      })
      .optional()
  ),
  RUNBOARD_AI_EMBEDDINGS_MODEL: blankIsUnset(z.string().trim().max(200).optional()),
  RUNBOARD_AI_EMBEDDINGS_API_KEY: blankIsUnset(z.string().trim().optional()),
  OIDC_CLIENT_ID: blankIsUnset(z.string().trim().optional()),
  OIDC_CLIENT_SECRET: blankIsUnset(z.string().optional()),
  OIDC_NAME: blankIsUnset(z.string().trim().max(60).default('SSO')),
  OIDC_SCOPES: blankIsUnset(
    z
      .string()
      .trim()
      .default('openid email profile')
      .refine((v) => v.split(/\s+/).includes('openid'), { message: 'must include "openid"' })
  )
});

export type LogLevel = (typeof logLevels)[number];

export interface Config {
  port: number;
  host: string;
  /** Absolute path of the data directory. */
  dataDir: string;
  /** PostgreSQL connection URL; absent when the embedded SQLite in `dataDir` is used. Secret. */
  databaseUrl?: string;
  /**
   * Redis fan-out across nodes (`REDIS_URL`, `REDIS_PREFIX`); absent: a single node. The URL may
   * hold a password: never log it.
   */
  redis?: { url: string; prefix: string };
  logLevel: LogLevel;
  /**
   * This node's name (`RUNBOARD_NODE_NAME`, else the hostname): the `node` label of the series
   * that describe the node itself. Absent (a config built in code): `nodeNameOf` gives the
   * hostname.
   */
  nodeName?: string;
  origin: string | undefined;
  /**
   * Days a task stays on the live board after it was finished (done, resolved or archived)
   * before it moves to the archive (`ARCHIVE_AFTER_DAYS`); `DEFAULT_ARCHIVE_AFTER_DAYS` when
   * absent.
   */
  archiveAfterDays?: number;
  /** OpenID Connect sign-in; absent when single sign-on is off. Holds a secret: never log it. */
  oidc?: OidcConfig;
  /**
   * The key credentials are sealed under (`RUNBOARD_SECRET_KEY`). Absent: a key file in
   * `dataDir` (SQLite), or none with `DATABASE_URL` (saving a credential is then refused).
   */
  secretKey?: Buffer;
  /**
   * Automation's runner liveness (`RUNBOARD_AUTOMATION_STALE_MS`,
   * `RUNBOARD_AUTOMATION_HEARTBEAT_MS`); absent: automation-runner.ts `automationDefaults`.
   */
  automation?: { staleMs?: number; heartbeatMs?: number };
  /** The bearer token `GET /metrics` requires (`METRICS_TOKEN`); absent: open. Secret. */
  metricsToken?: string;
  /**
   * This node's limits: websocket connections (`RUNBOARD_MAX_CONNECTIONS`; absent: the sync
   * server's default) and resident memory in bytes (`RUNBOARD_MAX_MEMORY_MB`; absent: none).
   */
  nodeLimits?: { maxConnections?: number; maxMemoryBytes?: number };
  /**
   * Graceful shutdown: seconds /readyz fails before the node stops accepting
   * (`RUNBOARD_DRAIN_SECONDS`, default 0), and seconds after SIGTERM when it exits regardless
   * (`RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS`, default 20); absent (a config built in code, not from
   * the environment): `SHUTDOWN_DEFAULTS`.
   */
  shutdown?: { drainSeconds: number; timeoutSeconds: number };
  /**
   * The optional OpenAI-compatible chat endpoint of ai/ask (`RUNBOARD_AI_CHAT_URL`, `…_MODEL`,
   * `…_API_KEY`, `…_TIMEOUT_MS`); absent: questions are compiled by the rules only. The key is a
   * secret.
   */
  aiChat?: AiChatConfig;
  /** The AI index's embedder (docs/ai.md); absent: the lexical one. */
  ai?: AiConfig;
}

/** An OpenAI-compatible chat endpoint: `<url>/chat/completions` is called. */
export interface AiChatConfig {
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/** Which text embedder the AI index uses (`RUNBOARD_AI_EMBEDDER` and its settings). */
export type AiConfig =
  | { embedder: 'lexical' }
  | { embedder: 'model'; modelDir: string }
  | { embedder: 'openai'; url: string; model: string; apiKey?: string };

/** The name of this node: `config.nodeName`, or the hostname when the config has none. */
export function nodeNameOf(config: Pick<Config, 'nodeName'>): string {
  return config.nodeName ?? hostname();
}

/** 32 bytes from 64 hex digits or base64; null for anything else. */
export function decodeSecretKey(value: string): Buffer | null {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(value)
      ? Buffer.from(value, 'base64')
      : null;
  return bytes !== null && bytes.length === 32 ? bytes : null;
}

/** Settings of the generic OpenID Connect provider (Keycloak, GitLab, Authentik, …). */
export interface OidcConfig {
  /** Issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Label of the sign-in button ("Sign in with <name>"). */
  name: string;
  /** Space-separated scopes requested; always includes `openid`. */
  scopes: string;
  /** `<ORIGIN>/auth/oidc/callback`, registered at the provider. */
  redirectUri: string;
}

/** The environment could not be parsed; `problems` lists each variable and what is wrong. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Single sign-on is all or none: a partial set is a typo or a half-done deployment, and silently
 * running without it would hide that. The redirect URI is built from ORIGIN, so it is required.
 */
function oidcProblems(env: Record<string, string | undefined>): string[] {
  const used = [...OIDC_REQUIRED, ...OIDC_OPTIONAL].filter((name) => isSet(env, name));
  if (used.length === 0) return [];
  const problems: string[] = [];
  const missing = OIDC_REQUIRED.filter((name) => !isSet(env, name));
  if (missing.length > 0) {
    const verb = (names: readonly string[]) => (names.length === 1 ? 'is' : 'are');
    problems.push(
      `OIDC: ${used.join(', ')} ${verb(used)} set but ${missing.join(', ')} ${verb(missing)} ` +
        `missing; set ${OIDC_REQUIRED.join(', ')} to enable single sign-on, or none of the ` +
        'OIDC_ variables'
    );
  }
  if (!isSet(env, 'ORIGIN')) {
    problems.push(
      'ORIGIN: required with OIDC: the public URL of Runboard (e.g. https://ops.example.com), ' +
        `from which the redirect URI <ORIGIN>${OIDC_CALLBACK_PATH} is built`
    );
  }
  return problems;
}

/** Runners must call in more often than a run counts as abandoned. */
function automationProblems(e: {
  RUNBOARD_AUTOMATION_STALE_MS?: number | undefined;
  RUNBOARD_AUTOMATION_HEARTBEAT_MS?: number | undefined;
}): string[] {
  const stale = e.RUNBOARD_AUTOMATION_STALE_MS ?? AUTOMATION_STALE_MS_DEFAULT;
  const heartbeat = e.RUNBOARD_AUTOMATION_HEARTBEAT_MS ?? AUTOMATION_HEARTBEAT_MS_DEFAULT;
  if (heartbeat * 2 > stale) {
    return [
      `RUNBOARD_AUTOMATION_HEARTBEAT_MS (${heartbeat}) must be at most half of ` +
        `RUNBOARD_AUTOMATION_STALE_MS (${stale}), or live runs would be marked interrupted`
    ];
  }
  return [];
}

/** Each embedder's settings are required with it. */
function aiProblems(e: {
  RUNBOARD_AI_EMBEDDER: (typeof aiEmbedders)[number];
  MODEL_DIR?: string | undefined;
  RUNBOARD_AI_EMBEDDINGS_URL?: string | undefined;
  RUNBOARD_AI_EMBEDDINGS_MODEL?: string | undefined;
}): string[] {
  if (e.RUNBOARD_AI_EMBEDDER === 'model' && !e.MODEL_DIR) {
    return [
      'MODEL_DIR: required with RUNBOARD_AI_EMBEDDER=model: the folder of a sentence-embedding ' +
        'model for transformers.js (onnx/model.onnx, tokenizer.json, config.json; docs/ai.md)'
    ];
  }
  if (
    e.RUNBOARD_AI_EMBEDDER === 'openai' &&
    (!e.RUNBOARD_AI_EMBEDDINGS_URL || !e.RUNBOARD_AI_EMBEDDINGS_MODEL)
  ) {
    return [
      'RUNBOARD_AI_EMBEDDINGS_URL and RUNBOARD_AI_EMBEDDINGS_MODEL: required with ' +
        'RUNBOARD_AI_EMBEDDER=openai (e.g. http://127.0.0.1:11434/v1 and bge-m3; docs/ai.md)'
    ];
  }
  return [];
}

function aiConfig(e: z.infer<typeof envSchema>): AiConfig {
  if (e.RUNBOARD_AI_EMBEDDER === 'model' && e.MODEL_DIR) {
    return { embedder: 'model', modelDir: resolve(e.MODEL_DIR) };
  }
  if (
    e.RUNBOARD_AI_EMBEDDER === 'openai' &&
    e.RUNBOARD_AI_EMBEDDINGS_URL &&
    e.RUNBOARD_AI_EMBEDDINGS_MODEL
  ) {
    return {
      embedder: 'openai',
      url: e.RUNBOARD_AI_EMBEDDINGS_URL,
      model: e.RUNBOARD_AI_EMBEDDINGS_MODEL,
      ...(e.RUNBOARD_AI_EMBEDDINGS_API_KEY ? { apiKey: e.RUNBOARD_AI_EMBEDDINGS_API_KEY } : {})
    };
  }
  return { embedder: 'lexical' };
}

/** Parses the environment into a Config; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = envSchema.safeParse(env);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  problems.push(...oidcProblems(env));
  if (isSet(env, 'RUNBOARD_AI_CHAT_URL') !== isSet(env, 'RUNBOARD_AI_CHAT_MODEL')) {
    problems.push(
      'RUNBOARD_AI_CHAT_URL and RUNBOARD_AI_CHAT_MODEL: set both to use a chat endpoint for ' +
        'questions (e.g. http://127.0.0.1:11434/v1 and qwen2.5:7b), or neither'
    );
  }
  if (result.success) problems.push(...automationProblems(result.data));
  if (result.success) problems.push(...aiProblems(result.data));
  if (result.success && result.data.REDIS_URL && !result.data.DATABASE_URL) {
    problems.push(
      'REDIS_URL: several nodes need a shared store: set DATABASE_URL (PostgreSQL) as well, or ' +
        'unset REDIS_URL to run a single node on SQLite'
    );
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const e = result.data;
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    nodeName: e.RUNBOARD_NODE_NAME ?? hostname(),
    origin: e.ORIGIN,
    archiveAfterDays: e.ARCHIVE_AFTER_DAYS,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.REDIS_URL ? { redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } } : {}),
    ...(e.RUNBOARD_SECRET_KEY ? { secretKey: decodeSecretKey(e.RUNBOARD_SECRET_KEY)! } : {}),
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    ai: aiConfig(e),
    shutdown: {
      drainSeconds: e.RUNBOARD_DRAIN_SECONDS,
      timeoutSeconds: e.RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS
    }
  };
  if (e.RUNBOARD_MAX_CONNECTIONS || e.RUNBOARD_MAX_MEMORY_MB) {
    config.nodeLimits = {
      ...(e.RUNBOARD_MAX_CONNECTIONS ? { maxConnections: e.RUNBOARD_MAX_CONNECTIONS } : {}),
      ...(e.RUNBOARD_MAX_MEMORY_MB
        ? { maxMemoryBytes: e.RUNBOARD_MAX_MEMORY_MB * 1024 * 1024 }
        : {})
    };
  }
  if (e.RUNBOARD_AUTOMATION_STALE_MS || e.RUNBOARD_AUTOMATION_HEARTBEAT_MS) {
    config.automation = {
      ...(e.RUNBOARD_AUTOMATION_STALE_MS ? { staleMs: e.RUNBOARD_AUTOMATION_STALE_MS } : {}),
      ...(e.RUNBOARD_AUTOMATION_HEARTBEAT_MS
        ? { heartbeatMs: e.RUNBOARD_AUTOMATION_HEARTBEAT_MS }
        : {})
    };
  }
  if (e.RUNBOARD_AI_CHAT_URL && e.RUNBOARD_AI_CHAT_MODEL) {
    config.aiChat = {
      url: e.RUNBOARD_AI_CHAT_URL.replace(/\/+$/, ''),
      model: e.RUNBOARD_AI_CHAT_MODEL,
      timeoutMs: e.RUNBOARD_AI_CHAT_TIMEOUT_MS,
      ...(e.RUNBOARD_AI_CHAT_API_KEY ? { apiKey: e.RUNBOARD_AI_CHAT_API_KEY } : {})
    };
  }
  if (e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET && e.ORIGIN) {
    config.oidc = {
      issuer: e.OIDC_ISSUER,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      name: e.OIDC_NAME,
      scopes: e.OIDC_SCOPES.split(/\s+/).join(' '),
      redirectUri: new URL(OIDC_CALLBACK_PATH, e.ORIGIN).href
    };
  }
  return config;
}
