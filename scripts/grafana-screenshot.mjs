#!/usr/bin/env node
// The picture of the Grafana dashboard in docs/grafana.md (docs/screenshots/grafana-dashboard.png),
// made without Grafana, which this project cannot run here: the production app
// (build/server/main.js, `npm run build` first) on 127.0.0.1 port 0 with a fresh DATA_DIR, a real
// Prometheus (Debian package, /usr/bin/prometheus or PROMETHEUS_BIN) scraping its /metrics every
// second with the metrics token, and a few minutes of real events driven through the REST API and
// the Alertmanager webhook in two workspaces (incidents opened, acknowledged and resolved; changes
// completed and failed; shell runs; tasks done). Then every panel's own PromQL from
// deploy/grafana/runboard.json runs through Prometheus' HTTP API (query_range for time series,
// instant queries for stats and bar gauges, Grafana's variables substituted as Grafana would),
// each panel is drawn by ECharts' server-side SVG renderer on Grafana's grid in a Grafana-like
// dark theme, and headless Chromium (/usr/bin/chromium via playwright-core) turns the page into
// the PNG. Not run in CI. Usage: node scripts/grafana-screenshot.mjs [--minutes=3] [--out=FILE]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as echarts from 'echarts';
import { chromium } from 'playwright-core';
import { admin } from '../bench/sync/provision.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([a-z-]+)=(.*)$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a} (--minutes=N, --out=FILE)`);
    return [m[1], m[2]];
  })
);
const MINUTES = Math.min(30, Math.max(1, Number(args.minutes ?? 3)));
const OUT = resolve(ROOT, args.out ?? 'docs/screenshots/grafana-dashboard.png');
const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const METRICS_TOKEN = 'screenshot-metrics-token';
const WORKSPACES = ['payments', 'platform'];

/** Grafana's palette and panel look (dark theme). */
const THEME = {
  page: '#111217',
  panel: '#181b1f',
  border: '#2c3235',
  text: '#ccccdc',
  muted: '#8e8e8e',
  grid: '#2c3235',
  colors: ['#73bf69', '#f2cc0c', '#5794f2', '#ff780a', '#f2495c', '#b877d9', '#8ab8ff', '#fade2a']
};

/** Processes this script started, stopped by id at the end. */
const children = [];
const temp = [];

function log(message) {
  process.stdout.write(`${message}\n`);
}

function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/** Starts the app; resolves with its base URL once it says where it listens. */
async function startApp(dataDir) {
  const env = { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, METRICS_TOKEN };
  // SQLite in the fresh DATA_DIR, whatever the shell has.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, [join(ROOT, 'build/server/main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  children.push(child);
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`the app did not start:\n${out}`)), 30_000);
    const read = (chunk) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => rej(new Error(`the app exited (${code}):\n${out}`)));
  });
}

/** Starts Prometheus scraping `target` every second; resolves with its URL once ready. */
async function startPrometheus(target) {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-screenshot-prometheus-'));
  temp.push(dir);
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' },
    scrape_configs: [
      {
        job_name: 'runboard',
        static_configs: [{ targets: [target] }],
        authorization: { credentials: METRICS_TOKEN }
      }
    ]
  };
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config));
  const port = await freePort();
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`
    ],
    { stdio: 'ignore' }
  );
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.status === 200,
      () => false
    );
    if (ready) return url;
    await sleep(100);
  }
  throw new Error('Prometheus was not ready within 20 s');
}

/** Accounts through the admin CLI, as an operator would: three people in both workspaces. */
async function provision(dataDir) {
  const entry = join(ROOT, 'build/server/admin.js');
  const run = (a) => admin(entry, dataDir, a);
  const password = `screenshot-${Date.now()}`;
  const people = [
    { email: 'ada@example.com', name: 'Ada Ops', role: 'owner' },
    { email: 'wang.fang@example.com', name: '王芳', role: 'admin' },
    { email: 'lee@example.com', name: 'Lee Operator', role: 'operator' }
  ];
  for (const p of people) {
    await run(['create-user', '--email', p.email, '--name', p.name, '--password', password]);
  }
  /** @type {Record<string, Record<string, string>>} */
  const tokens = {};
  for (const ws of WORKSPACES) {
    const name = ws === 'payments' ? 'Payments SRE' : 'Platform';
    await run(['create-workspace', '--name', name, '--owner', people[0].email, '--id', ws]);
    tokens[ws] = {};
    for (const p of people) {
      if (p.role !== 'owner') {
        await run(['add-member', '--workspace', ws, '--email', p.email, '--role', p.role]);
      }
      tokens[ws][p.role] = await run([
        'create-token',
        '--email',
        p.email,
        '--workspace',
        ws,
        '--name',
        'screenshot'
      ]);
    }
  }
  return tokens;
}

/** A REST client for one workspace's tokens. */
function client(base, ws, tokens) {
  return async (method, path, body, as = 'owner') => {
    const response = await fetch(`${base}/api/v1/workspaces/${ws}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[as]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' })
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
}

