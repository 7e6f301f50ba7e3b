/**
 * The output of the runs going on this node: held in memory for live followers (a log line
 * reaches the browser as soon as the process prints it), written to `automation_run_output` in
 * small batches so a restart and other nodes see it, and capped: past `maxBytes` the rest is
 * dropped with one notice, while the process goes on. When the run ends the whole text is handed
 * back, to be stored compressed (automation-service.ts `storeLog`).
 */
import type { Logger } from '../log';
import type { AutomationStore } from './automation-store';

interface Live {
  chunks: string[];
  /** Characters held so far. */
  length: number;
  bytes: number;
  truncated: boolean;
  seq: number;
  pending: { seq: number; data: string }[];
  flushing: Promise<void>;
  timer: ReturnType<typeof setTimeout> | null;
  listeners: Set<Listener>;
}

/** A follower: gets each chunk, then `null` when the run's output ends. */
export type Listener = (chunk: string | null) => void;

export interface RunOutputOptions {
  store: Pick<AutomationStore, 'appendOutput'>;
  logger: Logger;
  maxBytes: number;
  flushMs: number;
}

export class RunOutputs {
  private readonly live = new Map<string, Live>();
  /** Callers waiting for this node to begin holding a run (`whenBegun`). */
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(private readonly options: RunOutputOptions) {}

  /** Starts holding `runId`'s output (the server's runner: from its first byte). */
  begin(runId: string): void {
    if (this.hold(runId)) this.begun(runId);
  }

  /** Starts holding `runId`'s output; false if this node already did. */
  private hold(runId: string): boolean {
    if (this.live.has(runId)) return false;
    this.live.set(runId, {
      chunks: [],
      length: 0,
      bytes: 0,
      truncated: false,
      seq: 0,
      pending: [],
      flushing: Promise.resolve(),
      timer: null,
      listeners: new Set()
    });
    return true;
  }

  /** Tells the followers waiting for `runId` that this node holds its output from the start. */
  private begun(runId: string): void {
    const waiting = this.waiting.get(runId);
    this.waiting.delete(runId);
    for (const callback of waiting ?? []) callback();
  }

  /**
   * Calls `callback` once when this node begins holding `runId`'s output from its first byte (a
   * follower that came while the run was queued then reads it live instead of from the
   * records): the server's runner begins a run, or a remote runner's first chunk (number 1)
   * reaches this node. Returns the function that stops waiting; the caller must call it if the
   * run ends elsewhere.
   */
  whenBegun(runId: string, callback: () => void): () => void {
    let set = this.waiting.get(runId);
    if (!set) this.waiting.set(runId, (set = new Set()));
    set.add(callback);
    return () => {
      const current = this.waiting.get(runId);
      if (!current) return;
      current.delete(callback);
      if (current.size === 0) this.waiting.delete(runId);
    };
  }

  /** Whether this node holds `runId`'s output. */
  has(runId: string): boolean {
    return this.live.has(runId);
  }

  /** Appends output of `runId` (already masked), within the cap. */
  write(runId: string, data: string): void {
    const live = this.live.get(runId);
    if (!live) return;
    this.take(live, runId, data, live.seq + 1);
  }

  /**
   * Appends a remote runner's numbered chunks of `runId` (automation-api.ts), starting to hold its
   * output here if this node did not yet: a chunk at or below the last number taken here is a
   * retry and is skipped (the records ignore one taken by another node). Returns whether the
   * output reached its cap.
   */
  writeNumbered(runId: string, chunks: readonly { seq: number; data: string }[]): boolean {
    const fresh = this.hold(runId);
    const live = this.live.get(runId)!;
    for (const chunk of chunks) {
      if (chunk.seq <= live.seq) continue;
      if (live.truncated) live.seq = chunk.seq;
      else this.take(live, runId, chunk.data, chunk.seq);
    }
    // A copy begun mid-run (the first chunks went to another node) is not the whole output.
    if (fresh && chunks[0]?.seq === 1) this.begun(runId);
    return live.truncated;
  }

  /** Runs whose output this node holds. */
  held(): string[] {
    return [...this.live.keys()];
  }

  private take(live: Live, runId: string, data: string, seq: number): void {
    if (live.truncated || data === '') return;
    let chunk = data;
    const bytes = Buffer.byteLength(chunk);
    if (live.bytes + bytes > this.options.maxBytes) {
      const room = Math.max(0, this.options.maxBytes - live.bytes);
      // Cut on a character boundary within the room left.
      chunk = Buffer.from(chunk)
        .subarray(0, room)
        .toString('utf8')
        .replace(/\uFFFD$/, '');
      const mib = (this.options.maxBytes / (1024 * 1024)).toFixed(1);
      chunk += `\n[runboard: output truncated at ${mib} MiB; the run goes on]\n`;
      live.truncated = true;
    }
    live.bytes += Buffer.byteLength(chunk);
    live.chunks.push(chunk);
    live.length += chunk.length;
    live.seq = seq;
    live.pending.push({ seq, data: chunk });
    for (const listener of live.listeners) listener(chunk);
    live.timer ??= setTimeout(() => this.flush(runId), this.options.flushMs);
  }

  private flush(runId: string): Promise<void> {
    const live = this.live.get(runId);
    if (!live) return Promise.resolve();
    if (live.timer) clearTimeout(live.timer);
    live.timer = null;
    const batch = live.pending.splice(0);
    if (batch.length === 0) return live.flushing;
    live.flushing = live.flushing.then(() =>
      this.options.store.appendOutput(runId, batch).catch((error: unknown) => {
        // The memory copy still has it and becomes the stored log at the end.
        this.options.logger.warn('automation: output not written', {
          run: runId,
          error: String(error)
        });
      })
    );
    return live.flushing;
  }

  /**
   * Follows `runId` from character `from` (default the start): `listener` gets what was printed
   * so far from there, then each new chunk, then null. Returns the unsubscribe function, or null
   * when this node does not hold the run's output.
   */
  follow(runId: string, listener: Listener, from = 0): (() => void) | null {
    const live = this.live.get(runId);
    if (!live) return null;
    const sofar = live.chunks.join('').slice(from);
    if (sofar !== '') listener(sofar);
    live.listeners.add(listener);
    return () => live.listeners.delete(listener);
  }

  /** The whole output of `runId` once its process ended (written out first), and whether it was cut. */
  async end(runId: string): Promise<{ text: string; truncated: boolean }> {
    const live = this.live.get(runId);
    if (!live) return { text: '', truncated: false };
    await this.flush(runId);
    const truncated = live.truncated;
    live.truncated = true; // nothing more is taken
    return { text: live.chunks.join(''), truncated };
  }

  /** Lets go of `runId` once its end is recorded: followers get null. */
  close(runId: string): void {
    const live = this.live.get(runId);
    if (!live) return;
    this.live.delete(runId);
    for (const listener of live.listeners) listener(null);
  }
}
