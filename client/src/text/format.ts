// Human wording for times, actors and proposed actions.
import { isActionName } from '@trellis/schema';
import type { ActionName, Actor } from '@trellis/schema';

export function formatTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

export function actorLabel(actor: Actor | undefined, name: (id: string) => string): string {
  if (!actor) return 'Someone';
  switch (actor.kind) {
    case 'ai':
      return 'The AI assistant';
    case 'rule':
      return actor.ref ? `Rule “${actor.ref}”` : 'A rule';
    case 'system':
      return 'Trellis';
    case 'user':
      return actor.userId ? name(actor.userId) : 'A member';
  }
}

const VERBS: Record<ActionName, string> = {
  sendMessage: 'Send a message',
  proposeActivity: 'Propose an activity',
  scheduleActivity: 'Schedule an activity',
  completeActivity: 'Mark an activity done',
  cancelActivity: 'Cancel an activity',
  reopenActivity: 'Reopen an activity',
  addMember: 'Add a member',
  changeRole: 'Change a member’s role',
  removeMember: 'Remove a member',
  setPolicy: 'Change the policy',
  setRules: 'Change the rules',
  createCollaboration: 'Create the collaboration',
  updateCollaboration: 'Change the title or settings',
};

export function actionLabel(action: string): string {
  return isActionName(action) ? VERBS[action] : action;
}

const PARAM_LABELS: Record<string, string> = { activityId: 'Activity', at: 'When', reason: 'Reason', body: 'Message', title: 'Title', userId: 'User', role: 'Role', notes: 'Notes' };

/** Each parameter as a label and a readable value; activity ids become titles when known. */
export function describeParams(params: Record<string, unknown>, activityTitle: (id: string) => string | undefined): { label: string; value: string }[] {
  return Object.entries(params).map(([k, v]) => {
    let value = typeof v === 'string' ? v : JSON.stringify(v);
    if (k === 'activityId' && typeof v === 'string') value = activityTitle(v) ? `“${activityTitle(v)}” (${v})` : v;
    if (k === 'at' && typeof v === 'string') value = formatTime(v);
    return { label: PARAM_LABELS[k] ?? k, value };
  });
}
