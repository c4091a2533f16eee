// An activity's status history, read from the collaboration's change history (SPEC [A5]): when it was
// proposed and each status it went through, by whom. Without the history (offline, an older server),
// what the document itself knows: when it was proposed and when its status last changed.
import type { Activity, ActivityStatus } from '@trellis/schema';
import { ActivityStatus as StatusSchema } from '@trellis/schema';
import type { HistoryGroup } from '../../api/types.ts';

export interface StatusStep {
  status: ActivityStatus;
  at: string | null;
  /** Who made the step, in words; null when not known. */
  by: string | null;
}

export function actorName(actor: HistoryGroup['actor'], name: (userId: string) => string): string {
  switch (actor.kind) {
    case 'user':
      return name(actor.id);
    case 'ai':
      return 'The AI assistant';
    case 'rule':
      return 'A rule';
    case 'integration':
    default:
      return 'Trellis';
  }
}

/** Groups come newest first; the steps are oldest first. A group merges one actor's changes close in
 *  time (SPEC [A5]), so steps it nets out (cancelled and reopened at once) are not shown. */
export function stepsFromHistory(groups: readonly HistoryGroup[], activityId: string, name: (userId: string) => string): StatusStep[] {
  const steps: StatusStep[] = [];
  for (const g of [...groups].reverse()) {
    for (const c of g.changes) {
      if (c.root !== 'activities' || c.itemId !== activityId) continue;
      const by = actorName(g.actor, name);
      let status: unknown = null;
      if (c.field === null && c.after && typeof c.after === 'object') {
        // Created: always as proposed; a status set within the same group is folded into the creation.
        steps.push({ status: 'proposed', at: g.at, by });
        status = (c.after as Record<string, unknown>)['status'];
      } else if (c.field === 'status') status = c.after;
      const parsed = StatusSchema.safeParse(status);
      if (!parsed.success) continue;
      if (steps[steps.length - 1]?.status === parsed.data) continue;
      steps.push({ status: parsed.data, at: g.at, by });
    }
  }
  return steps;
}

export function stepsFromDocument(a: Activity, name: (userId: string) => string): StatusStep[] {
  const steps: StatusStep[] = [{ status: 'proposed', at: a.createdAt ?? null, by: a.proposedBy ? name(a.proposedBy) : null }];
  if (a.status !== 'proposed') steps.push({ status: a.status, at: a.updatedAt ?? null, by: null });
  return steps;
}
