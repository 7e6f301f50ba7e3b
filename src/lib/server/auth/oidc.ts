/**
 * OpenID Connect sign-in with one generic provider (Keycloak, GitLab, Authentik, …): the
 * authorization code flow with PKCE, state and nonce; openid-client validates the ID token
 * (signature, issuer, audience, expiry, nonce). Framework-free: the routes under
 * src/routes/auth/oidc/ carry the cookies and the redirects.
 *
 * Nothing secret is logged: no code, token, verifier or client secret, only reasons.
 */
import * as client from 'openid-client';
import { z } from 'zod';
import type { Accounts } from '../accounts/accounts-store';
import { closeConnections } from '../workspaces/access-changes';
import { domainErrorCode } from '../../shared/model/domain-error';
import type { RequestOrigin, Session, User } from '../accounts/types';
import type { OidcConfig } from '../config';
import type { Logger } from '../log';
import { getRuntime, type Runtime } from '../runtime';

/** Cookie holding the random values of one sign-in attempt (state, nonce, PKCE verifier). */
export const OIDC_FLOW_COOKIE = 'rb_oidc';
/** The flow cookie is sent to these routes only. */
export const OIDC_COOKIE_PATH = '/auth/oidc';
/** Where the sign-in button points (GET; `?next=/path` to come back to a page). */
export const OIDC_START_PATH = '/auth/oidc/start';
/** Where a failed sign-in lands; the reason is in the server log only. */
export const OIDC_FAILURE_PATH = '/login?error=oidc';

/** Limits of the OIDC flow, with their units. */
export const oidcDefaults = {
  /** How long a started sign-in may take at the provider (the flow cookie's Max-Age). */
  flowTtlSec: 600,
  /** Timeout of each request to the provider (discovery, token, userinfo, keys). */
  requestTimeoutSec: 10,
  /** Discovery tries per sign-in, and the pause before the next try (times the attempt). */
  discoveryAttempts: 3,
  discoveryRetryDelayMs: 500,
  /** Provider metadata is read again after this long; keys rotate on their own (see below). */
  discoveryTtlMs: 24 * 60 * 60 * 1000,
  /** Longest `next` path kept across the sign-in. */
  maxNextLength: 1000,
  maxNameLength: 100
} as const;

/** Why a sign-in was refused; logged, never shown beyond "single sign-on failed". */
export type OidcErrorCode =
  | 'discovery_failed'
  | 'flow_missing'
  | 'provider_error'
  | 'exchange_failed'
  | 'claims_invalid'
  | 'email_missing'
  | 'email_unverified'
  | 'email_taken'
  | 'user_inactive';

/** A refused OIDC sign-in with a stable `code`. */
export class OidcError extends Error {
  constructor(
    readonly code: OidcErrorCode,
    message: string
  ) {
    super(message);
    this.name = 'OidcError';
  }
}

/** What the login page needs to show the button. */
export interface OidcLoginOption {
  /** Button label (`OIDC_NAME`, default "SSO"). */
  name: string;
  /** The start URL, with `next` when one was given. */
  href: string;
}

/** Contents of the flow cookie: only random values and the same-site path to return to. */
const flowSchema = z.object({
  state: z.string().min(20).max(200),
  nonce: z.string().min(20).max(200),
  verifier: z.string().min(43).max(128),
  next: z.string().max(oidcDefaults.maxNextLength)
});
type Flow = z.infer<typeof flowSchema>;

/** An optional text claim; a malformed one counts as absent. */
const textClaim = z.string().trim().min(1).max(300).optional().catch(undefined);

/** The claims Runboard reads, from the ID token and, when it lacks them, the userinfo endpoint. */
const profileSchema = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().trim().max(254).pipe(z.email()).optional().catch(undefined),
  // Some providers (Cognito, older Azure AD) send the string "true".
  email_verified: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .optional()
    .catch(undefined),
  name: textClaim,
  given_name: textClaim,
  family_name: textClaim,
  preferred_username: textClaim
});
type Profile = z.infer<typeof profileSchema>;

