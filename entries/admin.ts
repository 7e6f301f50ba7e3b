/**
 * The admin CLI (`npm run admin -- <command> …`): accounts, workspaces, memberships and API
 * tokens straight on the configured database (SQLite in DATA_DIR, or DATABASE_URL), for
 * provisioning and for getting back in when nobody can sign in; and the store itself: migrate,
 * backup, restore. Works while the server runs (SQLite WAL, busy timeout; PostgreSQL). Every
 * change is audited with the actor label `cli`. It builds its stores with the composition
 * root's `createStores` and calls the same services as the server: no copied logic.
 *
 * Output: what a script may capture (an id, a token, a password) is the only thing on stdout;
 * messages go to stderr. Exit codes: 0 done, 1 refused (not found, taken, …), 2 bad usage,
 * 78 bad configuration.
 */
import * as Y from 'yjs';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Accounts } from '../src/lib/server/accounts/accounts-store';
import {
  emailSchema,
  newPasswordSchema,
  tokenNameSchema,
  userNameSchema
} from '../src/lib/server/accounts/account-schemas';
import { createWorkspace } from '../src/lib/server/workspaces/workspaces-service';
import { hashPassword } from '../src/lib/server/auth/password';
import { randomToken } from '../src/lib/server/auth/secrets';
import { ConfigError, decodeSecretKey, loadConfig } from '../src/lib/server/config';
import { KEY_FILE, SecretBox } from '../src/lib/server/auth/secret-box';
import { RotationRefused, rotateSealedValues } from '../src/lib/server/auth/secret-rotation';
import { restoreBackup, writeBackup, type Progress } from '../src/lib/server/db/backup';
import { openDatabase, targetDialect, type OpenedDatabase } from '../src/lib/server/db/records';
import { createLogger } from '../src/lib/server/log';
import { indexEntryOf, writeIndexEntry } from '../src/lib/server/runbooks/runbooks-extension';
import { parseDocName, isValidId } from '../src/lib/shared/doc-name';
import { createStores, databaseTarget, type Services } from './composition-root';
import { DocStore } from '../sync-server/doc-store';
import { DocumentGenerations } from '../src/lib/server/db/document-generations';
import { boardTombstones, rebaseBoard } from '../src/lib/server/board/board-rebase';
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
  migrate           Applies pending database migrations (the server also does on start);
                    prints the versions applied.
  backup            --out FILE
                    Writes a consistent copy of every document and record to FILE (gzip'd
                    JSON lines; FILE must not exist). Safe while the server runs.
  compact-board     --workspace W
                    Rebases the board of W: a fresh document with the same content and no
                    history of deleted entries (docs/ARCHITECTURE.md, "Rebasing a document").
                    Devices holding the old copy save their unsynced edits and reload. Stop
                    the server first: a running server keeps the old copy in memory. Prints
                    the sizes before and after.
  rotate-secret-key --new-key K
                    Seals every stored secret (credentials, secret run parameters,
                    notification channel URLs and secrets) again under K (32 random bytes,
                    base64 or 64 hex digits: openssl rand -base64 32), in one transaction,
                    after checking that every one opens under the current key
                    (RUNBOARD_SECRET_KEY, or DATA_DIR/secret.key, which is then replaced).
                    Stop the server (every node) first. Prints the counts per kind.
  restore           --in FILE
                    Restores FILE into the configured store, which must be empty; checks
                    every record count and document hash against the backup. Stop the server
                    first. Moving from SQLite to PostgreSQL: backup with DATA_DIR, restore
                    with DATABASE_URL.

Options:
  -h, --help        Show this help.

Reads DATA_DIR (default ./data) or DATABASE_URL like the server. With npm, pass -s so that npm's own banner
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
  out: { type: 'string' },
  in: { type: 'string' },
  'new-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const;

type Values = Partial<Record<keyof typeof commandOptions, string | boolean>>;

