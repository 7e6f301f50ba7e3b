/**
 * Local AI (DESIGN.md §7, docs/ai.md). Today: the index of a workspace's texts and similar
 * work. The parts that build on it (duration and assignee prediction, questions, history
 * import) add their methods here and their operations to ai-api.ts.
 *
 * The index: one row per task, incident, runbook and CI (ai-store.ts), archived ones included,
 * with the embedder's vector; per workspace, the rows are loaded into memory (ai-index.ts) on
 * the first search. It follows the sources by a diff: `refresh` reads every source text, and
 * re-embeds only what is new or changed (by text hash, or made by another embedder), removes
 * what is gone and updates status changes in place. Document changes (ai-extension.ts) call
 * `touch`, which refreshes the workspace a moment after the last change; a rebuild re-embeds
 * everything with progress. A change of embedder (RUNBOARD_AI_EMBEDDER) is seen on the first
 * refresh of each workspace: every row made by another embedder is re-embedded.
 */
import { createHash } from 'node:crypto';
import { DUPLICATE_THRESHOLD } from '../../shared/ai/schema';
import type { AiEmbedder } from './embedder';
import type { Logger } from '../log';
import { VectorIndex, type AiItemType, type IndexedItem, type SearchHit } from './ai-index';
import type { AiItemHead, AiItemRow, AiStore, IncidentOutcome, SourceItem } from './ai-store';
import { decodeVector, encodeVector, toIndexVector } from './vector-codec';
import { historyItemOfTask } from './history';
import type { AiHistoryStore } from './history-store';
import { predictWork, type PredictInput, type PredictResult } from './predict';
import {
  cardDuration,
  durationBasis,
  openCardFingerprint,
  openCardText,
  type CardDuration,
  type DurationBasis,
  type OpenCard
} from './board-predictions';

/** The duplicate threshold (shared/ai/schema.ts: calibrated, docs/ai.md). */
export { DUPLICATE_THRESHOLD };

/** How long after the last document change a workspace's index is refreshed. */
export const AI_REFRESH_DELAY_MS = 2_000;

/**
 * How long a search waits for a workspace's first load and refresh. A large workspace indexed
 * for the first time (or after a change of embedder) takes longer: searches meanwhile answer
 * from what is embedded so far, which grows batch by batch.
 */
export const AI_FIRST_REFRESH_WAIT_MS = 3_000;

/** Texts embedded per batch (the event loop is given back between batches). */
const EMBED_BATCH = 128;

export const SIMILAR_MAX_LIMIT = 50;

/** Similar items a prediction is based on (the models keep the best 10–15 of the finished). */
const PREDICT_NEIGHBOURS = 50;

/** Most cards whose board prediction a workspace keeps cached (then the cache starts over). */
const PREDICTION_CACHE_MAX_CARDS = 20_000;

export interface AiServiceDeps {
  store: Pick<
    AiStore,
    | 'sources'
    | 'heads'
    | 'load'
    | 'upsert'
    | 'updateHeads'
    | 'remove'
    | 'counts'
    | 'incidentOutcomes'
    | 'runbookLinks'
    | 'runbookTitles'
  >;
  embedder: AiEmbedder;
  logger: Logger;
  /** What prediction reads: the cards (live and archived) and the members (docs/ai-models.md). */
  history?: Pick<AiHistoryStore, 'tasks' | 'members'>;
  /** The member ids on call now in the workspace (oncall-service.ts). */
  onCallNow?: (workspaceId: string) => Promise<readonly string[]>;
  now?: () => number;
  /** Override of `AI_REFRESH_DELAY_MS` (tests). */
  refreshDelayMs?: number;
}

/** One similar item, best first. */
export interface SimilarItem {
  id: string;
  title: string;
  score: number;
  type: AiItemType;
  key: string | null;
  status: IndexedItem['status'];
  finishedAt: string | null;
  /** The item's page, relative to the host. */
  url: string;
}

export interface SimilarQuery {
  text: string;
  limit: number;
  /** An item (by id) left out: the one whose page asks. */
  exclude?: string;
  types?: readonly AiItemType[];
}

