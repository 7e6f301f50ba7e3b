/**
 * The remote runner (`npm run start:runner`, entries/runner.ts): a process on another host,
 * near the infrastructure, that pulls runs of the jobs naming it from the server over HTTPS and
 * executes them with the same executor as the server's own runner (exec/execute.ts). The
 * protocol is in shared/automation/runner-protocol.ts and runner-api.ts.
 *
 * - Claims while it has room (`concurrency` runs at once): at once again after a claim, every
 *   `idleMs` when nothing is queued, with backoff while the server cannot be reached.
 * - Streams each run's output in numbered batches every `outputFlushMs`; a batch that fails is
 *   sent again (the server ignores a number it has), in order.
 * - Calls in every `heartbeatMs` (the server's pace) with the runs it holds and stops the ones
 *   the server names (cancelled, or already ended there).
 * - Reports how each run ended; on `close()` it stops claiming, kills its runs' process groups
 *   and reports them `interrupted`.
 *
 * Free of SvelteKit, the database and the server's config. Secrets: the run's spec (with
 * credentials in plain text) is never logged; output is masked by the executor before it is
 * sent; the token goes only into the Authorization header.
 */
import {
  RUNNER_MAX_CHUNKS,
  RUNNER_MAX_CHUNK_CHARS,
  claimReplySchema,
  heartbeatReplySchema,
  outputReplySchema,
  type ClaimReply,
  type FinishBody
} from '../../shared/automation/runner-protocol';
import type { Logger } from '../log';
import type { ExecPlaces, ExecResult, ExecSink, ExecSpec } from './exec/types';

export interface RemoteRunnerOptions {
  /** The server's origin, `https://runboard.example.com`. */
  baseUrl: string;
  /** `rbr_…`. Secret. */
  token: string;
  concurrency: number;
  places: ExecPlaces;
  execute: (
    spec: ExecSpec,
    places: ExecPlaces,
    sink: ExecSink,
    signal: AbortSignal
  ) => Promise<ExecResult>;
  logger: Logger;
  /** Between claims while nothing is queued. */
  idleMs?: number;
  /** Output is sent at least this often while a run goes. */
  outputFlushMs?: number;
  /** Until the server says otherwise (every claim and heartbeat answer carries its pace). */
  heartbeatMs?: number;
  /** Largest wait between retries while the server cannot be reached. */
  maxBackoffMs?: number;
  /** Each request's own time limit. */
  requestTimeoutMs?: number;
  /** The token was refused: the runner was removed, or the token is wrong. */
  onRefused?: () => void;
}

/** The server answered with something other than what the protocol allows. */
class ProtocolError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

/** JSON bytes of one output request (a chunk of RUNNER_MAX_CHUNK_CHARS is at most 6× that). */
const MAX_BATCH_BYTES = 512 * 1024;

interface Going {
  controller: AbortController;
  stop: 'cancel' | 'shutdown' | 'gone' | null;
  done: Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** A failed request in a few words: fetch's own message hides the cause (ECONNREFUSED, …). */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = typeof cause?.code === 'string' ? cause.code : cause?.message;
  return typeof detail === 'string' && detail !== ''
    ? `${error.message}: ${detail}`
    : error.message;
}

