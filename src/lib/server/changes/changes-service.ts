/**
 * Change management (docs/changes.md): change requests, their state machine and approval
 * policies, freezes, conflicts, incident causes, "what changed" and the figures. Framework-free:
 * the REST layer (changes-api.ts) authenticates the caller and passes their role; this decides.
 *
 * A change is a board task of kind `change` with the change's id. The rows are the truth; the
 * card follows them (board/card-follower.ts, as incident cards do): after a decision the card is
 * created or moved to show the state, and a card a member moved against the facts is put back.
 * Approvals and transitions are rows written here after the checks; the ledger document gets a
 * read-only copy. Nothing a client writes into its Yjs copy (card, ledger) is ever read back.
 */
import type * as Y from 'yjs';
import {
  changeMoveExists,
  changePolicySchema,
  isFinalChangeState,
  type Approval,
  type ApprovalDecision,
  type ChangeCreate,
  type ChangeEvent,
  type ChangeFigures,
  type ChangePatch,
  type ChangePolicy,
  type ChangeState,
  type ChangeSummary,
  type ChangeType,
  type ChangeView,
  type Conflict,
  type Freeze,
  type Requirement
} from '../../shared/changes/schema';
import { writeChangeFacts, type ChangeFact } from '../../shared/changes/ledger';
import {
  readChangePlans,
  writeChangePlans,
  type ChangePlans
} from '../../shared/changes/change-doc';
import { getTask, listColumns, moveTask, updateTask } from '../../shared/board/board-model';
import type { Priority } from '../../shared/board/schema';
import { ledgerDocName, taskDocName } from '../../shared/doc-name';
import { DomainError } from '../../shared/model/domain-error';
import { generateId } from '../../shared/model/ids';
import { atLeast, type Role } from '../../shared/permissions';
import type { BoardDocs } from '../board/board-extension';
import type { BoardService } from '../board/board-service';
import { CardFollower } from '../board/card-follower';
import type { RecordsTransaction } from '../db/records';
import type { Logger } from '../log';
import type { NotificationService } from '../notifications/notifications-service';
import { isTimeZone, zonedTime } from '../../shared/zoned-time';
import type { CmdbStore } from '../cmdb/cmdb-store';
import type {
  ApprovalRecord,
  ChangeEventRecord,
  ChangeRecord,
  ChangeRecords,
  ChangesStore,
  FreezeRecord,
  ItemFacts
} from './changes-store';

/** Who acts: a member with their role in the workspace. */
export interface ChangeActor {
  userId: string;
  role: Role;
}

/** Where a decision came from, when not the web or the API (a chat button). */
export interface DecisionVia {
  channel: string;
  user: string;
}

export interface ChangesServiceDeps {
  store: ChangesStore;
  board: Pick<BoardService, 'createTask'>;
  docs: () => Pick<BoardDocs, 'transact' | 'read'>;
  /** A member's role now (approvals record it); null when not a member. */
  roleOf(workspaceId: string, userId: string): Promise<Role | null>;
  /**
   * When an incident opened and the configuration items it names (for "what changed"); null
   * when there is no such incident.
   */
  incident(
    workspaceId: string,
    ref: string
  ): Promise<{ id: string; openedAt: string; items: string[] } | null>;
  /** The CMDB's graph: what items are linked to, either way (cmdb-store.ts). */
  cmdb: Pick<CmdbStore, 'related'>;
  /** Queues approval requests and outcomes (notifications-service.ts). */
  notifier?: Pick<NotificationService, 'enqueue' | 'kick'>;
  /**
   * A change reached a final state (completed, failed, rolled_back, cancelled, rejected), told
   * after the commit (the metrics, composition root). Synchronous; a throw is only logged.
   */
  onChangeFinished?(workspaceId: string, outcome: ChangeState): void;
  logger: Logger;
  now?: () => number;
}

const RISK_PRIORITY: Readonly<Record<ChangeRecord['risk'], Priority>> = {
  low: 'low',
  medium: 'medium',
  high: 'high'
};

/** States that implementation moves need an operator for. */
const IMPLEMENTATION_STATES: readonly ChangeState[] = [
  'scheduled',
  'in_progress',
  'completed',
  'failed',
  'rolled_back'
];

function notFound(what: string, ref: string): DomainError {
  return new DomainError('not_found', `${what} ${JSON.stringify(ref)} not found`);
}

const OFFSET = /(?:[zZ]|[+-]\d{2}:?\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/;
const LOCAL_SECONDS = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/;

/**
 * An instant from a window value: ISO with an offset as is, or a local date-time read in
 * `timeZone` (a time skipped by a daylight-saving change moves forward by the gap; a repeated
 * one is its first occurrence, oncall/rotation.ts). Answers ISO in UTC.
 */
export function windowInstant(value: string, timeZone: string, path: string): string {
  const invalid = () =>
    new DomainError('invalid_input', `${path} is not a date-time`, {
      details: [{ path, message: 'expected ISO 8601 with an offset, or a local date-time' }]
    });
  if (OFFSET.test(value)) {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw invalid();
    return new Date(ms).toISOString();
  }
  // Fractions of a second are dropped: windows are planned to the minute.
  const local = value.replace(/\.\d{1,9}$/, '');
  const match = LOCAL.exec(local) ?? LOCAL_SECONDS.exec(local);
  if (!match) throw invalid();
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59) throw invalid();
  const ms = zonedTime({ year: y!, month: mo!, day: d! }, h! * 60 + mi! + (s ?? 0) / 60, timeZone);
  return new Date(ms).toISOString();
}

