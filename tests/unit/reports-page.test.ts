/**
 * The reports page's helpers: the range presets and custom days resolved to instants in a time
 * zone (including a DST change), the view kept in the URL query, the bucket the API picks for a
 * range, the trend of a headline, and the CSV export (BOM, English ids, quoting, rows).
 */
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, csvFileName, reportCsv } from '../../src/lib/reports/report-csv';
import { reportSchema, trendOf } from '../../src/lib/reports/report-data';
import {
  bucketFor,
  bucketLabel,
  presetDays,
  resolveRange,
  viewFromQuery,
  viewToQuery
} from '../../src/lib/reports/report-range';
import { startOfDay } from '../../src/lib/shared/zoned-time';

const view = (query: string) => viewFromQuery(new URLSearchParams(query));

describe('report ranges', () => {
  it('finds midnight in a zone, also on the days clocks change', () => {
    expect(new Date(startOfDay('2026-03-10', 'UTC')).toISOString()).toBe(
      '2026-03-10T00:00:00.000Z'
    );
    expect(new Date(startOfDay('2026-03-10', 'Asia/Shanghai')).toISOString()).toBe(
      '2026-03-09T16:00:00.000Z'
    );
    // New York: EST (−5) until 2026-03-08 02:00, EDT (−4) after.
    expect(new Date(startOfDay('2026-03-08', 'America/New_York')).toISOString()).toBe(
      '2026-03-08T05:00:00.000Z'
    );
    expect(new Date(startOfDay('2026-03-09', 'America/New_York')).toISOString()).toBe(
      '2026-03-09T04:00:00.000Z'
    );
    // Santiago moves its clocks at midnight: 2026-09-06 starts at 01:00 local (−3).
    const santiago = startOfDay('2026-09-06', 'America/Santiago');
    expect(new Date(santiago).toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('makes the presets whole days ending today', () => {
    expect(presetDays('7d', '2026-12-06')).toEqual({ fromDay: '2026-11-30', toDay: '2026-12-06' });
    expect(presetDays('30d', '2026-03-01')).toEqual({ fromDay: '2026-01-31', toDay: '2026-03-01' });
    expect(presetDays('90d', '2026-12-06').fromDay).toBe('2026-09-08');
    expect(presetDays('quarter', '2026-12-06')).toEqual({
      fromDay: '2026-10-01',
      toDay: '2026-12-06'
    });
    expect(presetDays('quarter', '2026-01-01').fromDay).toBe('2026-01-01');
    expect(presetDays('1y', '2026-12-06')).toEqual({ fromDay: '2025-12-07', toDay: '2026-12-06' });
  });

  it('resolves a view to instants in its zone, [first midnight, midnight after the last day)', () => {
    // 2026-12-06 00:30 UTC is already 08:30 on the 6th in Shanghai.
    const now = Date.parse('2026-12-06T00:30:00Z');
    const range = resolveRange(view('range=7d'), now, 'Asia/Shanghai');
    expect(range).toEqual({
      from: '2026-11-29T16:00:00.000Z',
      to: '2026-12-06T16:00:00.000Z',
      fromDay: '2026-11-30',
      toDay: '2026-12-06',
      timeZone: 'Asia/Shanghai',
      days: 7
    });
    const custom = resolveRange(view('from=2026-01-01&to=2026-01-31&tz=UTC'), now, 'Asia/Shanghai');
    expect([custom.from, custom.to, custom.days]).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      31
    ]);
    // Longer than the API takes: cut to the last two years' days.
    const long = resolveRange(view('from=2020-01-01&to=2026-01-31'), now, 'UTC');
    expect(long.days).toBe(731);
    expect(long.toDay).toBe('2026-01-31');
  });

  it('keeps the view in the URL query and ignores what it cannot read', () => {
    const shared = view(
      'range=90d&service=mysql&label=db&team=dba&severity=critical&tz=Asia/Shanghai'
    );
    expect(shared).toMatchObject({
      range: '90d',
      service: 'mysql',
      label: 'db',
      team: 'dba',
      severity: 'critical',
      timeZone: 'Asia/Shanghai'
    });
    expect(viewFromQuery(viewToQuery(shared))).toEqual(shared);
    expect(viewToQuery(view('')).toString()).toBe('');
    expect(view('from=2026-02-01&to=2026-02-03').range).toBe('custom');
    for (const bad of [
      'range=1w',
      'from=2026-02-30&to=2026-03-01',
      'from=2026-03-02&to=2026-03-01',
      'from=2026-03-01'
    ]) {
      expect(view(bad).range, bad).toBe('30d');
    }
    expect(view('severity=urgent&tz=Mars/Olympus&service=%20')).toMatchObject({
      severity: null,
      timeZone: null,
      service: null
    });
  });

  it('picks the API bucket by the range length and labels buckets in the locale', () => {
    expect([bucketFor(1), bucketFor(62), bucketFor(63), bucketFor(366), bucketFor(367)]).toEqual([
      'day',
      'day',
      'week',
      'week',
      'month'
    ]);
    expect(bucketLabel('2026-03-01T16:00:00Z', 'day', 'en', 'Asia/Shanghai')).toBe('Mar 2');
    expect(bucketLabel('2026-03-01T16:00:00Z', 'day', 'zh-CN', 'Asia/Shanghai')).toBe('3月2日');
    expect(bucketLabel('2026-03-01T00:00:00Z', 'month', 'en', 'UTC')).toBe('Mar 2026');
  });
});

describe('headline trends', () => {
  it('says better or worse by the figure’s direction', () => {
    expect(trendOf(600, 1200, 'lower')).toEqual({
      direction: 'down',
      ratio: -0.5,
      verdict: 'better'
    });
    expect(trendOf(1200, 600, 'lower')).toEqual({ direction: 'up', ratio: 1, verdict: 'worse' });
    expect(trendOf(0.5, 0.8, 'higher')).toMatchObject({ direction: 'down', verdict: 'worse' });
    expect(trendOf(3, 0, 'higher')).toEqual({ direction: 'up', ratio: null, verdict: 'better' });
    expect(trendOf(2, 2, 'lower')).toEqual({ direction: 'flat', ratio: 0, verdict: 'same' });
    expect(trendOf(null, 2, 'lower')).toBeNull();
    expect(trendOf(2, null, 'lower')).toBeNull();
  });
});

const definition = (id: string) => ({ id, version: 1, text: `${id} text` });
const figure = (id: string, value: number | null, unit = '1') => ({
  value,
  unit,
  definition: definition(id)
});

const sample = reportSchema.parse({
  from: '2026-01-01T00:00:00.000Z',
  to: '2026-01-03T00:00:00.000Z',
  timeZone: 'UTC',
  definitionsVersion: 1,
  mttaSeconds: 90,
  mttrSeconds: 3600,
  incidents: 2,
  changeSuccessRate: 0.5,
  throughput: 3,
  figures: {
    mtta: {
      ...figure('mtta', 90, 'seconds'),
      bySeverity: { critical: { count: 1, mean: 60, median: 60, p90: 60 } },
      byService: { 'db, "primary"': { count: 1, mean: 120, median: 120, p90: 120 } }
    },
    mttr: { ...figure('mttr', 3600, 'seconds'), bySeverity: {} },
    incidents: figure('incidents', 2),
    changesFinished: figure('changes_finished', 2),
    changeSuccessRate: figure('change_success_rate', 0.5, 'ratio'),
    changeFailureRate: figure('change_failure_rate', 0.25, 'ratio'),
    throughput: { ...figure('throughput', 3), byDay: [] },
    cycleTime: figure('cycle_time', 7200, 'seconds'),
    automationRuns: figure('automation_runs', 4),
    automationSuccessRate: figure('automation_success_rate', 0.75, 'ratio'),
    alertNoise: figure('alert_noise', 2.5)
  },
  series: {
    bucket: 'day',
    points: [
      {
        start: '2026-01-01T00:00:00.000Z',
        end: '2026-01-02T00:00:00.000Z',
        incidentsOpened: 2,
        alertsReceived: 5,
        mttaSeconds: 90,
        mttrSeconds: null,
        changesFinished: 2,
        changesFailed: 1,
        changeFailureRate: 0.5,
        throughput: 3,
        cycleTimeSeconds: 7200,
        runsFinished: 4,
        runsSucceeded: 3
      }
    ]
  },
  previous: {
    from: '2025-12-30T00:00:00.000Z',
    to: '2026-01-01T00:00:00.000Z',
    mttaSeconds: 120,
    mttrSeconds: null,
    incidents: 1,
    changeSuccessRate: 1,
    changeFailureRate: 0,
    throughput: 1,
    cycleTimeSeconds: 3600,
    automationSuccessRate: 1,
    alertsPerIncident: 3
  }
});

describe('report CSV', () => {
  const csv = reportCsv(sample);
  const lines = csv.slice(1).trimEnd().split('\r\n');

  it('starts with a BOM and an English header, CRLF line ends', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).not.toMatch(/[^\r]\n/);
  });

  it('has a total row per figure with the previous value where compared', () => {
    const range = '2026-01-01T00:00:00.000Z,2026-01-03T00:00:00.000Z';
    expect(lines).toContain(`total,mtta,,${range},90,seconds,120`);
    expect(lines).toContain(`total,mttr,,${range},3600,seconds,`);
    expect(lines).toContain(`total,change_failure_rate,,${range},0.25,ratio,0`);
    expect(lines).toContain(`total,alert_noise,,${range},2.5,1,3`);
    expect(lines).toContain(`total,changes_finished,,${range},2,1,`);
    expect(lines.filter((l) => l.startsWith('total,'))).toHaveLength(11);
  });

  it('has group rows (quoted when needed) and a row per bucket and measure', () => {
    expect(lines).toContain(
      'group,mtta,severity:critical,2026-01-01T00:00:00.000Z,2026-01-03T00:00:00.000Z,60,seconds,'
    );
    expect(lines).toContain(
      'group,mtta,"service:db, ""primary""",2026-01-01T00:00:00.000Z,2026-01-03T00:00:00.000Z,120,seconds,'
    );
    const buckets = lines.filter((l) => l.startsWith('bucket,'));
    expect(buckets).toHaveLength(11);
    expect(buckets).toContain(
      'bucket,alerts_received,,2026-01-01T00:00:00.000Z,2026-01-02T00:00:00.000Z,5,1,'
    );
    expect(buckets).toContain(
      'bucket,mttr,,2026-01-01T00:00:00.000Z,2026-01-02T00:00:00.000Z,,seconds,'
    );
  });

  it('quotes fields and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-1)).toBe('-1');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField('数据库')).toBe('数据库');
  });

  it('names the file by workspace and days', () => {
    expect(csvFileName('ops', '2026-01-01', '2026-01-31')).toBe(
      'runboard-report-ops-2026-01-01-2026-01-31.csv'
    );
  });

  it('exports a report without series or comparison (an older server)', () => {
    const { series: _series, previous: _previous, ...plain } = sample;
    const rows = reportCsv(reportSchema.parse(plain)).trimEnd().split('\r\n');
    expect(rows.filter((l) => l.startsWith('bucket,'))).toHaveLength(0);
    expect(rows).toContain(
      'total,mtta,,2026-01-01T00:00:00.000Z,2026-01-03T00:00:00.000Z,90,seconds,'
    );
  });
});
