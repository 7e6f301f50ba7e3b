/**
 * The admin CLI (`npm run admin -- <command> …`): accounts, workspaces, memberships and API
 * tokens straight on the database in DATA_DIR, for provisioning and for getting back in when
 * nobody can sign in. Works while the server runs (SQLite WAL, busy timeout). Every change is
 * audited with the actor label `cli`.
 *
 * Output: what a script may capture (an id, a token, a password) is the only thing on stdout;
 * messages go to stderr. Exit codes: 0 done, 1 refused (not found, taken, …), 2 bad usage,
 * 78 bad configuration.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SqliteStorage } from '../sync-server/storage/sqlite-storage';
import { Accounts } from '../src/lib/server/accounts/accounts-store';
import {
  emailSchema,
  newPasswordSchema,
  tokenNameSchema,
  userNameSchema
} from '../src/lib/server/accounts/account-schemas';
import { allocateWorkspaceId, workspaceIdIsFree } from '../src/lib/server/accounts/workspace-id';
import { hashPassword } from '../src/lib/server/auth/password';
import { randomToken } from '../src/lib/server/auth/secrets';
import { ConfigError, loadConfig } from '../src/lib/server/config';
import { openSqlite, type SqliteDatabase } from '../src/lib/server/db/sqlite';
import { isValidId } from '../src/lib/shared/doc-name';
import { domainErrorCode } from '../src/lib/shared/model/domain-error';
import { ROLES } from '../src/lib/shared/permissions';
import { workspaceNameSchema } from '../src/lib/shared/workspaces/schema';

/** Actor label of every audit entry the CLI writes. */
const ACTOR_LABEL = 'cli';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Length of a password made by reset-password: 24 characters of 5 bits, 120 bits. */
const RESET_PASSWORD_CHARS = 24;

const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;
const EXIT_CONFIG = 78;

/** A refusal or a usage error, reported as one line on stderr with its exit code. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_REFUSED
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const USAGE = `Runboard admin CLI

Usage: npm run -s admin -- <command> [options]
       node scripts/admin.mjs <command> [options]

Commands:
  create-user       --email E --name N (--password P | --password-stdin)
                    Creates a user; prints the user id.
  create-workspace  --name N --owner E [--id ID]
                    Creates a workspace owned by E; prints the workspace id. Without --id the
                    id is derived from the name. With --id, documents already stored under
                    that id (from before accounts) become the workspace's.
  add-member        --workspace W --email E --role R
                    Adds E to workspace W with role R (${ROLES.join(', ')}).
  create-token      --email E --workspace W --name N [--expires-in-days D]
                    Creates an API token for E in W; prints only the token.
  reset-password    --email E
                    Sets a new random password for E, prints it, and ends E's sessions.

Options:
  -h, --help        Show this help.

Reads DATA_DIR (default ./data) like the server. With npm, pass -s so that npm's own banner
does not end up in captured output. Sessions ended here stop working at once; websockets that
a running server already holds stay open until they reconnect.
`;

const commandOptions = {
  email: { type: 'string' },
  name: { type: 'string' },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  owner: { type: 'string' },
  id: { type: 'string' },
  workspace: { type: 'string' },
  role: { type: 'string' },
  'expires-in-days': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const;

type Values = Partial<Record<keyof typeof commandOptions, string | boolean>>;

/** Which options each command takes, and which of them it needs. */
const COMMANDS: Record<string, { required: string[]; optional: string[] }> = {
  'create-user': { required: ['email', 'name'], optional: ['password', 'password-stdin'] },
  'create-workspace': { required: ['name', 'owner'], optional: ['id'] },
  'add-member': { required: ['workspace', 'email', 'role'], optional: [] },
  'create-token': { required: ['email', 'workspace', 'name'], optional: ['expires-in-days'] },
  'reset-password': { required: ['email'], optional: [] }
};