function checkTimeZone(timeZone: string): string {
  if (!isTimeZone(timeZone)) {
    throw new DomainError('invalid_input', `unknown time zone ${JSON.stringify(timeZone)}`, {
      details: [{ path: 'timeZone', message: 'not an IANA time zone' }]
    });
  }
  return timeZone;
}

function freezeBody(record: FreezeRecord): Freeze {
  return {
    id: record.id,
    start: record.startsAt,
    end: record.endsAt,
    reason: record.reason,
    environments: record.environments,
    createdBy: record.createdBy,
    createdAt: record.createdAt
  };
}

function approvalBody(record: ApprovalRecord): Approval {
  return {
    userId: record.userId === '' ? null : record.userId,
    decision: record.decision,
    kind: record.kind,
    role: record.role,
    ...(record.comment ? { comment: record.comment } : {}),
    at: record.at
  };
}

function eventBody(record: ChangeEventRecord): ChangeEvent {
  return {
    seq: record.seq,
    from: record.from,
    to: record.to,
    actor: record.actor,
    ...(record.comment ? { comment: record.comment } : {}),
    at: record.at
  };
}

/** Whether a freeze applies to an item in `environment` (null environments: every one). */
function freezeApplies(freeze: FreezeRecord, environments: readonly (string | null)[]): boolean {
  if (freeze.environments === null) return true;
  const frozen = new Set(freeze.environments.map((e) => e.toLowerCase()));
  return environments.some((env) => env !== null && frozen.has(env.toLowerCase()));
}

/** An approval that counts for `policy`: an approve by an operator or above, not the requester. */
function counts(change: ChangeRecord, policy: ChangePolicy, approval: ApprovalRecord): boolean {
  if (approval.decision !== 'approve' || approval.kind !== 'approval') return false;
  return isEligible(change, policy, approval.userId, approval.role);
}

function isEligible(
  change: ChangeRecord,
  policy: ChangePolicy,
  userId: string,
  role: string | null
): boolean {
  if (userId === '' || userId === change.requesterId) return false;
  if (role === null || !['owner', 'admin', 'operator'].includes(role)) return false;
  const named = policy.approvers[change.type];
  return named === undefined || named.includes(userId);
}

/** The items of a change that are critical production items under `policy`. */
export function criticalItems(items: readonly ItemFacts[], policy: ChangePolicy): ItemFacts[] {
  const production = new Set(policy.productionEnvironments.map((e) => e.toLowerCase()));
  return items.filter(
    (item) =>
      (policy.criticalLevels as readonly string[]).includes(item.criticality) &&
      item.environment !== null &&
      production.has(item.environment.toLowerCase())
  );
}

/**
 * What a change's policy asks for and whether each is met, from its approvals (rows) and its
 * items (the CMDB's mirrored rows).
 */
export function requirementsOf(
  change: ChangeRecord,
  items: readonly ItemFacts[],
  approvals: readonly ApprovalRecord[],
  policy: ChangePolicy
): Requirement[] {
  if (policy.preApproved.includes(change.type) && change.type !== 'emergency') {
    return [{ what: 'pre_approved', met: approvals.some((a) => a.kind === 'automatic') }];
  }
  if (change.type === 'emergency') {
    return policy.emergencyReview
      ? [{ what: 'review', met: approvals.some((a) => a.kind === 'review') }]
      : [];
  }
  const valid = approvals.filter((approval) => counts(change, policy, approval));
  const out: Requirement[] = [
    {
      what: 'approvals',
      count: policy.approvals,
      have: valid.length,
      met: valid.length >= policy.approvals
    }
  ];
  const critical = criticalItems(items, policy);
  if (critical.length === 0) return out;
  if (policy.critical.admin) {
    out.push({
      what: 'admin',
      item: critical[0]!.id,
      met: valid.some((a) => a.role === 'admin' || a.role === 'owner')
    });
  }
  if (policy.critical.ownerTeam) {
    const seen = new Set<string>();
    for (const item of critical) {
      const team = item.owner ?? '';
      if (seen.has(team)) continue;
      seen.add(team);
      const members = team === '' ? undefined : policy.teams[team];
      if (members === undefined || members.length === 0) {
        out.push({ what: 'owner_team', team, item: item.id, unknownTeam: true, met: false });
      } else {
        out.push({
          what: 'owner_team',
          team,
          item: item.id,
          met: valid.some((a) => members.includes(a.userId))
        });
      }
    }
  }
  return out;
}

export class ChangesService {
  private readonly now: () => number;
  private queued = false;
  private readonly cards: CardFollower<ChangeState, ChangeRecord>;

