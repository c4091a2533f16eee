// Taking the (collaboration, local day) check-in slot. The store's unique claim makes it at most one
// per day; the claim's id says which job owns it, so a retried job resumes its own claims.
import { newId, orphanedCheckin } from '@trellis/schema';
import type { Checkin } from '@trellis/schema';
import type { Store } from '@trellis/store';

export interface CheckinItem {
  collaborationId: string;
  localDay: string;
  /** Id of the check-in record this job owns (made when the job was enqueued). */
  checkinId: string;
}

export type Acquired = { status: 'mine'; checkin: Checkin } | { status: 'done'; checkin: Checkin } | { status: 'busy' };

/** A new run of a check-in: its own AI run id, so undoing it leaves the day's other runs alone. */
function newRunId(localDay: string): string {
  return `checkin:${localDay}:${newId('run')}`;
}

/** The AI run of a check-in; records made before run ids were stored used one id per day. */
export function checkinRunId(c: Pick<Checkin, 'runId' | 'localDay'>): string {
  return c.runId ?? `checkin:${c.localDay}`;
}

export function runningCheckin(item: CheckinItem, now: Date, jobId: string | null): Checkin {
  return {
    runId: newRunId(item.localDay),
    id: item.checkinId, collaborationId: item.collaborationId, localDay: item.localDay, status: 'running', summary: '', proposals: [],
    provider: '', model: '', aiGenerated: false, inputTokens: 0, outputTokens: 0, latencyMs: 0, createdAt: now.toISOString(), completedAt: null,
    jobId, answer: null, stateVector: null, requeues: 0,
  };
}

/** A fresh run of a check-in record: nothing of the earlier answer or digest is reused. */
function restart(cur: Checkin, opts: { now: Date; jobId: string }): Checkin {
  return {
    ...cur, status: 'running', summary: '', createdAt: opts.now.toISOString(), completedAt: null, jobId: opts.jobId, answer: null, proposals: [], stateVector: null,
    runId: newRunId(cur.localDay),
  };
}

async function takeOver(store: Store, cur: Checkin, opts: { now: Date; jobId: string }): Promise<Checkin> {
  const taken = restart(cur, opts);
  await store.checkins.save(taken);
  return taken;
}

export async function acquire(store: Store, item: CheckinItem, opts: { force: boolean; now: Date; jobId: string; fresh?: boolean }): Promise<Acquired> {
  const fresh = runningCheckin(item, opts.now, opts.jobId);
  if (await store.checkins.claim(fresh)) return { status: 'mine', checkin: fresh };
  const cur = await store.checkins.get(item.collaborationId, item.localDay);
  if (!cur) return (await store.checkins.claim(fresh)) ? { status: 'mine', checkin: fresh } : { status: 'busy' };
  // Ours (claimed by the scan for this job, or taken over by an earlier attempt of it): resume it,
  // with its stored answer.
  if (cur.status !== 'done' && (cur.id === item.checkinId || cur.jobId === opts.jobId)) return { status: 'mine', checkin: { ...cur, jobId: opts.jobId } };
  // A fresh run asked for by an owner supersedes today's digest (once: its retries resume it above).
  if (cur.status === 'done' && opts.fresh && cur.jobId !== opts.jobId) return { status: 'mine', checkin: await takeOver(store, cur, opts) };
  if (cur.status === 'done') return { status: 'done', checkin: cur };
  if ((cur.status === 'failed' && opts.force) || orphanedCheckin(cur, opts.now.getTime())) {
    return { status: 'mine', checkin: await takeOver(store, cur, opts) };
  }
  return { status: 'busy' };
}
