/**
 * The edit form of an alert integration (Settings → Alert integrations) as plain data: its
 * settings turned into rows a form binds to (a rule's matchers, extra labels and channels), and
 * back into the `{ name, settings }` PATCH body, checked with the server's own schema. A PATCH
 * replaces the whole settings object, so the body always carries all of it. Framework-free, so
 * unit tests read it as the form does.
 */
import {
  integrationPatchSchema,
  type IntegrationSettings,
  type IntegrationType,
  type LabelMatcher,
  type RoutingRule,
  type Severity
} from '../shared/alerts/schema';

export type MatcherOp = NonNullable<LabelMatcher['op']>;
export const MATCHER_OPS = [
  { op: '=', word: 'eq' },
  { op: '!=', word: 'ne' },
  { op: '=~', word: 're' },
  { op: '!~', word: 'nre' }
] as const satisfies readonly { op: MatcherOp; word: string }[];

export interface MatcherRow {
  /** Stable across moves, for keyed lists and element ids. */
  key: number;
  name: string;
  op: MatcherOp;
  value: string;
}

export interface LabelRow {
  key: number;
  name: string;
  value: string;
}

export interface RuleDraft {
  key: number;
  match: MatcherRow[];
  /** Empty: the severity read from the labels. */
  severity: Severity | '';
  labels: LabelRow[];
  /** Empty: nobody. */
  assignee: string;
  /** Empty: the integration's policy. */
  escalationPolicyId: string;
  /** `all`: every channel by its events; `only`: the ticked ones. */
  channelsMode: 'all' | 'only';
  channels: string[];
}

export interface IntegrationDraft {
  name: string;
  groupBy: IntegrationSettings['groupBy'];
  autoResolve: IntegrationSettings['autoResolve'];
  reopenWindowMinutes: number | null;
  severityLabel: string;
  /** Labels naming the service and the alert for runbook links; empty: the default. */
  serviceLabel: string;
  alertnameLabel: string;
  /** The generic field mapping as JSON text; unused for other sources. */
  mappingText: string;
  /** Empty: no escalation. */
  escalationPolicyId: string;
  rules: RuleDraft[];
}

let nextKey = 1;
/** A key no other row of this page has. */
export function rowKey(): number {
  return nextKey++;
}

/** A matcher row, empty unless given. */
export function matcherRow(matcher?: LabelMatcher): MatcherRow {
  return {
    key: rowKey(),
    name: matcher?.name ?? '',
    op: matcher?.op ?? '=',
    value: matcher?.value ?? ''
  };
}

/** A new rule: one empty matcher, everything else as the integration has it. */
export function emptyRule(): RuleDraft {
  return ruleDraft({ match: [{ name: '', value: '' }] });
}

function ruleDraft(rule: RoutingRule): RuleDraft {
  return {
    key: rowKey(),
    match: rule.match.map(matcherRow),
    severity: rule.severity ?? '',
    labels: Object.entries(rule.labels ?? {}).map(([name, value]) => ({
      key: rowKey(),
      name,
      value
    })),
    assignee: rule.assignee ?? '',
    escalationPolicyId: rule.escalationPolicyId ?? '',
    channelsMode: rule.channels === undefined ? 'all' : 'only',
    channels: [...(rule.channels ?? [])]
  };
}

/** The form's rows for an integration as stored. */
export function integrationDraft(integration: {
  name: string;
  settings: IntegrationSettings;
}): IntegrationDraft {
  const { settings } = integration;
  return {
    name: integration.name,
    groupBy: settings.groupBy,
    autoResolve: settings.autoResolve,
    reopenWindowMinutes: settings.reopenWindowMinutes,
    severityLabel: settings.severityLabel,
    serviceLabel: settings.serviceLabel ?? '',
    alertnameLabel: settings.alertnameLabel ?? '',
    mappingText: settings.mapping === undefined ? '' : JSON.stringify(settings.mapping, null, 2),
    escalationPolicyId: settings.escalationPolicyId ?? '',
    rules: settings.rules.map(ruleDraft)
  };
}

function ruleBody(rule: RuleDraft): Record<string, unknown> {
  return {
    match: rule.match.map(({ name, op, value }) => ({ name, op, value })),
    ...(rule.severity === '' ? {} : { severity: rule.severity }),
    ...(rule.labels.length === 0
      ? {}
      : { labels: Object.fromEntries(rule.labels.map(({ name, value }) => [name.trim(), value])) }),
    ...(rule.assignee === '' ? {} : { assignee: rule.assignee }),
    ...(rule.escalationPolicyId === '' ? {} : { escalationPolicyId: rule.escalationPolicyId }),
    ...(rule.channelsMode === 'all' ? {} : { channels: rule.channels })
  };
}

export type DraftCheck =
  | { ok: true; body: { name: string; settings: IntegrationSettings } }
  | { ok: false; mappingError: string | null; issues: { path: string; message: string }[] };

/**
 * The PATCH body for `draft`, checked with `integrationPatchSchema`; or what is wrong, with
 * the same dotted paths the server answers with (`settings.rules.0.match.1.value`).
 */
export function checkDraft(type: IntegrationType, draft: IntegrationDraft): DraftCheck {
  let mapping: unknown = undefined;
  if (type === 'generic') {
    try {
      mapping = JSON.parse(draft.mappingText) as unknown;
    } catch (failure) {
      return {
        ok: false,
        mappingError: failure instanceof Error ? failure.message : String(failure),
        issues: []
      };
    }
  }
  const body = {
    name: draft.name,
    settings: {
      // Generic deliveries have no group key: every alert is its own incident.
      groupBy: type === 'generic' ? 'fingerprint' : draft.groupBy,
      autoResolve: draft.autoResolve,
      reopenWindowMinutes: draft.reopenWindowMinutes,
      severityLabel: draft.severityLabel,
      ...(draft.serviceLabel.trim() === '' ? {} : { serviceLabel: draft.serviceLabel.trim() }),
      ...(draft.alertnameLabel.trim() === ''
        ? {}
        : { alertnameLabel: draft.alertnameLabel.trim() }),
      ...(mapping === undefined ? {} : { mapping }),
      ...(draft.escalationPolicyId === '' ? {} : { escalationPolicyId: draft.escalationPolicyId }),
      rules: draft.rules.map(ruleBody)
    }
  };
  const parsed = integrationPatchSchema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      mappingError: null,
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message
      }))
    };
  }
  const { name, settings } = parsed.data;
  if (name === undefined || settings === undefined) {
    // Both are always sent; the schema only makes them optional for other callers.
    return { ok: false, mappingError: null, issues: [{ path: 'name', message: 'required' }] };
  }
  return { ok: true, body: { name, settings } };
}

/** The first issue at `path` or under it (`settings.rules.0.labels` covers its keys). */
export function issueAt(
  issues: readonly { path: string; message: string }[],
  path: string
): string | null {
  const found = issues.find((issue) => issue.path === path || issue.path.startsWith(`${path}.`));
  return found?.message ?? null;
}

/** `list` with the item at `index` swapped with its neighbour `by` (-1 up, +1 down). */
export function moved<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const target = index + by;
  if (target < 0 || target >= list.length) return [...list];
  const copy = [...list];
  const [item] = copy.splice(index, 1);
  if (item !== undefined) copy.splice(target, 0, item);
  return copy;
}