  constructor(private readonly deps: ChangesServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.cards = new CardFollower<ChangeState, ChangeRecord>({
      name: 'changes',
      load: (id) => this.deps.store.changeById(id),
      create: async (change) => {
        const task = await this.deps.board.createTask(
          change.workspaceId,
          { title: change.title, kind: 'change', priority: RISK_PRIORITY[change.risk] },
          change.requesterId,
          { id: change.id }
        );
        return task.key;
      },
      show: (doc, change) => showState(doc, change),
      saved: (change, key) => this.deps.store.setBoardState(change.id, change.state, key),
      after: (ids) => this.mirrorLedger(ids),
      docs: () => this.deps.docs(),
      logger: deps.logger
    });
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  // ------------------------------------------------------------------------------------------
  // Changes

  private async find(workspaceId: string, ref: string): Promise<ChangeRecord> {
    const change =
      (await this.deps.store.change(workspaceId, ref)) ??
      (await this.deps.store.changeByKey(workspaceId, ref));
    if (!change) throw notFound('change', ref);
    return change;
  }

  /**
   * Whether automation may run now under change `ref` (automation-service.ts, docs/automation.md
   * "Gating"): the change is approved, scheduled or in progress (an emergency change also once
   * submitted, since it may start at once), now is inside its window, and no freeze applies to
   * its items' environments or the run's own, unless it is an emergency change. Refusals carry
   * their contract codes: `change_required` (no such change), `change_not_approved`,
   * `outside_window`, `frozen`.
   */
  async gateRun(
    workspaceId: string,
    ref: string,
    environments: readonly string[]
  ): Promise<{ id: string; key: string | null; type: ChangeType }> {
    const change =
      (await this.deps.store.change(workspaceId, ref)) ??
      (await this.deps.store.changeByKey(workspaceId, ref));
    if (!change) {
      throw new DomainError('change_required', `no change ${ref} in this workspace`);
    }
    const name = change.taskKey ?? change.id;
    const emergency = change.type === 'emergency';
    const allowed: readonly ChangeState[] = emergency
      ? ['submitted', 'approved', 'scheduled', 'in_progress']
      : ['approved', 'scheduled', 'in_progress'];
    if (!allowed.includes(change.state)) {
      throw new DomainError(
        'change_not_approved',
        `change ${name} is ${change.state}, not approved`,
        {
          details: { change: name, state: change.state }
        }
      );
    }
    const now = this.iso();
    if (now < change.windowStart || now >= change.windowEnd) {
      throw new DomainError(
        'outside_window',
        `now is outside the window of change ${name} (${change.windowStart} – ${change.windowEnd})`,
        { details: { change: name, windowStart: change.windowStart, windowEnd: change.windowEnd } }
      );
    }
    if (!emergency) {
      const end = new Date(this.now() + 1).toISOString();
      const freezes = await this.deps.store.freezesOverlapping(workspaceId, now, end);
      if (freezes.length > 0) {
        const items = await this.deps.store.itemFacts(
          workspaceId,
          await this.deps.store.items(change.id)
        );
        const envs = [...items.map((item) => item.environment), ...environments];
        const blocking = freezes.filter((freeze) => freezeApplies(freeze, envs));
        if (blocking.length > 0) {
          throw new DomainError('frozen', `a change freeze is on: ${blocking[0]!.reason}`, {
            details: { freezes: blocking.map(freezeBody) }
          });
        }
      }
    }
    return { id: change.id, key: change.taskKey, type: change.type };
  }

  private window(
    input: { windowStart?: string; windowEnd?: string },
    timeZone: string,
    current?: { windowStart: string; windowEnd: string }
  ): { windowStart: string; windowEnd: string } {
    const windowStart =
      input.windowStart === undefined
        ? current!.windowStart
        : windowInstant(input.windowStart, timeZone, 'windowStart');
    const windowEnd =
      input.windowEnd === undefined
        ? current!.windowEnd
        : windowInstant(input.windowEnd, timeZone, 'windowEnd');
    if (windowEnd <= windowStart) {
      throw new DomainError('invalid_input', 'the window ends before it starts', {
        details: [{ path: 'windowEnd', message: 'must be after windowStart' }]
      });
    }
    return { windowStart, windowEnd };
  }

  /** Creates a draft change and its card; the plans go to the card's task document. */
  async createChange(
    workspaceId: string,
    input: ChangeCreate,
    actorId: string
  ): Promise<ChangeView> {
    const timeZone = checkTimeZone(input.timeZone ?? 'UTC');
    const now = this.iso();
    const record: ChangeRecord = {
      id: generateId(),
      workspaceId,
      taskKey: null,
      title: input.title,
      type: input.type,
      state: 'draft',
      risk: input.risk ?? 'medium',
      impact: input.impact ?? '',
      ...this.window(input, timeZone),
      timeZone,
      requesterId: actorId,
      approvers: [...new Set(input.approvers ?? [])],
      boardState: '',
      createdAt: now,
      updatedAt: now,
      submittedAt: null,
      approvedAt: null,
      startedAt: null,
      finishedAt: null
    };
    await this.deps.store.transaction(record.id, (tx) => tx.insertChange(record, input.items));
    await this.cards.write([record.id], actorId);
    await this.writePlans(workspaceId, record.id, input);
    return this.getChange(workspaceId, record.id);
  }

  /** Changes a draft's fields (a submitted change is frozen: cancel it and start again). */
  async updateChange(
    workspaceId: string,
    ref: string,
    patch: ChangePatch,
    actor: ChangeActor
  ): Promise<ChangeView> {
    const found = await this.find(workspaceId, ref);
    if (found.requesterId !== actor.userId && !atLeast(actor.role, 'operator')) {
      throw new DomainError('forbidden', 'only the requester or an operator changes a change');
    }
    await this.deps.store.transaction(found.id, async (tx) => {
      const change = (await tx.change(workspaceId, found.id))!;
      if (change.state !== 'draft') {
        throw new DomainError('invalid_transition', 'only a draft change can be edited', {
          details: { from: change.state, to: change.state }
        });
      }
      const timeZone =
        patch.timeZone === undefined ? change.timeZone : checkTimeZone(patch.timeZone);
      const next: ChangeRecord = {
        ...change,
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.risk !== undefined ? { risk: patch.risk } : {}),
        ...(patch.impact !== undefined ? { impact: patch.impact } : {}),
        ...(patch.approvers !== undefined ? { approvers: [...new Set(patch.approvers)] } : {}),
        ...this.window(patch, timeZone, change),
        timeZone,
        updatedAt: this.iso()
      };
      await tx.updateChange(next);
      if (patch.items !== undefined) await tx.setItems(workspaceId, change.id, patch.items);
    });
    await this.writePlans(workspaceId, found.id, patch);
    await this.cards.write([found.id], actor.userId, { force: true });
    return this.getChange(workspaceId, found.id);
  }

