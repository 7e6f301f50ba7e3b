/**
 * Starting and listing automation runs from runbooks, tasks, changes and incidents
 * (docs/automation.md), over the automation client: the jobs of a workspace (fetched once and
 * shared by every block and dialog of the page for a short while), the run forms' values and
 * their problems, and the refusals the UI explains.
 */
import { z } from 'zod';
import { RestError } from '$lib/rest-client';
import {
  listJobs as fetchJobs,
  listRuns as fetchRuns,
  startRun as postRun
} from './automation-client';
import type { I18n } from '$lib/i18n/i18n.svelte';
import {
  resolveParameters,
  type JobParameter,
  type JobView,
  type ParameterValue,
  type RunView
} from '$lib/shared/automation/schema';

/** How long a fetched job list is reused by the blocks and dialogs of a page. */
const JOBS_FRESH_MS = 10_000;

const cache = new Map<string, { at: number; jobs: Promise<JobView[]> }>();

/** The jobs of a workspace (shared by callers for `JOBS_FRESH_MS`; `fresh` asks again). */
export function listJobs(workspaceId: string, fresh = false): Promise<JobView[]> {
  const hit = cache.get(workspaceId);
  if (!fresh && hit !== undefined && Date.now() - hit.at < JOBS_FRESH_MS) return hit.jobs;
  const jobs = fetchJobs(workspaceId);
  cache.set(workspaceId, { at: Date.now(), jobs });
  // A failure is not kept: the next caller asks again.
  jobs.catch(() => {
    if (cache.get(workspaceId)?.jobs === jobs) cache.delete(workspaceId);
  });
  return jobs;
}

/** Starts a run; resolves with its id, rejects with a RestError (refusals: 409, 400). */
export const startRun = postRun;

/** Which runs to list: the thing they are linked to. */
export interface RunFilter {
  jobId?: string;
  taskId?: string;
  changeId?: string;
  incidentId?: string;
  runbookId?: string;
}

/** The runs linked to `filter`, newest first. */
export function listRuns(workspaceId: string, filter: RunFilter, limit = 50): Promise<RunView[]> {
  return fetchRuns(workspaceId, { ...filter, limit });
}

const parameterIssuesSchema = z.array(
  z.object({ name: z.string().optional(), path: z.string().optional(), message: z.string() })
);

/**
 * The per-parameter problems of a 400 `invalid_input` answer, by parameter name (the API
 * lists `{ name, message }`; a `path` like `parameters.host` is read as well).
 */
export function parameterIssues(failure: unknown): Record<string, string> {
  if (!(failure instanceof RestError)) return {};
  const parsed = parameterIssuesSchema.safeParse(failure.details);
  if (!parsed.success) return {};
  const out: Record<string, string> = {};
  for (const issue of parsed.data) {
    const name = issue.name ?? issue.path?.replace(/^parameters\.?/, '') ?? '';
    if (name !== '' && !(name in out)) out[name] = issue.message;
  }
  return out;
}

/**
 * The form's text of a value: what a parameter field shows for a preset, a default or nothing.
 * Booleans are real checkboxes; everything else is text.
 */
export function fieldValue(
  parameter: JobParameter,
  value: ParameterValue | undefined
): string | boolean {
  if (parameter.type === 'boolean') return value === true || value === 'true' || value === '1';
  if (value === undefined) return '';
  return String(value);
}

/** The parameter values a form holds, without the empty ones (so defaults apply). */
export function formValues(
  parameters: readonly JobParameter[],
  fields: Readonly<Record<string, string | boolean>>
): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  for (const parameter of parameters) {
    const value = fields[parameter.name];
    if (value === undefined) continue;
    if (typeof value === 'boolean') out[parameter.name] = value;
    else if (value === '') continue;
    else if (parameter.type === 'integer' && Number.isSafeInteger(Number(value.trim()))) {
      out[parameter.name] = Number(value.trim());
    } else out[parameter.name] = value;
  }
  return out;
}

/** A problem with one value, as a message key of the automation-runs catalog and its values. */
export type ValueProblem =
  | { key: 'automationRuns.param.required' }
  | { key: 'automationRuns.param.wholeNumber' }
  | { key: 'automationRuns.param.atLeast'; min: number }
  | { key: 'automationRuns.param.atMost'; max: number }
  | { key: 'automationRuns.param.minLength'; min: number }
  | { key: 'automationRuns.param.maxLength'; max: number }
  | { key: 'automationRuns.param.choice' }
  | { key: 'automationRuns.param.boolean' };

