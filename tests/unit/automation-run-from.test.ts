/**
 * Starting runs from the work itself, the browser's decisions: a run form's values and their
 * problems (the rules the server applies too), the links a runbook block's run carries, the jobs
 * proposed as an incident's remediation, and the live list merging the REST runs with the
 * ledger's facts.
 */
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { JobParameter, JobView } from '../../src/lib/shared/automation/schema';
import { readRunFacts, writeRunFacts, type RunFact } from '../../src/lib/shared/automation/ledger';
import {
  checkForm,
  formValues,
  initialFields,
  parameterIssues,
  proposedRemediations,
  valueProblem
} from '../../src/lib/automation/run-client';
import { blockRunLinks } from '../../src/lib/automation/job-run-context';
import { matchesFilter, mergeRuns } from '../../src/lib/automation/run-list';
import { RestError } from '../../src/lib/rest-client';

const PARAMS: JobParameter[] = [
  { name: 'host', type: 'string', required: true, min: 2, max: 20 },
  { name: 'retries', type: 'integer', default: 3, min: 1, max: 5 },
  { name: 'force', type: 'boolean', default: true },
  { name: 'mode', type: 'choice', choices: ['soft', 'hard'] },
  { name: 'token', type: 'secret' }
];

describe('run form', () => {
  test('starts from presets (never for secrets), checkbox defaults applied', () => {
    const fields = initialFields(PARAMS, { host: 'db2', retries: 4, token: 'leaked?' });
    expect(fields).toEqual({ host: 'db2', retries: '4', force: true, mode: '', token: '' });
  });

  test('values leave empty fields out (defaults are the server’s) and type integers', () => {
    expect(
      formValues(PARAMS, { host: 'db2', retries: '4', force: false, mode: '', token: '' })
    ).toEqual({ host: 'db2', retries: 4, force: false });
  });

  test('each problem is named for translation', () => {
    const host = PARAMS[0]!;
    const retries = PARAMS[1]!;
    expect(valueProblem(host, '')).toEqual({ key: 'automationRuns.param.required' });
    expect(valueProblem(host, 'x')).toEqual({ key: 'automationRuns.param.minLength', min: 2 });
    expect(valueProblem(host, 'x'.repeat(21))).toEqual({
      key: 'automationRuns.param.maxLength',
      max: 20
    });
    expect(valueProblem(retries, '2.5')).toEqual({ key: 'automationRuns.param.wholeNumber' });
    expect(valueProblem(retries, '0')).toEqual({ key: 'automationRuns.param.atLeast', min: 1 });
    expect(valueProblem(retries, '9')).toEqual({ key: 'automationRuns.param.atMost', max: 5 });
    expect(valueProblem(retries, '')).toBeNull();
    expect(valueProblem(PARAMS[3]!, 'medium')).toEqual({ key: 'automationRuns.param.choice' });
    expect(valueProblem(PARAMS[3]!, 'hard')).toBeNull();
  });

  test('checkForm lists every problem at once, or gives the values to send', () => {
    const describe = (p: { key: string }) => p.key;
    const bad = checkForm(PARAMS, { host: '', retries: '7', force: true, mode: 'x' }, describe);
    expect(bad).toEqual({
      ok: false,
      issues: {
        host: 'automationRuns.param.required',
        retries: 'automationRuns.param.atMost',
        mode: 'automationRuns.param.choice'
      }
    });
    const good = checkForm(
      PARAMS,
      { host: 'db2', retries: '', force: true, mode: 'soft' },
      describe
    );
    expect(good).toEqual({ ok: true, values: { host: 'db2', force: true, mode: 'soft' } });
  });

  test('the server’s parameter issues are read by name (or path)', () => {
    const failure = new RestError(400, 'invalid_input', 'bad', [
      { name: 'host', message: 'is required' },
      { path: 'parameters.retries', message: 'must be ≤ 5' }
    ]);
    expect(parameterIssues(failure)).toEqual({ host: 'is required', retries: 'must be ≤ 5' });
    expect(parameterIssues(new Error('x'))).toEqual({});
  });
});

