// What the rules builder offers, in words a first-time person reads: the events a rule waits for,
// what of each event a condition may look at, and the actions a rule may take. Nothing here shows an
// id or a json-logic operator; rules that need more are edited as JSON.
import { ActivityStatus, ApprovalStatus, CONTENT_ACTIONS, Role } from '@trellis/schema';
import type { ContentAction, RuleTrigger } from '@trellis/schema';
import { actionLabel } from '../../text/format.ts';
import { STATUS_LABEL } from '../board/status-labels.ts';

export const TRIGGER_LABEL: Record<RuleTrigger, string> = {
  activityStatusChanged: 'An activity changes status',
  messageCreated: 'A message is posted',
  checkinCompleted: 'An AI check-in finishes',
  approvalDecided: 'A request for approval is decided',
  memberAdded: 'Someone joins the collaboration',
};

export interface Choice {
  value: string;
  label: string;
}

/** One thing of the event a condition can test: free text, or one of a few known values. */
export interface EventField {
  path: string;
  label: string;
  choices?: readonly Choice[];
}

const choices = <T extends string>(values: readonly T[], label: (v: T) => string): Choice[] => values.map((value) => ({ value, label: label(value) }));
const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const WHO: EventField = {
  path: 'actor.kind',
  label: 'Who caused it',
  choices: [
    { value: 'user', label: 'A person' },
    { value: 'ai', label: 'The AI assistant' },
    { value: 'rule', label: 'A rule' },
    { value: 'system', label: 'Trellis itself' },
  ],
};

export const TRIGGER_FIELDS: Record<RuleTrigger, readonly EventField[]> = {
  activityStatusChanged: [
    { path: 'to', label: 'Its new status', choices: choices(ActivityStatus.options, (s) => STATUS_LABEL[s]) },
    { path: 'from', label: 'Its previous status', choices: choices(ActivityStatus.options, (s) => STATUS_LABEL[s]) },
    { path: 'title', label: 'Its title' },
    WHO,
  ],
  messageCreated: [
    { path: 'body', label: 'The message text' },
    { path: 'kind', label: 'Who wrote it', choices: [{ value: 'user', label: 'A person' }, { value: 'ai', label: 'The AI assistant' }, { value: 'system', label: 'Trellis or a rule' }] },
  ],
  checkinCompleted: [{ path: 'summary', label: 'The check-in’s summary' }, WHO],
  approvalDecided: [
    { path: 'decision', label: 'The decision', choices: [{ value: 'approve', label: 'Approved' }, { value: 'reject', label: 'Rejected' }] },
    { path: 'action', label: 'What was asked', choices: choices(CONTENT_ACTIONS, actionLabel) },
    { path: 'status', label: 'How it ended', choices: choices(ApprovalStatus.options, capitalised) },
    WHO,
  ],
  memberAdded: [{ path: 'role', label: 'Their role', choices: choices(Role.options, capitalised) }, WHO],
};

export type CompareOp = 'is' | 'isNot' | 'contains';
export const OP_LABEL: Record<CompareOp, string> = { is: 'is', isNot: 'is not', contains: 'contains' };

/** The operators that make sense for a field: `contains` only for free text. */
export function opsFor(field: EventField): CompareOp[] {
  return field.choices ? ['is', 'isNot'] : ['is', 'isNot', 'contains'];
}

/** A text param the person writes; `optional` ones are left out of the rule when empty. */
export interface TextParam {
  key: string;
  label: string;
  optional: boolean;
  multiline: boolean;
}

/** An action the builder offers: its words, the params the person writes, and the params that
 *  always point at the event's activity (so it is only offered for events about an activity). */
export interface BuilderAction {
  label: string;
  text: readonly TextParam[];
  onEventActivity: boolean;
}

export const BUILDER_ACTIONS: Partial<Record<ContentAction, BuilderAction>> = {
  sendMessage: { label: 'Post a message', text: [{ key: 'body', label: 'Message', optional: false, multiline: true }], onEventActivity: false },
  proposeActivity: {
    label: 'Propose an activity',
    text: [
      { key: 'title', label: 'Activity title', optional: false, multiline: false },
      { key: 'notes', label: 'Notes (optional)', optional: true, multiline: true },
    ],
    onEventActivity: false,
  },
  completeActivity: { label: 'Mark that activity done', text: [], onEventActivity: true },
  cancelActivity: { label: 'Cancel that activity', text: [{ key: 'reason', label: 'Reason (optional)', optional: true, multiline: false }], onEventActivity: true },
  reopenActivity: { label: 'Reopen that activity', text: [], onEventActivity: true },
};

/** The event field that names the activity an action works on. */
export const EVENT_ACTIVITY = 'activityId';

/** Events that are about one activity, so "that activity" means something. */
export function hasEventActivity(trigger: RuleTrigger): boolean {
  return trigger === 'activityStatusChanged';
}

export function actionsFor(trigger: RuleTrigger): ContentAction[] {
  return CONTENT_ACTIONS.filter((a) => {
    const spec = BUILDER_ACTIONS[a];
    return spec !== undefined && (!spec.onEventActivity || hasEventActivity(trigger));
  });
}