/**
 * What is wrong with the form's value of `parameter` (the rules of `checkParameter` in
 * shared/automation/schema.ts, which the server applies too), or null; for translated messages.
 */
export function valueProblem(
  parameter: JobParameter,
  value: string | boolean | undefined
): ValueProblem | null {
  const empty = value === undefined || value === '';
  if (parameter.type === 'boolean') return null;
  if (empty) {
    return parameter.required === true && parameter.default === undefined
      ? { key: 'automationRuns.param.required' }
      : null;
  }
  const text = String(value);
  switch (parameter.type) {
    case 'integer': {
      const n = Number(text.trim());
      if (text.trim() === '' || !Number.isSafeInteger(n)) {
        return { key: 'automationRuns.param.wholeNumber' };
      }
      if (parameter.min !== undefined && n < parameter.min) {
        return { key: 'automationRuns.param.atLeast', min: parameter.min };
      }
      if (parameter.max !== undefined && n > parameter.max) {
        return { key: 'automationRuns.param.atMost', max: parameter.max };
      }
      return null;
    }
    case 'choice':
      return (parameter.choices ?? []).includes(text)
        ? null
        : { key: 'automationRuns.param.choice' };
    case 'string':
    case 'secret':
      if (parameter.min !== undefined && text.length < parameter.min) {
        return { key: 'automationRuns.param.minLength', min: parameter.min };
      }
      if (parameter.max !== undefined && text.length > parameter.max) {
        return { key: 'automationRuns.param.maxLength', max: parameter.max };
      }
      return null;
  }
}

/** The form's starting values: presets, else defaults for checkboxes; secrets always empty. */
export function initialFields(
  parameters: readonly JobParameter[],
  presets: Readonly<Record<string, ParameterValue>>
): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const parameter of parameters) {
    const preset = parameter.type === 'secret' ? undefined : presets[parameter.name];
    out[parameter.name] =
      parameter.type === 'boolean'
        ? fieldValue(parameter, preset ?? parameter.default)
        : fieldValue(parameter, preset);
  }
  return out;
}

/**
 * Checks a form before it is sent: each field's problem (translated by `describe`), then the
 * values as `resolveParameters` resolves them (the server checks the same again).
 */
export function checkForm(
  parameters: readonly JobParameter[],
  fields: Readonly<Record<string, string | boolean>>,
  describe: (problem: ValueProblem) => string
):
  | { ok: true; values: Record<string, ParameterValue> }
  | { ok: false; issues: Record<string, string> } {
  const issues: Record<string, string> = {};
  for (const parameter of parameters) {
    const problem = valueProblem(parameter, fields[parameter.name]);
    if (problem !== null) issues[parameter.name] = describe(problem);
  }
  const values = formValues(parameters, fields);
  const resolved = resolveParameters(parameters, values);
  if (!resolved.ok) {
    for (const issue of resolved.issues) issues[issue.name] ??= issue.message;
  }
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  // The values as typed (not the resolved ones): defaults are the server's to fill in.
  return { ok: true, values };
}

/** The translated message of a value problem. */
export function describeProblem(t: I18n['t'], problem: ValueProblem): string {
  switch (problem.key) {
    case 'automationRuns.param.atLeast':
    case 'automationRuns.param.minLength':
      return t(problem.key, { min: problem.min });
    case 'automationRuns.param.atMost':
    case 'automationRuns.param.maxLength':
      return t(problem.key, { max: problem.max });
    default:
      return t(problem.key);
  }
}

/**
 * The jobs proposed as remediations of an incident: those with a remediation rule whose labels
 * all match the incident's labels (a rule naming no labels proposes nothing), by name.
 */
export function proposedRemediations(
  jobs: readonly JobView[],
  labels: Readonly<Record<string, string>>
): JobView[] {
  return jobs
    .filter((job) => {
      const wanted = Object.entries(job.remediation?.labels ?? {});
      return wanted.length > 0 && wanted.every(([name, value]) => labels[name] === value);
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
