/**
 * The logger the sync core writes to. The sync core owns this interface, so it depends on
 * nothing in the app; the composition root hands it the app's logfmt logger
 * (src/lib/server/log.ts), which implements it.
 */
export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}
