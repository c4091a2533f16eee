// Writing the day's digest: done (with every proposal's fate) or failed (with the reason).
import type { Engine } from '@trellis/engine';
import type { Checkin, CheckinProposal } from '@trellis/schema';
import type { Store } from '@trellis/store';
import type { WorkerMetrics } from '../metrics.ts';
import type { CallShare } from './ask-model.ts';
import { checkinRunId } from './claim.ts';

export async function saveDone(
  store: Store, engine: Engine, metrics: WorkerMetrics, claimed: Checkin,
  d: { summary: string; proposals: CheckinProposal[]; share: CallShare; aiGenerated: boolean }, now: Date,
): Promise<Checkin> {
  const done: Checkin = {
    ...claimed, status: 'done', summary: d.summary.slice(0, 4000), proposals: d.proposals, provider: d.share.provider, model: d.share.model,
    aiGenerated: d.aiGenerated, inputTokens: d.share.inputTokens, outputTokens: d.share.outputTokens, latencyMs: d.share.latencyMs, completedAt: now.toISOString(),
  };
  // Rules with the `checkinCompleted` trigger react to the digest (through the same engine), before
  // it is stored: a stored digest is never acted on again, so a crash after storing it would lose the
  // firing. Keyed by the run, a rerun of an unstored digest finds the firing's actions done ([W9]).
  const run = checkinRunId(done);
  await engine.outcomeEvents(done.collaborationId, { kind: 'ai', ref: run }, [{ type: 'checkinCompleted', checkinId: done.id, summary: done.summary }], 0, {
    seed: `checkinCompleted:${done.id}:${run}`, atMs: Date.parse(done.createdAt),
  });
  // Stored only while still this run and running: a worker that outlived its lease never replaces
  // the digest of the worker that took its job over ([W10]).
  if (!(await store.checkins.finish(done))) return done;
  metrics.checkins.inc(1, { status: 'done' });
  for (const p of d.proposals) metrics.proposals.inc(1, { fate: p.fate });
  return done;
}

export async function saveFailed(store: Store, metrics: WorkerMetrics, claimed: Checkin, reason: string, provider: string, now: Date): Promise<void> {
  const failed: Checkin = { ...claimed, status: 'failed', summary: `The AI check-in failed: ${reason}`.slice(0, 4000), provider, completedAt: now.toISOString() };
  if (await store.checkins.finish(failed)) metrics.checkins.inc(1, { status: 'failed' });
}
