/**
 * The remote runner protocol (docs/automation.md "Remote runners"): what a runner process
 * (`npm run start:runner`) and the server's `/api/v1/runner/…` operations (runner-api.ts) send
 * each other. One set of schemas, so both ends check the same shapes. Every call carries the
 * runner's token as `Authorization: Bearer rbr_…`.
 *
 * 1. `POST /runner/claim` → 200 `{ run: { id, jobName, spec }, heartbeatMs }`, or 204 when
 *    nothing is queued for this runner. `spec` holds the run's secrets in plain text (secret
 *    parameters, credentials): it travels only in this answer, over HTTPS in production.
 * 2. `POST /runner/runs/{id}/output` `{ chunks: [{ seq, data }] }`: output in order, `seq`
 *    counting from 1 per run; a chunk sent again (a retry) is ignored.
 * 3. `POST /runner/heartbeat` `{ runs: [id] }` → `{ cancel: [id], heartbeatMs }`: the runner
 *    still runs these; stop the ones in `cancel`.
 * 4. `POST /runner/runs/{id}/finish` `{ state, exitCode, summary, reason }`: how it ended.
 */
import { z } from 'zod';
import { credentialKindSchema, gitSourceSchema, hostRecapSchema, jobKindSchema } from './schema';

/** Largest output chunk a runner sends; a longer piece is split. */
export const RUNNER_MAX_CHUNK_CHARS = 64 * 1024;
/** Chunks in one output request. */
export const RUNNER_MAX_CHUNKS = 16;

const parameterValue = z.union([z.string(), z.number(), z.boolean()]);

/** What the executor needs for one run (exec/types.ts ExecSpec), secrets in plain text. */
export const execSpecSchema = z
  .object({
    runId: z.string(),
    kind: jobKindSchema,
    source: z.union([
      z.object({ inline: z.string() }).strict(),
      z.object({ git: gitSourceSchema }).strict()
    ]),
    parameters: z.record(z.string(), parameterValue),
    secretParameters: z.array(z.string()),
    credentials: z.array(
      z
        .object({
          name: z.string(),
          kind: credentialKindSchema,
          username: z.string().nullable(),
          secret: z.string()
        })
        .strict()
    ),
    inventory: z
      .union([
        z.object({ text: z.string() }).strict(),
        z.object({ json: z.record(z.string(), z.unknown()) }).strict()
      ])
      .nullable(),
    check: z.boolean(),
    timeoutMs: z.number().int().positive()
  })
  .meta({
    id: 'RunnerExecSpec',
    description:
      'What the runner executes, with the run’s secret parameter values and its credentials in ' +
      'plain text: sent only in this answer, to the runner the job names; use HTTPS.'
  });
export type RunnerExecSpec = z.infer<typeof execSpecSchema>;

const heartbeatMs = z
  .number()
  .int()
  .positive()
  .describe(
    'How often the runner must call `/runner/heartbeat` while it runs something; a run whose ' +
      'runner stays silent for several of these is marked `interrupted`.'
  );

export const claimReplySchema = z
  .object({
    run: z.object({ id: z.string(), jobName: z.string(), spec: execSpecSchema }).strict(),
    heartbeatMs
  })
  .meta({ id: 'RunnerClaim' });
export type ClaimReply = z.infer<typeof claimReplySchema>;

export const outputBodySchema = z
  .object({
    chunks: z
      .array(
        z
          .object({
            seq: z.number().int().min(1),
            data: z.string().max(RUNNER_MAX_CHUNK_CHARS)
          })
          .strict()
      )
      .min(1)
      .max(RUNNER_MAX_CHUNKS)
  })
  .strict()
  .meta({
    id: 'RunnerOutput',
    description: 'Output in order, secrets already masked by the runner; `seq` counts from 1.'
  });
export type OutputBody = z.infer<typeof outputBodySchema>;

export const outputReplySchema = z
  .object({
    truncated: z
      .boolean()
      .describe('The run’s output reached its size cap: more output is dropped, send no more.')
  })
  .meta({ id: 'RunnerOutputReply' });

export const heartbeatBodySchema = z
  .object({ runs: z.array(z.string().min(1).max(100)).max(1000) })
  .strict()
  .meta({ id: 'RunnerHeartbeat' });

export const heartbeatReplySchema = z
  .object({
    cancel: z
      .array(z.string())
      .describe('Runs to stop now: cancelled by someone, or already ended on the server.'),
    heartbeatMs
  })
  .meta({ id: 'RunnerHeartbeatReply' });
export type HeartbeatReply = z.infer<typeof heartbeatReplySchema>;

/** How a run ended on the runner. `interrupted`: the runner is shutting down. */
export const finishBodySchema = z
  .object({
    state: z.enum(['succeeded', 'failed', 'timed_out', 'cancelled', 'interrupted']),
    exitCode: z.number().int().nullable(),
    summary: z.array(hostRecapSchema).nullable(),
    reason: z.string().max(2000).nullable()
  })
  .strict()
  .meta({ id: 'RunnerFinish' });
export type FinishBody = z.infer<typeof finishBodySchema>;