/**
 * The same-site path to return to after sign-in, or `/`. Anything that could leave the site
 * (`//host`, `/\host`, absolute URLs, control characters) is dropped: an open redirect on the
 * sign-in path would hand phishers a trusted link.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || next.length > oidcDefaults.maxNextLength) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if ([...next].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return '/';
  const base = 'http://runboard.invalid';
  const url = new URL(next, base);
  if (url.origin !== base || url.pathname.startsWith(OIDC_COOKIE_PATH + '/')) return '/';
  return url.pathname + url.search + url.hash;
}

function encodeFlow(flow: Flow): string {
  return Buffer.from(JSON.stringify(flow)).toString('base64url');
}

function decodeFlow(value: string | undefined): Flow | null {
  if (!value || value.length > 4096) return null;
  try {
    const parsed = flowSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A short description of a provider or validation failure, safe to log (no tokens). */
function describe(error: unknown): string {
  if (error instanceof client.ResponseBodyError) return `${error.error} (HTTP ${error.status})`;
  if (error instanceof client.AuthorizationResponseError) return error.error;
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? ` [${error.code}]` : '';
    // openid-client wraps oauth4webapi's specific message (fixed text); a non-Error cause holds
    // response data (the code, tokens) and is never written out.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}${code}`.slice(0, 300);
  }
  return 'unknown error';
}

