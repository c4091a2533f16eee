// Run the check-ins of one batch job: claim each (collaboration, day), summarize, ask the model
// (or the offline rules), run proposals through the engine, store one digest per collaboration-day.
import type { DocHost, Engine } from '@trellis/engine';
import type { Checkin } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { LlmProvider } from '../providers/types.ts';
import type { WorkerMetrics } from '../metrics.ts';
import { askModel } from './ask-model.ts';
import type { CallShare } from './ask-model.ts';
import type { CheckinItem } from './claim.ts';
import { acquire } from './claim.ts';
import { saveDone, saveFailed } from './digest.ts';
import { offlineSummary } from './offline-digest.ts';
import { runProposals } from './proposals.ts';
import type { CollabSummary } from './summary.ts';
import { summarizeDoc } from './summary.ts';

export interface CheckinDeps {
  store: Store;
  docs: DocHost;
  engine: Engine;
  provider: LlmProvider;
  metrics: WorkerMetrics;
  logger: Logger;
  now: () => Date;
}

export interface CheckinRunOptions {
  jobId: string;
  force: boolean;
  /** Last attempt of the job: claims still open after a provider failure are marked failed. */
  final: boolean;
  signal: AbortSignal;
}

export interface CheckinRunResult {
  done: Checkin[];
  skipped: number;
  failed: number;
  llmCalls: number;
}

export async function runCheckins(deps: CheckinDeps, items: readonly CheckinItem[], opts: CheckinRunOptions): Promise<CheckinRunResult> {
  const result: CheckinRunResult = { done: [], skipped: 0, failed: 0, llmCalls: 0 };
  const open = new Map<string, { checkin: Checkin; summary: CollabSummary }>();
  for (const item of items) {
    const log = deps.logger.child({ collaborationId: item.collaborationId, localDay: item.localDay });
    const got = await acquire(deps.store, item, { force: opts.force, now: deps.now() });
    if (got.status !== 'mine') {
      if (got.status === 'done') result.done.push(got.checkin);
      result.skipped++;
      log.debug({ status: got.status }, 'check-in skipped');
      continue;
    }
    const summary = await summarize(deps, got.checkin, opts.force);
    if (summary) open.set(item.collaborationId, { checkin: got.checkin, summary });
    else {
      await deps.store.checkins.release(item.collaborationId, item.localDay);
      result.skipped++;
    }
  }
  if (open.size === 0) return result;
  if (deps.provider.name === 'offline') {
    const share: CallShare = { provider: 'offline', model: 'rules', inputTokens: 0, outputTokens: 0, latencyMs: 0 };
    for (const { checkin, summary } of open.values()) {
      result.done.push(await saveDone(deps.store, deps.engine, deps.metrics, checkin, { summary: offlineSummary(summary), proposals: [], share, aiGenerated: false }, deps.now()));
    }
    return result;
  }
  try {
    const asked = await askModel(
      {
        provider: deps.provider, metrics: deps.metrics, log: deps.logger, signal: opts.signal, now: deps.now,
        onEntry: async (entry, share) => {
          const slot = open.get(entry.collaborationId);
          if (!slot) return;
          open.delete(entry.collaborationId);
          const { checkin } = slot;
          const log = deps.logger.child({ collaborationId: checkin.collaborationId, localDay: checkin.localDay });
          const proposals = await runProposals(
            { engine: deps.engine, collaborationId: checkin.collaborationId, runId: `checkin:${checkin.localDay}`, keyPrefix: `checkin:${checkin.collaborationId}:${checkin.localDay}`, log },
            entry.actions,
          );
          result.done.push(await saveDone(deps.store, deps.engine, deps.metrics, checkin, { summary: entry.summary, proposals, share, aiGenerated: true }, deps.now()));
          log.info({ proposals: proposals.length, refused: proposals.filter((p) => p.fate === 'refused').length }, 'check-in done');
        },
      },
      [...open.values()].map((s) => s.summary),
    );
    result.llmCalls = asked.calls;
    for (const f of asked.failed) {
      const slot = open.get(f.collaborationId);
      if (!slot) continue;
      open.delete(f.collaborationId);
      await saveFailed(deps.store, deps.metrics, slot.checkin, f.reason, deps.provider.name, deps.now());
      result.failed++;
    }
  } catch (err) {
    if (opts.final) {
      for (const { checkin } of open.values()) await saveFailed(deps.store, deps.metrics, checkin, err instanceof Error ? err.message : String(err), deps.provider.name, deps.now());
    }
    throw err;
  }
  return result;
}

async function summarize(deps: CheckinDeps, claimed: Checkin, force: boolean): Promise<CollabSummary | null> {
  const collab = await deps.store.collaborations.get(claimed.collaborationId);
  if (!collab || collab.archived || (!force && !collab.settings.aiCheckins)) return null;
  const last = await deps.store.checkins.latestDone(collab.id);
  const pending = await deps.store.approvals.listPending([collab.id], { limit: 10 });
  const now = deps.now();
  return deps.docs.read(collab.id, (doc) => summarizeDoc(doc, collab, last?.completedAt ?? null, pending.items, now));
}
