/**
 * The one reader of the environment. Everything configurable is parsed and validated here,
 * once per process; a bad value stops the process with a readable list of what is wrong.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const logLevels = ['debug', 'info', 'warn', 'error'] as const;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '', {
      message:
        'PostgreSQL storage is not available in this version yet; unset DATABASE_URL to use ' +
        'the embedded SQLite store in DATA_DIR'
    }),
  REDIS_URL: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '', {
      message: 'Redis fan-out is not available in this version yet; unset REDIS_URL'
    }),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  ORIGIN: z.url().optional()
});

export type LogLevel = (typeof logLevels)[number];

export interface Config {
  port: number;
  host: string;
  /** Absolute path of the data directory. */
  dataDir: string;
  logLevel: LogLevel;
  origin: string | undefined;
}

/** The environment could not be parsed; `problems` lists each variable and what is wrong. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment into a Config; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    );
  }
  const e = result.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    origin: e.ORIGIN
  };
}
