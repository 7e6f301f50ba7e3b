/**
 * The in-app self-evaluation (issue 17 item 8, docs/ai-models.md "Evaluate on your own data"):
 * replays the workspace's own history — the live board and the archive, imported items
 * included — in time order through evaluation.ts's `replay`, training on the past and testing on
 * the future (the last quarter of the finished items, or from a chosen date), and keeps the last
 * result (evaluation-store.ts).
 *
 * `start` reads the history and refuses too little of it at once (`too_little_history`, with
 * how many finished items are needed); the embedding and the replay then run off the request,
 * giving the event loop back between batches and slices, with progress in `status`. One run per
 * workspace at a time; progress lives in this process (the result in the records).
 */
import { DomainError } from '../../shared/model/domain-error';
import {
  EVALUATION_MIN_FINISHED,
  EVALUATION_MIN_SIDE,
  type EvaluationProgressJson,
  type EvaluationReportJson,
  type EvaluationResultJson,
  type EvaluationStatusJson
} from '../../shared/ai/evaluation';
import type { Logger } from '../log';
import type { AiEmbedder } from './embedder';
import { replayInSlices, type ReplayReport } from './evaluation';
import {
  enoughHistory,
  evaluationCandidates,
  evaluationItems,
  historyCounts,
  lastQuarterSplit
} from './evaluation-items';
import type { AiEvaluationStore } from './evaluation-store';
import { historyItemOfTask, historyText } from './history';
import type { AiHistoryStore } from './history-store';

/** Texts embedded per batch (the event loop is given back between batches). */
const EMBED_BATCH = 128;

export interface AiEvaluationRunnerDeps {
  store: Pick<AiEvaluationStore, 'get' | 'put'>;
  history: Pick<AiHistoryStore, 'tasks' | 'members'>;
  embedder: AiEmbedder;
  logger: Logger;
  now?: () => number;
  /** Work between two pauses of the replay, in ms (default 20). */
  sliceMs?: number;
}

function idle(): EvaluationProgressJson {
  return {
    state: 'idle',
    phase: null,
    done: 0,
    total: 0,
    startedAt: null,
    finishedAt: null,
    error: null
  };
}

/** A figure as JSON: NaN (nothing scored) becomes null. */
const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The replay's report as the API's (shared/ai/evaluation.ts). */
export function reportJson(report: ReplayReport): EvaluationReportJson {
  const recall = (r: { recall: number; queries: number }) => ({
    recall: num(r.recall),
    queries: r.queries
  });
  return {
    trainItems: report.trainItems,
    testItems: report.testItems,
    similar: report.similar
      ? {
          paraphrase: recall(report.similar.paraphrase),
          crossLanguage: recall(report.similar.crossLanguage)
        }
      : null,
    duration: {
      n: report.duration.n,
      mae: num(report.duration.mae),
      baselineMae: num(report.duration.baselineMae),
      ratio: num(report.duration.ratio),
      calibration: num(report.duration.calibration)
    },
    assignee: {
      n: report.assignee.n,
      top1: num(report.assignee.top1),
      top3: num(report.assignee.top3),
      baselineTop1: num(report.assignee.baselineTop1),
      baselineTop3: num(report.assignee.baselineTop3)
    }
  };
}

class Cancelled extends Error {}

export class AiEvaluationRunner {
  private readonly progress = new Map<string, EvaluationProgressJson>();
  private readonly running = new Set<Promise<void>>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly deps: AiEvaluationRunnerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The progress of the current (or last) run in this process and the last stored result. */
  async status(workspaceId: string): Promise<EvaluationStatusJson> {
    return {
      progress: { ...(this.progress.get(workspaceId) ?? idle()) },
      result: await this.deps.store.get(workspaceId),
      minFinished: EVALUATION_MIN_FINISHED
    };
  }

