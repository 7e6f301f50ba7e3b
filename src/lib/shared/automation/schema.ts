/**
 * Automation's model (docs/automation.md): jobs (shell scripts and Ansible playbooks) with typed
 * parameters, credentials, runs and their states, and the REST bodies. Framework-free: the
 * server validates and gates with it, the pages show with it.
 *
 * Parameters never become program text: a script reads `RB_OPTION_<NAME>` from its environment,
 * a playbook reads extra vars from a file (docs/design.md §2, §4).
 */
import { z } from 'zod';
import { idSchema } from '../model/ids';

/** `requestedBy` of runs nobody asked for by hand: schedules, automatic remediation. */
export const SYSTEM_ACTOR = 'system';

export const JOB_KINDS = ['shell', 'ansible'] as const;
export const jobKindSchema = z.enum(JOB_KINDS).meta({ id: 'JobKind' });
export type JobKind = z.infer<typeof jobKindSchema>;

export const PARAMETER_TYPES = ['string', 'integer', 'boolean', 'choice', 'secret'] as const;
export const parameterTypeSchema = z.enum(PARAMETER_TYPES).meta({ id: 'JobParameterType' });
export type ParameterType = z.infer<typeof parameterTypeSchema>;

/** A parameter name: usable as an Ansible variable and, upper-cased, as an environment name. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const parameterValueSchema = z.union([z.string().max(10_000), z.number(), z.boolean()]);
export type ParameterValue = z.infer<typeof parameterValueSchema>;

export const jobParameterSchema = z
  .object({
    name: z.string().regex(PARAMETER_NAME, 'letters, digits and _; not starting with a digit'),
    type: parameterTypeSchema,
    label: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    required: z.boolean().optional(),
    /** Not for secrets: a secret's value comes with each run, or from a credential. */
    default: parameterValueSchema.optional(),
    choices: z.array(z.string().min(1).max(500)).max(200).optional(),
    /** integer: the bounds; string: the length bounds. */
    min: z.number().int().optional(),
    max: z.number().int().optional()
  })
  .strict()
  .meta({ id: 'JobParameter' });
export type JobParameter = z.infer<typeof jobParameterSchema>;

/** The inventory generated from the CMDB: items of a type, with a tag, in an environment. */
export const cmdbInventorySchema = z
  .object({
    type: z.string().max(100).optional(),
    tag: z.string().max(100).optional(),
    environment: z.string().max(100).optional()
  })
  .strict()
  .meta({ id: 'CmdbInventoryQuery' });
export type CmdbInventoryQuery = z.infer<typeof cmdbInventorySchema>;

/**
 * A job's inventory: static text (INI or YAML, as `ansible-playbook -i` reads it), or the CMDB's
 * items chosen by type, tag and environment.
 */
export const jobInventorySchema = z
  .union([z.string().max(200_000), z.object({ cmdb: cmdbInventorySchema }).strict()])
  .meta({ id: 'JobInventory' });
export type JobInventory = z.infer<typeof jobInventorySchema>;

/** Where the script or playbook comes from when it is not inline: a file in a git repository. */
export const gitSourceSchema = z
  .object({
    url: z.string().min(1).max(2000),
    ref: z.string().min(1).max(200).optional(),
    path: z.string().min(1).max(1000)
  })
  .strict()
  .meta({ id: 'JobGitSource' });
export type GitSource = z.infer<typeof gitSourceSchema>;

/** Incidents whose labels all match start (or propose) this job as their remediation. */
export const remediationRuleSchema = z
  .object({
    labels: z.record(z.string().min(1).max(200), z.string().max(500)),
    automatic: z.boolean().optional()
  })
  .strict()
  .meta({ id: 'JobRemediationRule' });
export type RemediationRule = z.infer<typeof remediationRuleSchema>;

export const MAX_TIMEOUT_SECONDS = 24 * 60 * 60;
export const DEFAULT_TIMEOUT_SECONDS = 600;

const jobFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).optional(),
  kind: jobKindSchema,
  /** The shell script (inline source). */
  script: z.string().max(200_000).optional(),
  /** The playbook YAML (inline source). */
  playbook: z.string().max(200_000).optional(),
  /** The script or playbook from a git repository instead of inline. */
  git: gitSourceSchema.optional(),
  inventory: jobInventorySchema.optional(),
  parameters: z.array(jobParameterSchema).max(100).optional(),
  /** Credentials (ids) handed to each run. */
  credentials: z.array(idSchema).max(20).optional(),
  requiresChange: z.boolean().optional(),
  /** Environments the change requirement applies to; absent or empty: all. */
  changeEnvironments: z.array(z.string().min(1).max(100)).max(50).optional(),
  timeoutSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).optional(),
  /** Runs of this job at once (more wait in the queue). */
  maxConcurrent: z.number().int().min(1).max(100).optional(),
  /** A cron expression (five fields, the server's time zone UTC unless `scheduleTimeZone`). */
  schedule: z.string().max(200).optional(),
  scheduleTimeZone: z.string().max(100).optional(),
  /** Parameters of scheduled runs. */
  scheduleParameters: z.record(z.string(), parameterValueSchema).optional(),
  remediation: remediationRuleSchema.optional(),
  /** Runs go to this remote runner (`npm run start:runner`) instead of the server. */
  runnerId: idSchema.optional()
};

export const jobCreateSchema = z
  .object(jobFields)
  .strict()
  .superRefine((job, ctx) => {
    if (!job.git) {
      if (job.kind === 'shell' && !job.script?.trim()) {
        ctx.addIssue({ code: 'custom', path: ['script'], message: 'a shell job needs a script' });
      }
      if (job.kind === 'ansible' && !job.playbook?.trim()) {
        ctx.addIssue({
          code: 'custom',
          path: ['playbook'],
          message: 'an ansible job needs a playbook'
        });
      }
    }
    const names = new Set<string>();
    for (const [i, p] of (job.parameters ?? []).entries()) {
      const key = optionEnvName(p.name);
      if (names.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', i, 'name'],
          message: `two parameters would both be ${key}`
        });
      }
      names.add(key);
      for (const issue of parameterDefinitionIssues(p)) {
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', i, ...issue.path],
          message: issue.message
        });
      }
    }
  })
  .meta({ id: 'JobCreate' });
export type JobCreate = z.infer<typeof jobCreateSchema>;

/** A PATCH replaces the fields it names; `null` clears an optional one. */
export const jobPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(jobFields).map(([k, v]) => [
        k,
        k === 'name' || k === 'kind' ? v.optional() : v.nullable().optional()
      ])
    ) as { [K in keyof typeof jobFields]: z.ZodOptional<z.ZodNullable<(typeof jobFields)[K]>> }
  )
  .strict()
  .meta({ id: 'JobPatch' });
export type JobPatch = z.infer<typeof jobPatchSchema>;

/** A job as the API shows it. */
export const jobViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    kind: jobKindSchema,
    script: z.string().nullable(),
    playbook: z.string().nullable(),
    git: gitSourceSchema.nullable(),
    inventory: jobInventorySchema.nullable(),
    parameters: z.array(jobParameterSchema),
    credentials: z.array(z.string()),
    requiresChange: z.boolean(),
    changeEnvironments: z.array(z.string()),
    timeoutSeconds: z.number().int(),
    maxConcurrent: z.number().int(),
    schedule: z.string().nullable(),
    scheduleTimeZone: z.string().nullable(),
    scheduleParameters: z.record(z.string(), parameterValueSchema),
    remediation: remediationRuleSchema.nullable(),
    runnerId: z.string().nullable(),
    nextRunAt: z.string().nullable(),
    /** The job's latest run (lists only). */
    lastRun: z
      .object({ id: z.string(), state: z.lazy(() => runStateSchema), createdAt: z.string() })
      .nullable()
      .optional(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string()
  })
  .meta({ id: 'Job' });
export type JobView = z.infer<typeof jobViewSchema>;

/** Where a run was started from. */
export const RUN_TRIGGERS = ['api', 'task', 'runbook', 'change', 'incident', 'schedule'] as const;
export const runTriggerSchema = z.enum(RUN_TRIGGERS).meta({ id: 'RunTrigger' });
export type RunTrigger = z.infer<typeof runTriggerSchema>;