  private async writePlans(
    workspaceId: string,
    id: string,
    plans: Partial<ChangePlans>
  ): Promise<void> {
    const given = {
      ...(plans.plan !== undefined ? { plan: plans.plan } : {}),
      ...(plans.rollbackPlan !== undefined ? { rollbackPlan: plans.rollbackPlan } : {}),
      ...(plans.testPlan !== undefined ? { testPlan: plans.testPlan } : {})
    };
    if (Object.keys(given).length === 0) return;
    await this.deps
      .docs()
      .transact(taskDocName(workspaceId, id), (doc: Y.Doc) => writeChangePlans(doc, given));
  }

  private async plans(workspaceId: string, id: string): Promise<ChangePlans> {
    try {
      return await this.deps
        .docs()
        .read(taskDocName(workspaceId, id), (doc: Y.Doc) => readChangePlans(doc));
    } catch (error) {
      this.deps.logger.warn('changes: plans not read', { change: id, error: String(error) });
      return { plan: '', rollbackPlan: '', testPlan: '' };
    }
  }

  private reviewPending(change: ChangeRecord, policy: ChangePolicy, approvals: ApprovalRecord[]) {
    return (
      change.type === 'emergency' &&
      policy.emergencyReview &&
      change.startedAt !== null &&
      !approvals.some((a) => a.kind === 'review')
    );
  }

  private summary(change: ChangeRecord, items: string[], reviewPending: boolean): ChangeSummary {
    return {
      id: change.id,
      key: change.taskKey,
      title: change.title,
      state: change.state,
      type: change.type,
      risk: change.risk,
      items,
      windowStart: change.windowStart,
      windowEnd: change.windowEnd,
      timeZone: change.timeZone,
      requester: change.requesterId,
      reviewPending,
      createdAt: change.createdAt,
      updatedAt: change.updatedAt
    };
  }

  /** A change as its rows (and its task document's plans) say. */
  async getChange(workspaceId: string, ref: string): Promise<ChangeView> {
    const change = await this.find(workspaceId, ref);
    const { store } = this.deps;
    const items = await store.items(change.id);
    const approvals = await store.approvals(change.id);
    const policy = await store.policy(workspaceId);
    const facts = await store.itemFacts(workspaceId, items);
    return {
      ...this.summary(change, items, this.reviewPending(change, policy, approvals)),
      impact: change.impact,
      ...(await this.plans(workspaceId, change.id)),
      approvers: change.approvers,
      approvals: approvals.map(approvalBody),
      requirements: requirementsOf(change, facts, approvals, policy),
      conflicts: await this.conflicts(change, items),
      events: (await store.events(change.id)).map(eventBody),
      causedIncidents: await store.isCause(change.id),
      submittedAt: change.submittedAt,
      approvedAt: change.approvedAt,
      startedAt: change.startedAt,
      finishedAt: change.finishedAt
    };
  }

