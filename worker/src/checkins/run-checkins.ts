// Run the check-ins of one batch job: claim each (collaboration, day), summarize, ask the model
// (or the offline rules), store each validated answer with its check-in BEFORE acting on it, run the
// proposals through the engine, store one digest per collaboration-day. A retried job (the worker
// died, or a call failed) resumes check-ins that already have an answer without asking the model
// again; their proposals run under the same idempotency keys, so each runs exactly once and the
// digest records what actually ran.
import type { DocHost, Engine } from '@trellis/engine';
import type { Checkin, CheckinAnswerRecord } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { LlmProvider } from '../providers/types.ts';
import type { WorkerMetrics } from '../metrics.ts';
import type { AiPresence } from '../presence/ai-presence.ts';
import { askModel } from './ask-model.ts';
import type { CallShare } from './ask-model.ts';
import type { CheckinItem } from './claim.ts';
import { acquire, checkinRunId } from './claim.ts';
import { saveDone, saveFailed } from './digest.ts';
import { offlineSummary } from './offline-digest.ts';
import type { AnswerEntry } from './parse-answer.ts';
import { runProposals } from './proposals.ts';
import { MAX_ACTIONS_PER_COLLABORATION } from './prompt.ts';
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
  /** Shows the AI in the collaboration's presence while it acts. */
  presence?: AiPresence | undefined;
}

export interface CheckinRunOptions {
  jobId: string;
  force: boolean;
  /** Supersede a digest already done today (an owner's "run it again"). */
  fresh?: boolean;
  /** Last attempt of the job: claims still open after a provider failure are marked failed. */
  final: boolean;
  signal: AbortSignal;
}

export interface CheckinRunResult {
  done: Checkin[];
  skipped: number;
  failed: number;
  llmCalls: number;
  /** Check-ins acted on from an answer stored by an earlier attempt (no model call). */
  resumed: number;
}

