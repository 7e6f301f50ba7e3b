/** Importing an AWX job template's survey_spec as job parameters. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromAwxSurvey } from '../../src/lib/shared/automation/awx-survey';
import { jobCreateSchema } from '../../src/lib/shared/automation/schema';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/automation/awx-survey.json', import.meta.url), 'utf8')
);

describe('fromAwxSurvey', () => {
  it('converts a realistic survey_spec', () => {
    const result = fromAwxSurvey(fixture);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.parameters).toEqual([
      {
        name: 'target_env',
        type: 'choice',
        label: 'Target environment',
        description: 'Where the release goes',
        required: true,
        choices: ['staging', 'production'],
        default: 'staging'
      },
      {
        name: 'release_tag',
        type: 'string',
        label: 'Release tag',
        required: true,
        min: 1,
        max: 64
      },
      {
        name: 'release_notes',
        type: 'string',
        label: 'Release notes',
        description: 'Shown in the change record',
        min: 0,
        max: 4096,
        default: 'No notes.'
      },
      {
        name: 'batch_size',
        type: 'integer',
        label: 'Batch size',
        description: 'Hosts at a time',
        min: 1,
        max: 50,
        default: 5
      },
      {
        name: 'db_password',
        type: 'secret',
        label: 'Database password',
        required: true,
        min: 8,
        max: 1024
      },
      {
        name: 'canary_share',
        type: 'string',
        label: 'Canary share',
        description:
          'Fraction of traffic (AWX float: passed as text; use `| float` in the playbook.)',
        default: '0.1'
      },
      { name: 'log_level', type: 'choice', label: 'Log level', choices: ['info', 'debug', 'warn'] }
    ]);
    // The result is a valid job definition.
    expect(
      jobCreateSchema.safeParse({
        name: 'deploy',
        kind: 'ansible',
        playbook: '- hosts: all\n',
        parameters: result.parameters
      }).success
    ).toBe(true);
  });

  it('accepts a whole job template export and a bare question array', () => {
    const fromTemplate = fromAwxSurvey({
      name: 'Deploy',
      survey_enabled: true,
      survey_spec: fixture
    });
    const fromArray = fromAwxSurvey(fixture.spec);
    expect(fromTemplate).toEqual(fromAwxSurvey(fixture));
    expect(fromArray).toEqual(fromAwxSurvey(fixture));
  });

  it('reports every problem with its question index', () => {
    const result = fromAwxSurvey({
      spec: [
        { variable: 'hosts', type: 'multiselect', choices: 'a\nb' },
        { variable: '1bad', type: 'text' },
        { variable: 'n', type: 'integer', min: 1, max: 5, default: 9 },
        { variable: 'pick', type: 'multiplechoice', choices: '' },
        { variable: 'x', type: 'datetime' },
        { type: 'text' },
        { variable: 'ok', type: 'text' },
        { variable: 'OK', type: 'text' }
      ]
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5, 7]);
    const messages = result.issues.map((i) => i.message);
    expect(messages[0]).toMatch(/multiselect has no Runboard equivalent/);
    expect(messages[1]).toMatch(/not a valid parameter name/);
    expect(messages[2]).toMatch(/default 9 must be ≤ 5/);
    expect(messages[3]).toMatch(/no choices/);
    expect(messages[4]).toMatch(/unknown question type "datetime"/);
    expect(messages[5]).toMatch(/variable/);
    expect(messages[6]).toMatch(/RB_OPTION_OK/);
  });

  it('refuses what is not a survey', () => {
    for (const input of [null, 'text', 42, { name: 'x' }, { spec: 'no' }]) {
      const result = fromAwxSurvey(input);
      expect(result).toEqual({
        ok: false,
        issues: [{ index: -1, message: expect.stringMatching(/not an AWX survey/) }]
      });
    }
  });
});
