/**
 * Incident remediation rules (docs/automation.md, "Remediation rules"): a job's
 * `remediation: { labels, automatic? }` matches an incident whose labels contain every one of
 * those pairs. Matching jobs are proposed on the incident; an `automatic` one is started by the
 * server when intake opens a matching incident, as `system`, with the job's parameter defaults
 * only. The change gate still applies: a gated job is refused, logged and audited, never forced.
 */
import {
  SYSTEM_ACTOR,
  type JobView,
  type RunCreate,
  type RunTrigger,
  type RunView
} from '../../shared/automation/schema';
import type { AuditAction } from '../../shared/workspaces/audit-actions';
import { DomainError } from '../../shared/model/domain-error';
import type { Logger } from '../log';

/** A job that remediates an incident, and the label pairs that made it match. */
export interface RemediationMatch {
  jobId: string;
  name: string;
  automatic: boolean;
  matched: Record<string, string>;
}

/**
 * The jobs whose remediation rule matches `labels`, by name. A rule without labels matches
 * nothing: an empty rule would otherwise run on every incident.
 */
export function matchRemediations(
  jobs: readonly Pick<JobView, 'id' | 'name' | 'remediation'>[],
  labels: Readonly<Record<string, string>>
): RemediationMatch[] {
  const out: RemediationMatch[] = [];
  for (const job of jobs) {
    const rule = job.remediation;
    if (!rule) continue;
    const pairs = Object.entries(rule.labels);
    if (pairs.length === 0) continue;
    if (!pairs.every(([name, value]) => Object.hasOwn(labels, name) && labels[name] === value)) {
      continue;
    }
    out.push({
      jobId: job.id,
      name: job.name,
      automatic: rule.automatic === true,
      matched: Object.fromEntries(pairs)
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export interface AutomaticRemediationDeps {
  /** The automation service's (automation-service.ts), by shape: a helper sits below it. */
  automation: {
    listJobs(workspaceId: string): Promise<JobView[]>;
    startRun(
      workspaceId: string,
      jobId: string,
      body: RunCreate,
      actor: { userId: string },
      trigger: RunTrigger
    ): Promise<RunView>;
  };
  /** Writes an audit entry (accounts-store.ts `audit`). */
  audit(entry: {
    workspaceId: string;
    actorId: null;
    actorLabel: string;
    action: Extract<AuditAction, 'run.requested' | 'run.refused'>;
    target: string;
    details: Record<string, unknown>;
  }): Promise<void>;
  logger: Logger;
}

/**
 * Starts every automatic remediation of an incident intake just opened; answers the runs
 * queued. A refusal (the gate, a parameter without default) is logged and audited as
 * `run.refused`; it never throws for one job, so the others still start.
 */
export async function startAutomaticRemediations(
  deps: AutomaticRemediationDeps,
  workspaceId: string,
  incident: { id: string; labels: Readonly<Record<string, string>> }
): Promise<string[]> {
  const matches = matchRemediations(await deps.automation.listJobs(workspaceId), incident.labels);
  const started: string[] = [];
  for (const match of matches.filter((m) => m.automatic)) {
    try {
      const run = await deps.automation.startRun(
        workspaceId,
        match.jobId,
        { incidentId: incident.id, purpose: 'remediation' },
        { userId: SYSTEM_ACTOR },
        'incident'
      );
      started.push(run.id);
      await deps.audit({
        workspaceId,
        actorId: null,
        actorLabel: 'remediation',
        action: 'run.requested',
        target: `run:${run.id}`,
        details: { job: run.jobName, incidentId: incident.id, matched: match.matched }
      });
    } catch (error) {
      const code = error instanceof DomainError ? error.code : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.warn('automation: an automatic remediation was refused', {
        workspace: workspaceId,
        incident: incident.id,
        job: match.jobId,
        error: `${code}: ${message}`
      });
      await deps.audit({
        workspaceId,
        actorId: null,
        actorLabel: 'remediation',
        action: 'run.refused',
        target: `job:${match.jobId}`,
        details: { code, message, incidentId: incident.id, job: match.name }
      });
    }
  }
  return started;
}
