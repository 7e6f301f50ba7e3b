import type { Logger } from '../../../sync-server/logger';
import type { LogLevel } from './config';

export type { Logger };

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[\s="]/.test(text ?? '') ? JSON.stringify(text) : String(text);
}

/**
 * A logfmt logger (`time level msg key=value …`) on stdout/stderr. Callers pass context as
 * data, never interpolated secrets: tokens and passwords must not reach it.
 */
export function createLogger(level: LogLevel = 'info', name = 'runboard'): Logger {
  const threshold = order[level];
  const write = (lvl: LogLevel, message: string, context?: Record<string, unknown>) => {
    if (order[lvl] < threshold) return;
    let line = `time=${new Date().toISOString()} level=${lvl} app=${name} msg=${formatValue(message)}`;
    if (context) {
      for (const [key, value] of Object.entries(context)) {
        if (value !== undefined) line += ` ${key}=${formatValue(value)}`;
      }
    }
    (lvl === 'error' || lvl === 'warn' ? process.stderr : process.stdout).write(line + '\n');
  };
  return {
    debug: (m, c) => write('debug', m, c),
    info: (m, c) => write('info', m, c),
    warn: (m, c) => write('warn', m, c),
    error: (m, c) => write('error', m, c)
  };
}
