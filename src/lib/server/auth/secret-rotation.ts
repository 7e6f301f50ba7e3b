/**
 * Secret key rotation (`npm run admin -- rotate-secret-key --new-key K`, docs/automation.md
 * "Secret key rotation"): every value sealed under the current key is opened and sealed again
 * under the new one, in one transaction. Everything is opened first; when any value does not
 * open under the current key (a wrong key, a changed row), nothing is written, so a rotation
 * never leaves rows under two keys.
 *
 * Sealed values (grep `box.seal(`): automation credentials (`sealed`), secret parameter values
 * of runs (`parameters`, named by the run's `spec.secretParameters`), and notification channels
 * (`url`, `secret`).
 */
import type { Records, RecordsTransaction } from '../db/records';
import type { SecretBox } from './secret-box';

/** How many values of each kind were sealed again. */
export interface RotationCounts {
  credentials: number;
  runParameters: number;
  channelUrls: number;
  channelSecrets: number;
}

/** Values that do not open under the current key: nothing was changed. */
export class RotationRefused extends Error {
  constructor(readonly failures: readonly string[]) {
    super(
      `${failures.length} sealed value(s) do not open under the current key (${failures
        .slice(0, 5)
        .join(', ')}${failures.length > 5 ? ', …' : ''}); nothing was changed`
    );
    this.name = 'RotationRefused';
  }
}

interface Plan {
  credentials: { id: string; sealed: string }[];
  runs: { id: string; parameters: string; count: number }[];
  channels: { id: string; url: string | null; secret: string | null }[];
  counts: RotationCounts;
}

/** Reads every sealed value in `trx`, opens it with `from` and seals it with `to`. */
async function plan(trx: RecordsTransaction, from: SecretBox, to: SecretBox): Promise<Plan> {
  const failures: string[] = [];
  const reseal = (what: string, sealed: string): string => {
    try {
      return to.seal(from.open(sealed));
    } catch {
      failures.push(what);
      return sealed;
    }
  };
  const out: Plan = {
    credentials: [],
    runs: [],
    channels: [],
    counts: { credentials: 0, runParameters: 0, channelUrls: 0, channelSecrets: 0 }
  };
  for (const row of await trx
    .selectFrom('automation_credentials')
    .select(['id', 'sealed'])
    .orderBy('id')
    .execute()) {
    out.credentials.push({ id: row.id, sealed: reseal(`credential ${row.id}`, row.sealed) });
    out.counts.credentials += 1;
  }
  for (const row of await trx
    .selectFrom('automation_runs')
    .select(['id', 'parameters', 'spec'])
    .orderBy('id')
    .execute()) {
    const spec = JSON.parse(row.spec) as { secretParameters?: unknown };
    const names = Array.isArray(spec.secretParameters)
      ? spec.secretParameters.filter((n): n is string => typeof n === 'string')
      : [];
    if (names.length === 0) continue;
    const parameters = JSON.parse(row.parameters) as Record<string, unknown>;
    let count = 0;
    for (const name of names) {
      const value = parameters[name];
      if (typeof value !== 'string') continue;
      parameters[name] = reseal(`run ${row.id} parameter ${name}`, value);
      count += 1;
    }
    if (count === 0) continue;
    out.runs.push({ id: row.id, parameters: JSON.stringify(parameters), count });
    out.counts.runParameters += count;
  }
  for (const row of await trx
    .selectFrom('notification_channels')
    .select(['id', 'url', 'secret'])
    .orderBy('id')
    .execute()) {
    const url = row.url === null ? null : reseal(`channel ${row.id} url`, row.url);
    const sealedSecret =
      row.secret === null ? null : reseal(`channel ${row.id} secret`, row.secret);
    out.channels.push({ id: row.id, url, secret: sealedSecret });
    if (row.url !== null) out.counts.channelUrls += 1;
    if (row.secret !== null) out.counts.channelSecrets += 1;
  }
  if (failures.length > 0) throw new RotationRefused(failures);
  return out;
}

/**
 * Seals every sealed value under `to` instead of `from`, in one transaction; throws
 * `RotationRefused` (and changes nothing) when any value does not open under `from`.
 */
export async function rotateSealedValues(
  records: Records,
  from: SecretBox,
  to: SecretBox
): Promise<RotationCounts> {
  return records.transaction(async (trx) => {
    const todo = await plan(trx, from, to);
    for (const c of todo.credentials) {
      await trx
        .updateTable('automation_credentials')
        .set({ sealed: c.sealed })
        .where('id', '=', c.id)
        .execute();
    }
    for (const r of todo.runs) {
      await trx
        .updateTable('automation_runs')
        .set({ parameters: r.parameters })
        .where('id', '=', r.id)
        .execute();
    }
    for (const ch of todo.channels) {
      await trx
        .updateTable('notification_channels')
        .set({ url: ch.url, secret: ch.secret })
        .where('id', '=', ch.id)
        .execute();
    }
    return todo.counts;
  });
}
