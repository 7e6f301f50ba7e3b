/**
 * The real Prometheus Alertmanager (Debian package `prometheus-alertmanager`) in a child
 * process, for tests of alert intake: it groups, waits, retries and signs its webhooks the way
 * production does, so the payloads our intake sees are the ones it will see in the field.
 *
 * Each instance gets a fresh temp dir (config + storage), a free port on 127.0.0.1 and no
 * clustering (`--cluster.listen-address=` empty: no gossip ports, no settle wait). Outside CI a
 * missing binary skips the suites that use it (`alertmanagerSkipReason`); under CI it fails.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs Alertmanager; `ALERTMANAGER_BIN` overrides it. */
export const alertmanagerBin = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

const installHint =
  'install the Debian package prometheus-alertmanager (bash scripts/install-test-deps.sh) ' +
  'or set ALERTMANAGER_BIN';

function binaryMissing(): boolean {
  try {
    accessSync(alertmanagerBin, constants.X_OK);
    return false;
  } catch {
    return true;
  }
}

/**
 * Why Alertmanager tests cannot run here, or null when they can. Under CI this is always null:
 * the tests then run and fail with `startAlertmanager`'s error instead of skipping.
 */
export function alertmanagerSkipReason(): string | null {
  if (process.env.CI || !binaryMissing()) return null;
  const reason = `Alertmanager tests skipped: ${alertmanagerBin} not found; ${installHint}. Under CI they fail instead.`;
  console.warn(reason);
  return reason;
}

/** One alert as Alertmanager's `POST /api/v2/alerts` takes it (times are ISO 8601). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  /** In the past: the alert is resolved. Omitted: firing until `resolve_timeout` (5m). */
  endsAt?: string;
  generatorURL?: string;
}

export interface AlertmanagerOptions {
  /** Where the webhook receiver POSTs notifications. */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer <bearer>` (`http_config.authorization`). */
  bearer?: string;
  /** Receiver name (the payload's `receiver`); default `runboard`. */
  receiver?: string;
  /** Route `group_by`; default `['alertname']`. */
  groupBy?: string[];
  /** Route timings in Alertmanager's duration syntax; defaults 1s / 2s / 1h. */
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  /** Webhook `max_alerts` (0, the default, sends all; the rest count in `truncatedAlerts`). */
  maxAlerts?: number;
  /** How long to wait for `/-/ready`; default 15 s. */
  readyTimeoutMs?: number;
}

export interface TestAlertmanager {
  /** `http://127.0.0.1:<port>`, also its `--web.external-url` (the payload's `externalURL`). */
  url: string;
  /** Process id of the Alertmanager started by this helper. */
  pid: number;
  /** POSTs alerts to `/api/v2/alerts`; throws unless Alertmanager answers 200. */
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** What the process printed so far (stdout and stderr, last 64 KiB). */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and removes its temp dir. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1: listen on port 0, read the port, close. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The Alertmanager configuration for `options`: one route, one webhook receiver. */
export function alertmanagerConfig(options: AlertmanagerOptions): object {
  const receiver = options.receiver ?? 'runboard';
  return {
    route: {
      receiver,
      group_by: options.groupBy ?? ['alertname'],
      group_wait: options.groupWait ?? '1s',
      group_interval: options.groupInterval ?? '2s',
      repeat_interval: options.repeatInterval ?? '1h'
    },
    receivers: [
      {
        name: receiver,
        webhook_configs: [
          {
            url: options.webhookUrl,
            send_resolved: true,
            ...(options.maxAlerts !== undefined ? { max_alerts: options.maxAlerts } : {}),
            ...(options.bearer !== undefined
              ? { http_config: { authorization: { type: 'Bearer', credentials: options.bearer } } }
              : {})
          }
        ]
      }
    ]
  };
}

const outputLimitChars = 64 * 1024;

/**
 * Starts Alertmanager on a free 127.0.0.1 port with a webhook receiver pointing at
 * `options.webhookUrl`, and resolves once `GET /-/ready` answers 200.
 */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<TestAlertmanager> {
  if (binaryMissing())
    throw new Error(`Alertmanager not found at ${alertmanagerBin}: ${installHint}`);
  const dir = mkdtempSync(join(tmpdir(), 'runboard-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  // JSON is YAML (1.2), so the config needs no YAML library and no escaping of its values.
  writeFileSync(configFile, JSON.stringify(alertmanagerConfig(options), null, 2));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  const child = spawn(
    alertmanagerBin,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      // Empty: no cluster, so no gossip ports and no wait for peers to settle.
      '--cluster.listen-address='
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-outputLimitChars);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A spawn error (e.g. not executable) ends here too; its message goes into the output.
    child.once('error', (error) => {
      output += `\n${error.message}`;
      resolve({ code: null, signal: null });
    });
  });
  let ended = false;
  void exited.then(() => (ended = true));

  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const stop = async () => {
    if (!ended && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!ended && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    removeDir();
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (ended) {
      const { code, signal } = await exited;
      removeDir();
      throw new Error(`Alertmanager exited (${code ?? signal}) before it was ready:\n${output}`);
    }
    if (await answersReady(url)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Alertmanager was not ready within ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    pid: child.pid!,
    output: () => output,
    stop,
    async postAlerts(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts)
      });
      if (response.status !== 200) {
        throw new Error(
          `Alertmanager refused the alerts (${response.status}): ${await response.text()}`
        );
      }
    }
  };
}

async function answersReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

export { startCaptureServer, type CaptureServer, type CapturedRequest } from './capture-server';
