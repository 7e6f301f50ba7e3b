/**
 * The automation pages' calls to the REST API (docs/automation.md, DESIGN.md §2): jobs, their
 * runs, credentials (whose secrets are sent, never read back) and remote runners. Every answer
 * is checked against the server's own schema (lib/shared/automation/schema.ts); failures are
 * RestErrors with the API's error code.
 */
import { z } from 'zod';
import { rest } from '$lib/rest-client';
import {
  credentialViewSchema,
  jobViewSchema,
  runStateSchema,
  runViewSchema,
  type CredentialCreate,
  type CredentialPatch,
  type CredentialView,
  type JobCreate,
  type JobPatch,
  type JobView,
  type RunCreate,
  type RunState,
  type RunView
} from '$lib/shared/automation/schema';

const base = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;

/** A remote runner as the API lists it (its token is shown once, at registration). */
export const runnerViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
  online: z.boolean()
});
export type RunnerView = z.infer<typeof runnerViewSchema>;

/** Every job of the workspace. */
export function listJobs(ws: string): Promise<JobView[]> {
  return rest('GET', `${base(ws)}/jobs`, { schema: z.array(jobViewSchema) });
}

/** One job. */
export function getJob(ws: string, id: string): Promise<JobView> {
  return rest('GET', `${base(ws)}/jobs/${encodeURIComponent(id)}`, { schema: jobViewSchema });
}

/**
 * Defines a job. `survey_spec` (AWX's survey, as pasted) stands in for `parameters` when the
 * browser could not convert it itself; the server converts and checks it.
 */
export function createJob(
  ws: string,
  body: JobCreate | (Omit<JobCreate, 'parameters'> & { survey_spec: unknown })
): Promise<JobView> {
  return rest('POST', `${base(ws)}/jobs`, { body, schema: jobViewSchema });
}

/** Changes the fields named; `null` clears one. */
export function updateJob(ws: string, id: string, body: JobPatch): Promise<JobView> {
  return rest('PATCH', `${base(ws)}/jobs/${encodeURIComponent(id)}`, {
    body,
    schema: jobViewSchema
  });
}

/** Deletes a job (its runs stay as facts). */
export function deleteJob(ws: string, id: string): Promise<void> {
  return rest('DELETE', `${base(ws)}/jobs/${encodeURIComponent(id)}`);
}

/**
 * Starts a run: 202 queued, or 409 `change_required` / `change_not_approved` /
 * `outside_window` / `frozen` when the job's gate refuses, 400 `invalid_input` for bad values.
 */
export function startRun(ws: string, jobId: string, body: RunCreate): Promise<{ id: string }> {
  return rest('POST', `${base(ws)}/jobs/${encodeURIComponent(jobId)}/runs`, {
    body,
    schema: z.object({ id: z.string(), state: runStateSchema })
  });
}

/** Runs, newest first, filtered by what they came from. */
export function listRuns(
  ws: string,
  query: {
    jobId?: string;
    taskId?: string;
    changeId?: string;
    incidentId?: string;
    runbookId?: string;
    state?: RunState;
    limit?: number;
  }
): Promise<RunView[]> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  return rest('GET', `${base(ws)}/runs?${params}`, { schema: z.array(runViewSchema) });
}

/** One run. */
export function getRun(ws: string, id: string): Promise<RunView> {
  return rest('GET', `${base(ws)}/runs/${encodeURIComponent(id)}`, { schema: runViewSchema });
}

/** Cancels a queued or running run (the process group is killed). */
export function cancelRun(ws: string, id: string): Promise<RunView> {
  return rest('POST', `${base(ws)}/runs/${encodeURIComponent(id)}/cancel`, {
    schema: runViewSchema
  });
}

/** Credentials by name and kind; never their secrets. */
export function listCredentials(ws: string): Promise<CredentialView[]> {
  return rest('GET', `${base(ws)}/credentials`, { schema: z.array(credentialViewSchema) });
}

/** Stores a credential; its secret is never shown again. */
export function createCredential(ws: string, body: CredentialCreate): Promise<CredentialView> {
  return rest('POST', `${base(ws)}/credentials`, { body, schema: credentialViewSchema });
}

/** Renames a credential or replaces its secret (rotation). */
export function updateCredential(
  ws: string,
  id: string,
  body: CredentialPatch
): Promise<CredentialView> {
  return rest('PATCH', `${base(ws)}/credentials/${encodeURIComponent(id)}`, {
    body,
    schema: credentialViewSchema
  });
}

/** Deletes a credential. */
export function deleteCredential(ws: string, id: string): Promise<void> {
  return rest('DELETE', `${base(ws)}/credentials/${encodeURIComponent(id)}`);
}

/** Registered remote runners. */
export function listRunners(ws: string): Promise<RunnerView[]> {
  return rest('GET', `${base(ws)}/runners`, { schema: z.array(runnerViewSchema) });
}

/** Registers a runner; the token in the answer is shown this once. */
export function registerRunner(ws: string, name: string): Promise<{ id: string; token: string }> {
  return rest('POST', `${base(ws)}/runners`, {
    body: { name },
    schema: z.object({ id: z.string(), token: z.string() })
  });
}

/** Removes a runner; its token stops working. */
export function deleteRunner(ws: string, id: string): Promise<void> {
  return rest('DELETE', `${base(ws)}/runners/${encodeURIComponent(id)}`);
}
