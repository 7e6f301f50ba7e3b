/**
 * The job editor's form state and its conversion to the API's bodies (lib/shared/automation
 * schema.ts): inputs hold text (a number field may be empty, choices are one per line, labels
 * `key=value` per line), and `jobBody` turns the draft into a JobCreate, checking it with the
 * server's own schema first so most mistakes show before a round trip. Also the run form's
 * values, read back into typed parameter values.
 */
import {
  DEFAULT_TIMEOUT_SECONDS,
  jobCreateSchema,
  type JobCreate,
  type JobKind,
  type JobParameter,
  type JobView,
  type ParameterType,
  type ParameterValue
} from '$lib/shared/automation/schema';

export type SourceMode = 'inline' | 'git';
export type InventoryMode = 'none' | 'static' | 'cmdb';

/** One parameter row of the editor. */
export interface ParameterDraft {
  /** Local key for the row (rows move and go; names change while typed). */
  key: number;
  name: string;
  type: ParameterType;
  label: string;
  description: string;
  required: boolean;
  /** Text; a boolean's default is 'true' / 'false' / ''. */
  defaultValue: string;
  /** One choice per line. */
  choices: string;
  min: string;
  max: string;
}

/** The whole editor. */
export interface JobDraft {
  name: string;
  description: string;
  kind: JobKind;
  sourceMode: SourceMode;
  script: string;
  playbook: string;
  gitUrl: string;
  gitRef: string;
  gitPath: string;
  inventoryMode: InventoryMode;
  inventoryText: string;
  cmdbType: string;
  cmdbTag: string;
  cmdbEnvironment: string;
  parameters: ParameterDraft[];
  credentials: string[];
  timeoutSeconds: string;
  maxConcurrent: string;
  requiresChange: boolean;
  /** Comma-separated. */
  changeEnvironments: string;
  schedule: string;
  scheduleTimeZone: string;
  /** `key=value`, one per line. */
  remediationLabels: string;
  remediationAutomatic: boolean;
  /** A remote runner's id; '' runs on the server. */
  runnerId: string;
}

let nextKey = 1;

/** An empty parameter row. */
export function emptyParameter(): ParameterDraft {
  return {
    key: nextKey++,
    name: '',
    type: 'string',
    label: '',
    description: '',
    required: false,
    defaultValue: '',
    choices: '',
    min: '',
    max: ''
  };
}

/** A parameter definition as an editor row. */
export function parameterDraft(p: JobParameter): ParameterDraft {
  return {
    key: nextKey++,
    name: p.name,
    type: p.type,
    label: p.label ?? '',
    description: p.description ?? '',
    required: p.required ?? false,
    defaultValue: p.default === undefined ? '' : String(p.default),
    choices: (p.choices ?? []).join('\n'),
    min: p.min === undefined ? '' : String(p.min),
    max: p.max === undefined ? '' : String(p.max)
  };
}

