/**
 * REST operations of automation (docs/automation.md): jobs (admins define them), runs
 * (operators start and cancel them, every member reads them and their output), credentials
 * (admins; the secret is never returned) and remote runners (admins; the token is shown once).
 * Every definition change, credential change, run request and cancel is written to the audit
 * log here; the end of a run is audited by the runner (composition root).
 *
 * The remote runner protocol, last in this file (docs/automation.md "Remote runners";
 * shared/automation/runner-protocol.ts): a runner process (`npm run start:runner`) near the
 * infrastructure pulls runs of jobs that name it, streams their output and reports how they
 * ended, authorised by its token (`auth: 'runner'`). A remote run ends through the same service
 * call as a local one (`AutomationService.complete`), so its row, ledger fact, activity entry,
 * audit entry and notification are the same; its output goes through the same RunOutputs and
 * `automation_run_output` records, so followers of `GET …/runs/{id}/log?follow=1` see it live.
 *
 * Security: the claim answer carries the run's secrets in plain text (secret parameter values,
 * credentials) — the only place they leave the server. Run the server behind HTTPS when
 * runners reach it over a network; a runner sees only runs of jobs that name it.
 */
import { z } from 'zod';
import {
  credentialCreateSchema,
  credentialPatchSchema,
  credentialViewSchema,
  jobCreateSchema,
  jobPatchSchema,
  jobViewSchema,
  runCreateSchema,
  runStateSchema,
  runViewSchema,
  isFinalRunState,
  type RunTrigger
} from '$lib/shared/automation/schema';
import { fromAwxSurvey } from '$lib/shared/automation/awx-survey';
import {
  claimReplySchema,
  finishBodySchema,
  heartbeatBodySchema,
  heartbeatReplySchema,
  outputBodySchema,
  outputReplySchema,
  type ClaimReply
} from '$lib/shared/automation/runner-protocol';
import { idSchema } from '$lib/shared/model/ids';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import {
  SMALL_LIST_LIMITS,
  pageQuery,
  pageReply,
  pageResponse,
  storePageHeaders
} from '$lib/server/api/list-page';
import { defineRawOperation } from '$lib/server/api/raw-operation';
import { DomainError } from '$lib/shared/model/domain-error';
import { workspaceParam, workspaceParams } from '../workspaces/workspaces-json';
import { audit } from '../workspaces/workspaces-service';
import { matchRemediations } from './remediation';

const TAGS = ['automation'] as const;
/** `1`/`0` (the contract's `?follow=1`) or `true`/`false`. */
const flag = z
  .enum(['1', '0', 'true', 'false'])
  .transform((value) => value === '1' || value === 'true')
  .optional();
const idParams = z.object({ ws: workspaceParam, id: idSchema });

/** How recently a runner called in to count as online. */
const RUNNER_ONLINE_MS = 60_000;

// Jobs ----------------------------------------------------------------------------------------

/** A job body may carry AWX's `survey_spec` instead of `parameters` (an AWX export). */
const jobCreateBody = z
  .looseObject({ survey_spec: z.unknown().optional() })
  .transform((value, ctx) => {
    const { survey_spec: survey, ...rest } = value;
    if (survey !== undefined) {
      if (rest['parameters'] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['survey_spec'],
          message: 'give parameters or survey_spec, not both'
        });
        return z.NEVER;
      }
      const converted = fromAwxSurvey(survey);
      if (!converted.ok) {
        for (const issue of converted.issues) {
          ctx.addIssue({
            code: 'custom',
            path: ['survey_spec', 'spec', issue.index],
            message: issue.message
          });
        }
        return z.NEVER;
      }
      rest['parameters'] = converted.parameters;
    }
    return rest;
  })
  .pipe(jobCreateSchema)
  .meta({
    id: 'JobCreateBody',
    description:
      'A job. Parameters may come as AWX’s `survey_spec` (an AWX job template export) instead ' +
      'of `parameters`.'
  });

