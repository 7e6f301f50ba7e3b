// Parent-side handle for the load-generator worker processes.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from './cleanup.mjs';
import { Histogram } from './stats.mjs';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'loadgen-worker.mjs');

/**
 * @typedef {object} PlanClient
 * @property {number} id
 * @property {number} doc
 * @property {string} url
 * @property {number} editor
 * @property {number} worker
 * @property {string} [localAddress]
 * @property {number} [node] the node it connects to (nodes part)
 * @property {string[]} [urls] every node's URL for it (nodes part, failover)
 * @property {boolean} [markerWriter] writes its document's marker after a kill (nodes part)
 */

export class Generator {
  /** @param {number} procs 1 or 2 worker processes */
  constructor(procs) {
    this.procs = Math.max(1, Math.min(2, procs));
    /** @type {import('node:child_process').ChildProcess[]} */
    this.workers = [];
    this.nextId = 1;
    /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
    this.waiting = new Map();
    for (let i = 0; i < this.procs; i++) {
      const w = track(
        fork(WORKER, [], {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          // BENCH_GEN_NODE_ARGS: extra node flags for the workers, e.g. "--cpu-prof"
          execArgv: (process.env.BENCH_GEN_NODE_ARGS ?? '').split(' ').filter(Boolean),
          env: { ...process.env, NODE_OPTIONS: '' },
          serialization: 'advanced'
        })
      );
      w.on('message', (/** @type {any} */ msg) => {
        if (msg?.type === 'st') {
          // relay send times to the other worker(s)
          for (const o of this.workers) if (o !== w && o.connected) o.send(msg);
          return;
        }
        const p = this.waiting.get(msg?.id);
        if (!p) return;
        this.waiting.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new Error(`load generator: ${msg.error}`));
      });
      w.on('exit', (code, signal) => {
        for (const [id, p] of this.waiting) {
          p.reject(new Error(`load generator worker exited (code ${code}, signal ${signal})`));
          this.waiting.delete(id);
        }
      });
      this.workers.push(w);
    }
  }

  /** @returns {number[]} */
  get pids() {
    return this.workers.map((w) => /** @type {number} */ (w.pid));
  }

  /**
   * @param {import('node:child_process').ChildProcess} w
   * @param {string} cmd
   * @param {any} args
   * @returns {Promise<any>}
   */
  call(w, cmd, args) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.send({ id, cmd, args });
    });
  }

  /**
   * Run a command on every worker; `argsFor(i)` gives per-worker args.
   * @param {string} cmd
   * @param {any | ((i: number) => any)} args
   * @returns {Promise<any[]>}
   */
  all(cmd, args) {
    return Promise.all(
      this.workers.map((w, i) => this.call(w, cmd, typeof args === 'function' ? args(i) : args))
    );
  }

  /**
   * Assign clients to workers (round-robin) and pre-generate editor updates.
   * @param {{ clients: Omit<PlanClient, 'worker'>[], editorDoc: number[], maxSeq: number }} plan
   */
  async setup(plan) {
    /** @type {PlanClient[]} */
    const clients = plan.clients.map((c, i) => ({ ...c, worker: i % this.procs }));
    const r = await this.all('setup', (/** @type {number} */ i) => ({
      workerIndex: i,
      workerCount: this.procs,
      maxSeq: plan.maxSeq,
      editorDoc: plan.editorDoc,
      clients
    }));
    return { pregenMs: Math.max(...r.map((x) => x.pregenMs)) };
  }

  /**
   * @param {{ concurrency?: number, mode?: 'step1' | 'update', timeoutMs?: number }} [opts]
   */
  async connect(opts = {}) {
    const per = Math.max(1, Math.floor((opts.concurrency ?? 100) / this.procs));
    const r = await this.all('connect', {
      concurrency: per,
      mode: opts.mode ?? 'step1',
      timeoutMs: opts.timeoutMs ?? 15000
    });
    return {
      ok: r.reduce((a, x) => a + x.ok, 0),
      failed: r.reduce((a, x) => a + x.failed, 0),
      unconfirmed: r.reduce((a, x) => a + x.unconfirmed, 0),
      errors: r.flatMap((x) => x.errors),
      closes: r.reduce((a, x) => a + x.closes, 0),
      ms: Math.max(...r.map((x) => x.ms))
    };
  }

  /**
   * One editing phase. Returns merged stats over all workers.
   * @param {{ warmupStart: number, tStart: number, tEnd: number, rates: Record<string, number>, jitter?: number, drainMs?: number, minDrainMs?: number }} args
   */
  async run(args) {
    const r = await this.all('run', {
      jitter: 0.3,
      drainMs: 3000,
      minDrainMs: this.procs > 1 ? 100 : 0,
      ...args
    });
    const hist = new Histogram();
    const same = new Histogram();
    const cross = new Histogram();
    for (const x of r) {
      hist.merge(x.hist);
      same.merge(x.histSame);
      cross.merge(x.histCross);
    }
    /** @param {string} k */
    const sum = (k) => r.reduce((a, x) => a + x[k], 0);
    return {
      windowMs: /** @type {number} */ (r[0].windowMs),
      sentTotal: sum('sentTotal'),
      sentMeasured: sum('sentMeasured'),
      expectedMeasured: sum('expectedMeasured'),
      deliveredMeasured: sum('deliveredMeasured'),
      dups: sum('dups'),
      pendingUnresolved: sum('pendingUnresolved'),
      exhausted: sum('exhausted'),
      catchupResets: sum('catchupResets'),
      maxBuffered: Math.max(...r.map((x) => x.maxBuffered)),
      closes: sum('closes'),
      closeCodes: r.map((x) => x.closeCodes),
      drainMs: Math.max(...r.map((x) => x.drainMs)),
      loopP99: Math.max(...r.map((x) => x.loop.p99)),
      loopMax: Math.max(...r.map((x) => x.loop.max)),
      latency: hist.summary(),
      // only when the plan's clients carry a node (nodes part)
      latencySameNode: same.summary(),
      latencyCrossNode: cross.summary()
    };
  }

  /** @param {{ jitterMs: number }} args */
  armReconnect(args) {
    return this.all('armReconnect', args);
  }

  /**
   * @param {{ timeoutMs: number }} args
   * @returns {Promise<{ closedAt: number, attemptAt: number, attempts: number, step2At: number, resynced: boolean, hadContent: boolean | null }[]>}
   */
  async awaitResync(args) {
    const r = await this.all('awaitResync', args);
    return r.flatMap((x) => x.clients);
  }

  /**
   * Failover (nodes part): arm reconnection to the next node, and say which editor writes each
   * document's marker.
   * @param {{ jitterMs: number, markerOf: Record<string, number> }} args
   */
  armFailover(args) {
    return this.all('armFailover', args);
  }

  /**
   * @param {{ killedNode: number }} args
   * @returns {Promise<{ now: number, later: number }>}
   */
  async writeMarkers(args) {
    const r = await this.all('writeMarkers', args);
    return { now: r.reduce((a, x) => a + x.now, 0), later: r.reduce((a, x) => a + x.later, 0) };
  }

  /**
   * @param {{ timeoutMs: number }} args
   * @returns {Promise<{ doc: number, node: number, writer: boolean, wroteAt: number, closedAt: number, attemptAt: number, attempts: number, step2At: number, sawAt: number }[]>}
   */
  async awaitFailover(args) {
    const r = await this.all('awaitFailover', args);
    return r.flatMap((x) => x.clients);
  }

  /** Close all sockets and end the worker processes. */
  async close() {
    try {
      await Promise.race([this.all('closeAll', {}), new Promise((r) => setTimeout(r, 3000))]);
    } catch {
      // worker already gone
    }
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise((res) => {
            if (w.exitCode !== null || w.signalCode !== null) return res(undefined);
            const t = setTimeout(() => w.kill('SIGKILL'), 3000);
            w.once('exit', () => {
              clearTimeout(t);
              res(undefined);
            });
            w.disconnect();
          })
      )
    );
  }
}