/** What a run started from a change or an incident is for. */
export const RUN_PURPOSES = ['implementation', 'rollback', 'remediation'] as const;
export const runPurposeSchema = z.enum(RUN_PURPOSES).meta({ id: 'RunPurpose' });
export type RunPurpose = z.infer<typeof runPurposeSchema>;

export const RUN_STATES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'interrupted'
] as const;
export const runStateSchema = z.enum(RUN_STATES).meta({
  id: 'RunState',
  description:
    'queued → running → succeeded | failed | timed_out | cancelled; interrupted: the process ' +
    'that ran it died (a server restart, a runner lost).'
});
export type RunState = z.infer<typeof runStateSchema>;

/** States a run never leaves. */
export const FINAL_RUN_STATES: readonly RunState[] = [
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'interrupted'
];
export function isFinalRunState(state: RunState): boolean {
  return FINAL_RUN_STATES.includes(state);
}

export const runCreateSchema = z
  .object({
    parameters: z.record(z.string(), parameterValueSchema).optional(),
    taskId: z.string().min(1).max(100).optional(),
    changeId: z.string().min(1).max(100).optional(),
    incidentId: z.string().min(1).max(100).optional(),
    runbookId: idSchema.optional(),
    /** The block of the runbook the run was started from (its `blockId`). */
    runbookBlock: z.string().max(100).optional(),
    purpose: runPurposeSchema.optional(),
    /** Ansible `--check`: a dry run that changes nothing. */
    check: z.boolean().optional()
  })
  .strict()
  .meta({ id: 'RunCreate' });
export type RunCreate = z.infer<typeof runCreateSchema>;

/** Ansible's recap for one host. */
export const hostRecapSchema = z
  .object({
    host: z.string(),
    ok: z.number().int(),
    changed: z.number().int(),
    unreachable: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    rescued: z.number().int(),
    ignored: z.number().int()
  })
  .meta({ id: 'HostRecap' });
export type HostRecap = z.infer<typeof hostRecapSchema>;

/** A secret parameter's value as every reader sees it. */
export const MASK = '••••••';

export const runViewSchema = z
  .object({
    id: z.string(),
    jobId: z.string(),
    jobName: z.string(),
    kind: jobKindSchema,
    state: runStateSchema,
    trigger: runTriggerSchema,
    purpose: runPurposeSchema.nullable(),
    check: z.boolean(),
    /** The values the run got; secrets as MASK. */
    parameters: z.record(z.string(), parameterValueSchema),
    exitCode: z.number().int().nullable(),
    requestedBy: z.string().describe('User id; `system` for schedules and automatic remediation.'),
    requestedByName: z.string().nullable(),
    taskId: z.string().nullable(),
    changeId: z.string().nullable(),
    incidentId: z.string().nullable(),
    runbookId: z.string().nullable(),
    runbookBlock: z.string().nullable(),
    /** Gating as decided at start: the change it ran under, if any. */
    gate: z.string().nullable(),
    runnerId: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    /** Why it failed to start or ended as it did, in English (the UI translates `reason`). */
    reason: z.string().nullable(),
    summary: z.array(hostRecapSchema).nullable(),
    logBytes: z.number().int(),
    logTruncated: z.boolean()
  })
  .meta({ id: 'Run' });
export type RunView = z.infer<typeof runViewSchema>;

export const CREDENTIAL_KINDS = ['ssh_key', 'password', 'vault_password', 'token'] as const;
export const credentialKindSchema = z.enum(CREDENTIAL_KINDS).meta({ id: 'CredentialKind' });
export type CredentialKind = z.infer<typeof credentialKindSchema>;

export const credentialCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: credentialKindSchema,
    /** The SSH or become user; the token's variable name suffix. */
    username: z.string().max(200).optional(),
    /** The key (PEM/OpenSSH), password or token. Never shown again. */
    secret: z.string().min(1).max(64_000)
  })
  .strict()
  .meta({ id: 'CredentialCreate' });
export type CredentialCreate = z.infer<typeof credentialCreateSchema>;

export const credentialPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    username: z.string().max(200).nullable().optional(),
    secret: z.string().min(1).max(64_000).optional()
  })
  .strict()
  .meta({ id: 'CredentialPatch' });
export type CredentialPatch = z.infer<typeof credentialPatchSchema>;