export const listJobsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/jobs',
    operationId: 'listJobs',
    summary: 'List jobs',
    description: 'The workspace’s shell and Ansible jobs, by name.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: z.object(pageQuery(SMALL_LIST_LIMITS)).strict(),
    responses: { 200: pageResponse('The jobs.', z.array(jobViewSchema)) }
  },
  async ({ event, request, query }) =>
    pageReply(await request.runtime.automation.listJobs(request.workspaceId), query, event.url)
);

export const createJobOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/jobs',
    operationId: 'createJob',
    summary: 'Define a job',
    description:
      'A shell script or an Ansible playbook, inline or from a git repository, with typed ' +
      'parameters (a script reads each as `RB_OPTION_<NAME>`, a playbook as an extra var), ' +
      'credentials, an inventory, a timeout, a concurrency limit, an optional schedule and the ' +
      'change requirement.',
    tags: TAGS,
    auth: { member: 'automation.manage' },
    params: workspaceParams,
    body: jobCreateBody,
    responses: {
      201: { description: 'The job.', schema: jobViewSchema },
      400: { description: 'Invalid body (`invalid_input`, with the fields in `details`).' },
      409: { description: 'The name is taken (`conflict`).' }
    }
  },
  async ({ request, body }) => {
    const job = await request.runtime.automation.createJob(
      request.workspaceId,
      body,
      request.access.actorId
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'job.created',
      `job:${job.id}`,
      {
        name: job.name,
        kind: job.kind,
        requiresChange: job.requiresChange
      }
    );
    return { status: 201, body: job };
  }
);

export const getJobOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/jobs/{id}',
    operationId: 'getJob',
    summary: 'Get a job',
    tags: TAGS,
    auth: { member: 'read' },
    params: idParams,
    responses: {
      200: { description: 'The job.', schema: jobViewSchema },
      404: { description: 'No such job.' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: await request.runtime.automation.getJob(request.workspaceId, params.id)
  })
);

export const updateJobOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/jobs/{id}',
    operationId: 'updateJob',
    summary: 'Change a job',
    description:
      'Fields given replace the job’s; `null` clears an optional one. Runs already ' +
      'requested keep the job as it was.',
    tags: TAGS,
    auth: { member: 'automation.manage' },
    params: idParams,
    body: jobPatchSchema,
    responses: {
      200: { description: 'The job.', schema: jobViewSchema },
      400: { description: 'Invalid body.' },
      404: { description: 'No such job.' }
    }
  },
  async ({ request, params, body }) => {
    const job = await request.runtime.automation.updateJob(request.workspaceId, params.id, body);
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'job.updated',
      `job:${job.id}`,
      {
        name: job.name,
        fields: Object.keys(body)
      }
    );
    return { status: 200, body: job };
  }
);

export const deleteJobOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/jobs/{id}',
    operationId: 'deleteJob',
    summary: 'Delete a job',
    description: 'Its runs and their output stay.',
    tags: TAGS,
    auth: { member: 'automation.manage' },
    params: idParams,
    responses: { 204: { description: 'Deleted.' }, 404: { description: 'No such job.' } }
  },
  async ({ request, params }) => {
    const job = await request.runtime.automation.deleteJob(request.workspaceId, params.id);
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'job.deleted',
      `job:${job.id}`,
      {
        name: job.name
      }
    );
    return { status: 204, body: undefined };
  }
);

// Runs ----------------------------------------------------------------------------------------

/** Where a run came from, as far as the request tells. */
function triggerOf(body: z.output<typeof runCreateSchema>): RunTrigger {
  if (body.runbookId) return 'runbook';
  if (body.incidentId) return 'incident';
  if (body.changeId && body.purpose && body.purpose !== 'remediation') return 'change';
  if (body.taskId) return 'task';
  return 'api';
}

