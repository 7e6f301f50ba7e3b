/**
 * The real Prometheus server (Debian package `prometheus`) in a child process, for the test
 * that it scrapes the running app's GET /metrics (tests/api/metrics-prometheus.test.ts).
 *
 * Each instance gets a fresh temp dir (config + TSDB), a free port on 127.0.0.1 and one scrape
 * job. Outside CI a missing binary skips the suites that use it (`prometheusSkipReason`); under
 * CI it fails.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './alertmanager';

/** Where Debian installs Prometheus; `PROMETHEUS_BIN` overrides it. */
export const prometheusBin = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

const installHint =
  'install the Debian package prometheus (bash scripts/install-test-deps.sh) or set PROMETHEUS_BIN';

function binaryMissing(): boolean {
  try {
    accessSync(prometheusBin, constants.X_OK);
    return false;
  } catch {
    return true;
  }
}

/** Why Prometheus tests cannot run here, or null when they can (always null under CI). */
export function prometheusSkipReason(): string | null {
  if (process.env.CI || !binaryMissing()) return null;
  const reason = `Prometheus tests skipped: ${prometheusBin} not found; ${installHint}. Under CI they fail instead.`;
  console.warn(reason);
  return reason;
}

export interface ScrapeTarget {
  job: string;
  /** `host:port` */
  target: string;
  /** Sent as `Authorization: Bearer <bearer>`. */
  bearer?: string;
}

export interface TestPrometheus {
  url: string;
  /** Process id of the Prometheus started by this helper. */
  pid: number;
  /** The YAML written to prometheus.yml (JSON, which is YAML). */
  config: string;
  /** Runs an instant query through the HTTP API; throws unless it answers `success`. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  output(): string;
  /** Stops the process by its pid (SIGTERM, then SIGKILL after 5 s), removes its temp dir. */
  stop(): Promise<void>;
}

const outputLimitChars = 64 * 1024;

/**
 * Starts Prometheus scraping `scrape` every second (several jobs: one app seen as several nodes);
 * resolves once `/-/ready` answers 200.
 */
export async function startPrometheus(
  scrape: ScrapeTarget | ScrapeTarget[]
): Promise<TestPrometheus> {
  if (binaryMissing()) throw new Error(`Prometheus not found at ${prometheusBin}: ${installHint}`);
  const dir = mkdtempSync(join(tmpdir(), 'runboard-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  const config = JSON.stringify(
    {
      global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: (Array.isArray(scrape) ? scrape : [scrape]).map((job) => ({
        job_name: job.job,
        metrics_path: '/metrics',
        static_configs: [{ targets: [job.target] }],
        ...(job.bearer ? { authorization: { credentials: job.bearer } } : {})
      }))
    },
    null,
    2
  );
  writeFileSync(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    prometheusBin,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-outputLimitChars);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      output += `\n${error.message}`;
      resolve();
    });
  });
  let ended = false;
  void exited.then(() => (ended = true));
  const stop = async () => {
    if (!ended && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!ended && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (ended) {
      await stop();
      throw new Error(`Prometheus exited before it was ready:\n${output}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.status === 200,
      () => false
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus was not ready within 20 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    pid: child.pid!,
    config,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: {
          resultType: string;
          result: { metric: Record<string, string>; value: [number, string] }[];
        };
      };
      if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
      return body.data!.result;
    },
    output: () => output,
    stop
  };
}