const SEVERITIES = ['critical', 'high', 'warning', 'warning', 'info'];
const ALERTS = ['HighLatency', 'DiskFull', 'CertificateExpiry', 'ReplicationLag', 'ErrorRate'];

/** One workspace's stream of events for `ms` milliseconds (deterministic, seeded by the index). */
async function drive(base, ws, tokens, ms, seed) {
  const call = client(base, ws, tokens);
  const hook = await call('POST', '/integrations', { type: 'alertmanager', name: 'Prometheus' });
  const okJob = (
    await call('POST', '/jobs', { name: 'Restart', kind: 'shell', script: 'true' }, 'admin')
  ).id;
  const badJob = (
    await call('POST', '/jobs', { name: 'Flush cache', kind: 'shell', script: 'exit 2' }, 'admin')
  ).id;
  const fixture = JSON.parse(
    readFileSync(join(ROOT, 'tests/fixtures/alerts/alertmanager-firing.json'), 'utf8')
  );
  let n = seed * 1000;
  let random = seed * 7919 + 17;
  const next = () => {
    random = (random * 1103515245 + 12345) % 2147483648;
    return random / 2147483648;
  };
  const open = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    n += 1;
    const roll = next();
    if (roll < 0.2) {
      // An alert group: a new incident (its alerts vary, so some groups have several).
      const payload = structuredClone(fixture);
      const name = `${ALERTS[n % ALERTS.length]}${n}`;
      payload.groupKey = `{}:{alertname="${name}"}`;
      payload.alerts = payload.alerts.slice(0, 1 + (n % payload.alerts.length));
      for (const [k, alert] of payload.alerts.entries()) {
        alert.labels.alertname = name;
        alert.labels.severity = SEVERITIES[Math.floor(next() * SEVERITIES.length)];
        alert.fingerprint = `${String(n).padStart(12, '0')}${k}${seed}00`.slice(0, 16);
        alert.startsAt = new Date().toISOString();
      }
      const response = await fetch(`${base}${hook.hookPath}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hook.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload)
      });
      const intake = await response.json();
      for (const id of intake.opened ?? []) open.push({ id, acked: false });
    } else if (roll < 0.62 && open.length > 0) {
      // Acknowledge the oldest open incident, or resolve it once acknowledged.
      const incident = open[0];
      const path = `/incidents/${incident.id}`;
      if (!incident.acked) {
        await call('POST', `${path}/acknowledge`, { comment: 'on it' }, 'operator');
        incident.acked = true;
      } else {
        await call('POST', `${path}/resolve`, {}, 'operator');
        open.shift();
      }
    } else if (roll < 0.77) {
      const task = await call('POST', '/tasks', { title: `Rotate credentials ${n}` });
      await call('PATCH', `/tasks/${task.id}`, { status: 'done' });
    } else if (roll < 0.87) {
      const outcome = next() < 0.8 ? 'completed' : next() < 0.5 ? 'failed' : 'rolled_back';
      const start = new Date(Date.UTC(2031, 0, 1) + n * 3_600_000);
      const change = await call(
        'POST',
        '/changes',
        {
          title: `Upgrade node pool ${n}`,
          type: 'normal',
          items: [],
          windowStart: start.toISOString(),
          windowEnd: new Date(start.getTime() + 3_600_000).toISOString()
        },
        'operator'
      );
      const path = `/changes/${change.id}`;
      await call('POST', `${path}/transitions`, { to: 'submitted' }, 'operator');
      await call('POST', `${path}/approvals`, { decision: 'approve' }, 'admin');
      const steps =
        outcome === 'rolled_back'
          ? ['scheduled', 'in_progress', 'rolled_back']
          : ['scheduled', 'in_progress', outcome];
      for (const to of steps) await call('POST', `${path}/transitions`, { to });
    } else {
      await call('POST', `/jobs/${next() < 0.85 ? okJob : badJob}/runs`, {}, 'operator');
    }
    await sleep(400 + next() * 900);
  }
}

/** Grafana's variables as Grafana would send them. */
function substitute(expr, o) {
  return expr
    .replaceAll('$__rate_interval', o.rateInterval)
    .replaceAll('$__range', o.range)
    .replaceAll('$__interval', o.interval)
    .replaceAll('${workspace}', '.*')
    .replaceAll('$workspace', '.*');
}

async function prom(url, path, params) {
  const response = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
  const body = await response.json();
  if (body.status !== 'success') throw new Error(`${params.query}: ${body.error}`);
  return body.data.result;
}

function legend(format, metric) {
  if (!format) return Object.values(metric).join(' ') || 'value';
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? '');
}

/** A value in the panel's unit, the way Grafana writes it. */
function formatValue(value, unit) {
  if (value === null || !Number.isFinite(value)) return 'No data';
  if (unit === 's') {
    if (value < 60) return `${value.toFixed(value < 10 ? 2 : 1)} s`;
    if (value < 3600) return `${(value / 60).toFixed(1)} min`;
    if (value < 86400) return `${(value / 3600).toFixed(1)} hour`;
    return `${(value / 86400).toFixed(1)} day`;
  }
  if (unit === 'percentunit') return `${(value * 100).toFixed(1)}%`;
  if (unit === 'bytes') {
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let v = value;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i += 1;
    }
    return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
  }
  const suffix = unit === 'reqps' ? ' req/s' : unit === 'ops' ? ' ops/s' : '';
  const abs = Math.abs(value);
  const text = abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
  return `${text.replace(/\.0+$/, '')}${suffix}`;
}

/** One panel as ECharts SVG. */
function drawPanel(panel, data, width, height) {
  const unit = panel.fieldConfig?.defaults?.unit ?? 'short';
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const text = { color: THEME.text, fontFamily: 'Inter, Helvetica, Arial, sans-serif' };
  if (panel.type === 'stat') {
    const value = data[0]?.value ?? null;
    const color = value === null ? THEME.muted : THEME.colors[0];
    chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      graphic: [
        {
          type: 'text',
          left: 'center',
          top: 'middle',
          style: {
            text: formatValue(value, unit),
            fill: color,
            font: `500 ${Math.min(44, Math.floor(width / 6))}px Inter, Helvetica, Arial, sans-serif`
          }
        }
      ]
    });
  } else if (panel.type === 'bargauge') {
    const rows = data.filter((d) => d.value !== null && Number.isFinite(d.value));
    chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      textStyle: text,
      grid: { left: 130, right: 80, top: 6, bottom: 6 },
      xAxis: { type: 'value', show: false },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((d) => d.name),
        axisLabel: { color: THEME.text, fontSize: 11 },
        axisLine: { show: false },
        axisTick: { show: false }
      },
      series: [
        {
          type: 'bar',
          barWidth: '62%',
          data: rows.map((d, i) => ({
            value: d.value,
            itemStyle: { color: THEME.colors[i % THEME.colors.length] }
          })),
          showBackground: true,
          backgroundStyle: { color: '#22252b' },
          label: {
            show: true,
            position: 'right',
            color: THEME.text,
            fontSize: 11,
            formatter: (p) => formatValue(Number(p.value), unit)
          }
        }
      ],
      graphic: rows.length
        ? []
        : [
            {
              type: 'text',
              left: 'center',
              top: 'middle',
              style: { text: 'No data', fill: THEME.muted, fontSize: 14 }
            }
          ]
    });
  } else {
    // Grafana lists the legend below the plot; long route names are cut to fit a column.
    const legendColumns = Math.max(1, Math.floor(width / 230));
    const legendRows = Math.ceil(data.length / legendColumns);
    const series = data.map((d, i) => ({
      type: 'line',
      name: d.name,
      showSymbol: false,
      smooth: false,
      lineStyle: { width: 1.5 },
      areaStyle: { opacity: 0.08 },
      color: THEME.colors[i % THEME.colors.length],
      data: d.points
    }));
    chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      textStyle: text,
      grid: {
        left: 6,
        right: 14,
        top: 10,
        bottom: series.length ? 14 + legendRows * 22 : 6,
        containLabel: true
      },
      legend: {
        show: series.length > 0,
        bottom: 0,
        left: 4,
        type: 'plain',
        itemWidth: 14,
        itemHeight: 3,
        // ECharts measures text without the browser's fonts: leave slack so cut names never meet.
        itemGap: 26,
        icon: 'rect',
        textStyle: {
          color: THEME.text,
          fontSize: 10,
          width: legendColumns > 1 || data.length > 1 ? 165 : width - 40,
          overflow: 'truncate'
        }
      },
      xAxis: {
        type: 'time',
        axisLabel: {
          color: THEME.muted,
          fontSize: 10,
          formatter: (v) => new Date(v).toISOString().slice(11, 19)
        },
        minInterval: 30_000,
        axisLine: { lineStyle: { color: THEME.grid } },
        splitLine: { show: true, lineStyle: { color: THEME.grid, opacity: 0.5 } }
      },
      yAxis: {
        type: 'value',
        axisLabel: { color: THEME.muted, fontSize: 10, formatter: (v) => formatValue(v, unit) },
        splitLine: { lineStyle: { color: THEME.grid, opacity: 0.5 } }
      },
      series,
      graphic: series.length
        ? []
        : [
            {
              type: 'text',
              left: 'center',
              top: 'middle',
              style: { text: 'No data', fill: THEME.muted, fontSize: 14 }
            }
          ]
    });
  }
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function escapeHtml(s) {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]
  );
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'runboard-screenshot-'));
  temp.push(dataDir);
  log('accounts: 3 people in 2 workspaces (admin CLI)');
  const tokens = await provision(dataDir);
  const base = await startApp(dataDir);
  log(`app: ${base}`);
  const prometheus = await startPrometheus(new URL(base).host);
  log(`Prometheus: ${prometheus}, scraping every second`);
  await sleep(3_000);
  const start = Date.now();
  log(`events for ${MINUTES} min in ${WORKSPACES.join(', ')} …`);
  await Promise.all(
    WORKSPACES.map((ws, i) => drive(base, ws, tokens[ws], MINUTES * 60_000, i + 1))
  );
  await sleep(3_000);
  const end = Date.now();
  const rangeS = Math.round((end - start) / 1000);
  const vars = { range: `${rangeS}s`, rateInterval: '30s', interval: '2s' };

  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/runboard.json'), 'utf8'));
  const WIDTH = 1500;
  const unitW = WIDTH / 24;
  const unitH = 30;
  const gap = 6;
  const parts = [];
  let bottom = 0;
  for (const panel of dashboard.panels) {
    const { x, y, w, h } = panel.gridPos;
    const left = Math.round(x * unitW) + gap / 2;
    const top = y * unitH + gap / 2;
    const width = Math.round(w * unitW) - gap;
    const height = h * unitH - gap;
    bottom = Math.max(bottom, top + height + gap);
    if (panel.type === 'row') {
      parts.push(
        `<div class="row" style="left:${left}px;top:${top}px;width:${width}px">${escapeHtml(panel.title)}</div>`
      );
      continue;
    }
    /** @type {{ name: string, value?: number | null, points?: [number, number][] }[]} */
    const data = [];
    for (const target of panel.targets ?? []) {
      const query = substitute(target.expr, vars);
      if (panel.type === 'timeseries') {
        const result = await prom(prometheus, '/api/v1/query_range', {
          query,
          start: String((start + 20_000) / 1000),
          end: String(end / 1000),
          step: '2'
        });
        for (const r of result) {
          data.push({
            name: legend(target.legendFormat, r.metric),
            points: r.values.map(([t, v]) => [t * 1000, Number(v)])
          });
        }
      } else {
        const result = await prom(prometheus, '/api/v1/query', { query, time: String(end / 1000) });
        for (const r of result) {
          const v = Number(r.value[1]);
          data.push({
            name: legend(target.legendFormat, r.metric),
            value: Number.isFinite(v) ? v : null
          });
        }
      }
    }
    if (panel.type === 'bargauge') data.sort((a, b) => a.name.localeCompare(b.name));
    const chartH = height - 32;
    parts.push(
      `<div class="panel" style="left:${left}px;top:${top}px;width:${width}px;height:${height}px">` +
        `<div class="title">${escapeHtml(panel.title)}</div>` +
        `<div class="chart">${drawPanel(panel, data, width - 12, chartH)}</div></div>`
    );
  }
  const headerH = 44;
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: ${THEME.page}; font-family: Inter, Helvetica, Arial, sans-serif; color: ${THEME.text}; }
  header { height: ${headerH}px; display: flex; align-items: center; gap: 16px; padding: 0 12px; font-size: 15px; border-bottom: 1px solid ${THEME.border}; }
  header .vars { color: ${THEME.muted}; font-size: 12px; }
  header .vars b { color: ${THEME.text}; font-weight: 500; background: #22252b; border: 1px solid ${THEME.border}; padding: 3px 8px; border-radius: 2px; margin-left: 4px; }
  main { position: relative; width: ${WIDTH}px; height: ${bottom}px; margin: 8px 6px; }
  .panel { position: absolute; background: ${THEME.panel}; border: 1px solid ${THEME.border}; border-radius: 2px; box-sizing: border-box; }
  .title { height: 28px; line-height: 28px; padding: 0 8px; font-size: 13px; font-weight: 500; white-space: nowrap; overflow: hidden; }
  .chart { padding: 0 6px; }
  .row { position: absolute; height: 26px; line-height: 26px; font-size: 14px; font-weight: 500; }
  .row::before { content: '⌄ '; color: ${THEME.muted}; }
  footer { color: ${THEME.muted}; font-size: 11px; padding: 0 12px 10px; }
  </style></head><body>
  <header><span>Dashboards › <b style="font-weight:500">Runboard</b></span>
  <span class="vars">datasource<b>Prometheus</b></span><span class="vars">workspace<b>All</b></span>
  <span class="vars" style="margin-left:auto">Last ${Math.round(rangeS / 60)} minutes</span></header>
  <main>${parts.join('\n')}</main>
  <footer>Drawn by ECharts from the dashboard's own PromQL (deploy/grafana/runboard.json) run by a real Prometheus against a real Runboard; not a Grafana screenshot.</footer>
  </body></html>`;

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  try {
    const page = await browser.newPage({
      viewport: { width: WIDTH + 12, height: 900 },
      deviceScaleFactor: 1
    });
    await page.setContent(html, { waitUntil: 'load' });
    await page.screenshot({ path: OUT, fullPage: true });
  } finally {
    await browser.close();
  }
  log(`wrote ${OUT} (${Math.round(statSync(OUT).size / 1024)} KB)`);
}

try {
  await main();
} finally {
  for (const child of children.reverse()) {
    if (child.exitCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      await new Promise((res) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          res(undefined);
        }, 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          res(undefined);
        });
      });
    }
  }
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
}