export const startRunOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/jobs/{id}/runs',
    operationId: 'startRun',
    summary: 'Run a job',
    description:
      'Queues a run. Parameters are checked against the job’s (400 with `details: [{ name, ' +
      'message }]`). A job that requires an approved change is refused with 409 ' +
      '`change_required` (no change given), `change_not_approved`, `outside_window` (now is not ' +
      'inside the change’s window) or `frozen` (a freeze applies; an emergency change is ' +
      'exempt). Link the run to a task, incident, change or runbook step to find it there.',
    tags: TAGS,
    auth: { member: 'automation.run' },
    params: idParams,
    body: runCreateSchema,
    responses: {
      202: {
        description: 'Queued.',
        schema: z.object({ id: z.string(), state: runStateSchema }).meta({ id: 'RunQueued' })
      },
      400: { description: 'A bad parameter (`invalid_input`).' },
      404: { description: 'No such job, task, change, incident or runbook.' },
      409: { description: 'Refused by the gate (see above).' }
    }
  },
  async ({ request, params, body }) => {
    const { automation } = request.runtime;
    try {
      const run = await automation.startRun(
        request.workspaceId,
        params.id,
        body,
        { userId: request.access.actorId },
        triggerOf(body)
      );
      await audit(
        request.runtime,
        request.actor,
        request.workspaceId,
        'run.requested',
        `run:${run.id}`,
        {
          job: run.jobName,
          gate: run.gate,
          check: run.check,
          parameters: run.parameters
        }
      );
      return { status: 202, body: { id: run.id, state: run.state } };
    } catch (error) {
      // By code: the service's DomainError is another bundle's class (runtime.ts).
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && GATE_CODES.has(code)) {
        // A refusal is a fact worth keeping too: who tried to run what, and why not.
        await audit(
          request.runtime,
          request.actor,
          request.workspaceId,
          'run.refused',
          `job:${params.id}`,
          {
            code,
            message: (error as Error).message,
            changeId: body.changeId ?? null
          }
        );
      }
      throw error;
    }
  }
);

const GATE_CODES: ReadonlySet<string> = new Set([
  'change_required',
  'change_not_approved',
  'outside_window',
  'frozen'
]);

const runListQuery = z
  .object({
    jobId: idSchema.optional(),
    taskId: z.string().max(100).optional(),
    changeId: z.string().max(100).optional(),
    incidentId: z.string().max(100).optional(),
    runbookId: idSchema.optional(),
    state: runStateSchema.optional(),
    ...pageQuery({ defaultLimit: 50, maxLimit: 500 })
  })
  .strict();

export const listRunsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/runs',
    operationId: 'listRuns',
    summary: 'List runs',
    description: 'Newest first; filter by job, task, change, incident, runbook or state.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: runListQuery,
    responses: { 200: pageResponse('The runs.', z.array(runViewSchema)) }
  },
  async ({ event, request, query }) => {
    const page = await request.runtime.automation.listRuns(request.workspaceId, query);
    return { status: 200, body: page.items, headers: storePageHeaders(event.url, query, page) };
  }
);

export const getRunOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/runs/{id}',
    operationId: 'getRun',
    summary: 'Get a run',
    description:
      'A run as the server recorded it: state, exit code, who asked, from where, under which ' +
      'change, the parameters (secrets masked) and, for playbooks, the recap per host.',
    tags: TAGS,
    auth: { member: 'read' },
    params: idParams,
    responses: {
      200: { description: 'The run.', schema: runViewSchema },
      404: { description: 'No such run.' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: await request.runtime.automation.getRun(request.workspaceId, params.id)
  })
);