/** Parses one option with a schema; a bad value is a usage error naming the option. */
function option<T>(values: Values, name: string, schema: z.ZodType<T>): T {
  const result = schema.safeParse(values[name as keyof Values]);
  if (!result.success) {
    const problem = result.error.issues[0]?.message ?? 'invalid value';
    throw new CliError(`--${name}: ${problem}`, EXIT_USAGE);
  }
  return result.data;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function userByEmail(accounts: Accounts, email: string) {
  const user = await accounts.getUserByEmail(email);
  if (!user) throw new CliError(`no user with email ${email}`);
  return user;
}

async function requireWorkspace(accounts: Accounts, id: string) {
  const workspace = isValidId(id) ? await accounts.getWorkspace(id) : null;
  if (!workspace) throw new CliError(`no workspace with id ${id}`);
  return workspace;
}

async function readPasswordFromStdin(): Promise<string> {
  // One line: what `echo "$PASSWORD" | … --password-stdin` sends.
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

async function run(command: string, values: Values, db: SqliteDatabase): Promise<void> {
  const accounts = new Accounts(db);
  const cli = { actorId: null, actorLabel: ACTOR_LABEL, origin: null };

  switch (command) {
    case 'create-user': {
      const email = option(values, 'email', emailSchema);
      const name = option(values, 'name', userNameSchema);
      if (values.password !== undefined && values['password-stdin']) {
        throw new CliError('give --password or --password-stdin, not both', EXIT_USAGE);
      }
      const raw = values['password-stdin'] ? await readPasswordFromStdin() : values.password;
      if (raw === undefined) {
        throw new CliError('--password or --password-stdin is required', EXIT_USAGE);
      }
      const password = option({ password: raw }, 'password', newPasswordSchema);
      if (await accounts.getUserByEmail(email)) {
        throw new CliError(`a user with email ${email} exists already`);
      }
      const user = await accounts.createUser({
        email,
        name,
        passwordHash: await hashPassword(password)
      });
      await accounts.audit({
        ...cli,
        workspaceId: null,
        action: 'user.created',
        target: `user:${user.id}`,
        details: { email: user.email }
      });
      note(`created user ${user.email}`);
      out(user.id);
      return;
    }

    case 'create-workspace': {
      const name = option(values, 'name', workspaceNameSchema);
      const ownerEmail = option(values, 'owner', emailSchema);
      const givenId =
        values.id === undefined
          ? null
          : option(values, 'id', z.string().refine(isValidId, 'not a valid workspace id'));
      const owner = await userByEmail(accounts, ownerEmail);
      let id: string;
      if (givenId !== null) {
        id = givenId;
        if (await accounts.getWorkspace(id)) throw new CliError(`workspace ${id} exists already`);
      } else {
        const storage = new SqliteStorage(db);
        id = await allocateWorkspaceId(name, (candidate) =>
          workspaceIdIsFree(accounts, storage, candidate)
        );
      }
      const workspace = await accounts.createWorkspace(name, owner.id, id);
      await accounts.audit({
        ...cli,
        workspaceId: workspace.id,
        action: 'workspace.created',
        target: `workspace:${workspace.id}`,
        details: { name: workspace.name, owner: owner.email }
      });
      note(`created workspace "${workspace.name}" owned by ${owner.email}`);
      out(workspace.id);
      return;
    }

    case 'add-member': {
      // Every option is checked before the database is asked anything: bad usage is exit 2.
      const role = option(values, 'role', z.enum(ROLES));
      const email = option(values, 'email', emailSchema);
      const workspace = await requireWorkspace(accounts, option(values, 'workspace', z.string()));
      const user = await userByEmail(accounts, email);
      if (await accounts.getMembership(workspace.id, user.id)) {
        throw new CliError(`${user.email} is a member of ${workspace.id} already`);
      }
      await accounts.addMember(workspace.id, user.id, role);
      await accounts.audit({
        ...cli,
        workspaceId: workspace.id,
        action: 'member.added',
        target: `user:${user.id}`,
        details: { email: user.email, role }
      });
      note(`added ${user.email} to ${workspace.id} as ${role}`);
      return;
    }

    case 'create-token': {
      const email = option(values, 'email', emailSchema);
      const name = option(values, 'name', tokenNameSchema);
      const days =
        values['expires-in-days'] === undefined
          ? null
          : option(values, 'expires-in-days', z.coerce.number().int().min(1).max(3650));
      const user = await userByEmail(accounts, email);
      const workspace = await requireWorkspace(accounts, option(values, 'workspace', z.string()));
      if (!(await accounts.getMembership(workspace.id, user.id))) {
        throw new CliError(`${user.email} is not a member of ${workspace.id}`);
      }
      const expiresAt = days === null ? null : Date.now() + days * DAY_MS;
      const { token, apiToken } = await accounts.createToken({
        userId: user.id,
        workspaceId: workspace.id,
        name,
        expiresAt
      });
      await accounts.audit({
        ...cli,
        workspaceId: workspace.id,
        action: 'token.created',
        target: `token:${apiToken.id}`,
        details: { name: apiToken.name, user: user.email, expiresAt }
      });
      // The token alone on stdout, so `TOKEN=$(… create-token …)` captures exactly it.
      out(token);
      return;
    }

    case 'reset-password': {
      const user = await userByEmail(accounts, option(values, 'email', emailSchema));
      const password = randomToken(RESET_PASSWORD_CHARS);
      await accounts.setPasswordHash(user.id, await hashPassword(password));
      const ended = await accounts.deleteUserSessions(user.id);
      await accounts.audit({
        ...cli,
        workspaceId: null,
        action: 'auth.password_reset',
        target: `user:${user.id}`,
        details: { email: user.email, endedSessions: ended.length }
      });
      note(`new password set for ${user.email}; ${ended.length} session(s) ended`);
      out(password);
      return;
    }

    default:
      throw new CliError(`unknown command: ${command}`, EXIT_USAGE);
  }
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: commandOptions,
      allowPositionals: true,
      strict: true
    });
  } catch (error) {
    note(`runboard admin: ${error instanceof Error ? error.message : String(error)}`);
    note('run with --help for usage');
    return EXIT_USAGE;
  }
  const [command, ...extra] = parsed.positionals;
  const values = parsed.values as Values;
  if (values.help || command === undefined || command === 'help') {
    (command === undefined && !values.help ? process.stderr : process.stdout).write(USAGE);
    return command === undefined && !values.help ? EXIT_USAGE : 0;
  }
  const spec = COMMANDS[command];
  try {
    if (!spec) throw new CliError(`unknown command: ${command}`, EXIT_USAGE);
    if (extra.length > 0) throw new CliError(`unexpected argument: ${extra[0]}`, EXIT_USAGE);
    for (const name of Object.keys(values)) {
      if (!spec.required.includes(name) && !spec.optional.includes(name)) {
        throw new CliError(`${command} does not take --${name}`, EXIT_USAGE);
      }
    }
    const missing = spec.required.filter((name) => values[name as keyof Values] === undefined);
    if (missing.length > 0) {
      throw new CliError(`${command} needs ${missing.map((m) => `--${m}`).join(', ')}`, EXIT_USAGE);
    }
    const config = loadConfig();
    const db = openSqlite(config.dataDir);
    try {
      await run(command, values, db);
    } finally {
      db.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      note(`runboard admin: ${error.message}`);
      if (error.exitCode === EXIT_USAGE) note('run with --help for usage');
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      note(`runboard admin: ${error.message}`);
      return EXIT_CONFIG;
    }
    // A DomainError from a service (e.g. a race on a unique email) is a refusal, not a crash.
    if (error instanceof Error && domainErrorCode(error) !== undefined) {
      note(`runboard admin: ${error.message}`);
      return EXIT_REFUSED;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
