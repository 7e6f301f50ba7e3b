/**
 * The integration edit form as data (src/lib/alerts/integration-draft.ts): settings round-trip
 * through the form's rows into a complete PATCH body, problems carry the server's paths, and
 * rules move in order.
 */
import { describe, expect, it } from 'vitest';
import {
  checkDraft,
  emptyRule,
  integrationDraft,
  issueAt,
  moved
} from '../../src/lib/alerts/integration-draft';
import { integrationSettingsSchema } from '../../src/lib/shared/alerts/schema';

const settings = integrationSettingsSchema.parse({
  reopenWindowMinutes: 30,
  escalationPolicyId: 'pol1',
  rules: [
    {
      match: [{ name: 'service', value: 'mysql' }],
      severity: 'high',
      labels: { team: 'dba' },
      assignee: 'u1',
      channels: ['ch1']
    },
    { match: [{ name: 'env', op: '!=', value: 'prod' }] }
  ]
});

describe('integration draft', () => {
  it('sends back every setting it was given, rules included', () => {
    const draft = integrationDraft({ name: 'prod', settings });
    const checked = checkDraft('alertmanager', draft);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.body.name).toBe('prod');
    expect(checked.body.settings).toEqual({
      ...settings,
      rules: [
        { ...settings.rules[0], match: [{ name: 'service', op: '=', value: 'mysql' }] },
        settings.rules[1]
      ]
    });
  });

  it('leaves out what a rule does not set: all channels, the integration’s policy, no assignee', () => {
    const draft = integrationDraft({ name: 'prod', settings: integrationSettingsSchema.parse({}) });
    draft.rules.push(emptyRule());
    draft.rules[0]!.match[0]!.name = 'service';
    draft.rules[0]!.match[0]!.value = 'web';
    const checked = checkDraft('grafana', draft);
    expect(checked.ok && checked.body.settings.rules).toEqual([
      { match: [{ name: 'service', op: '=', value: 'web' }] }
    ]);
    expect(checked.ok && 'escalationPolicyId' in checked.body.settings).toBe(false);
  });

  it('names problems by the paths the server uses', () => {
    const draft = integrationDraft({ name: 'prod', settings });
    draft.rules[1]!.match[0]!.op = '=~';
    draft.rules[1]!.match[0]!.value = '(';
    draft.rules[0]!.labels[0]!.name = '';
    const checked = checkDraft('alertmanager', draft);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(issueAt(checked.issues, 'settings.rules.1.match.0.value')).toMatch(/regular expression/);
    expect(issueAt(checked.issues, 'settings.rules.0.labels')).not.toBeNull();
    expect(issueAt(checked.issues, 'settings.rules.0.assignee')).toBeNull();
  });

  it('reads a generic mapping that is not JSON as such', () => {
    const draft = integrationDraft({ name: 'g', settings });
    draft.mappingText = '{ nope';
    const checked = checkDraft('generic', draft);
    expect(checked.ok === false && checked.mappingError).toBeTruthy();
  });

  it('moves a rule up and down, and not past either end', () => {
    expect(moved(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });
});