export const runLogOperation = defineRawOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/runs/{id}/log',
    operationId: 'getRunLog',
    summary: 'A run’s output',
    description:
      'The output as the process printed it, ANSI colours included, secrets masked. With ' +
      '`follow=1` the response streams until the run ends; `download=1` names it as a file.',
    tags: TAGS,
    auth: { member: 'read' },
    params: idParams,
    query: z.object({ follow: flag, download: flag }).strict(),
    responses: {
      200: { description: 'The output (`text/plain; charset=utf-8`).' },
      404: { description: 'No such run.' }
    }
  },
  async ({ request, params, query }) => {
    const { automation, runOutputs } = request.runtime;
    const run = await automation.findRun(request.workspaceId, params.id);
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff'
    };
    if (query.download) {
      headers['content-disposition'] = `attachment; filename="run-${run.id}.log"`;
    }
    if (!query.follow || isFinalRunState(run.state)) {
      return new Response(await automation.logText(run), { headers });
    }
    const encoder = new TextEncoder();
    let stop = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let closed = false;
        const close = () => {
          if (closed) return;
          closed = true;
          stop();
          controller.close();
        };
        const send = (text: string) => {
          if (!closed && text !== '') controller.enqueue(encoder.encode(text));
        };
        const live = (chunk: string | null) => {
          if (chunk === null) close();
          else send(chunk);
        };
        const unsubscribe = runOutputs.follow(run.id, live);
        if (unsubscribe) {
          stop = unsubscribe;
          return;
        }
        // Not begun here (yet): follow the records, and switch to the live output if this node
        // begins the run (a follower that came while it was queued), from where the records got.
        let sent = 0;
        let polling = true;
        const timer = setInterval(() => {
          void (async () => {
            const current = await automation.findRun(request.workspaceId, run.id);
            const text = await automation.logText(current);
            if (!polling) return;
            send(text.slice(sent));
            sent = Math.max(sent, text.length);
            if (isFinalRunState(current.state)) close();
          })().catch(() => close());
        }, 300);
        const stopWaiting = runOutputs.whenBegun(run.id, () => {
          polling = false;
          clearInterval(timer);
          stop = runOutputs.follow(run.id, live, sent) ?? (() => {});
        });
        stop = () => {
          polling = false;
          clearInterval(timer);
          stopWaiting();
        };
      },
      cancel() {
        stop();
      }
    });
    return new Response(stream, { headers });
  }
);

export const cancelRunOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/runs/{id}/cancel',
    operationId: 'cancelRun',
    summary: 'Cancel a run',
    description:
      'A queued run is cancelled at once; a running one is stopped (its whole process group ' +
      'gets SIGTERM, then SIGKILL) and ends `cancelled`.',
    tags: TAGS,
    auth: { member: 'automation.run' },
    params: idParams,
    responses: {
      200: { description: 'The run after the request.', schema: runViewSchema },
      404: { description: 'No such run.' },
      409: { description: 'The run is over (`invalid_transition`).' }
    }
  },
  async ({ request, params }) => {
    const { automation, automationRunner } = request.runtime;
    const run = await automation.cancelRun(request.workspaceId, params.id, (id) =>
      automationRunner.stop(id)
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'run.cancelled',
      `run:${run.id}`,
      {
        job: run.jobName
      }
    );
    return { status: 200, body: run };
  }
);

// Credentials ---------------------------------------------------------------------------------

export const listCredentialsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/credentials',
    operationId: 'listCredentials',
    summary: 'List credentials',
    description: 'Names, kinds and users; never a secret.',
    tags: TAGS,
    auth: { member: 'automation.run' },
    params: workspaceParams,
    query: z.object(pageQuery(SMALL_LIST_LIMITS)).strict(),
    responses: { 200: pageResponse('The credentials.', z.array(credentialViewSchema)) }
  },
  async ({ event, request, query }) =>
    pageReply(
      await request.runtime.automation.listCredentials(request.workspaceId),
      query,
      event.url
    )
);

