/**
 * Schemas of the account inputs (setup, sign-in, password, profile, API tokens), shared by the
 * REST operations, the form actions and the admin CLI, so every door accepts the same values.
 */
import { z } from 'zod';
import { workspaceNameSchema } from '../../shared/workspaces/schema';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/password';

/** Longest email address (RFC 5321 path limit), user name and token name, in characters. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_USER_NAME_LENGTH = 100;
export const MAX_TOKEN_NAME_LENGTH = 100;

export const emailSchema = z
  .email({ error: 'must be an email address' })
  .max(MAX_EMAIL_LENGTH)
  .describe('Email address; compared case-insensitively.');

/** A new password: length only (NIST 800-63B), no composition rules. */
export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
  .describe(`New password, ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters.`);

/**
 * A password given to be checked: no minimum, so an old short password still gets the same
 * `invalid_credentials` answer instead of revealing the rule; the maximum bounds scrypt work.
 */
export const givenPasswordSchema = z.string().min(1).max(PASSWORD_MAX_LENGTH).describe('Password.');

export const userNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_USER_NAME_LENGTH)
  .describe(`Display name, 1–${MAX_USER_NAME_LENGTH} characters.`);

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_TOKEN_NAME_LENGTH)
  .describe(`What the token is for, 1–${MAX_TOKEN_NAME_LENGTH} characters.`);

export const setupInputSchema = z
  .object({
    email: emailSchema,
    password: newPasswordSchema,
    name: userNameSchema,
    workspaceName: workspaceNameSchema,
    demo: z
      .boolean()
      .optional()
      .describe('Fill the first board with demo tasks and the library with demo runbooks.')
  })
  .strict()
  .meta({ id: 'Setup', description: 'The owner account and the first workspace.' });
export type SetupInput = z.infer<typeof setupInputSchema>;

export const loginInputSchema = z
  .object({
    // Not `emailSchema`: a malformed address is answered like an unknown one.
    email: z.string().trim().min(1).max(MAX_EMAIL_LENGTH).describe('Email address.'),
    password: givenPasswordSchema
  })
  .strict()
  .meta({ id: 'Login', description: 'Email and password.' });
export type LoginInput = z.infer<typeof loginInputSchema>;

export const passwordChangeSchema = z
  .object({
    currentPassword: givenPasswordSchema.describe('The current password.'),
    newPassword: newPasswordSchema
  })
  .strict()
  .meta({ id: 'PasswordChange', description: 'The current and the new password.' });
export type PasswordChangeInput = z.infer<typeof passwordChangeSchema>;

export const profilePatchSchema = z
  .object({ name: userNameSchema })
  .strict()
  .meta({ id: 'ProfilePatch', description: 'Changes to the signed-in user.' });
export type ProfilePatch = z.infer<typeof profilePatchSchema>;

export const tokenCreateSchema = z
  .object({
    name: tokenNameSchema,
    workspaceId: z.string().min(1).max(64).describe('The workspace the token may act in.'),
    expiresAt: z.iso
      .datetime({ offset: true })
      .nullable()
      .optional()
      .describe('When the token stops working (ISO 8601, in the future); never when absent.')
  })
  .strict()
  .meta({ id: 'TokenCreate', description: 'A new API token, scoped to one workspace.' });
export type TokenCreateInput = z.infer<typeof tokenCreateSchema>;

/** The key under which an email's sign-in attempts are counted (case-insensitive). */
export function accountKey(email: string): string {
  return email.trim().toLowerCase();
}