describe('runs from a runbook block', () => {
  test('carry the runbook, the block and the task, as incident or change when it is one', () => {
    expect(blockRunLinks('rb1', 'blk', null)).toEqual({ runbookId: 'rb1', runbookBlock: 'blk' });
    expect(blockRunLinks('rb1', 'blk', { id: 't1', key: 'OPS-1', kind: 'task' })).toEqual({
      runbookId: 'rb1',
      runbookBlock: 'blk',
      taskId: 't1'
    });
    expect(blockRunLinks('rb1', 'blk', { id: 'i1', key: 'INC-1', kind: 'incident' })).toEqual({
      runbookId: 'rb1',
      runbookBlock: 'blk',
      taskId: 'i1',
      incidentId: 'i1'
    });
    expect(blockRunLinks('rb1', 'blk', { id: 'c1', key: 'CHG-1', kind: 'change' })).toMatchObject({
      taskId: 'c1',
      changeId: 'c1'
    });
  });
});

function job(name: string, labels?: Record<string, string>): JobView {
  return {
    id: name,
    name,
    description: null,
    kind: 'shell',
    script: 'true',
    playbook: null,
    git: null,
    inventory: null,
    parameters: [],
    credentials: [],
    requiresChange: false,
    changeEnvironments: [],
    timeoutSeconds: 60,
    maxConcurrent: 1,
    schedule: null,
    scheduleTimeZone: null,
    scheduleParameters: {},
    remediation: labels === undefined ? null : { labels },
    runnerId: null,
    nextRunAt: null,
    createdBy: 'u',
    createdAt: '2026-12-05T00:00:00Z',
    updatedAt: '2026-12-05T00:00:00Z'
  };
}

describe('proposed remediations', () => {
  test('jobs whose rule labels all match the incident’s labels; an empty rule proposes nothing', () => {
    const jobs = [
      job('restart-api', { service: 'api', severity: 'critical' }),
      job('clear-cache', { service: 'api' }),
      job('db-failover', { service: 'db' }),
      job('anything', {}),
      job('no-rule')
    ];
    const labels = { service: 'api', severity: 'critical', env: 'prod' };
    expect(proposedRemediations(jobs, labels).map((j) => j.name)).toEqual([
      'clear-cache',
      'restart-api'
    ]);
    expect(
      proposedRemediations(jobs, { service: 'api', severity: 'warning' }).map((j) => j.name)
    ).toEqual(['clear-cache']);
  });
});

function fact(id: string, patch: Partial<RunFact> = {}): RunFact {
  return {
    id,
    jobId: 'j',
    jobName: 'Job',
    state: 'queued',
    trigger: 'runbook',
    purpose: null,
    check: false,
    taskId: 't1',
    changeId: null,
    incidentId: null,
    runbookId: 'rb1',
    runbookBlock: 'blk',
    requestedBy: 'u1',
    exitCode: null,
    createdAt: '2026-12-05T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    ...patch
  };
}

describe('live run list', () => {
  test('the view further along wins; newest first', () => {
    const rest = [
      fact('a', { state: 'succeeded', exitCode: 0 }),
      fact('b', { createdAt: '2026-12-05T11:00:00.000Z' })
    ];
    const ledger = [
      fact('a', { state: 'running' }),
      fact('b', { state: 'running', createdAt: '2026-12-05T11:00:00.000Z' }),
      fact('c', { createdAt: '2026-12-05T09:00:00.000Z' })
    ];
    const merged = mergeRuns(rest, ledger);
    expect(merged.map((r) => [r.id, r.state])).toEqual([
      ['b', 'running'],
      ['a', 'succeeded'],
      ['c', 'queued']
    ]);
  });

  test('facts read from a ledger document are filtered by what they are linked to', () => {
    const doc = new Y.Doc();
    writeRunFacts(
      doc,
      [fact('a'), fact('b', { taskId: 't2' }), fact('c', { runbookId: 'rb2' })],
      Date.parse('2026-12-05T12:00:00Z')
    );
    const runs = readRunFacts(doc).filter((r) =>
      matchesFilter(r, { runbookId: 'rb1', taskId: 't1' })
    );
    expect(runs.map((r) => r.id)).toEqual(['a']);
  });
});
