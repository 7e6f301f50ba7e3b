/**
 * Rows the report tests write straight into the records (the API cannot backdate events): an
 * automation run as the runner leaves it when it ends. Only what a report reads varies.
 */
export interface RunRowSpec {
  id: string;
  workspaceId: string;
  state: string;
  /** ISO times; `finishedAt` null: still going. */
  createdAt: string;
  startedAt?: string | null;
  finishedAt: string | null;
}

/** The `automation_runs` row of `spec`, every other column as a plain manual shell run has it. */
export function runRow(spec: RunRowSpec) {
  return {
    id: spec.id,
    workspace_id: spec.workspaceId,
    job_id: 'job',
    job_name: 'job',
    kind: 'shell',
    state: spec.state,
    origin: 'manual',
    purpose: null,
    check_mode: 0,
    parameters: '{}',
    spec: '{}',
    max_concurrent: 1,
    requested_by: 'u1',
    task_id: null,
    change_id: null,
    incident_id: null,
    runbook_id: null,
    runbook_block: null,
    gate: null,
    runner_id: null,
    claimed_by: null,
    exit_code: null,
    reason: null,
    summary: null,
    log_bytes: 0,
    log_truncated: 0,
    created_at: spec.createdAt,
    started_at: spec.startedAt ?? null,
    finished_at: spec.finishedAt,
    heartbeat_at: null,
    cancel_requested: 0
  };
}