/** "Last time this happened": the most similar resolved past incident. */
export interface LastTime {
  incident: SimilarItem;
  resolvedBy: { id: string; name: string } | null;
  openedAt: string;
  resolvedAt: string;
  durationMinutes: number;
  runbooks: { id: string; title: string }[];
}

export type RebuildState = 'idle' | 'running' | 'done' | 'failed';

export interface RebuildProgress {
  state: RebuildState;
  done: number;
  total: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface IndexStatus {
  embedderId: string;
  dimensions: number;
  /** Items in the index made by the current embedder. */
  items: number;
  /** Items waiting to be re-embedded (made by another embedder). */
  stale: number;
  duplicateThreshold: number;
  rebuild: RebuildProgress;
}

interface WorkspaceState {
  index: VectorIndex;
  /** The first load and refresh; searches wait for it. */
  ready: Promise<void>;
  /** The refreshes, one after another. */
  chain: Promise<void>;
  timer: ReturnType<typeof setTimeout> | null;
  /** A change made on this node is among those the pending refresh follows (it writes rows). */
  local: boolean;
  /** The text hash of each item's vector in memory (`type:id`), to follow peer changes. */
  hashes: Map<string, string>;
  rebuild: RebuildProgress;
  /** Bumped by every refresh that changed the index: board predictions made before are stale. */
  generation: number;
  /** The board's predictions per card (`predictOpen`), with what they were made from. */
  predictions: Map<
    string,
    { fingerprint: string; generation: number; duration: CardDuration | null }
  >;
  /** The history's priors of the current generation, shared by the board's predictions. */
  basis: { generation: number; basis: DurationBasis } | null;
}

function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** The page of an item (DESIGN.md §2 deep links). */
export function itemUrl(workspaceId: string, item: Pick<IndexedItem, 'type' | 'id' | 'itemKey'>) {
  const ws = encodeURIComponent(workspaceId);
  const ref = encodeURIComponent(item.itemKey ?? item.id);
  switch (item.type) {
    case 'incident':
      return `/w/${ws}/incidents/${ref}`;
    case 'runbook':
      return `/w/${ws}/runbooks/${encodeURIComponent(item.id)}`;
    case 'ci':
      return `/w/${ws}/cmdb/${encodeURIComponent(item.id)}`;
    default:
      return `/w/${ws}/tasks/${ref}`;
  }
}

function idleProgress(): RebuildProgress {
  return { state: 'idle', done: 0, total: 0, startedAt: null, finishedAt: null, error: null };
}

export class AiService {
  private readonly workspaces = new Map<string, WorkspaceState>();
  private readonly now: () => number;
  private readonly refreshDelayMs: number;
  private closed = false;

  constructor(private readonly deps: AiServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.refreshDelayMs = deps.refreshDelayMs ?? AI_REFRESH_DELAY_MS;
  }

  get embedder(): AiEmbedder {
    return this.deps.embedder;
  }

  /** The items most similar to `query.text`, best first (DESIGN.md §2 `ai/similar`). */
  async similar(workspaceId: string, query: SimilarQuery): Promise<SimilarItem[]> {
    const state = this.workspace(workspaceId);
    await this.readyEnough(state);
    const hits = await this.search(state, query);
    return hits.map((hit) => this.toSimilar(workspaceId, hit));
  }

  /**
   * The similarity of `text` to each of the tasks and incidents `ids` (ai/ask ranks the items
   * its filters kept with it), by id; ids not in the index (yet) or not similar at all are
   * absent.
   */
  async scoresOf(
    workspaceId: string,
    text: string,
    ids: readonly string[]
  ): Promise<Map<string, number>> {
    const scores = new Map<string, number>();
    const wanted = new Set(ids);
    if (wanted.size === 0 || text.trim() === '') return scores;
    const state = this.workspace(workspaceId);
    await state.ready;
    const [vector] = await this.embedder.embed([text.trim()]);
    if (!vector) return scores;
    const hits = state.index.search(
      toIndexVector(vector),
      wanted.size,
      (item) => (item.type === 'task' || item.type === 'incident') && wanted.has(item.id)
    );
    for (const hit of hits) scores.set(hit.item.id, hit.score);
    return scores;
  }