/** Which options each command takes, and which of them it needs. */
const COMMANDS: Record<string, { required: string[]; optional: string[] }> = {
  'create-user': { required: ['email', 'name'], optional: ['password', 'password-stdin'] },
  'create-workspace': { required: ['name', 'owner'], optional: ['id'] },
  'add-member': { required: ['workspace', 'email', 'role'], optional: [] },
  'create-token': { required: ['email', 'workspace', 'name'], optional: ['expires-in-days'] },
  'reset-password': { required: ['email'], optional: [] },
  migrate: { required: [], optional: [] },
  backup: { required: ['out'], optional: [] },
  restore: { required: ['in'], optional: [] },
  'compact-board': { required: ['workspace'], optional: [] },
  'rotate-secret-key': { required: ['new-key'], optional: [] }
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

/** Progress of a backup or restore on stderr: one line per table, every 100 documents. */
const progress: Progress = ({ phase, name, done }) => {
  if (phase === 'records') note(`  ${name}: ${done}`);
  else if (done % 100 === 0) note(`  ${phase}: ${done} documents`);
};

/** Rebuilds the runbook index from restored runbook documents (the index is derived data). */
async function rebuildRunbookIndex(
  opened: OpenedDatabase,
  services: Services,
  names: readonly string[]
): Promise<void> {
  let done = 0;
  for (const name of names) {
    const parsed = parseDocName(name);
    if (!parsed.ok || parsed.name.kind !== 'runbook' || !parsed.name.id) continue;
    const stored = await opened.documents.load(name);
    const doc = new Y.Doc();
    try {
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const update of stored.updates) Y.applyUpdate(doc, update);
      await writeIndexEntry(
        services.runbookIndex,
        parsed.name.workspaceId,
        indexEntryOf(doc, parsed.name.id)
      );
    } finally {
      doc.destroy();
    }
    progress({ phase: 'rebuild', name, done: ++done });
  }
  if (done > 0) note(`  runbook index: ${done} runbooks`);
}

async function run(command: string, values: Values, opened: OpenedDatabase): Promise<void> {
  const services = createStores(opened.records, loadConfig());
  const accounts = services.accounts;
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
      const workspace = await createWorkspace(
        { accounts, storage: opened.documents },
        { userId: null, label: ACTOR_LABEL, origin: null },
        name,
        { owner, ...(givenId === null ? {} : { id: givenId }) }
      );
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

    case 'migrate': {
      // openDatabase has migrated; say what it did.
      note(
        opened.migrated.length === 0
          ? `database (${opened.records.dialect}) is up to date`
          : `applied migrations ${opened.migrated.join(', ')} (${opened.records.dialect})`
      );
      return;
    }

    case 'backup': {
      const file = option(values, 'out', z.string().min(1));
      note(`backing up the ${opened.records.dialect} store to ${file}`);
      const summary = await writeBackup(opened.records, file, {
        onProgress: progress,
        // Files uploaded before their bytes moved into the database are still on disk.
        fileBytes: async (workspaceId, id) =>
          (await services.files.get(workspaceId, id))?.data ?? null
      }).catch((error: unknown) => {
        if ((error as { code?: unknown }).code === 'EEXIST') {
          throw new CliError(`${file} exists already; choose another file`);
        }
        throw error;
      });
      note(
        `done: ${Object.values(summary.counts).reduce((a, b) => a + b, 0)} records, ` +
          `${Object.keys(summary.documents).length} documents`
      );
      return;
    }

    case 'restore': {
      const file = option(values, 'in', z.string().min(1));
      note(`restoring ${file} into the ${opened.records.dialect} store`);
      const summary = await restoreBackup(opened.records, opened.documents, file, {
        onProgress: progress,
        rebuild: (names) => rebuildRunbookIndex(opened, services, names)
      }).catch((error: unknown) => {
        if ((error as { code?: unknown }).code === 'ENOENT') throw new CliError(`no file ${file}`);
        throw error;
      });
      note(
        `done and verified: ${Object.values(summary.counts).reduce((a, b) => a + b, 0)} ` +
          `records, ${Object.keys(summary.documents).length} documents`
      );
      return;
    }

    case 'compact-board': {
      const workspaceId = option(values, 'workspace', z.string().min(1));
      await requireWorkspace(accounts, workspaceId);
      // A DocStore of its own on the database, without the server's extensions: the rebase
      // copies the board as it is stored.
      const docStore = new DocStore({
        storage: opened.documents,
        generations: new DocumentGenerations(opened.records),
        logger: createLogger('warn')
      });
      try {
        const before = await boardTombstones(docStore, workspaceId);
        note(
          `board of ${workspaceId}: ${before.bytes} bytes, ${before.deletedItems} deleted items`
        );
        const result = await rebaseBoard(docStore, workspaceId);
        note(
          `compacted: ${result.bytesBefore} → ${result.bytesAfter} bytes in ${result.ms} ms ` +
            `(generation ${result.generation})`
        );
        out(String(result.bytesAfter));
      } finally {
        await docStore.close();
      }
      return;
    }

    case 'rotate-secret-key': {
      await rotateSecretKey(values, opened);
      return;
    }

    default:
      throw new CliError(`unknown command: ${command}`, EXIT_USAGE);
  }
}

