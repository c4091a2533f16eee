// Expiring pending approvals past `expiresAt` (housekeeping): each due one moves pending → expired
// through the adapter's own compare-and-set transition, so one decided meanwhile is left alone.
import type { Approval } from '@trellis/schema';
import type { ApprovalRepo } from './types.ts';

const EXPIRED_OUTCOME = 'expired before a decision';

/** Transitions each of `dueIds` (found by the adapter) and returns those this call expired. */
export async function expireEach(repo: Pick<ApprovalRepo, 'transition'>, dueIds: readonly string[]): Promise<Approval[]> {
  const expired: Approval[] = [];
  for (const id of dueIds) {
    const next = await repo.transition(id, 'pending', 'expired', { outcome: EXPIRED_OUTCOME });
    if (next) expired.push(next);
  }
  return expired;
}