  /**
   * The most similar incident resolved in the past, with who resolved it, how long it took and
   * the runbooks linked to it; null when none is similar enough to say.
   */
  async lastTime(workspaceId: string, text: string, exclude?: string): Promise<LastTime | null> {
    const state = this.workspace(workspaceId);
    await this.readyEnough(state);
    const hits = await this.search(state, {
      text,
      limit: 5,
      types: ['incident'],
      ...(exclude ? { exclude } : {})
    });
    const past = hits.filter((hit) => hit.item.finishedAt !== null);
    if (past.length === 0) return null;
    const outcomes = await this.deps.store.incidentOutcomes(
      workspaceId,
      past.map((hit) => hit.item.id)
    );
    const byId = new Map<string, IncidentOutcome>(outcomes.map((o) => [o.id, o]));
    for (const hit of past) {
      const outcome = byId.get(hit.item.id);
      const resolvedAt = outcome?.resolvedAt ?? hit.item.finishedAt;
      if (!outcome || !resolvedAt) continue;
      const links = await this.deps.store.runbookLinks(workspaceId, [hit.item.id]);
      const ids = links.get(hit.item.id) ?? [];
      const titles = await this.deps.store.runbookTitles(workspaceId, ids);
      return {
        incident: this.toSimilar(workspaceId, hit),
        resolvedBy: outcome.resolvedBy,
        openedAt: outcome.openedAt,
        resolvedAt,
        durationMinutes: Math.max(
          0,
          Math.round((Date.parse(resolvedAt) - Date.parse(outcome.openedAt)) / 60_000)
        ),
        runbooks: ids.flatMap((id) => {
          const title = titles.get(id);
          return title === undefined ? [] : [{ id, title }];
        })
      };
    }
    return null;
  }

  /**
   * Duration and assignee prediction for a new task or incident (DESIGN.md §2 `ai/predict`):
   * similar finished items from the index, the workspace's history and members, who is on call.
   */
  async predict(workspaceId: string, input: PredictInput): Promise<PredictResult> {
    const history = this.deps.history;
    if (!history) return { duration: null, assignees: [] };
    const state = this.workspace(workspaceId);
    await this.readyEnough(state);
    const text = input.description ? `${input.title}\n${input.description}` : input.title;
    const [hits, tasks, members, onCall] = await Promise.all([
      this.search(state, { text, limit: PREDICT_NEIGHBOURS, types: ['task', 'incident'] }),
      history.tasks(workspaceId),
      history.members(workspaceId),
      this.deps.onCallNow ? this.deps.onCallNow(workspaceId) : Promise.resolve([])
    ]);
    return predictWork(input, {
      similar: hits
        .filter((hit) => hit.item.finishedAt !== null)
        .map((hit) => ({ id: hit.item.id, score: hit.score })),
      history: tasks.map((task) => historyItemOfTask(task)),
      members,
      onCall: new Set(onCall),
      now: new Date(this.now()).toISOString()
    });
  }

  /**
   * The predicted durations of open cards (the board's `GET …/ai/predictions`), by card id; null
   * without finished history. Computed as `predict` does, cached per card: a cached duration is
   * used while the card's title, description, kind, priority and labels are the same and the
   * index has not changed since (a refresh after any document change starts a new generation).
   */
  async predictOpen(
    workspaceId: string,
    cards: readonly OpenCard[]
  ): Promise<Map<string, CardDuration | null>> {
    const result = new Map<string, CardDuration | null>();
    const history = this.deps.history;
    if (!history || cards.length === 0) return result;
    const state = this.workspace(workspaceId);
    await this.readyEnough(state);
    const generation = state.generation;
    const missing: { card: OpenCard; fingerprint: string }[] = [];
    for (const card of cards) {
      const fingerprint = openCardFingerprint(card);
      const cached = state.predictions.get(card.id);
      if (cached && cached.generation === generation && cached.fingerprint === fingerprint) {
        result.set(card.id, cached.duration);
      } else {
        missing.push({ card, fingerprint });
      }
    }
    if (missing.length === 0) return result;
    let basis = state.basis?.generation === generation ? state.basis.basis : null;
    if (basis === null) {
      const tasks = await history.tasks(workspaceId);
      basis = durationBasis(tasks.map((task) => historyItemOfTask(task)));
      if (state.generation === generation) state.basis = { generation, basis };
    }
    const vectors = await this.embedder.embed(missing.map(({ card }) => openCardText(card)));
    if (state.predictions.size + missing.length > PREDICTION_CACHE_MAX_CARDS) {
      state.predictions.clear();
    }
    missing.forEach(({ card, fingerprint }, i) => {
      const vector = vectors[i];
      const hits = vector
        ? state.index.search(
            toIndexVector(vector),
            PREDICT_NEIGHBOURS,
            (item) => item.type === 'task' || item.type === 'incident'
          )
        : [];
      const duration = cardDuration(
        card,
        hits
          .filter((hit) => hit.item.finishedAt !== null)
          .map((hit) => ({ id: hit.item.id, score: hit.score })),
        basis
      );
      result.set(card.id, duration);
      // Made from an index that changed meanwhile: answered, not kept.
      if (state.generation === generation) {
        state.predictions.set(card.id, { fingerprint, generation, duration });
      }
    });
    return result;
  }