export async function runCheckins(deps: CheckinDeps, items: readonly CheckinItem[], opts: CheckinRunOptions): Promise<CheckinRunResult> {
  const result: CheckinRunResult = { done: [], skipped: 0, failed: 0, llmCalls: 0, resumed: 0 };
  const open = new Map<string, { checkin: Checkin; summary: CollabSummary }>();
  const answered: Checkin[] = [];
  for (const item of items) {
    const log = deps.logger.child({ collaborationId: item.collaborationId, localDay: item.localDay });
    const got = await acquire(deps.store, item, { force: opts.force, now: deps.now(), jobId: opts.jobId, fresh: opts.fresh ?? false });
    if (got.status !== 'mine') {
      if (got.status === 'done') result.done.push(got.checkin);
      result.skipped++;
      log.debug({ status: got.status }, 'check-in skipped');
      continue;
    }
    if (got.checkin.answer) {
      answered.push(got.checkin);
      continue;
    }
    const summary = await summarize(deps, got.checkin, opts.force);
    if (summary) open.set(item.collaborationId, { checkin: { ...got.checkin, stateVector: summary.stateVector }, summary });
    else {
      await deps.store.checkins.release(item.collaborationId, item.localDay);
      result.skipped++;
    }
  }
  try {
    // The model already answered for these in an earlier attempt: act on that answer, never re-ask.
    for (const checkin of [...answered]) {
      result.done.push(await act(deps, checkin));
      result.resumed++;
    }
    if (open.size === 0) return result;
    if (deps.provider.name === 'offline') {
      const share: CallShare = { provider: 'offline', model: 'rules', inputTokens: 0, outputTokens: 0, latencyMs: 0 };
      for (const { checkin, summary } of open.values()) {
        result.done.push(await saveDone(deps.store, deps.engine, deps.metrics, checkin, { summary: offlineSummary(summary), proposals: [], share, aiGenerated: false }, deps.now()));
      }
      open.clear();
      return result;
    }
    const asked = await askModel(
      {
        provider: deps.provider, log: deps.logger, signal: opts.signal, now: deps.now,
        onAnswer: async (entries, share, duplicates) => {
          // Store every answer of this call first: a crash from here on never costs another call.
          const answers: Checkin[] = [];
          for (const entry of entries) {
            const slot = open.get(entry.collaborationId);
            if (slot) answers.push({ ...slot.checkin, answer: answerRecord(entry, share, duplicates.get(entry.collaborationId) ?? []) });
          }
          // A check-in not stored was answered (or finished) meanwhile by the worker that took this
          // job over after our lease ran out: its answer is the one acted on, never this one ([W10]).
          const stored = await deps.store.checkins.saveAnswers(answers);
          for (const c of answers) open.delete(c.collaborationId);
          result.skipped += answers.length - stored.length;
          if (stored.length < answers.length) deps.logger.warn({ dropped: answers.length - stored.length }, 'answers dropped: their check-ins were answered by another run of this job');
          answered.push(...stored);
          for (const checkin of stored) result.done.push(await act(deps, checkin));
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
      // Everything this job still holds: not yet answered, or answered but not finished acting on.
      const unfinished = [...open.values()].map((s) => s.checkin);
      for (const c of answered) if (!result.done.some((d) => d.id === c.id)) unfinished.push(c);
      for (const checkin of unfinished) await saveFailed(deps.store, deps.metrics, checkin, err instanceof Error ? err.message : String(err), deps.provider.name, deps.now());
    }
    throw err;
  }
  return result;
}

/** Actions kept in the stored answer: the first few run, the rest up to this many are listed as
 *  refused one by one, and anything beyond is one "N more" refusal (a flood cannot bloat the digest). */
const MAX_LISTED_ACTIONS = 50;

function answerRecord(entry: AnswerEntry, share: CallShare, duplicates: number[]): CheckinAnswerRecord {
  const actions = entry.actions.slice(0, MAX_LISTED_ACTIONS);
  const notes: CheckinAnswerRecord['notes'] = [];
  const more = entry.actions.length - actions.length;
  if (more > 0) notes.push({ code: 'too_many', action: '(more actions)', detail: `${more} more action(s) refused: too many actions (max ${MAX_ACTIONS_PER_COLLABORATION})` });
  for (const n of duplicates) {
    notes.push({ code: 'duplicate', action: '(duplicate entry)', detail: `a second entry for this collaboration in the same answer was ignored (it proposed ${n} action(s))` });
  }
  return { summary: entry.summary, actions, notes, ...share };
}

/** Run a stored answer's proposals (each under its own idempotency key) and store the digest. */
async function act(deps: CheckinDeps, checkin: Checkin): Promise<Checkin> {
  const answer = checkin.answer!;
  const log = deps.logger.child({ collaborationId: checkin.collaborationId, localDay: checkin.localDay });
  const run = () => runProposals(
    { engine: deps.engine, store: deps.store, collaborationId: checkin.collaborationId, runId: checkinRunId(checkin), keyPrefix: runKey(checkin), log, now: deps.now },
    answer.actions,
    answer.notes,
  );
  const proposals = deps.presence && answer.actions.length > 0 ? await deps.presence.during(checkin.collaborationId, run) : await run();
  const share: CallShare = { provider: answer.provider, model: answer.model, inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, latencyMs: answer.latencyMs };
  const done = await saveDone(deps.store, deps.engine, deps.metrics, checkin, { summary: answer.summary, proposals, share, aiGenerated: true }, deps.now());
  log.info({ proposals: proposals.length, refused: proposals.filter((p) => p.fate === 'refused').length }, 'check-in done');
  return done;
}

/** Idempotency key prefix of one run of a check-in: stable across its retries, new for a fresh run. */
function runKey(c: Checkin): string {
  return `checkin:${c.collaborationId}:${c.localDay}:${c.id}:${Date.parse(c.createdAt)}`;
}

async function summarize(deps: CheckinDeps, claimed: Checkin, force: boolean): Promise<CollabSummary | null> {
  const collab = await deps.store.collaborations.get(claimed.collaborationId);
  if (!collab || collab.archived || (!force && !collab.settings.aiCheckins)) return null;
  const last = await deps.store.checkins.latestDone(collab.id);
  const pending = await deps.store.approvals.listPending([collab.id], { limit: 10 });
  const members = await deps.store.members.list(collab.id, { limit: 500 });
  const now = deps.now();
  return deps.docs.read(collab.id, (doc) => summarizeDoc(doc, collab, last, pending.items, members.items, now));
}
