/**
 * Input validation for the domain models: one zod parse that refuses with a `DomainError`
 * `invalid_input` listing every issue, so the board, the runbooks and the REST layer report
 * bad input the same way.
 */
import type { z } from 'zod';
import { DomainError } from './domain-error';

/** One problem with the input: dot-separated path of the field ('' for the whole input). */
export interface InputIssue {
  path: string;
  message: string;
}

/** The issues of a zod error as `{ path, message }`, paths joined with dots. */
export function inputIssues(error: z.core.$ZodError): InputIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message
  }));
}

/** The issues as one line, e.g. `title: Too small; labels.1: Invalid`. */
export function summariseIssues(issues: readonly InputIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}

/**
 * Parses `input` with `schema`; otherwise throws `invalid_input` with the issues as
 * `details.issues`. `what` names the input in the message ('task', 'runbook id', …).
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  what: string
): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = inputIssues(result.error);
    throw new DomainError('invalid_input', `invalid ${what}: ${summariseIssues(issues)}`, {
      details: { issues }
    });
  }
  return result.data;
}
