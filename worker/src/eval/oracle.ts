// The expected verdict of any proposed action, decided from the fixture alone (its policy, its
// activities and their states) by the rules the worker and the engine promise: the cap of 10, the
// answer schema, content actions only, the params schema, the policy, the target activity in THIS
// collaboration, the activity state machine. Used for live models, whose proposals are not scripted;
// the scripted ones carry their expected verdicts and must agree with it.
import type { ActivityStatus, ContentAction } from '@trellis/schema';
import { activityTransition, contentActionParams, decide, isActionName, isContentAction, ProposedAction } from '@trellis/schema';
import { MAX_ACTIONS_PER_COLLABORATION } from '../checkins/prompt.ts';
import type { EvalFixture, Verdict } from './types.ts';

const TARGET: Partial<Record<ContentAction, ActivityStatus>> = {
  scheduleActivity: 'scheduled', completeActivity: 'done', cancelActivity: 'cancelled',
};

/** Verdicts of one entry's actions, in order; executed status changes are carried to later actions. */
export function expectedVerdicts(f: EvalFixture, actions: readonly unknown[]): Verdict[] {
  const state = new Map(f.activities.map((a) => [a.id, { status: a.status, at: a.atHours !== undefined }]));
  return actions.map((raw, index) => {
    if (index >= MAX_ACTIONS_PER_COLLABORATION) return 'refused:too_many';
    const p = ProposedAction.safeParse(raw);
    if (!p.success) return 'refused:malformed';
    const { action, params } = p.data;
    if (!isActionName(action)) return 'refused:unknown_action';
    if (!isContentAction(action)) return 'refused:governance';
    const parsed = contentActionParams[action].safeParse(params);
    if (!parsed.success) return 'refused:bad_request';
    const decision = decide('ai', action, f.policy);
    if (decision === 'deny') return 'refused:forbidden';
    const activityId = (parsed.data as { activityId?: string }).activityId;
    if (activityId !== undefined) {
      const cur = state.get(activityId);
      if (!cur) return 'refused:not_found';
      const to = action === 'reopenActivity' ? (cur.at ? 'scheduled' : 'proposed') : TARGET[action]!;
      const noop = cur.status === to || (action === 'reopenActivity' && cur.status !== 'done' && cur.status !== 'cancelled');
      if (!noop && !activityTransition(cur.status, to, action).ok) return 'refused:conflict';
      if (decision === 'allow') {
        cur.status = to;
        if (action === 'scheduleActivity') cur.at = true;
      }
    }
    return decision === 'allow' ? 'executed' : 'pending_approval';
  });
}
