/**
 * The remote runner protocol (docs/automation.md "Remote runners";
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

const TAGS = ['automation'] as const;
const runParams = z.object({ id: idSchema });

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
    params: runParams,
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
    params: runParams,
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
