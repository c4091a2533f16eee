// Housekeeping, at most once an hour across all workers (kv lease): pending approvals past their
// expiry become `expired` (leaving the owners' inboxes, audited), finished jobs older than a week are
// deleted. Dead letters stay for inspection.
import { newId } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';

export const HOUSEKEEPING_EVERY_MS = 60 * 60_000;
const KEEP_DONE_JOBS_MS = 7 * 24 * 60 * 60_000;
const EXPIRE_BATCH = 500;

export async function housekeeping(store: Store, now: Date, log: Logger): Promise<{ ran: boolean; expired: number; pruned: number }> {
  // One run per hour slot, whichever worker gets there first.
  const slot = Math.floor(now.getTime() / HOUSEKEEPING_EVERY_MS);
  if (!(await store.kv.setIfAbsent(`housekeeping:${slot}`, now.toISOString()))) return { ran: false, expired: 0, pruned: 0 };
  let expired = 0;
  for (;;) {
    const batch = await store.approvals.expireDue(now, EXPIRE_BATCH);
    for (const a of batch) {
      await store.audit.append({
        id: newId('aud'), collaborationId: a.collaborationId, at: now.toISOString(), actor: { kind: 'system' }, kind: 'approval',
        action: a.action, outcome: 'expired', detail: { approvalId: a.id, expiresAt: a.expiresAt },
      });
    }
    expired += batch.length;
    if (batch.length < EXPIRE_BATCH) break;
  }
  const pruned = await store.jobs.pruneDone(now.getTime() - KEEP_DONE_JOBS_MS);
  if (expired > 0 || pruned > 0) log.info({ expired, pruned }, 'housekeeping');
  return { ran: true, expired, pruned };
}
