// Housekeeping, at most once an hour across all workers (kv lease): pending approvals past their
// expiry become `expired` (leaving the owners' inboxes, audited, the requester notified and the owners'
// notifications resolved: [G6]), finished jobs older than a week are
// deleted, expired kv rows (markers, idempotency results, rate-limit and hour-slot claims) are pruned
// ([D20]). Dead letters stay for inspection.
import { settleApproval } from '@trellis/engine';
import { newId } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';

export const HOUSEKEEPING_EVERY_MS = 60 * 60_000;
const KEEP_DONE_JOBS_MS = 7 * 24 * 60 * 60_000;
/** An hour slot's claim only has to outlive its hour (plus clock skew between workers). */
const KEEP_SLOT_CLAIM_MS = 24 * 60 * 60_000;
const EXPIRE_BATCH = 500;

export interface HousekeepingResult {
  ran: boolean;
  /** Approvals moved to `expired`. */
  expired: number;
  /** `done` jobs deleted. */
  pruned: number;
  /** Expired kv rows deleted. */
  kvPruned: number;
}

export async function housekeeping(store: Store, now: Date, log: Logger): Promise<HousekeepingResult> {
  // One run per hour slot, whichever worker gets there first.
  const slot = Math.floor(now.getTime() / HOUSEKEEPING_EVERY_MS);
  const claim = { expiresAt: now.getTime() + KEEP_SLOT_CLAIM_MS };
  if (!(await store.kv.setIfAbsent(`housekeeping:${slot}`, now.toISOString(), claim))) return { ran: false, expired: 0, pruned: 0, kvPruned: 0 };
  let expired = 0;
  for (;;) {
    const batch = await store.approvals.expireDue(now, EXPIRE_BATCH);
    for (const a of batch) {
      await store.audit.append({
        id: newId('aud'), collaborationId: a.collaborationId, at: now.toISOString(), actor: { kind: 'system' }, kind: 'approval',
        action: a.action, outcome: 'expired', detail: { approvalId: a.id, expiresAt: a.expiresAt, proposedBy: a.proposedBy },
      });
      await settleApproval(store, log, a, { kind: 'expired' }, now);
    }
    expired += batch.length;
    if (batch.length < EXPIRE_BATCH) break;
  }
  const pruned = await store.jobs.pruneDone(now.getTime() - KEEP_DONE_JOBS_MS);
  const kvPruned = await store.kv.pruneExpired(now.getTime());
  if (expired > 0 || pruned > 0 || kvPruned > 0) log.info({ expired, pruned, kvPruned }, 'housekeeping');
  return { ran: true, expired, pruned, kvPruned };
}
