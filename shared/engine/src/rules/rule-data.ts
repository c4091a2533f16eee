// The data a rule's condition and params see: the triggering event's fields plus who caused it.
import { unreachable } from '@trellis/schema';
import type { Actor, DocEvent, RuleTrigger } from '@trellis/schema';
import type { OutcomeEvent } from '../types.ts';

export type RuleEvent = DocEvent | OutcomeEvent;

export function ruleData(collaborationId: string, actor: Actor, event: RuleEvent): Record<string, unknown> {
  return { ...event, trigger: event.type, collaborationId, actor: { kind: actor.kind, userId: actor.userId ?? null, ref: actor.ref ?? null } };
}

/** Representative data per trigger, used to trial-run conditions when rules are saved. */
export function sampleData(trigger: RuleTrigger): Record<string, unknown> {
  const actor: Actor = { kind: 'user', userId: 'sample-user' };
  const c = 'sample-collaboration';
  switch (trigger) {
    case 'messageCreated':
      return ruleData(c, actor, { type: trigger, messageId: 'msg_sample', authorId: 'sample-user', body: 'hello', kind: 'user' });
    case 'activityStatusChanged':
      return ruleData(c, actor, { type: trigger, activityId: 'act_sample', title: 'sample', from: 'proposed', to: 'scheduled' });
    case 'approvalDecided':
      return ruleData(c, actor, { type: trigger, approvalId: 'apr_sample', action: 'scheduleActivity', decision: 'approve', status: 'approved' });
    case 'checkinCompleted':
      return ruleData(c, actor, { type: trigger, checkinId: 'chk_sample', summary: 'sample' });
    case 'memberAdded':
      return ruleData(c, actor, { type: trigger, userId: 'sample-user', role: 'editor' });
    default:
      return unreachable(trigger);
  }
}