  /** The index of a workspace: its embedder, size and the last rebuild's progress. */
  async status(workspaceId: string): Promise<IndexStatus> {
    const state = this.workspace(workspaceId);
    const counts = await this.deps.store.counts(workspaceId);
    const items = counts.find((c) => c.embedderId === this.embedder.id)?.count ?? 0;
    const all = counts.reduce((sum, c) => sum + c.count, 0);
    return {
      embedderId: this.embedder.id,
      dimensions: this.embedder.dimensions,
      items,
      stale: all - items,
      duplicateThreshold: DUPLICATE_THRESHOLD,
      rebuild: { ...state.rebuild }
    };
  }

  /**
   * Starts re-embedding every item of the workspace (unless a rebuild is running); its
   * progress is in `status().rebuild`. Resolves with the progress at the start.
   */
  startRebuild(workspaceId: string): RebuildProgress {
    const state = this.workspace(workspaceId);
    if (state.rebuild.state === 'running') return { ...state.rebuild };
    state.rebuild = {
      state: 'running',
      done: 0,
      total: 0,
      startedAt: new Date(this.now()).toISOString(),
      finishedAt: null,
      error: null
    };
    const progress = state.rebuild;
    this.enqueue(workspaceId, state, () => this.refresh(workspaceId, state, { rebuild: progress }))
      .then(() => {
        progress.state = 'done';
      })
      .catch((error: unknown) => {
        progress.state = 'failed';
        progress.error = String(error);
      })
      .finally(() => {
        progress.finishedAt = new Date(this.now()).toISOString();
      });
    return { ...progress };
  }

  /**
   * Something in the workspace changed: refresh its index a moment after the last change.
   * `local` false: the change was made on another node (once across nodes,
   * docs/ARCHITECTURE.md), which writes the rows; this node only brings its in-memory index in
   * step, embedding what changed itself and writing nothing.
   */
  touch(workspaceId: string, local = true): void {
    const state = this.workspaces.get(workspaceId);
    // A workspace nobody searched yet is indexed on its first search.
    if (!state || this.closed) return;
    if (state.timer) clearTimeout(state.timer);
    state.local ||= local;
    state.timer = setTimeout(() => {
      state.timer = null;
      const write = state.local;
      state.local = false;
      this.enqueue(workspaceId, state, () =>
        write ? this.refresh(workspaceId, state) : this.follow(workspaceId, state)
      ).catch((error: unknown) =>
        this.deps.logger.error('ai: refreshing the index failed', {
          workspaceId,
          error: String(error)
        })
      );
    }, this.refreshDelayMs);
    state.timer.unref?.();
  }

  /** Refreshes the index of a workspace now and waits for it (tests, the admin CLI). */
  async refreshNow(workspaceId: string): Promise<void> {
    const state = this.workspace(workspaceId);
    await state.ready;
    await this.enqueue(workspaceId, state, () => this.refresh(workspaceId, state));
  }

