/**
 * Field errors of a form, as data: the server validates a form with the same zod schema as the
 * REST API and hands back which message to show under which field; the page translates it.
 */
import type { z } from 'zod';

/** One field's problem, naming a message of the UI catalogues (`auth.error.*`). */
export type FieldError =
  | {
      key:
        | 'auth.error.required'
        | 'auth.error.emailInvalid'
        | 'auth.error.mismatch'
        | 'auth.error.emailTaken'
        | 'tokens.error.expiryPast'
        | 'tokens.error.workspace';
    }
  | { key: 'auth.error.tooShort'; min: number }
  | { key: 'auth.error.tooLong'; max: number };

/** Errors by field name; a field without a problem is absent. */
export type FieldErrors = Partial<Record<string, FieldError>>;

/** The field error for one zod issue. */
function fromIssue(issue: z.core.$ZodIssue): FieldError {
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      return min <= 1 ? { key: 'auth.error.required' } : { key: 'auth.error.tooShort', min };
    }
    case 'too_big':
      return { key: 'auth.error.tooLong', max: Number(issue.maximum) };
    case 'invalid_format':
      return issue.format === 'email'
        ? { key: 'auth.error.emailInvalid' }
        : { key: 'auth.error.required' };
    default:
      return { key: 'auth.error.required' };
  }
}

/** The first problem of each top-level field of a failed parse. */
export function fieldErrorsOf(error: z.core.$ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    errors[field] ??= fromIssue(issue);
  }
  return errors;
}
