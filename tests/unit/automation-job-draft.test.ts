/**
 * The job editor's draft (src/lib/automation/job-draft.ts): the form's text fields become the
 * API's JobCreate, checked with the server's own schema, so a bad default or a missing script
 * is reported by field path before a round trip; an existing job fills the editor and comes
 * back unchanged; a PATCH clears what the editor emptied; the run form's values are typed.
 */
import { describe, expect, it } from 'vitest';
import {
  emptyParameter,
  jobBody,
  jobDraft,
  jobPatchBody,
  parseLabels,
  runFormValues,
  runParameters
} from '../../src/lib/automation/job-draft';
import type { JobParameter, JobView } from '../../src/lib/shared/automation/schema';

const view: JobView = {
  id: 'job1',
  name: 'Restart replica',
  description: 'Restarts a PostgreSQL replica',
  kind: 'ansible',
  script: null,
  playbook: '- hosts: all\n  tasks: []\n',
  git: null,
  inventory: { cmdb: { type: 'database', environment: 'production' } },
  parameters: [
    { name: 'replica', type: 'choice', required: true, choices: ['db-2', 'db-3'] },
    { name: 'wait', type: 'integer', default: 30, min: 0, max: 600 },
    { name: 'drain', type: 'boolean', default: true },
    { name: 'token', type: 'secret' }
  ],
  credentials: ['cred1'],
  requiresChange: true,
  changeEnvironments: ['production'],
  timeoutSeconds: 900,
  maxConcurrent: 1,
  schedule: '0 3 * * 1-5',
  scheduleTimeZone: 'Asia/Shanghai',
  scheduleParameters: {},
  remediation: { labels: { service: 'postgres', alertname: 'ReplicaLag' }, automatic: true },
  runnerId: null,
  nextRunAt: null,
  createdBy: 'u1',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z'
};

describe('jobBody', () => {
  it('turns a new shell job with a typed parameter into a JobCreate', () => {
    const draft = jobDraft();
    draft.name = 'Greet';
    draft.script = 'echo "$RB_OPTION_WAIT"';
    const p = emptyParameter();
    p.name = 'wait';
    p.type = 'integer';
    p.defaultValue = '5';
    p.min = '1';
    p.max = '10';
    p.required = true;
    draft.parameters.push(p);
    const result = jobBody(draft);
    expect(result).toEqual({
      ok: true,
      body: {
        name: 'Greet',
        kind: 'shell',
        script: 'echo "$RB_OPTION_WAIT"',
        parameters: [
          { name: 'wait', type: 'integer', required: true, default: 5, min: 1, max: 10 }
        ],
        credentials: [],
        requiresChange: false,
        timeoutSeconds: 600,
        maxConcurrent: 1
      }
    });
  });

  it('reports issues by the paths the API uses', () => {
    const draft = jobDraft();
    draft.name = ' ';
    draft.script = '';
    const bad = emptyParameter();
    bad.name = '1st';
    const choice = emptyParameter();
    choice.name = 'size';
    choice.type = 'choice';
    choice.choices = 'small\nlarge';
    choice.defaultValue = 'huge';
    draft.parameters.push(bad, choice);
    draft.remediationLabels = 'service=db\nnot a label';
    const result = jobBody(draft);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.issues).sort()).toEqual([
      'name',
      'parameters.0.name',
      'parameters.1.default',
      'remediation.labels',
      'script'
    ]);
    expect(result.issues['remediation.labels']).toBe('not a label');
  });

  it('fills the editor from a job and gives the same job back', () => {
    const result = jobBody(jobDraft(view));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.body).toEqual({
      name: view.name,
      description: view.description,
      kind: 'ansible',
      playbook: view.playbook,
      inventory: view.inventory,
      parameters: view.parameters,
      credentials: ['cred1'],
      requiresChange: true,
      changeEnvironments: ['production'],
      timeoutSeconds: 900,
      maxConcurrent: 1,
      schedule: '0 3 * * 1-5',
      scheduleTimeZone: 'Asia/Shanghai',
      remediation: view.remediation
    });
  });

  it('sends a git source instead of inline text, and a PATCH clears what was emptied', () => {
    const draft = jobDraft(view);
    draft.sourceMode = 'git';
    draft.gitUrl = 'https://git.example.com/ops.git';
    draft.gitPath = 'replica.yml';
    draft.inventoryMode = 'none';
    draft.schedule = '';
    draft.remediationLabels = '';
    draft.description = '';
    const result = jobBody(draft);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.body.git).toEqual({
      url: 'https://git.example.com/ops.git',
      path: 'replica.yml'
    });
    expect(result.body.playbook).toBeUndefined();
    const patch = jobPatchBody(result.body);
    expect(patch).toMatchObject({
      playbook: null,
      script: null,
      inventory: null,
      schedule: null,
      scheduleTimeZone: null,
      remediation: null,
      description: null,
      git: { url: 'https://git.example.com/ops.git', path: 'replica.yml' }
    });
  });
});

describe('labels', () => {
  it('reads key=value lines and keeps = inside values', () => {
    expect(parseLabels('a=1\n\n b = x=y \nbroken')).toEqual({
      labels: { a: '1', b: 'x=y' },
      bad: ['broken']
    });
  });
});

describe('run form values', () => {
  const parameters: JobParameter[] = view.parameters;

  it('starts from the defaults, secrets empty', () => {
    expect(runFormValues(parameters)).toEqual({
      replica: '',
      wait: '30',
      drain: true,
      token: ''
    });
  });

  it('types what the form holds and leaves out what was left empty', () => {
    expect(
      runParameters(parameters, { replica: 'db-2', wait: 45, drain: false, token: '' })
    ).toEqual({ replica: 'db-2', wait: 45, drain: false });
    expect(
      runParameters(parameters, { replica: '', wait: '12', drain: true, token: 's3' })
    ).toEqual({ wait: 12, drain: true, token: 's3' });
    expect(runParameters(parameters, { wait: null })).toEqual({});
  });
});