/** A credential as the API shows it: never its secret. */
export const credentialViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: credentialKindSchema,
    username: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string()
  })
  .meta({ id: 'Credential' });
export type CredentialView = z.infer<typeof credentialViewSchema>;

/** `RB_OPTION_<NAME>`: the name upper-cased, any other character as `_` (docs/design.md §2). */
export function optionEnvName(name: string): string {
  return `RB_OPTION_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

/** What is wrong with a parameter's definition (a default outside its choices, …). */
function parameterDefinitionIssues(p: JobParameter): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (p.type === 'choice' && !(p.choices && p.choices.length > 0)) {
    issues.push({ path: ['choices'], message: 'a choice parameter needs choices' });
  }
  if (p.type === 'secret' && p.default !== undefined) {
    issues.push({ path: ['default'], message: 'a secret parameter has no default' });
  }
  if (p.default !== undefined && p.type !== 'secret') {
    const checked = checkParameter(p, p.default);
    if (!checked.ok) issues.push({ path: ['default'], message: checked.message });
  }
  if (p.min !== undefined && p.max !== undefined && p.min > p.max) {
    issues.push({ path: ['max'], message: 'max is below min' });
  }
  return issues;
}

type Checked = { ok: true; value: ParameterValue } | { ok: false; message: string };

/**
 * One value against its parameter: the type (strings from forms are read as integers and
 * booleans), the choices and the bounds. The value is returned as its type.
 */
export function checkParameter(p: JobParameter, raw: ParameterValue): Checked {
  switch (p.type) {
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
      if (!Number.isSafeInteger(n) || (typeof raw === 'string' && raw.trim() === '')) {
        return { ok: false, message: 'must be a whole number' };
      }
      if (p.min !== undefined && n < p.min) return { ok: false, message: `must be ≥ ${p.min}` };
      if (p.max !== undefined && n > p.max) return { ok: false, message: `must be ≤ ${p.max}` };
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (raw === 'true' || raw === '1') return { ok: true, value: true };
      if (raw === 'false' || raw === '0' || raw === '') return { ok: true, value: false };
      return { ok: false, message: 'must be true or false' };
    }
    case 'choice': {
      const s = String(raw);
      if (!(p.choices ?? []).includes(s)) {
        return { ok: false, message: `must be one of: ${(p.choices ?? []).join(', ')}` };
      }
      return { ok: true, value: s };
    }
    case 'string':
    case 'secret': {
      if (typeof raw !== 'string') return { ok: false, message: 'must be text' };
      if (p.min !== undefined && raw.length < p.min) {
        return { ok: false, message: `must be at least ${p.min} characters` };
      }
      if (p.max !== undefined && raw.length > p.max) {
        return { ok: false, message: `must be at most ${p.max} characters` };
      }
      return { ok: true, value: raw };
    }
  }
}

export interface ParameterIssue {
  name: string;
  message: string;
}

/**
 * The values of a run: each given value checked, defaults filled in, required ones present,
 * unknown names refused. Returns the values or every issue at once.
 */
export function resolveParameters(
  definitions: readonly JobParameter[],
  given: Readonly<Record<string, ParameterValue>>
): { ok: true; values: Record<string, ParameterValue> } | { ok: false; issues: ParameterIssue[] } {
  const issues: ParameterIssue[] = [];
  const values: Record<string, ParameterValue> = {};
  const known = new Set(definitions.map((d) => d.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) issues.push({ name, message: 'is not a parameter of this job' });
  }
  for (const p of definitions) {
    const raw = Object.hasOwn(given, p.name) ? given[p.name] : p.default;
    const empty =
      raw === undefined || (typeof raw === 'string' && raw === '' && p.type !== 'boolean');
    if (empty) {
      if (p.required) issues.push({ name: p.name, message: 'is required' });
      continue;
    }
    const checked = checkParameter(p, raw);
    if (checked.ok) values[p.name] = checked.value;
    else issues.push({ name: p.name, message: checked.message });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, values };
}

/** A run's values as every reader sees them: those named in `secretNames` replaced by MASK. */
export function maskedParameters(
  secretNames: readonly string[],
  values: Readonly<Record<string, ParameterValue>>
): Record<string, ParameterValue> {
  const secret = new Set(secretNames);
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secret.has(k) ? MASK : v]));
}
