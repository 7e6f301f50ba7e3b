/**
 * Cards that follow server facts (incidents, changes): the rows are the truth, the board card
 * shows them. After a fact changes, its card is created (the first time) and then made to show
 * the fact's state; `board_state` records what the card shows, so a card the process did not
 * finish writing (a crash, a failed write) is written again by a catch-up at start, and a card a
 * member changed against the facts is rewritten (`force`). Writes run one at a time, process-
 * wide per follower, so two requests never create one card twice.
 */
import type * as Y from 'yjs';
import { serverOrigin } from '../../../../sync-server/update-origin';
import { boardDocName } from '../../shared/doc-name';
import type { Logger } from '../log';
import type { UpdateOrigin } from '../../../../sync-server/update-origin';

/** What a followed fact must say of its card. */
export interface FollowedFact<S extends string> {
  id: string;
  workspaceId: string;
  state: S;
  /** The state the card last showed; '' before the card exists. */
  boardState: S | '';
  taskKey: string | null;
}

export interface CardFollowerDeps<S extends string, R extends FollowedFact<S>> {
  /** For log lines: "alerts", "changes". */
  name: string;
  /** The fact, fresh. */
  load(id: string): Promise<R | null>;
  /** Creates the card (its id is the fact's); answers its key. */
  create(fact: R): Promise<string | null>;
  /** Makes the card show the fact, inside the board's transaction. */
  show(doc: Y.Doc, fact: R): void;
  /** Records what the card now shows. */
  saved(fact: R, key: string | null): Promise<void>;
  /** After a batch of cards: mirrors, notifications… */
  after?(ids: readonly string[]): Promise<void>;
  docs: () => {
    transact<T>(name: string, fn: (doc: Y.Doc) => T, origin?: UpdateOrigin): Promise<T>;
  };
  logger: Logger;
}

/** Errors that mean the card is gone (deleted, archived): the fact goes on without it. */
const GONE = new Set(['not_found', 'task_archived', 'conflict']);

export class CardFollower<S extends string, R extends FollowedFact<S>> {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: CardFollowerDeps<S, R>) {}

  /**
   * Writes the cards of `ids` (one at a time), then `after`. `force` rewrites a card that
   * should already show its state (a member changed it).
   */
  write(
    ids: readonly string[],
    actorId: string | null = null,
    options: { force?: boolean } = {}
  ): Promise<void> {
    const run = this.chain.then(async () => {
      for (const id of ids) await this.writeOne(id, actorId, options.force === true);
      await this.deps.after?.(ids);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every write queued so far is done. */
  settled(): Promise<void> {
    return this.chain;
  }

  private async writeOne(id: string, actorId: string | null, force: boolean): Promise<void> {
    const fact = await this.deps.load(id);
    if (!fact || (fact.boardState === fact.state && !force)) return;
    let key = fact.taskKey;
    try {
      if (fact.boardState === '') key = await this.deps.create(fact);
      await this.deps
        .docs()
        .transact(
          boardDocName(fact.workspaceId),
          (doc: Y.Doc) => this.deps.show(doc, fact),
          serverOrigin(actorId)
        );
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !GONE.has(code)) {
        this.deps.logger.warn(`${this.deps.name}: card not written; retried later`, {
          id,
          error: String(error)
        });
        return;
      }
      this.deps.logger.info(`${this.deps.name}: card not on the board`, { id, code });
    }
    await this.deps.saved(fact, key);
  }
}