function displayName(profile: Profile, email: string): string {
  const full = [profile.given_name, profile.family_name].filter(Boolean).join(' ');
  const name = profile.name ?? (full || undefined) ?? profile.preferred_username;
  return (name ?? email.split('@')[0] ?? email).slice(0, oidcDefaults.maxNameLength);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type OidcBeginResult =
  { ok: true; authorizationUrl: URL; flowCookie: string } | { ok: false; reason: OidcErrorCode };

export type OidcCompleteResult =
  | { ok: true; user: User; token: string; session: Session; next: string }
  | { ok: false; reason: OidcErrorCode };

/** Sign-in with the configured provider; one per process (see `getOidcSignIn`). */
export class OidcSignIn {
  private discovered: { configuration: client.Configuration; at: number } | null = null;
  private discovering: Promise<client.Configuration> | null = null;

  constructor(
    readonly settings: OidcConfig,
    private readonly accounts: Accounts,
    private readonly logger: Logger,
    /** Ends a session the browser held before signing in (and closes its websockets). */
    private readonly endSession: (sessionId: string) => Promise<void> = (id) =>
      accounts.deleteSession(id),
    private readonly now: () => number = Date.now
  ) {}

  /**
   * The provider's metadata, discovered on first use (never at import, so a provider that is
   * down does not stop Runboard from starting), shared by concurrent callers, retried a few
   * times, and not cached when it fails, so the next sign-in tries again. openid-client fetches
   * the signing keys itself and refetches them when a token names an unknown key.
   */
  private configuration(): Promise<client.Configuration> {
    if (this.discovered && this.now() - this.discovered.at < oidcDefaults.discoveryTtlMs) {
      return Promise.resolve(this.discovered.configuration);
    }
    this.discovering ??= this.discover().finally(() => {
      this.discovering = null;
    });
    return this.discovering;
  }

  private async discover(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer);
    let lastError: unknown;
    for (let attempt = 1; attempt <= oidcDefaults.discoveryAttempts; attempt++) {
      try {
        const configuration = await client.discovery(
          issuer,
          this.settings.clientId,
          undefined,
          client.ClientSecretBasic(this.settings.clientSecret),
          {
            timeout: oidcDefaults.requestTimeoutSec,
            // Config accepts plain http for a provider on localhost only.
            execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : []
          }
        );
        this.discovered = { configuration, at: this.now() };
        return configuration;
      } catch (error) {
        lastError = error;
        this.logger.warn('oidc discovery failed', {
          issuer: this.settings.issuer,
          attempt,
          error: describe(error)
        });
        if (attempt < oidcDefaults.discoveryAttempts) {
          await sleep(oidcDefaults.discoveryRetryDelayMs * attempt);
        }
      }
    }
    throw new OidcError('discovery_failed', describe(lastError));
  }

  /** Starts a sign-in: the provider URL to redirect to, and the flow cookie's value. */
  async begin(next: string | null): Promise<OidcBeginResult> {
    try {
      const configuration = await this.configuration();
      const flow: Flow = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
        next: safeNextPath(next)
      };
      const authorizationUrl = client.buildAuthorizationUrl(configuration, {
        redirect_uri: this.settings.redirectUri,
        scope: this.settings.scopes,
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256'
      });
      return { ok: true, authorizationUrl, flowCookie: encodeFlow(flow) };
    } catch (error) {
      return { ok: false, reason: this.refused(error, 'start') };
    }
  }

  /**
   * Finishes a sign-in from the provider's redirect: checks state against the flow cookie,
   * exchanges the code (with the PKCE verifier), has openid-client validate the ID token
   * (nonce included), finds or creates the user and starts a session, replacing the session
   * the browser held before (`previousSessionId`), as the password sign-in does.
   */
  async complete(
    params: URLSearchParams,
    flowCookie: string | undefined,
    origin: RequestOrigin,
    previousSessionId: string | null = null
  ): Promise<OidcCompleteResult> {
    try {
      // Without the cookie of the browser that started this attempt there is nothing to check
      // the answer against: a replayed or forged callback ends here.
      const flow = decodeFlow(flowCookie);
      if (!flow) throw new OidcError('flow_missing', 'no sign-in in progress in this browser');
      const providerError = params.get('error');
      if (providerError !== null) {
        throw new OidcError('provider_error', `provider answered ${providerError.slice(0, 80)}`);
      }
      const configuration = await this.configuration();
      const profile = await this.exchange(configuration, params, flow);
      const issuer = configuration.serverMetadata().issuer;
      const user = await this.resolveUser(issuer, profile, origin);
      if (previousSessionId !== null) await this.endSession(previousSessionId);
      const { token, session } = await this.accounts.createSession(user.id, origin);
      await this.accounts.audit({
        workspaceId: null,
        actorId: user.id,
        actorLabel: user.email,
        action: 'auth.login',
        details: { method: 'oidc' },
        origin
      });
      this.logger.info('oidc sign-in', { userId: user.id });
      return { ok: true, user, token, session, next: safeNextPath(flow.next) };
    } catch (error) {
      return { ok: false, reason: this.refused(error, 'callback') };
    }
  }

  /** Token exchange and ID token validation; returns the claims Runboard reads. */
  private async exchange(
    configuration: client.Configuration,
    params: URLSearchParams,
    flow: Flow
  ): Promise<Profile> {
    // The redirect URI is the configured one, not the request URL, which may be a proxy's view.
    const callbackUrl = new URL(this.settings.redirectUri);
    callbackUrl.search = params.toString();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true
      });
    } catch (error) {
      throw new OidcError('exchange_failed', describe(error));
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new OidcError('exchange_failed', 'no ID token in the token response');
    let claims: Record<string, unknown> = { ...idClaims };
    // Conformant providers may put email only in userinfo; the signed ID token wins on overlap.
    if (claims.email === undefined && configuration.serverMetadata().userinfo_endpoint) {
      try {
        const info = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        claims = { ...info, ...idClaims };
      } catch (error) {
        throw new OidcError('exchange_failed', `userinfo: ${describe(error)}`);
      }
    }
    const profile = profileSchema.safeParse(claims);
    if (!profile.success) throw new OidcError('claims_invalid', 'the subject claim is unusable');
    return profile.data;
  }

  /**
   * The account for a provider identity: the linked one; else, when the provider vouches for
   * the email (`email_verified: true`), the account with that email, linked now; else a new
   * account. An unverified email never reaches an existing account: whoever controls the
   * provider-side profile could otherwise take it over by typing someone else's address.
   */
  private async resolveUser(
    issuer: string,
    profile: Profile,
    origin: RequestOrigin
  ): Promise<User> {
    const linkedId = await this.accounts.findIdentity(issuer, profile.sub);
    if (linkedId) {
      const user = await this.accounts.getUser(linkedId);
      if (!user) throw new OidcError('claims_invalid', 'linked account no longer exists');
      if (!user.active) await this.refuseAccount(user.id, 'user_inactive', origin);
      return user;
    }
    const email = profile.email;
    if (!email) {
      throw new OidcError('email_missing', 'the provider sent no email; request the email scope');
    }
    const verified = profile.email_verified === true || profile.email_verified === 'true';
    const existing = await this.accounts.getUserByEmail(email);
    if (existing) {
      if (!verified) await this.refuseAccount(existing.id, 'email_unverified', origin);
      if (!existing.active) await this.refuseAccount(existing.id, 'user_inactive', origin);
      await this.accounts.linkIdentity(issuer, profile.sub, existing.id);
      await this.accounts.audit({
        workspaceId: null,
        actorId: existing.id,
        actorLabel: existing.email,
        action: 'auth.oidc.linked',
        details: { issuer, by: 'verified_email' },
        origin
      });
      this.logger.info('oidc identity linked by verified email', { userId: existing.id });
      const { passwordHash: _hash, ...user } = existing;
      return user;
    }
    let user: User;
    try {
      // No password (sign-in is through the provider) and no workspace until invited.
      user = await this.accounts.createUser({
        email,
        name: displayName(profile, email),
        passwordHash: null,
        // What the provider vouched for, no more: a later link-by-email must not trust more.
        emailVerified: verified
      });
    } catch (error) {
      if (domainErrorCode(error) === 'email_taken') {
        throw new OidcError('email_taken', 'an account with this email was created meanwhile');
      }
      throw error;
    }
    await this.accounts.linkIdentity(issuer, profile.sub, user.id);
    await this.accounts.audit({
      workspaceId: null,
      actorId: user.id,
      actorLabel: user.email,
      action: 'auth.oidc.signup',
      details: { issuer },
      origin
    });
    return user;
  }

  /**
   * Refuses a sign-in that reached a known account, recorded like a failed password sign-in
   * (`auth.login_failed`) so the account's owners can see the attempt.
   */
  private async refuseAccount(
    userId: string,
    reason: 'email_unverified' | 'user_inactive',
    origin: RequestOrigin
  ): Promise<never> {
    await this.accounts.audit({
      workspaceId: null,
      actorId: userId,
      action: 'auth.login_failed',
      details: { method: 'oidc', reason },
      origin
    });
    throw new OidcError(
      reason,
      reason === 'user_inactive'
        ? 'the account is deactivated'
        : 'an account with this email exists and the provider does not vouch for the address'
    );
  }

  /** Logs why a sign-in was refused (a reason, never a stack or a token); returns the code. */
  private refused(error: unknown, step: 'start' | 'callback'): OidcErrorCode {
    if (error instanceof OidcError) {
      this.logger.warn('oidc sign-in refused', { step, reason: error.code, detail: error.message });
      return error.code;
    }
    this.logger.error('oidc sign-in failed', { step, reason: 'internal', detail: describe(error) });
    return 'exchange_failed';
  }
}