  /**
   * Starts an evaluation of the workspace's history (a run already going is left to finish and
   * its progress returned). `splitAt`: items created from then on are tested (default: the last
   * quarter of the finished items). Throws `too_little_history` when there are fewer than
   * `EVALUATION_MIN_FINISHED` finished items, or fewer than `EVALUATION_MIN_SIDE` on a side.
   */
  async start(
    workspaceId: string,
    options: { splitAt?: string; actorId: string | null }
  ): Promise<EvaluationProgressJson> {
    const current = this.progress.get(workspaceId);
    if (current?.state === 'running') return { ...current };
    const startedAt = new Date(this.now()).toISOString();
    const progress: EvaluationProgressJson = {
      ...idle(),
      state: 'running',
      phase: 'reading',
      startedAt
    };
    this.progress.set(workspaceId, progress);
    let tasks: Awaited<ReturnType<AiEvaluationRunnerDeps['history']['tasks']>>;
    let members: Awaited<ReturnType<AiEvaluationRunnerDeps['history']['members']>>;
    try {
      [tasks, members] = await Promise.all([
        this.deps.history.tasks(workspaceId),
        this.deps.history.members(workspaceId)
      ]);
    } catch (error) {
      this.progress.set(workspaceId, current ?? idle());
      throw error;
    }
    const items = evaluationItems(tasks.map((task) => historyItemOfTask(task)));
    const splitAt = options.splitAt ?? lastQuarterSplit(items);
    const counts = splitAt ? historyCounts(items, splitAt) : { finished: 0, before: 0, after: 0 };
    if (!splitAt || !enoughHistory(counts)) {
      // Nothing ran: the last outcome stays what the page shows.
      if (current) this.progress.set(workspaceId, current);
      else this.progress.delete(workspaceId);
      throw new DomainError(
        'too_little_history',
        `The evaluation needs at least ${EVALUATION_MIN_FINISHED} finished tasks and ` +
          `incidents, ${EVALUATION_MIN_SIDE} of them before the split and ${EVALUATION_MIN_SIDE} ` +
          `from it on; this workspace has ${counts.finished} ` +
          `(${counts.before} before the split, ${counts.after} from it on).`,
        {
          details: {
            needed: EVALUATION_MIN_FINISHED,
            neededPerSide: EVALUATION_MIN_SIDE,
            ...counts
          },
          params: { needed: EVALUATION_MIN_FINISHED, found: counts.finished }
        }
      );
    }
    const candidates = evaluationCandidates(members, items);
    const run = this.run(workspaceId, progress, {
      items,
      candidates,
      splitAt,
      splitChosen: options.splitAt !== undefined,
      startedBy: options.actorId
    })
      .catch((error: unknown) => {
        progress.state = 'failed';
        progress.error = error instanceof Cancelled ? 'cancelled' : String(error);
        if (!(error instanceof Cancelled)) {
          this.deps.logger.error('ai: the evaluation failed', {
            workspaceId,
            error: String(error)
          });
        }
      })
      .finally(() => {
        progress.phase = null;
        progress.finishedAt = new Date(this.now()).toISOString();
        this.running.delete(run);
      });
    this.running.add(run);
    return { ...progress };
  }

  /** Stops the runs under way (at their next pause) and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running]);
  }

  private async run(
    workspaceId: string,
    progress: EvaluationProgressJson,
    input: {
      items: ReturnType<typeof evaluationItems>;
      candidates: ReturnType<typeof evaluationCandidates>;
      splitAt: string;
      splitChosen: boolean;
      startedBy: string | null;
    }
  ): Promise<void> {
    const { embedder } = this.deps;
    const { items } = input;
    progress.phase = 'embedding';
    progress.total = items.length;
    const vectors: Float32Array[] = [];
    for (let i = 0; i < items.length; i += EMBED_BATCH) {
      if (this.closed) throw new Cancelled();
      const batch = items.slice(i, i + EMBED_BATCH);
      vectors.push(...(await embedder.embed(batch.map(historyText))));
      progress.done = vectors.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    progress.phase = 'replaying';
    progress.done = 0;
    progress.total = 0;
    const report = await replayInSlices(items, vectors, {
      splitAt: input.splitAt,
      idf: embedder.termWeighting === 'idf',
      membersAt: () => input.candidates,
      sliceMs: this.deps.sliceMs ?? 20,
      onStep: (step) => {
        if (this.closed) throw new Cancelled();
        progress.done = step.done;
        progress.total = step.total;
      }
    });
    const result: EvaluationResultJson = {
      startedAt: progress.startedAt ?? new Date(this.now()).toISOString(),
      finishedAt: new Date(this.now()).toISOString(),
      startedBy: input.startedBy,
      splitAt: input.splitAt,
      splitChosen: input.splitChosen,
      embedderId: embedder.id,
      items: items.length,
      report: reportJson(report)
    };
    await this.deps.store.put(workspaceId, result);
    progress.done = progress.total;
    progress.state = 'done';
  }
}