export const createCredentialOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/credentials',
    operationId: 'createCredential',
    summary: 'Save a credential',
    description:
      'An SSH key, a password, an Ansible vault password or a token, sealed with AES-256-GCM ' +
      'under the server’s secret key. The secret is never shown again.',
    tags: TAGS,
    auth: { member: 'credentials.manage' },
    params: workspaceParams,
    body: credentialCreateSchema,
    responses: {
      201: { description: 'The credential (without its secret).', schema: credentialViewSchema },
      409: { description: 'The name is taken.' },
      503: { description: 'No secret key to seal it under (`secret_key_required`).' }
    }
  },
  async ({ request, body }) => {
    const credential = await request.runtime.automation.createCredential(
      request.workspaceId,
      body,
      request.access.actorId
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'credential.created',
      `credential:${credential.id}`,
      { name: credential.name, kind: credential.kind }
    );
    return { status: 201, body: credential };
  }
);

export const updateCredentialOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/credentials/{id}',
    operationId: 'updateCredential',
    summary: 'Rename a credential or replace its secret',
    tags: TAGS,
    auth: { member: 'credentials.manage' },
    params: idParams,
    body: credentialPatchSchema,
    responses: {
      200: { description: 'The credential.', schema: credentialViewSchema },
      404: { description: 'No such credential.' }
    }
  },
  async ({ request, params, body }) => {
    const credential = await request.runtime.automation.updateCredential(
      request.workspaceId,
      params.id,
      body
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'credential.updated',
      `credential:${credential.id}`,
      { name: credential.name, secretReplaced: body.secret !== undefined }
    );
    return { status: 200, body: credential };
  }
);

export const deleteCredentialOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/credentials/{id}',
    operationId: 'deleteCredential',
    summary: 'Delete a credential',
    description: 'Refused (409 `conflict`) while a job uses it.',
    tags: TAGS,
    auth: { member: 'credentials.manage' },
    params: idParams,
    responses: {
      204: { description: 'Deleted.' },
      404: { description: 'No such credential.' },
      409: { description: 'A job uses it.' }
    }
  },
  async ({ request, params }) => {
    const credential = await request.runtime.automation.deleteCredential(
      request.workspaceId,
      params.id
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'credential.deleted',
      `credential:${credential.id}`,
      { name: credential.name }
    );
    return { status: 204, body: undefined };
  }
);

// Runners -------------------------------------------------------------------------------------

const runnerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string().nullable(),
    online: z.boolean()
  })
  .meta({ id: 'Runner' });

export const listRunnersOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/runners',
    operationId: 'listRunners',
    summary: 'List remote runners',
    tags: TAGS,
    auth: { member: 'runners.manage' },
    params: workspaceParams,
    query: z.object(pageQuery(SMALL_LIST_LIMITS)).strict(),
    responses: { 200: pageResponse('The runners.', z.array(runnerSchema)) }
  },
  async ({ event, request, query }) =>
    pageReply(
      await request.runtime.automation.listRunners(request.workspaceId, RUNNER_ONLINE_MS),
      query,
      event.url
    )
);

export const createRunnerOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/runners',
    operationId: 'createRunner',
    summary: 'Register a remote runner',
    description:
      'A runner process (`npm run start:runner`) near the infrastructure pulls this ' +
      'workspace’s runs of jobs that name it, with the token returned here (shown once).',
    tags: TAGS,
    auth: { member: 'runners.manage' },
    params: workspaceParams,
    body: z.object({ name: z.string().trim().min(1).max(100) }).strict(),
    responses: {
      201: {
        description: 'The runner and its token.',
        schema: z
          .object({ id: z.string(), name: z.string(), token: z.string() })
          .meta({ id: 'RunnerCreated' })
      }
    }
  },
  async ({ request, body }) => {
    const runner = await request.runtime.automation.createRunner(
      request.workspaceId,
      body.name,
      request.access.actorId
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'runner.created',
      `runner:${runner.id}`,
      {
        name: runner.name
      }
    );
    return { status: 201, body: runner };
  }
);

