/**
 * What the change pages show, decided in one place: the stepper's stages, the actions a viewer
 * may take (with the reason a refused one is refused), state and type tones. The server decides
 * again (changes-service.ts) and its refusals are shown as they come; this only spares people
 * buttons that cannot work.
 */
import { atLeast, type Role } from '$lib/shared/permissions';
import { isFinalChangeState, type ChangeState, type ChangeView } from '$lib/shared/changes/schema';

/** The stepper: the happy path; a change that left it shows its outcome in the last step. */
export const STEPPER_STATES: readonly ChangeState[] = [
  'draft',
  'submitted',
  'approved',
  'scheduled',
  'in_progress',
  'completed'
];

export type StepStatus = 'done' | 'current' | 'todo' | 'skipped';

/** Each step with its status; an outcome off the path (rejected, failed…) replaces a step. */
export function stepperOf(
  change: Pick<ChangeView, 'state' | 'events' | 'createdAt'>
): { state: ChangeState; status: StepStatus; at: string | null }[] {
  const reached = new Map<ChangeState, string>([['draft', change.createdAt]]);
  for (const event of change.events) reached.set(event.to, event.at);
  const offPath = !STEPPER_STATES.includes(change.state);
  const steps = STEPPER_STATES.map((state) => ({
    state,
    status: 'todo' as StepStatus,
    at: reached.get(state) ?? null
  }));
  if (offPath) {
    // Where the change left the path: rejected replaces approved; the others end it.
    const at = change.state === 'rejected' ? 2 : change.state === 'cancelled' ? -1 : 5;
    const index = at === -1 ? lastReached(steps) + 1 : at;
    const clamped = Math.min(index, steps.length - 1);
    steps.splice(clamped, steps.length - clamped, {
      state: change.state,
      status: 'current',
      at: reached.get(change.state) ?? null
    });
  }
  const current = steps.findIndex((step) => step.state === change.state);
  return steps.map((step, index) => ({
    ...step,
    status:
      index < current
        ? step.at !== null || index === 0
          ? 'done'
          : 'skipped'
        : index === current
          ? 'current'
          : 'todo'
  }));
}

function lastReached(steps: { at: string | null }[]): number {
  let last = 0;
  steps.forEach((step, index) => {
    if (step.at !== null) last = index;
  });
  return last;
}

export type ChangeVerb =
  | 'submit'
  | 'approve'
  | 'reject'
  | 'review'
  | 'schedule'
  | 'start'
  | 'complete'
  | 'fail'
  | 'rollBack'
  | 'cancel';

/** Why the viewer cannot take an action (a key of the changesUi area). */
export type RefusalReason =
  'selfApproval' | 'role' | 'alreadyDecided' | 'requirements' | 'notApprover';

export interface ChangeAction {
  verb: ChangeVerb;
  /** A decision (approve, reject, review) or a move to this state. */
  kind: 'decision' | 'move';
  to?: ChangeState;
  decision?: 'approve' | 'reject';
  /** Null: allowed. */
  refused: RefusalReason | null;
  tone: 'primary' | 'danger' | 'plain';
}

/**
 * The actions the change's state offers, each allowed or refused for `viewer` (role and user),
 * as changes-service.ts decides: approvals by operators and above who are not the requester;
 * implementation moves by operators; submitting and cancelling (until scheduled) by the
 * requester too. Moves the state does not have are not listed at all.
 */
export function actionsFor(
  change: Pick<
    ChangeView,
    'state' | 'type' | 'requester' | 'approvals' | 'startedAt' | 'reviewPending' | 'requirements'
  >,
  viewer: { id: string; role: Role }
): ChangeAction[] {
  const out: ChangeAction[] = [];
  const requester = change.requester === viewer.id;
  const operator = atLeast(viewer.role, 'operator');
  const decided = (kind: string) =>
    change.approvals.some((a) => a.userId === viewer.id && a.kind === kind);
  const decisionRefusal = (kind: string): RefusalReason | null =>
    requester ? 'selfApproval' : !operator ? 'role' : decided(kind) ? 'alreadyDecided' : null;
  const move = (
    verb: ChangeVerb,
    to: ChangeState,
    refused: RefusalReason | null,
    tone: ChangeAction['tone'] = 'plain'
  ) => out.push({ verb, kind: 'move', to, refused, tone });

  switch (change.state) {
    case 'draft':
      move('submit', 'submitted', requester || operator ? null : 'role', 'primary');
      break;
    case 'submitted': {
      const refusal = decisionRefusal('approval');
      out.push({
        verb: 'approve',
        kind: 'decision',
        decision: 'approve',
        refused: refusal,
        tone: 'primary'
      });
      out.push({
        verb: 'reject',
        kind: 'decision',
        decision: 'reject',
        refused: refusal,
        tone: 'danger'
      });
      if (change.type === 'emergency') move('start', 'in_progress', operator ? null : 'role');
      break;
    }
    case 'approved':
      move('schedule', 'scheduled', operator ? null : 'role', 'primary');
      break;
    case 'scheduled':
      move('start', 'in_progress', operator ? null : 'role', 'primary');
      break;
    case 'in_progress':
      move('complete', 'completed', operator ? null : 'role', 'primary');
      move('fail', 'failed', operator ? null : 'role', 'danger');
      move('rollBack', 'rolled_back', operator ? null : 'role');
      break;
    default:
      break;
  }
  if (change.reviewPending) {
    out.push({
      verb: 'review',
      kind: 'decision',
      decision: 'approve',
      refused: decisionRefusal('review'),
      tone: 'primary'
    });
  }
  if (!isFinalChangeState(change.state)) {
    const mayCancel =
      operator || (requester && ['draft', 'submitted', 'approved'].includes(change.state));
    move('cancel', 'cancelled', mayCancel ? null : 'role', 'danger');
  }
  return out;
}

/** Whether an IANA zone name is known to this browser. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The viewer's time zone (the browser's), UTC when unknown. */
export function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every IANA zone the browser knows, the viewer's first; a short list when it cannot say. */
export function timeZones(current: string): string[] {
  let all: string[] = [];
  try {
    all = Intl.supportedValuesOf('timeZone');
  } catch {
    all = ['UTC', 'Asia/Shanghai', 'Europe/London', 'America/New_York'];
  }
  if (!all.includes('UTC')) all = ['UTC', ...all];
  return all.includes(current) ? all : [current, ...all];
}
