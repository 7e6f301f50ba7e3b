/**
 * First run: the owner account and the first workspace, created while no user exists, then the
 * owner is signed in. Shared by `POST /api/v1/setup` and the setup page.
 */
import { DomainError } from '../../shared/model/domain-error';
import type { Locale } from '../../shared/locale';
import { hashPassword } from '../auth/password';
import { seedDemoWorkspace } from '../demo/demo-data';
import type { Runtime } from '../runtime';
import type { SetupInput } from './account-schemas';
import { authLimiters, ipKey, rateLimited, type NewSession } from './auth-service';
import { type RequestOrigin, type User, type Workspace } from './types';
import { createWorkspace } from './workspace-service';

/** Whether the first-run setup has been done (some user exists). */
export async function isSetUp(runtime: Runtime): Promise<boolean> {
  return (await runtime.accounts.countUsers()) > 0;
}

/** Runs `fn` after every earlier call has finished (a process-wide lock). */
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const limiters = authLimiters();
  const run = limiters.setupQueue.then(fn, fn);
  limiters.setupQueue = run.catch(() => undefined);
  return run;
}

function setupDone(): DomainError {
  return new DomainError('setup_done', 'setup is already done');
}

/**
 * Creates the owner and the first workspace (filled with demo tasks when asked, in `locale`) and
 * signs the owner in. Refused with `setup_done` once any user exists. Concurrent calls run one
 * after another, so two racing requests can never both see "no users" and create two owners.
 */
export async function setUp(
  runtime: Runtime,
  input: SetupInput,
  origin: RequestOrigin,
  locale: Locale
): Promise<{ user: User; workspace: Workspace } & NewSession> {
  const wait = authLimiters().setupPerIp.take(ipKey(origin));
  if (wait > 0) throw rateLimited(wait);
  const { accounts } = runtime;
  // A cheap refusal first, so a finished install does not pay for a password hash per request.
  if (await isSetUp(runtime)) throw setupDone();
  const passwordHash = await hashPassword(input.password);
  const { user, workspace } = await serialized(async () => {
    if (await isSetUp(runtime)) throw setupDone();
    const owner = await accounts.createUser({
      email: input.email,
      name: input.name,
      passwordHash
    });
    const actor = { userId: owner.id, label: owner.email, origin };
    return { user: owner, workspace: await createWorkspace(runtime, actor, input.workspaceName) };
  });
  await accounts.audit({
    workspaceId: workspace.id,
    actorId: user.id,
    actorLabel: user.email,
    action: 'setup.completed',
    target: `workspace:${workspace.id}`,
    details: { demo: input.demo === true },
    origin
  });
  if (input.demo) await seedDemoWorkspace(runtime, workspace.id, user.id, locale);
  const session = await accounts.createSession(user.id, origin);
  await accounts.audit({
    workspaceId: null,
    actorId: user.id,
    actorLabel: user.email,
    action: 'auth.login',
    origin
  });
  return { user, workspace, ...session };
}