  /** The calendar: changes whose window overlaps [from, to), by window start. */
  async listChanges(
    workspaceId: string,
    query: {
      from?: string;
      to?: string;
      state?: ChangeState;
      type?: ChangeType;
      limit: number;
      offset: number;
    }
  ): Promise<{ items: ChangeSummary[]; total: number }> {
    const from = query.from === undefined ? undefined : windowInstant(query.from, 'UTC', 'from');
    const to = query.to === undefined ? undefined : windowInstant(query.to, 'UTC', 'to');
    const page = await this.deps.store.listChanges(workspaceId, {
      ...query,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {})
    });
    const items = await this.deps.store.itemsOf(page.items.map((c) => c.id));
    const policy = await this.deps.store.policy(workspaceId);
    const out: ChangeSummary[] = [];
    for (const change of page.items) {
      const pending =
        change.type === 'emergency' && change.startedAt !== null
          ? this.reviewPending(change, policy, await this.deps.store.approvals(change.id))
          : false;
      out.push(this.summary(change, items.get(change.id) ?? [], pending));
    }
    return { items: out, total: page.total };
  }

  /**
   * Other changes that are not final, whose windows overlap this one's, on the same items or
   * on items that depend on them or that they depend on (transitively, the CMDB's relations).
   */
  async conflicts(change: ChangeRecord, items?: string[]): Promise<Conflict[]> {
    const own = items ?? (await this.deps.store.items(change.id));
    if (own.length === 0) return [];
    const { store } = this.deps;
    const ws = change.workspaceId;
    const same = await store.openChangesOn(
      ws,
      own,
      change.windowStart,
      change.windowEnd,
      change.id
    );
    const related = [...(await this.deps.cmdb.related(ws, own))];
    const viaDependency = await store.openChangesOn(
      ws,
      related,
      change.windowStart,
      change.windowEnd,
      change.id
    );
    const out = new Map<string, Conflict>();
    const add = (found: { change: ChangeRecord; items: string[] }, via: Conflict['via']) => {
      const existing = out.get(found.change.id);
      if (existing) {
        existing.items = [...new Set([...existing.items, ...found.items])].sort();
        return;
      }
      out.set(found.change.id, {
        changeId: found.change.id,
        key: found.change.taskKey,
        title: found.change.title,
        state: found.change.state,
        windowStart: found.change.windowStart,
        windowEnd: found.change.windowEnd,
        items: [...new Set(found.items)].sort(),
        via
      });
    };
    for (const found of same) add(found, 'same_item');
    for (const found of viaDependency) add(found, 'dependency');
    return [...out.values()].sort((a, b) => (a.windowStart < b.windowStart ? -1 : 1));
  }

  /**
   * Moves a change. The lifecycle's table first (409 `invalid_transition`), then who may
   * (403): approvals go through `decide`, implementation needs an operator, submitting and
   * cancelling are the requester's too; scheduling into a freeze is 409 `frozen` unless the
   * change is an emergency.
   */
  async transition(
    workspaceId: string,
    ref: string,
    to: ChangeState,
    actor: ChangeActor,
    comment?: string
  ): Promise<ChangeView> {
    const found = await this.find(workspaceId, ref);
    const moved = await this.deps.store.transaction(found.id, async (tx, trx) => {
      const change = (await tx.change(workspaceId, found.id))!;
      if (change.state === to) return false;
      if (!changeMoveExists(change.state, to)) {
        throw new DomainError(
          'invalid_transition',
          `a change that is ${change.state} cannot become ${to}`,
          { details: { from: change.state, to } }
        );
      }
      if (to === 'approved' || to === 'rejected') {
        throw new DomainError(
          'approval_required',
          'a change is approved or rejected by approvals (POST …/approvals), not moved there',
          { details: { from: change.state, to } }
        );
      }
      if (change.state === 'submitted' && to === 'in_progress' && change.type !== 'emergency') {
        throw new DomainError(
          'approval_required',
          'only an emergency change starts without approval',
          { details: { from: change.state, to } }
        );
      }
      const requester = change.requesterId === actor.userId;
      const operator = atLeast(actor.role, 'operator');
      const mayMove = IMPLEMENTATION_STATES.includes(to)
        ? operator
        : to === 'submitted'
          ? requester || operator
          : // cancelled: the requester until work is scheduled, operators always.
            operator || (requester && ['draft', 'submitted', 'approved'].includes(change.state));
      if (!mayMove) {
        throw new DomainError('forbidden', `your role may not move a change to ${to}`, {
          details: { from: change.state, to }
        });
      }
      if ((to === 'scheduled' || to === 'in_progress') && change.type !== 'emergency') {
        await this.checkFreezes(tx, change);
      }
      await this.move(tx, trx, change, to, actor.userId, comment ?? null);
      return true;
    });
    if (moved) {
      if (isFinalChangeState(to)) this.finished(workspaceId, to);
      await this.afterDecision(found.id, actor.userId);
    }
    return this.getChange(workspaceId, found.id);
  }

  /** Tells `onChangeFinished`; a failing hook is logged, never fails the move. */
  private finished(workspaceId: string, outcome: ChangeState): void {
    try {
      this.deps.onChangeFinished?.(workspaceId, outcome);
    } catch (error) {
      this.deps.logger.error('changes: the finished hook failed', { error: String(error) });
    }
  }

  private async checkFreezes(tx: ChangeRecords, change: ChangeRecord): Promise<void> {
    const freezes = await tx.freezesOverlapping(
      change.workspaceId,
      change.windowStart,
      change.windowEnd
    );
    if (freezes.length === 0) return;
    const items = await tx.itemFacts(change.workspaceId, await tx.items(change.id));
    const environments = items.map((item) => item.environment);
    const blocking = freezes.filter((freeze) => freezeApplies(freeze, environments));
    if (blocking.length === 0) return;
    throw new DomainError('frozen', 'the change window falls in a freeze', {
      details: { freezes: blocking.map(freezeBody) }
    });
  }

  /** Writes the move, its outcome timestamp and the log entry; queues its message. */
  private async move(
    tx: ChangeRecords,
    trx: RecordsTransaction,
    change: ChangeRecord,
    to: ChangeState,
    actorId: string | null,
    comment: string | null
  ): Promise<ChangeRecord> {
    const now = this.iso();
    const next: ChangeRecord = { ...change, state: to, updatedAt: now };
    if (to === 'submitted') next.submittedAt = now;
    if (to === 'approved') next.approvedAt = now;
    if (to === 'in_progress') next.startedAt = now;
    if (isFinalChangeState(to)) next.finishedAt = now;
    await tx.updateChange(next);
    const seq = await tx.addEvent({
      changeId: change.id,
      from: change.state,
      to,
      actor: actorId,
      comment,
      at: now
    });
    await this.notify(tx, trx, next, seq, actorId, comment);
    Object.assign(change, next);
    if (to === 'submitted') await this.onSubmitted(tx, trx, change);
    return change;
  }

  /** A standard change is approved at once, as the server's approval. */
  private async onSubmitted(
    tx: ChangeRecords,
    trx: RecordsTransaction,
    change: ChangeRecord
  ): Promise<void> {
    const policy = await this.policyIn(tx, change.workspaceId);
    if (change.type === 'emergency' || !policy.preApproved.includes(change.type)) return;
    await tx.insertApproval({
      changeId: change.id,
      userId: '',
      kind: 'automatic',
      decision: 'approve',
      role: null,
      comment: null,
      at: this.iso()
    });
    await this.move(tx, trx, change, 'approved', null, null);
  }

  /** The policy, read in the transaction (SQLite: the store outside it would wait for it). */
  private async policyIn(tx: ChangeRecords, workspaceId: string): Promise<ChangePolicy> {
    return tx.policy(workspaceId);
  }

  /**
   * Records one person's decision. Before the change: its approval (the change becomes
   * approved when its policy is met, rejected at a reject). After an emergency change started:
   * its review. The requester never decides (403 `self_approval`); someone the policy does not
   * count is refused (403 `not_an_approver`).
   */
  async decide(
    workspaceId: string,
    ref: string,
    decision: ApprovalDecision,
    actor: ChangeActor,
    comment?: string,
    via?: DecisionVia
  ): Promise<ChangeView> {
    const found = await this.find(workspaceId, ref);
    let rejected = false;
    const changed = await this.deps.store.transaction(found.id, async (tx, trx) => {
      rejected = false;
      const change = (await tx.change(workspaceId, found.id))!;
      const policy = await this.policyIn(tx, workspaceId);
      const review =
        change.type === 'emergency' &&
        change.startedAt !== null &&
        ['in_progress', 'completed', 'failed', 'rolled_back'].includes(change.state);
      if (change.state !== 'submitted' && !review) {
        throw new DomainError(
          'invalid_transition',
          `a change that is ${change.state} takes no approvals`,
          { details: { from: change.state, to: decision === 'approve' ? 'approved' : 'rejected' } }
        );
      }
      if (actor.userId === change.requesterId) {
        throw new DomainError('self_approval', 'the requester cannot approve their own change');
      }
      if (!isEligible(change, policy, actor.userId, actor.role)) {
        throw new DomainError('not_an_approver', 'the policy does not count your approval', {
          details: {
            role: actor.role,
            ...(policy.approvers[change.type] ? { approvers: policy.approvers[change.type] } : {})
          }
        });
      }
      const kind = review ? 'review' : 'approval';
      const approvals = await tx.approvals(change.id);
      const mine = approvals.find((a) => a.userId === actor.userId && a.kind === kind);
      if (mine) {
        if (mine.decision === decision) return false;
        throw new DomainError('conflict', `you already decided: ${mine.decision}`, {
          details: { decision: mine.decision }
        });
      }
      const text = via ? `${comment ?? ''} (${via.user}, ${via.channel})`.trim() : comment;
      const record: ApprovalRecord = {
        changeId: change.id,
        userId: actor.userId,
        kind,
        decision,
        role: actor.role,
        comment: text ?? null,
        at: this.iso()
      };
      await tx.insertApproval(record);
      if (review) return true;
      if (decision === 'reject') {
        await this.move(tx, trx, change, 'rejected', actor.userId, comment ?? null);
        rejected = true;
        return true;
      }
      const items = await tx.itemFacts(workspaceId, await tx.items(change.id));
      const met = requirementsOf(change, items, [...approvals, record], policy).every((r) => r.met);
      if (met) await this.move(tx, trx, change, 'approved', actor.userId, comment ?? null);
      return true;
    });
    if (rejected) this.finished(workspaceId, 'rejected');
    if (changed) await this.afterDecision(found.id, actor.userId);
    return this.getChange(workspaceId, found.id);
  }

  private async afterDecision(id: string, actorId: string | null): Promise<void> {
    await this.cards.write([id], actorId).finally(() => this.wakeNotifier());
  }

  // ------------------------------------------------------------------------------------------
  // Notifications

  private async notify(
    tx: ChangeRecords,
    trx: RecordsTransaction,
    change: ChangeRecord,
    seq: number,
    actorId: string | null,
    comment: string | null
  ): Promise<void> {
    const notifier = this.deps.notifier;
    if (!notifier) return;
    const event =
      change.state === 'submitted'
        ? ('change.submitted' as const)
        : change.state === 'approved'
          ? ('change.approved' as const)
          : change.state === 'rejected'
            ? ('change.rejected' as const)
            : null;
    if (event === null) return;
    const at = this.iso();
    if (event === 'change.submitted' && change.type !== 'standard') {
      // One message per approver, so each chat button names the person who presses it.
      const approvers = await this.approversOf(tx, change);
      for (const approverId of approvers) {
        await notifier.enqueue(
          trx,
          change.workspaceId,
          event,
          `change:${change.id}:${seq}:${approverId}`,
          {
            changeId: change.id,
            approverId,
            actorId,
            comment,
            at
          }
        );
      }
      if (approvers.length > 0) {
        this.queued = true;
        return;
      }
    }
    await notifier.enqueue(trx, change.workspaceId, event, `change:${change.id}:${seq}`, {
      changeId: change.id,
      actorId,
      comment,
      at
    });
    this.queued = true;
  }

  /** Who is asked to approve: the change's named approvers, else the policy's for its type. */
  private async approversOf(tx: ChangeRecords, change: ChangeRecord): Promise<string[]> {
    const policy = await tx.policy(change.workspaceId);
    const named =
      change.approvers.length > 0 ? change.approvers : (policy.approvers[change.type] ?? []);
    return named.filter((id) => id !== change.requesterId);
  }

  private wakeNotifier(): void {
    if (!this.queued) return;
    this.queued = false;
    this.deps.notifier?.kick();
  }

  // ------------------------------------------------------------------------------------------
  // Policy

  async getPolicy(workspaceId: string): Promise<ChangePolicy> {
    return this.deps.store.policy(workspaceId);
  }

  async setPolicy(workspaceId: string, input: unknown, actorId: string | null) {
    const policy = changePolicySchema.parse(input);
    await this.deps.store.setPolicy(workspaceId, policy, this.iso(), actorId);
    return policy;
  }

  // ------------------------------------------------------------------------------------------
  // Freezes

  async createFreeze(
    workspaceId: string,
    input: {
      start: string;
      end: string;
      timeZone?: string;
      reason: string;
      environments?: string[] | null;
    },
    actorId: string | null
  ): Promise<Freeze> {
    const timeZone = checkTimeZone(input.timeZone ?? 'UTC');
    const startsAt = windowInstant(input.start, timeZone, 'start');
    const endsAt = windowInstant(input.end, timeZone, 'end');
    if (endsAt <= startsAt) {
      throw new DomainError('invalid_input', 'the freeze ends before it starts', {
        details: [{ path: 'end', message: 'must be after start' }]
      });
    }
    const record: FreezeRecord = {
      id: generateId(),
      workspaceId,
      startsAt,
      endsAt,
      reason: input.reason,
      environments: input.environments ?? null,
      createdBy: actorId,
      createdAt: this.iso()
    };
    await this.deps.store.createFreeze(record);
    return freezeBody(record);
  }

  /** Freezes, soonest first; past ones only with `all`. */
  async listFreezes(workspaceId: string, all = false): Promise<Freeze[]> {
    return (await this.deps.store.listFreezes(workspaceId, all ? null : this.iso())).map(
      freezeBody
    );
  }

  async deleteFreeze(workspaceId: string, id: string): Promise<Freeze> {
    const freeze = await this.deps.store.freeze(workspaceId, id);
    if (!freeze || !(await this.deps.store.deleteFreeze(workspaceId, id))) {
      throw notFound('freeze', id);
    }
    return freezeBody(freeze);
  }

  // ------------------------------------------------------------------------------------------
  // Incidents

  /** Marks a change as a cause of an incident (feeds the change failure rate). */
  async markCause(
    workspaceId: string,
    incidentRef: string,
    changeRef: string,
    actorId: string | null
  ): Promise<{ incidentId: string; changeId: string; created: boolean }> {
    const incident = await this.deps.incident(workspaceId, incidentRef);
    if (!incident) throw notFound('incident', incidentRef);
    const change = await this.find(workspaceId, changeRef);
    const created = await this.deps.store.markCause(incident.id, change.id, actorId, this.iso());
    return { incidentId: incident.id, changeId: change.id, created };
  }

  async unmarkCause(
    workspaceId: string,
    incidentRef: string,
    changeRef: string
  ): Promise<{ incidentId: string; changeId: string }> {
    const incident = await this.deps.incident(workspaceId, incidentRef);
    if (!incident) throw notFound('incident', incidentRef);
    const change = await this.find(workspaceId, changeRef);
    if (!(await this.deps.store.unmarkCause(incident.id, change.id))) {
      throw notFound('cause', `${incident.id}/${change.id}`);
    }
    return { incidentId: incident.id, changeId: change.id };
  }

  /**
   * "What changed": changes on the incident's items (recorded in incident_items, plus `items`
   * given) and on everything related to them in the CMDB, whose window overlaps, or that
   * moved in, the `hours` before the incident opened (and until it opened).
   */
  async whatChanged(
    workspaceId: string,
    incidentRef: string,
    hours: number,
    extraItems: readonly string[]
  ) {
    const incident = await this.deps.incident(workspaceId, incidentRef);
    if (!incident) throw notFound('incident', incidentRef);
    const { store } = this.deps;
    const own = [...new Set([...incident.items, ...extraItems])];
    const related = await this.deps.cmdb.related(workspaceId, own);
    const all = [...new Set([...own, ...related])];
    const to = incident.openedAt;
    const from = new Date(Date.parse(to) - hours * 3_600_000).toISOString();
    const changes = await store.changesTouching(workspaceId, all, from, to);
    const items = await store.itemsOf(changes.map((c) => c.id));
    const causes = new Set(await store.causesOf(incident.id));
    const policy = await store.policy(workspaceId);
    const out = [];
    for (const change of changes) {
      const touched = items.get(change.id) ?? [];
      out.push({
        ...this.summary(
          change,
          touched,
          this.reviewPending(change, policy, await store.approvals(change.id))
        ),
        via: touched.some((id) => own.includes(id))
          ? ('same_item' as const)
          : ('dependency' as const),
        cause: causes.has(change.id)
      });
    }
    return { incidentId: incident.id, from, to, items: all, changes: out };
  }

  /** Change success rate, failure rate and lead time of changes that finished in [from, to). */
  async figures(workspaceId: string, fromValue: string, toValue: string): Promise<ChangeFigures> {
    const from = windowInstant(fromValue, 'UTC', 'from');
    const to = windowInstant(toValue, 'UTC', 'to');
    const finished = await this.deps.store.finishedBetween(workspaceId, from, to);
    const completed = finished.filter((f) => f.change.state === 'completed');
    const failed = finished.filter((f) => f.change.state !== 'completed' || f.caused);
    const leads = completed
      .map((f) => (Date.parse(f.change.finishedAt!) - Date.parse(f.change.createdAt)) / 1000)
      .sort((a, b) => a - b);
    const median =
      leads.length === 0
        ? null
        : leads.length % 2 === 1
          ? leads[(leads.length - 1) / 2]!
          : (leads[leads.length / 2 - 1]! + leads[leads.length / 2]!) / 2;
    return {
      from,
      to,
      finished: finished.length,
      completed: completed.length,
      successRate: finished.length === 0 ? null : completed.length / finished.length,
      causedIncidents: finished.filter((f) => f.caused).length,
      failureRate: finished.length === 0 ? null : failed.length / finished.length,
      leadTimeSeconds: {
        median,
        mean: leads.length === 0 ? null : leads.reduce((a, b) => a + b, 0) / leads.length
      }
    };
  }

  // ------------------------------------------------------------------------------------------
  // The board cards and the ledger

  /**
   * A member moved a change card (changes-extension.ts): the card is only a view, so it is put
   * back where the change's state shows it. Change tasks made by hand have no row: left alone.
   */
  async cardChanged(workspaceId: string, taskId: string, actorId: string): Promise<void> {
    const change = await this.deps.store.change(workspaceId, taskId);
    if (!change || change.boardState === '') return;
    this.deps.logger.info('changes: a member moved a change card; it shows the change again', {
      change: change.id,
      actor: actorId
    });
    await this.cards.write([taskId], null, { force: true });
  }

  /** Writes every card that does not show its change's state (start-up, retries). */
  async catchUpBoard(): Promise<number> {
    const behind = await this.deps.store.changesBehindBoard();
    await this.cards.write(behind.map((change) => change.id));
    return behind.length;
  }

  /** Resolves when the card writes queued so far are done (tests, shutdown). */
  settled(): Promise<void> {
    return this.cards.settled();
  }

  /** Mirrors the changes' facts into their workspaces' ledger documents (read-only there). */
  private async mirrorLedger(ids: readonly string[]): Promise<void> {
    const byWorkspace = new Map<string, ChangeFact[]>();
    for (const id of new Set(ids)) {
      const change = await this.deps.store.changeById(id);
      if (!change) continue;
      const approvals = await this.deps.store.approvals(id);
      const policy = await this.deps.store.policy(change.workspaceId);
      const facts = byWorkspace.get(change.workspaceId) ?? [];
      facts.push({
        id: change.id,
        key: change.taskKey,
        title: change.title,
        type: change.type,
        state: change.state,
        windowStart: change.windowStart,
        windowEnd: change.windowEnd,
        requester: change.requesterId,
        approvals: approvals.map((a) => ({
          userId: a.userId === '' ? null : a.userId,
          decision: a.decision,
          kind: a.kind,
          at: a.at
        })),
        reviewPending: this.reviewPending(change, policy, approvals),
        finishedAt: change.finishedAt,
        updatedAt: change.updatedAt
      });
      byWorkspace.set(change.workspaceId, facts);
    }
    for (const [workspaceId, facts] of byWorkspace) {
      try {
        await this.deps
          .docs()
          .transact(ledgerDocName(workspaceId), (doc: Y.Doc) =>
            writeChangeFacts(doc, facts, this.now())
          );
      } catch (error) {
        // The ledger is a mirror: the next change of these changes writes them again.
        this.deps.logger.warn('changes: ledger not written', {
          workspace: workspaceId,
          error: String(error)
        });
      }
    }
  }
}

/**
 * Moves the card to the column of the change's state (to do until work starts, in progress,
 * done) and gives it the change's title.
 */
function showState(doc: Y.Doc, change: ChangeRecord): void {
  const { id, state } = change;
  const task = getTask(doc, id);
  if (!task) throw new DomainError('not_found', `task ${id} is not on the board`);
  if (task.title !== change.title) updateTask(doc, id, { title: change.title });
  const columns = listColumns(doc);
  const category =
    state === 'in_progress' ? 'in_progress' : isFinalChangeState(state) ? 'done' : 'todo';
  const current = columns.find((column) => column.id === task.status);
  if (current?.category === category) return;
  const target = columns.find((column) => column.category === category);
  if (target) moveTask(doc, id, { status: target.id });
}