let current: { runtime: Runtime; signIn: OidcSignIn | null } | undefined;

/** The process's OIDC sign-in, or null when single sign-on is not configured. */
export async function getOidcSignIn(): Promise<OidcSignIn | null> {
  const runtime = await getRuntime();
  if (current?.runtime !== runtime) {
    const settings = runtime.config.oidc;
    current = {
      runtime,
      signIn: settings
        ? new OidcSignIn(settings, runtime.accounts, runtime.logger, async (sessionId) => {
            await runtime.accounts.deleteSession(sessionId);
            closeConnections(runtime, { sessionId });
          })
        : null
    };
  }
  return current.signIn;
}

/**
 * For the login page: the SSO button's label and link, or null when OIDC is off. `next` (a
 * same-site path) is where the user lands after signing in.
 */
export async function oidcLoginOption(next?: string | null): Promise<OidcLoginOption | null> {
  const signIn = await getOidcSignIn();
  if (!signIn) return null;
  const target = safeNextPath(next);
  const href =
    target === '/' ? OIDC_START_PATH : `${OIDC_START_PATH}?next=${encodeURIComponent(target)}`;
  return { name: signIn.settings.name, href };
}

/** Flow cookie attributes: HttpOnly, SameSite=Lax (the provider returns with a top-level GET). */
export function flowCookieOptions(secure: boolean) {
  return {
    path: OIDC_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure,
    maxAge: oidcDefaults.flowTtlSec
  };
}
