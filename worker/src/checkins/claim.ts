// Taking the (collaboration, local day) check-in slot. The store's unique claim makes it at most one
// per day; the claim's id says which job owns it, so a retried job resumes its own claims.
import type { Checkin } from '@trellis/schema';
import type { Store } from '@trellis/store';

export interface CheckinItem {
  collaborationId: string;
  localDay: string;
  /** Id of the check-in record this job owns (made when the job was enqueued). */
  checkinId: string;
}

export type Acquired = { status: 'mine'; checkin: Checkin } | { status: 'done'; checkin: Checkin } | { status: 'busy' };

/** A running claim this old belongs to a job that is gone (its attempts dead-lettered, say). */
const ORPHAN_MS = 2 * 3_600_000;

export function runningCheckin(item: CheckinItem, now: Date, jobId: string | null): Checkin {
  return {
    id: item.checkinId, collaborationId: item.collaborationId, localDay: item.localDay, status: 'running', summary: '', proposals: [],
    provider: '', model: '', aiGenerated: false, inputTokens: 0, outputTokens: 0, latencyMs: 0, createdAt: now.toISOString(), completedAt: null,
    jobId, answer: null,
  };
}

export async function acquire(store: Store, item: CheckinItem, opts: { force: boolean; now: Date; jobId: string }): Promise<Acquired> {
  const fresh = runningCheckin(item, opts.now, opts.jobId);
  if (await store.checkins.claim(fresh)) return { status: 'mine', checkin: fresh };
  const cur = await store.checkins.get(item.collaborationId, item.localDay);
  if (!cur) return (await store.checkins.claim(fresh)) ? { status: 'mine', checkin: fresh } : { status: 'busy' };
  if (cur.status === 'done') return { status: 'done', checkin: cur };
  // Ours (claimed by the scan for this job, or by an earlier attempt): resume it, with its stored answer.
  if (cur.id === item.checkinId) return { status: 'mine', checkin: { ...cur, jobId: opts.jobId } };
  const orphaned = cur.status === 'running' && opts.now.getTime() - Date.parse(cur.createdAt) > ORPHAN_MS;
  if ((cur.status === 'failed' && opts.force) || orphaned) {
    // A fresh run: nothing of the earlier answer is reused.
    const taken: Checkin = { ...cur, status: 'running', createdAt: opts.now.toISOString(), jobId: opts.jobId, answer: null, proposals: [] };
    await store.checkins.save(taken);
    return { status: 'mine', checkin: taken };
  }
  return { status: 'busy' };
}