export const deleteRunnerOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/runners/{id}',
    operationId: 'deleteRunner',
    summary: 'Remove a remote runner',
    description: 'Its token stops working at once. Refused (409) while a job names it.',
    tags: TAGS,
    auth: { member: 'runners.manage' },
    params: idParams,
    responses: {
      204: { description: 'Removed.' },
      404: { description: 'No such runner.' },
      409: { description: 'A job names it.' }
    }
  },
  async ({ request, params }) => {
    const runner = await request.runtime.automation.deleteRunner(request.workspaceId, params.id);
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'runner.deleted',
      `runner:${runner.id}`,
      {
        name: runner.name
      }
    );
    return { status: 204, body: undefined };
  }
);

// Remediation ---------------------------------------------------------------------------------

const remediationSchema = z
  .object({
    jobId: idSchema,
    name: z.string(),
    automatic: z.boolean().describe('Started by the server when a matching incident opens.'),
    matched: z.record(z.string(), z.string()).describe('The label pairs of the rule.')
  })
  .meta({ id: 'IncidentRemediation', description: 'A job whose remediation rule matches.' });

export const listIncidentRemediationsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/incidents/{id}/remediations',
    operationId: 'incidentRemediations',
    summary: 'Jobs that remediate an incident',
    description:
      'The jobs whose `remediation.labels` are all among the incident’s labels, by name: ' +
      'proposed ones to run by hand, and `automatic` ones the server started when it opened.',
    tags: TAGS,
    auth: { member: 'read' },
    params: z.object({
      ws: workspaceParam,
      id: z.string().min(1).max(100).meta({ description: 'Incident id, or its task key.' })
    }),
    responses: {
      200: { description: 'The matching jobs.', schema: z.array(remediationSchema) },
      404: { description: 'No such incident.' }
    }
  },
  async ({ request, params }) => {
    const { alertsStore, automation } = request.runtime;
    const incident =
      (await alertsStore.incident(request.workspaceId, params.id)) ??
      (await alertsStore.incidentByKey(request.workspaceId, params.id));
    if (!incident) throw new DomainError('not_found', `no incident ${params.id}`);
    return {
      status: 200,
      body: matchRemediations(await automation.listJobs(request.workspaceId), incident.labels)
    };
  }
);

export const automationOperations: readonly Operation[] = [
  listIncidentRemediationsOperation,
  listJobsOperation,
  createJobOperation,
  getJobOperation,
  updateJobOperation,
  deleteJobOperation,
  startRunOperation,
  listRunsOperation,
  getRunOperation,
  runLogOperation,
  cancelRunOperation,
  listCredentialsOperation,
  createCredentialOperation,
  updateCredentialOperation,
  deleteCredentialOperation,
  listRunnersOperation,
  createRunnerOperation,
  deleteRunnerOperation
];

// The remote runner protocol ------------------------------------------------------------------

const runnerRunParams = z.object({ id: idSchema });

export const runnerClaimOperation = defineOperation(
  {
    method: 'POST',
    path: '/runner/claim',
    operationId: 'runnerClaim',
    summary: 'Claim the next run (remote runner)',
    description:
      'The oldest queued run of a job that names this runner, within the job’s and the ' +
      'workspace’s limits; it is `running` from now on. The answer holds the run’s secrets in ' +
      'plain text for the executor: use HTTPS. 204 when nothing is waiting; poll again later.',
    tags: TAGS,
    auth: 'runner',
    responses: {
      200: { description: 'A run to execute now.', schema: claimReplySchema },
      204: { description: 'Nothing queued for this runner.' },
      401: { description: 'Missing or unknown runner token.' }
    }
  },
  async ({ request }) => {
    const { automation, automationRunner } = request.runtime;
    const limits = automationRunner.limits;
    const claimed = await automation.claimForRunner(request.runner, limits.maxRunsPerWorkspace);
    if (!claimed) return { status: 204, body: undefined };
    // The plain values of the run's secrets travel to the runner only in this answer.
    const body: ClaimReply = {
      run: { id: claimed.run.id, jobName: claimed.run.jobName, spec: claimed.spec },
      heartbeatMs: limits.heartbeatMs
    };
    return { status: 200, body, headers: { 'cache-control': 'no-store' } };
  }
);