/**
 * `rotate-secret-key`: every sealed value under the new key, in one transaction, after all of
 * them opened under the current one. On SQLite without RUNBOARD_SECRET_KEY the key file is
 * replaced after the commit (written beside it with mode 0600 first, then renamed over it, so it
 * is never half written); with RUNBOARD_SECRET_KEY the operator sets the new key on every node.
 */
async function rotateSecretKey(values: Values, opened: OpenedDatabase): Promise<void> {
  const newKey = option(
    values,
    'new-key',
    z
      .string()
      .transform((v) => v.trim())
      .refine(
        (v) => decodeSecretKey(v) !== null,
        'must be 32 random bytes as base64 or 64 hex digits (openssl rand -base64 32)'
      )
  );
  const config = loadConfig();
  const keyFile = join(config.dataDir, KEY_FILE);
  let oldKey: Buffer | null = config.secretKey ?? null;
  if (oldKey === null) {
    if (config.databaseUrl) {
      throw new CliError('RUNBOARD_SECRET_KEY is not set: there is no current key to rotate from');
    }
    let text: string;
    try {
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- DATA_DIR, a constant name
      text = readFileSync(keyFile, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') {
        throw new CliError(`no ${keyFile} and no RUNBOARD_SECRET_KEY: nothing is sealed yet`);
      }
      throw error;
    }
    oldKey = decodeSecretKey(text.trim());
    if (oldKey === null) throw new CliError(`${keyFile} does not hold a 32-byte key`);
  }
  const next = decodeSecretKey(newKey)!;
  if (next.equals(oldKey)) throw new CliError('the new key is the current key');
  const from = new SecretBox(() => oldKey);
  const to = new SecretBox(() => next);
  // The new key file is written before the commit and renamed over the old one after it.
  const writeFile = !config.secretKey && !config.databaseUrl;
  const temp = `${keyFile}.${process.pid}.tmp`;
  if (writeFile) {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- DATA_DIR, a constant name
    writeFileSync(temp, `${next.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  let counts;
  try {
    counts = await rotateSealedValues(opened.records, from, to);
  } catch (error) {
    if (writeFile) rmSync(temp, { force: true });
    if (error instanceof RotationRefused) throw new CliError(error.message);
    throw error;
  }
  if (writeFile) {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- DATA_DIR, a constant name
    renameSync(temp, keyFile);
  }
  note(`credentials: ${counts.credentials}`);
  note(`secret run parameters: ${counts.runParameters}`);
  note(`notification channel URLs: ${counts.channelUrls}`);
  note(`notification channel secrets: ${counts.channelSecrets}`);
  if (writeFile) {
    note(`the key file ${keyFile} now holds the new key`);
  } else {
    note(
      'done: now set RUNBOARD_SECRET_KEY to the new key on every node (server and runners) ' +
        'before starting them; the old key no longer opens anything'
    );
  }
  out(
    String(counts.credentials + counts.runParameters + counts.channelUrls + counts.channelSecrets)
  );
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
    const target = databaseTarget(config);
    const opened = await openDatabase(target, { logger: createLogger('warn'), poolSize: 2 }).catch(
      (error: unknown) => {
        throw new CliError(
          `cannot open the ${targetDialect(target)} database: ${
            error instanceof Error ? error.message : String(error)
          }`
        );
      }
    );
    try {
      await run(command, values, opened);
    } finally {
      await opened.records.close();
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
