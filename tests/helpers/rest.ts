/**
 * What every REST test checks an error against: the contract's JSON error shape
 * (`{ "error": { "code", "message", "details"? } }`), strict, so a stray field such as a stack
 * trace fails the test.
 */
import { z } from 'zod';

/** The error body of docs/design.md §2, and nothing else. */
export const errorShape = z
  .object({
    error: z
      .object({ code: z.string(), message: z.string().min(1), details: z.unknown().optional() })
      .strict()
  })
  .strict();
