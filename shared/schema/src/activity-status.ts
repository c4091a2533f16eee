// The activity status state machine: which status may follow which, and the content action each
// step is — the one rulebook for people's actions, rules, approvals, the AI (the engine) and
// people's CRDT edits (the gate). Done and cancelled are closed: only `reopenActivity` opens them.
import type { ContentAction } from './action-catalogue.ts';
import { ActivityStatus } from './activity.ts';

/** from → to → the action that step is. A pair missing here is not a transition anyone may make. */
const TRANSITIONS: Readonly<Record<ActivityStatus, Partial<Record<ActivityStatus, ContentAction>>>> = {
  proposed: { scheduled: 'scheduleActivity', done: 'completeActivity', cancelled: 'cancelActivity' },
  // scheduled → scheduled is a reschedule (a new time).
  scheduled: { scheduled: 'scheduleActivity', done: 'completeActivity', cancelled: 'cancelActivity' },
  // Repeating a closing step (a retry, a new cancel reason) is allowed; changing course needs a reopen.
  done: { done: 'completeActivity', proposed: 'reopenActivity', scheduled: 'reopenActivity' },
  cancelled: { cancelled: 'cancelActivity', proposed: 'reopenActivity', scheduled: 'reopenActivity' },
};

export type StatusTransition = { ok: true; action: ContentAction } | { ok: false; message: string };

/** A status read from the document: one of the four, or null for anything else (never trusted). */
export function readActivityStatus(value: unknown): ActivityStatus | null {
  const parsed = ActivityStatus.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function isClosedStatus(status: ActivityStatus): boolean {
  return status === 'done' || status === 'cancelled';
}

/**
 * Whether an activity may go from `from` to `to`, and as which action (whose policy then decides).
 * An unreadable current status counts as open (`proposed`): nothing worse than a normal step is
 * possible from it. With `via`, the step must be exactly that action (the engine runs one action).
 */
export function activityTransition(from: ActivityStatus | null, to: ActivityStatus, via?: ContentAction): StatusTransition {
  const current = from ?? 'proposed';
  const action = TRANSITIONS[current][to];
  if (action === undefined || (via !== undefined && via !== action)) {
    const hint = isClosedStatus(current) ? ': reopen it first' : '';
    return { ok: false, message: `a ${current} activity cannot become ${to}${via !== undefined ? ` by ${via}` : ''}${hint}` };
  }
  return { ok: true, action };
}