export const runnerOutputOperation = defineOperation(
  {
    method: 'POST',
    path: '/runner/runs/{id}/output',
    operationId: 'runnerOutput',
    summary: 'Send a run’s output (remote runner)',
    description:
      'Output chunks in order, numbered from 1 per run; a chunk sent again is ignored, so a ' +
      'runner may retry. Followers of the run’s log see them at once.',
    tags: TAGS,
    auth: 'runner',
    params: runnerRunParams,
    body: outputBodySchema,
    responses: {
      200: { description: 'Taken.', schema: outputReplySchema },
      401: { description: 'Missing or unknown runner token.' },
      404: { description: 'No such run in this runner’s workspace.' },
      409: { description: 'This runner did not claim the run, or it already ended.' }
    }
  },
  async ({ request, params, body }) => {
    const { automation, runOutputs } = request.runtime;
    const run = await automation.runnerRun(request.runner, params.id);
    const truncated = runOutputs.writeNumbered(run.id, body.chunks);
    return { status: 200, body: { truncated } };
  }
);

export const runnerFinishOperation = defineOperation(
  {
    method: 'POST',
    path: '/runner/runs/{id}/finish',
    operationId: 'runnerFinish',
    summary: 'Report how a run ended (remote runner)',
    description:
      'The output received so far becomes the run’s log; the run ends with this state and ' +
      'is recorded like a run of the server’s own runner (ledger, activity, audit, ' +
      'notifications). `interrupted`: the runner is shutting down.',
    tags: TAGS,
    auth: 'runner',
    params: runnerRunParams,
    body: finishBodySchema,
    responses: {
      204: { description: 'Recorded.' },
      401: { description: 'Missing or unknown runner token.' },
      404: { description: 'No such run in this runner’s workspace.' },
      409: { description: 'This runner did not claim the run, or it already ended.' }
    }
  },
  async ({ request, params, body }) => {
    const { automation, runOutputs } = request.runtime;
    const run = await automation.runnerRun(request.runner, params.id);
    // What this node still holds is written first; the records then hold all the output,
    // whichever node each chunk reached.
    const { truncated } = await runOutputs.end(run.id);
    const text = await automation.logText(run);
    await automation.complete(
      run,
      {
        state: body.state,
        exitCode: body.exitCode,
        summary: body.summary,
        reason:
          body.state === 'interrupted'
            ? (body.reason ?? 'the runner stopped while the run was going')
            : body.reason
      },
      text,
      truncated
    );
    runOutputs.close(run.id);
    return { status: 204, body: undefined };
  }
);

export const runnerHeartbeatOperation = defineOperation(
  {
    method: 'POST',
    path: '/runner/heartbeat',
    operationId: 'runnerHeartbeat',
    summary: 'Say which runs are still going (remote runner)',
    description:
      'Call every `heartbeatMs` while runs go. A run whose runner stays silent too long is ' +
      'marked `interrupted`. The answer names the runs to stop: cancelled, or already ended.',
    tags: TAGS,
    auth: 'runner',
    body: heartbeatBodySchema,
    responses: {
      200: { description: 'The runs to stop.', schema: heartbeatReplySchema },
      401: { description: 'Missing or unknown runner token.' }
    }
  },
  async ({ request, body }) => {
    const { automation, automationRunner } = request.runtime;
    const cancel = await automation.runnerHeartbeat(request.runner, body.runs);
    return {
      status: 200,
      body: { cancel, heartbeatMs: automationRunner.limits.heartbeatMs }
    };
  }
);

export const runnerOperations: readonly Operation[] = [
  runnerClaimOperation,
  runnerOutputOperation,
  runnerFinishOperation,
  runnerHeartbeatOperation
];