  /** Waits for the refreshes under way; pending ones are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const state of this.workspaces.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
    }
    await Promise.all(
      [...this.workspaces.values()].map((state) => state.chain.catch(() => undefined))
    );
  }

  private workspace(workspaceId: string): WorkspaceState {
    let state = this.workspaces.get(workspaceId);
    if (!state) {
      const created: WorkspaceState = {
        index: new VectorIndex(this.embedder.termWeighting === 'idf' ? 'idf' : 'none'),
        ready: Promise.resolve(),
        chain: Promise.resolve(),
        timer: null,
        local: false,
        hashes: new Map(),
        rebuild: idleProgress(),
        generation: 0,
        predictions: new Map(),
        basis: null
      };
      created.ready = this.enqueue(workspaceId, created, async () => {
        await this.load(workspaceId, created);
        await this.refresh(workspaceId, created);
      });
      // Changes made just before the first search were not watched yet (`touch` ignores
      // workspaces not loaded) and the mirrors may still have been writing them: look again
      // once they have.
      void created.ready.then(() => this.touch(workspaceId)).catch(() => undefined);
      // A failed first load is retried by the next search.
      created.ready.catch(() => this.workspaces.delete(workspaceId));
      state = created;
      this.workspaces.set(workspaceId, state);
    }
    return state;
  }

  /** The first load and refresh, or `AI_FIRST_REFRESH_WAIT_MS`, whichever comes first. */
  private async readyEnough(state: WorkspaceState): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, AI_FIRST_REFRESH_WAIT_MS);
      timer.unref?.();
    });
    try {
      await Promise.race([state.ready, waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  private enqueue(_workspaceId: string, state: WorkspaceState, work: () => Promise<void>) {
    const next = state.chain.catch(() => undefined).then(work);
    state.chain = next.catch(() => undefined);
    return next;
  }

  private async search(state: WorkspaceState, query: SimilarQuery): Promise<SearchHit[]> {
    const text = query.text.trim();
    if (text === '') return [];
    const [vector] = await this.embedder.embed([text]);
    if (!vector) return [];
    const types = query.types;
    return state.index.search(
      toIndexVector(vector),
      Math.min(query.limit, SIMILAR_MAX_LIMIT),
      (item) => item.id !== query.exclude && (!types || types.includes(item.type))
    );
  }

  private toSimilar(workspaceId: string, hit: SearchHit): SimilarItem {
    const { item } = hit;
    return {
      id: item.id,
      title: item.title,
      score: Math.round(hit.score * 1000) / 1000,
      type: item.type,
      key: item.itemKey,
      status: item.status,
      finishedAt: item.finishedAt,
      url: itemUrl(workspaceId, item)
    };
  }

  private async load(workspaceId: string, state: WorkspaceState): Promise<void> {
    const rows = await this.deps.store.load(workspaceId, this.embedder.id);
    for (const row of rows) {
      try {
        state.index.upsert({ ...row, vector: decodeVector(row.vector) });
        state.hashes.set(`${row.type}:${row.id}`, row.textHash);
      } catch (error) {
        // A row that does not decode is re-embedded by the refresh that follows.
        this.deps.logger.warn('ai: an index row did not decode', {
          workspaceId,
          item: `${row.type}:${row.id}`,
          error: String(error)
        });
      }
    }
  }

  /**
   * Brings the workspace's rows and its in-memory index in step with the sources (see the
   * file's comment). `rebuild` re-embeds every item and reports progress into it.
   */
  private async refresh(
    workspaceId: string,
    state: WorkspaceState,
    options: { rebuild?: RebuildProgress } = {}
  ): Promise<void> {
    const { store, embedder } = this.deps;
    const [sources, heads] = await Promise.all([
      store.sources(workspaceId),
      store.heads(workspaceId)
    ]);
    const known = new Map<string, AiItemHead>(heads.map((h) => [`${h.type}:${h.id}`, h]));
    const toEmbed: (SourceItem & { hash: string })[] = [];
    const moved: SourceItem[] = [];
    const live = new Set<string>();
    for (const source of sources) {
      const key = `${source.type}:${source.id}`;
      live.add(key);
      const hash = textHash(source.text);
      const head = known.get(key);
      const indexed = state.index.get(source.type, source.id);
      if (
        options.rebuild ||
        !head ||
        !indexed ||
        head.textHash !== hash ||
        head.embedderId !== embedder.id
      ) {
        toEmbed.push({ ...source, hash });
      } else if (
        head.status !== source.status ||
        head.finishedAt !== source.finishedAt ||
        head.itemKey !== source.itemKey
      ) {
        moved.push(source);
      }
    }
    // An item whose type changed (a task made an incident) has a row under its old type.
    const gone = heads.filter((h) => !live.has(`${h.type}:${h.id}`));
    if (options.rebuild) options.rebuild.total = toEmbed.length;
    const now = () => new Date(this.now()).toISOString();
    for (let i = 0; i < toEmbed.length; i += EMBED_BATCH) {
      if (this.closed) return;
      const batch = toEmbed.slice(i, i + EMBED_BATCH);
      const vectors = await embedder.embed(batch.map((item) => item.text));
      const rows: AiItemRow[] = [];
      batch.forEach((item, j) => {
        const vector = toIndexVector(vectors[j]!);
        rows.push({
          type: item.type,
          id: item.id,
          itemKey: item.itemKey,
          title: item.title,
          status: item.status,
          finishedAt: item.finishedAt,
          textHash: item.hash,
          embedderId: embedder.id,
          vector: encodeVector(vector)
        });
        state.index.upsert({
          type: item.type,
          id: item.id,
          itemKey: item.itemKey,
          title: item.title,
          status: item.status,
          finishedAt: item.finishedAt,
          vector
        });
        state.hashes.set(`${item.type}:${item.id}`, item.hash);
      });
      await store.upsert(workspaceId, rows, now());
      if (options.rebuild) options.rebuild.done += batch.length;
      // Give the event loop back between batches: a rebuild of 100,000 items runs for a while.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await store.updateHeads(workspaceId, moved, now());
    for (const item of moved) {
      state.index.updateMeta(item.type, item.id, {
        itemKey: item.itemKey,
        status: item.status,
        finishedAt: item.finishedAt
      });
    }
    await store.remove(workspaceId, gone);
    for (const head of gone) {
      state.index.remove(head.type, head.id);
      state.hashes.delete(`${head.type}:${head.id}`);
    }
    if (toEmbed.length > 0 || moved.length > 0 || gone.length > 0) state.generation++;
  }

  /**
   * Brings the in-memory index in step with the sources after changes made on other nodes,
   * writing nothing: those nodes write the rows (once across nodes). Compared with what this
   * node holds in memory, not with the rows; what changed is embedded here (the same embedder
   * gives the same vector the other node writes).
   */
  private async follow(workspaceId: string, state: WorkspaceState): Promise<void> {
    const sources = await this.deps.store.sources(workspaceId);
    const live = new Set<string>();
    const toEmbed: (SourceItem & { hash: string })[] = [];
    let changed = false;
    for (const source of sources) {
      const key = `${source.type}:${source.id}`;
      live.add(key);
      const hash = textHash(source.text);
      const indexed = state.index.get(source.type, source.id);
      if (!indexed || state.hashes.get(key) !== hash) toEmbed.push({ ...source, hash });
      else if (
        indexed.status !== source.status ||
        indexed.finishedAt !== source.finishedAt ||
        indexed.itemKey !== source.itemKey
      ) {
        changed = true;
        state.index.updateMeta(source.type, source.id, {
          itemKey: source.itemKey,
          status: source.status,
          finishedAt: source.finishedAt
        });
      }
    }
    if (toEmbed.length > 0) changed = true;
    for (let i = 0; i < toEmbed.length; i += EMBED_BATCH) {
      if (this.closed) return;
      const batch = toEmbed.slice(i, i + EMBED_BATCH);
      const vectors = await this.embedder.embed(batch.map((item) => item.text));
      batch.forEach((item, j) => {
        state.index.upsert({
          type: item.type,
          id: item.id,
          itemKey: item.itemKey,
          title: item.title,
          status: item.status,
          finishedAt: item.finishedAt,
          vector: toIndexVector(vectors[j]!)
        });
        state.hashes.set(`${item.type}:${item.id}`, item.hash);
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const key of [...state.hashes.keys()]) {
      if (live.has(key)) continue;
      const at = key.indexOf(':');
      state.index.remove(key.slice(0, at) as AiItemType, key.slice(at + 1));
      state.hashes.delete(key);
      changed = true;
    }
    // Cached predictions read the index: a change made elsewhere makes them stale here too.
    if (changed) state.generation++;
  }
}
