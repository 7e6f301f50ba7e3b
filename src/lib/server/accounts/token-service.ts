/**
 * Personal API tokens: created by a signed-in member for one workspace, shown once, listed
 * without secrets, revoked by their owner. A revoked token stops working at once, including on
 * websockets that are already open.
 */
import { DomainError } from '../../shared/model/domain-error';
import type { Runtime } from '../runtime';
import { closeConnections } from './access-changes';
import type { TokenCreateInput } from './account-schemas';
import { type ApiToken, type RequestOrigin, type User } from './types';

/** A token as listed to its owner, with the workspace's name. */
export interface ListedToken extends ApiToken {
  workspaceName: string | null;
}

/** Creates a token for `user` in a workspace they belong to; the token string is returned once. */
export async function createApiToken(
  runtime: Runtime,
  user: User,
  input: TokenCreateInput,
  origin: RequestOrigin,
  actorLabel: string | null = null
): Promise<{ token: string; apiToken: ApiToken }> {
  const { accounts } = runtime;
  // Not a member looks the same as no such workspace, so workspace ids do not leak.
  const membership = await accounts.getMembership(input.workspaceId, user.id);
  if (!membership) throw new DomainError('not_found', 'no such workspace');
  let expiresAt: number | null = null;
  if (input.expiresAt) {
    expiresAt = Date.parse(input.expiresAt);
    if (!(expiresAt > Date.now())) {
      throw new DomainError('invalid_input', 'expiresAt must be in the future');
    }
  }
  const created = await accounts.createToken({
    userId: user.id,
    workspaceId: input.workspaceId,
    name: input.name,
    expiresAt
  });
  await accounts.audit({
    workspaceId: input.workspaceId,
    actorId: user.id,
    actorLabel: actorLabel ?? user.email,
    action: 'token.created',
    target: `token:${created.apiToken.id}`,
    details: { name: created.apiToken.name, expiresAt },
    origin
  });
  return created;
}

/** The user's tokens, newest first, without secrets (they are not stored). */
export async function listApiTokens(runtime: Runtime, userId: string): Promise<ListedToken[]> {
  const [tokens, workspaces] = await Promise.all([
    runtime.accounts.listTokens(userId),
    runtime.accounts.listWorkspaces(userId)
  ]);
  const names = new Map(workspaces.map((w) => [w.id, w.name]));
  return tokens.map((token) => ({ ...token, workspaceName: names.get(token.workspaceId) ?? null }));
}

/**
 * Revokes one of the user's own tokens (anyone else's, or an already revoked one, is
 * `not_found`) and closes the websockets that authenticated with it.
 */
export async function revokeApiToken(
  runtime: Runtime,
  user: User,
  tokenId: string,
  origin: RequestOrigin
): Promise<void> {
  const { accounts } = runtime;
  const token = await accounts.getToken(tokenId);
  if (!token || token.userId !== user.id || token.revokedAt !== null) {
    throw new DomainError('not_found', 'no such token');
  }
  await accounts.revokeToken(tokenId);
  closeConnections(runtime, { tokenId });
  await accounts.audit({
    workspaceId: token.workspaceId,
    actorId: user.id,
    actorLabel: user.email,
    action: 'token.revoked',
    target: `token:${tokenId}`,
    details: { name: token.name },
    origin
  });
}