/** Whether an answer is worth asking again for (the server or the path to it is struggling). */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export class RemoteRunner {
  private readonly going = new Map<string, Going>();
  private readonly stopping = new AbortController();
  private heartbeatMs: number;
  private loop: Promise<void> | null = null;
  private heartbeatTimer: ReturnType<typeof setTimeout> | null = null;
  private slotFreed: (() => void) | null = null;

  constructor(private readonly options: RemoteRunnerOptions) {
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
  }

  /** Runs going now. */
  get active(): number {
    return this.going.size;
  }

  start(): void {
    this.loop ??= this.claimLoop();
    this.scheduleHeartbeat();
  }

  // HTTP --------------------------------------------------------------------------------------

  private async post(path: string, body: unknown): Promise<Response> {
    const url = new URL(`/api/v1/runner/${path}`, this.options.baseUrl);
    return fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.options.token}`,
        'content-type': 'application/json',
        'user-agent': 'runboard-runner'
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000)
    });
  }

  /**
   * POSTs until the server answers something other than a network failure or a 5xx/429
   * (waiting longer each time), or `giveUp` says to stop trying. 401 stops the runner.
   */
  private async postWithRetry(
    path: string,
    body: unknown,
    giveUp: () => boolean = () => false
  ): Promise<Response | null> {
    let wait = 500;
    const maxWait = this.options.maxBackoffMs ?? 30_000;
    for (;;) {
      let problem: string;
      try {
        const response = await this.post(path, body);
        if (response.status === 401) {
          await response.body?.cancel();
          this.refused();
          return null;
        }
        if (!retryable(response.status)) return response;
        problem = `HTTP ${response.status}`;
        await response.body?.cancel();
      } catch (error) {
        problem = describeFailure(error);
      }
      if (giveUp()) return null;
      this.options.logger.warn('runner: the server did not answer; trying again', {
        call: path.replace(/runs\/[^/]+/, 'runs/…'),
        problem,
        retryInMs: wait
      });
      await sleep(wait * (0.75 + Math.random() / 2));
      wait = Math.min(maxWait, wait * 2);
    }
  }

  private refusedOnce = false;
  private refused(): void {
    if (this.refusedOnce) return;
    this.refusedOnce = true;
    this.options.logger.error(
      'runner: the server refused the runner token (401); was the runner removed? stopping'
    );
    this.options.onRefused?.();
  }

  private async readJson<T>(
    response: Response,
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }
  ): Promise<T> {
    const text = await response.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ProtocolError(response.status, `not JSON (HTTP ${response.status})`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new ProtocolError(response.status, `unexpected answer (HTTP ${response.status})`);
    }
    return parsed.data;
  }

  // Claiming ----------------------------------------------------------------------------------

  private async claimLoop(): Promise<void> {
    const idleMs = this.options.idleMs ?? 1_000;
    let backoff = idleMs;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      if (this.going.size >= this.options.concurrency) {
        await new Promise<void>((resolve) => {
          this.slotFreed = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        continue;
      }
      let claim: ClaimReply | null;
      try {
        const response = await this.post('claim', {});
        if (response.status === 401) {
          await response.body?.cancel();
          this.refused();
          return;
        }
        if (response.status === 204) {
          await response.body?.cancel();
          claim = null;
        } else if (response.status === 200) {
          claim = await this.readJson(response, claimReplySchema);
        } else {
          await response.body?.cancel();
          throw new ProtocolError(response.status, `claim answered HTTP ${response.status}`);
        }
        backoff = idleMs;
      } catch (error) {
        this.options.logger.warn('runner: claiming failed; trying again', {
          problem: describeFailure(error),
          retryInMs: backoff
        });
        await sleep(backoff, signal);
        backoff = Math.min(this.options.maxBackoffMs ?? 30_000, backoff * 2);
        continue;
      }
      if (!claim) {
        await sleep(idleMs, signal);
        continue;
      }
      this.setPace(claim.heartbeatMs);
      if (signal.aborted) {
        // Claimed while shutting down: it never started.
        await this.finish(claim.run.id, {
          state: 'interrupted',
          exitCode: null,
          summary: null,
          reason: 'the runner stopped before the run started'
        });
        return;
      }
      this.launch(claim);
    }
  }

  private launch(claim: ClaimReply): void {
    const { id, jobName } = claim.run;
    const going: Going = { controller: new AbortController(), stop: null, done: Promise.resolve() };
    this.going.set(id, going);
    this.options.logger.info('runner: run started', { run: id, job: jobName });
    going.done = this.run(claim, going)
      .catch((error: unknown) => {
        this.options.logger.error('runner: a run failed to finish', {
          run: id,
          error: error instanceof Error ? error.message : String(error)
        });
      })
      .finally(() => {
        this.going.delete(id);
        const freed = this.slotFreed;
        this.slotFreed = null;
        freed?.();
      });
  }

  private async run(claim: ClaimReply, going: Going): Promise<void> {
    const id = claim.run.id;
    const output = new OutputStream(this, id, this.options.outputFlushMs ?? 200, () => {
      // The server no longer takes this run's output: it ended there (cancelled, interrupted).
      going.stop ??= 'gone';
      going.controller.abort();
    });
    let result: ExecResult;
    try {
      result = await this.options.execute(
        claim.run.spec,
        this.options.places,
        { output: (chunk) => output.write(chunk) },
        going.controller.signal
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      result = { state: 'failed', exitCode: null, summary: null, reason };
      output.write(`\n[runboard runner: ${reason}]\n`);
    }
    await output.close();
    if (going.stop === 'gone') {
      this.options.logger.info('runner: run stopped; the server had already ended it', { run: id });
      return;
    }
    const shutdown = result.state === 'cancelled' && going.stop === 'shutdown';
    await this.finish(id, {
      state: shutdown ? 'interrupted' : result.state,
      exitCode: result.exitCode,
      summary: result.summary,
      reason: shutdown ? 'the runner stopped while the run was going' : result.reason
    });
    this.options.logger.info('runner: run ended', {
      run: id,
      state: shutdown ? 'interrupted' : result.state,
      exitCode: result.exitCode
    });
  }

  private async finish(id: string, body: FinishBody): Promise<void> {
    // While shutting down, one try: a run not reported is marked interrupted by the server.
    const response = await this.postWithRetry(
      `runs/${encodeURIComponent(id)}/finish`,
      body,
      () => this.stopping.signal.aborted
    );
    if (!response) return;
    await response.body?.cancel();
    if (response.status === 409 || response.status === 404) {
      this.options.logger.info('runner: the server had already ended the run', { run: id });
    } else if (response.status !== 204) {
      this.options.logger.error('runner: reporting the end of a run failed', {
        run: id,
        status: response.status
      });
    }
  }

  /** Sends numbered chunks; 'gone' when the server no longer takes the run's output. */
  async sendOutput(
    id: string,
    chunks: { seq: number; data: string }[]
  ): Promise<'ok' | 'truncated' | 'gone'> {
    const response = await this.postWithRetry(
      `runs/${encodeURIComponent(id)}/output`,
      { chunks },
      () => this.stopping.signal.aborted
    );
    if (!response) return 'gone';
    if (response.status === 409 || response.status === 404) {
      await response.body?.cancel();
      return 'gone';
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      this.options.logger.warn('runner: output refused', { run: id, status: response.status });
      return 'ok';
    }
    const reply = await this.readJson(response, outputReplySchema).catch(() => null);
    return reply?.truncated ? 'truncated' : 'ok';
  }

  // Heartbeat ---------------------------------------------------------------------------------

  /** Follows the server's heartbeat pace; a waiting heartbeat is rescheduled to it. */
  private setPace(heartbeatMs: number): void {
    if (heartbeatMs === this.heartbeatMs) return;
    this.heartbeatMs = heartbeatMs;
    if (this.heartbeatTimer) {
      clearTimeout(this.heartbeatTimer);
      this.scheduleHeartbeat();
    }
  }

  private scheduleHeartbeat(): void {
    if (this.stopping.signal.aborted) return;
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null;
      void this.heartbeat()
        .catch((error: unknown) => {
          this.options.logger.warn('runner: heartbeat failed', {
            problem: error instanceof Error ? error.message : String(error)
          });
        })
        .finally(() => this.scheduleHeartbeat());
    }, this.heartbeatMs);
  }

  private async heartbeat(): Promise<void> {
    const runs = [...this.going.keys()];
    if (runs.length === 0) return;
    const response = await this.post('heartbeat', { runs });
    if (response.status === 401) {
      await response.body?.cancel();
      this.refused();
      return;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new ProtocolError(response.status, `heartbeat answered HTTP ${response.status}`);
    }
    const reply = await this.readJson(response, heartbeatReplySchema);
    this.heartbeatMs = reply.heartbeatMs; // the next one is scheduled after this one
    for (const id of reply.cancel) {
      const going = this.going.get(id);
      if (!going) continue;
      this.options.logger.info('runner: stopping a run the server cancelled', { run: id });
      going.stop ??= 'cancel';
      going.controller.abort();
    }
  }

  // Shutdown ----------------------------------------------------------------------------------

  /** Stops claiming; runs still going are killed and reported `interrupted`. */
  async close(): Promise<void> {
    this.stopping.abort();
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    for (const going of this.going.values()) {
      going.stop ??= 'shutdown';
      going.controller.abort();
    }
    await Promise.all([this.loop, ...[...this.going.values()].map((g) => g.done)]);
  }
}

/**
 * One run's output on its way to the server: collected, cut into chunks of at most
 * RUNNER_MAX_CHUNK_CHARS, numbered, and sent every `flushMs` in order, one request at a time.
 */
class OutputStream {
  private buffer = '';
  private seq = 0;
  private readonly pending: { seq: number; data: string }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> = Promise.resolve();
  /** The server took no more (cap reached) or the run ended there: output is dropped. */
  private dropped = false;

  constructor(
    private readonly runner: RemoteRunner,
    private readonly runId: string,
    private readonly flushMs: number,
    private readonly onGone: () => void
  ) {}

  write(text: string): void {
    if (this.dropped || text === '') return;
    this.buffer += text;
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  private flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.buffer.length > 0) {
      let cut = Math.min(this.buffer.length, RUNNER_MAX_CHUNK_CHARS);
      // Never split a surrogate pair.
      const code = this.buffer.charCodeAt(cut - 1);
      if (cut < this.buffer.length && code >= 0xd800 && code <= 0xdbff) cut -= 1;
      this.pending.push({ seq: ++this.seq, data: this.buffer.slice(0, cut) });
      this.buffer = this.buffer.slice(cut);
    }
    this.sending = this.sending.then(() => this.send());
    return this.sending;
  }

  private async send(): Promise<void> {
    while (this.pending.length > 0 && !this.dropped) {
      // Well under the server's 1 MiB body limit, whatever the text (escapes grow it).
      let bytes = 0;
      let count = 0;
      for (const chunk of this.pending.slice(0, RUNNER_MAX_CHUNKS)) {
        const size = Buffer.byteLength(JSON.stringify(chunk));
        if (count > 0 && bytes + size > MAX_BATCH_BYTES) break;
        bytes += size;
        count += 1;
      }
      const batch = this.pending.slice(0, count);
      const answer = await this.runner.sendOutput(this.runId, batch);
      this.pending.splice(0, batch.length);
      if (answer === 'gone') {
        this.dropped = true;
        this.onGone();
      } else if (answer === 'truncated') {
        this.dropped = true;
      }
    }
    if (this.dropped) this.pending.length = 0;
  }

  /** Sends what is left; resolves once the server has it (or will not take it). */
  async close(): Promise<void> {
    await this.flush();
  }
}