/** The editor for a new job, or filled from an existing one. */
export function jobDraft(job: JobView | null = null): JobDraft {
  const inventory = job?.inventory ?? null;
  return {
    name: job?.name ?? '',
    description: job?.description ?? '',
    kind: job?.kind ?? 'shell',
    sourceMode: job?.git ? 'git' : 'inline',
    script: job?.script ?? (job === null ? '#!/bin/sh\nset -eu\n' : ''),
    playbook: job?.playbook ?? '',
    gitUrl: job?.git?.url ?? '',
    gitRef: job?.git?.ref ?? '',
    gitPath: job?.git?.path ?? '',
    inventoryMode: inventory === null ? 'none' : typeof inventory === 'string' ? 'static' : 'cmdb',
    inventoryText: typeof inventory === 'string' ? inventory : '',
    cmdbType:
      typeof inventory === 'object' && inventory !== null ? (inventory.cmdb.type ?? '') : '',
    cmdbTag: typeof inventory === 'object' && inventory !== null ? (inventory.cmdb.tag ?? '') : '',
    cmdbEnvironment:
      typeof inventory === 'object' && inventory !== null ? (inventory.cmdb.environment ?? '') : '',
    parameters: (job?.parameters ?? []).map(parameterDraft),
    credentials: [...(job?.credentials ?? [])],
    timeoutSeconds: String(job?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
    maxConcurrent: String(job?.maxConcurrent ?? 1),
    requiresChange: job?.requiresChange ?? false,
    changeEnvironments: (job?.changeEnvironments ?? []).join(', '),
    schedule: job?.schedule ?? '',
    scheduleTimeZone: job?.scheduleTimeZone ?? '',
    remediationLabels: Object.entries(job?.remediation?.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    remediationAutomatic: job?.remediation?.automatic ?? false,
    runnerId: job?.runnerId ?? ''
  };
}

/** A whole number from a field, or undefined when empty; NaN when not a number. */
function intField(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** A parameter's default from its text, typed; undefined when empty (or a secret). */
function defaultOf(p: ParameterDraft): ParameterValue | undefined {
  if (p.type === 'secret' || p.defaultValue === '') return undefined;
  if (p.type === 'integer') {
    const n = intField(p.defaultValue);
    return n === undefined ? undefined : Number.isNaN(n) ? p.defaultValue : n;
  }
  if (p.type === 'boolean') return p.defaultValue === 'true';
  return p.defaultValue;
}

/** An editor row as the parameter definition the API takes. */
export function parameterOf(p: ParameterDraft): JobParameter {
  const choices = p.choices
    .split('\n')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const min = intField(p.min);
  const max = intField(p.max);
  const value = defaultOf(p);
  const boundable = p.type === 'integer' || p.type === 'string' || p.type === 'secret';
  return {
    name: p.name.trim(),
    type: p.type,
    ...(p.label.trim() ? { label: p.label.trim() } : {}),
    ...(p.description.trim() ? { description: p.description.trim() } : {}),
    ...(p.required ? { required: true } : {}),
    ...(value !== undefined ? { default: value } : {}),
    ...(p.type === 'choice' ? { choices } : {}),
    ...(boundable && min !== undefined ? { min } : {}),
    ...(boundable && max !== undefined ? { max } : {})
  };
}

/** `key=value` lines as labels; lines without `=` are issues. */
export function parseLabels(text: string): { labels: Record<string, string>; bad: string[] } {
  const labels: Record<string, string> = {};
  const bad: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const at = line.indexOf('=');
    if (at <= 0) {
      bad.push(line);
      continue;
    }
    labels[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { labels, bad };
}

/** Issues by dotted path (`name`, `parameters.0.default`, …), as the API reports them. */
export type DraftIssues = Record<string, string>;

/**
 * The draft as the API's JobCreate (also sent whole as a PATCH, so a cleared field is cleared),
 * checked by the shared schema; or its issues by path.
 */
export function jobBody(
  draft: JobDraft
): { ok: true; body: JobCreate } | { ok: false; issues: DraftIssues } {
  const issues: DraftIssues = {};
  const timeout = intField(draft.timeoutSeconds);
  const concurrent = intField(draft.maxConcurrent);
  const remediation = parseLabels(draft.remediationLabels);
  if (remediation.bad.length > 0) issues['remediation.labels'] = remediation.bad.join(', ');
  const environments = draft.changeEnvironments
    .split(/[,，]/)
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const cmdb = {
    ...(draft.cmdbType.trim() ? { type: draft.cmdbType.trim() } : {}),
    ...(draft.cmdbTag.trim() ? { tag: draft.cmdbTag.trim() } : {}),
    ...(draft.cmdbEnvironment.trim() ? { environment: draft.cmdbEnvironment.trim() } : {})
  };
  const candidate = {
    name: draft.name,
    ...(draft.description.trim() ? { description: draft.description } : {}),
    kind: draft.kind,
    ...(draft.sourceMode === 'inline'
      ? draft.kind === 'shell'
        ? { script: draft.script }
        : { playbook: draft.playbook }
      : {
          git: {
            url: draft.gitUrl.trim(),
            ...(draft.gitRef.trim() ? { ref: draft.gitRef.trim() } : {}),
            path: draft.gitPath.trim()
          }
        }),
    ...(draft.inventoryMode === 'static' ? { inventory: draft.inventoryText } : {}),
    ...(draft.inventoryMode === 'cmdb' ? { inventory: { cmdb } } : {}),
    parameters: draft.parameters.map(parameterOf),
    credentials: draft.credentials,
    requiresChange: draft.requiresChange,
    ...(draft.requiresChange && environments.length > 0
      ? { changeEnvironments: environments }
      : {}),
    ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
    ...(concurrent !== undefined ? { maxConcurrent: concurrent } : {}),
    ...(draft.schedule.trim() ? { schedule: draft.schedule.trim() } : {}),
    ...(draft.schedule.trim() && draft.scheduleTimeZone.trim()
      ? { scheduleTimeZone: draft.scheduleTimeZone.trim() }
      : {}),
    ...(Object.keys(remediation.labels).length > 0
      ? {
          remediation: {
            labels: remediation.labels,
            ...(draft.remediationAutomatic ? { automatic: true } : {})
          }
        }
      : {}),
    ...(draft.runnerId ? { runnerId: draft.runnerId } : {})
  };
  const parsed = jobCreateSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues[issue.path.map(String).join('.')] ??= issue.message;
    }
  }
  if (!parsed.success || Object.keys(issues).length > 0) return { ok: false, issues };
  return { ok: true, body: parsed.data };
}

/**
 * The PATCH for an existing job: every field of the draft, and `null` for the optional ones it
 * left empty, so clearing a field in the editor clears it on the server.
 */
export function jobPatchBody(body: JobCreate): Record<string, unknown> {
  const cleared = [
    'description',
    'script',
    'playbook',
    'git',
    'inventory',
    'changeEnvironments',
    'schedule',
    'scheduleTimeZone',
    'remediation',
    'runnerId'
  ] as const;
  const patch: Record<string, unknown> = { ...body };
  for (const field of cleared) {
    if (body[field] === undefined) patch[field] = null;
  }
  return patch;
}

/** The run form's initial values: defaults as text, booleans as booleans, secrets empty. */
export function runFormValues(parameters: readonly JobParameter[]): Record<string, RunFormValue> {
  return Object.fromEntries(
    parameters.map((p) => [
      p.name,
      p.type === 'boolean'
        ? p.default === true
        : p.type === 'secret' || p.default === undefined
          ? ''
          : String(p.default)
    ])
  );
}

/** A run form's value: text, a checkbox, or a number field's number (null when emptied). */
export type RunFormValue = string | boolean | number | null;

/**
 * What the run form sends: values the user left empty are left out (the server fills
 * defaults and reports missing required ones), the rest as typed.
 */
export function runParameters(
  parameters: readonly JobParameter[],
  values: Readonly<Record<string, RunFormValue>>
): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  for (const p of parameters) {
    const value = values[p.name];
    if (value === undefined || value === null) continue;
    if (p.type === 'boolean') out[p.name] = value === true;
    else if (typeof value === 'number') {
      if (!Number.isNaN(value)) out[p.name] = value;
    } else if (typeof value === 'string' && value !== '') {
      out[p.name] = p.type === 'integer' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    }
  }
  return out;
}
