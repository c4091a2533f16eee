// Watching a streamed `@ai` reply until its job is over: a job that crashed the worker on every
// attempt is dead-lettered by a later claim, with nobody left to finish its reply. Before a reply
// starts streaming, its job is recorded and a watch job is queued; once that job is no longer live
// (done, dead or gone) the watch finishes a reply still marked `streaming` with the visible note and
// clears the flag, through the engine's `finish` as the reply's own run (SPEC [G9]) — exactly once:
// the stream's audit entry derives from its session, and a finished stream is not finished again.
import type { DocHost, MessageStreams, StreamRef } from '@trellis/engine';
import { findMessageMap } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import { splitActions } from './context.ts';

/** Ends a reply whose stream failed; a retry of the job replaces it. */
export const INTERRUPTED_NOTE = '(reply interrupted)';

/** First look a while after streaming starts: most replies are done by then, so one run suffices. */
export const REPLY_WATCH_DELAY_MS = 2 * 60_000;
/** Enough attempts (retried with the loop's backoff, up to 5 min apart) to outlive a reply job's
 *  own attempts and their backoff. */
const REPLY_WATCH_ATTEMPTS = 50;
/** As long as the reply job's idempotency records. */
const JOB_MARKER_RETENTION_MS = 7 * 86_400_000;

export interface ReplyWatchDeps {
  store: Store;
  docs: DocHost;
  engine: { streams: MessageStreams };
  now: () => Date;
  /** Delay of the watch's first look (tests shorten it). */
  replyWatchDelayMs?: number;
}

export function replyIdFor(messageId: string): string {
  return `ai-re-${messageId}`.slice(0, 128);
}

/** The AI run of the reply to this message (a retried job replays the same idempotency records). */
export function replyRunId(messageId: string): string {
  return `aiReply:${messageId}`.slice(0, 128);
}

/** Why the AI writes the reply, as its audit entry records it. */
export const REPLY_REASON = 'reply to an @ai mention';

/** The reply as an engine stream: its message, written by the AI as the reply's run. */
export function replyStream(collaborationId: string, messageId: string): StreamRef {
  return { collaborationId, actor: { kind: 'ai', ref: replyRunId(messageId) }, messageId: replyIdFor(messageId) };
}

const jobMarker = (collaborationId: string, messageId: string) => `ai-reply-job:${collaborationId}:${messageId}`;

/** Record which job streams this reply and queue its watch (one live watch per message). */
export async function watchReply(deps: ReplyWatchDeps, collaborationId: string, messageId: string, jobId: string): Promise<void> {
  const now = deps.now().getTime();
  await deps.store.kv.set(jobMarker(collaborationId, messageId), jobId, { expiresAt: now + JOB_MARKER_RETENTION_MS });
  await deps.store.jobs.enqueue({
    type: 'aiReplyWatch', payload: { collaborationId, messageId }, dedupeKey: `aiReplyWatch:${messageId}`,
    runAt: now + (deps.replyWatchDelayMs ?? REPLY_WATCH_DELAY_MS), maxAttempts: REPLY_WATCH_ATTEMPTS,
  });
}

export class ReplyStillRunning extends Error {
  constructor(jobId: string) {
    super(`the @ai reply job ${jobId} is still live; looking again later`);
    this.name = 'ReplyStillRunning';
  }
}

export type WatchResult = 'finished' | 'not_streaming';

/** The watch job: throws ReplyStillRunning (the job is retried later) while the reply's job is live. */
export async function runReplyWatch(deps: ReplyWatchDeps, p: { collaborationId: string; messageId: string }, log: Logger): Promise<WatchResult> {
  const jobId = await deps.store.kv.get(jobMarker(p.collaborationId, p.messageId));
  const job = jobId === null ? null : await deps.store.jobs.get(jobId);
  if (job && (job.status === 'queued' || job.status === 'leased')) throw new ReplyStillRunning(job.id);
  const replyId = replyIdFor(p.messageId);
  const partial = await deps.docs.read(p.collaborationId, (doc) => {
    const m = findMessageMap(doc, replyId);
    return m?.get('streaming') === true ? String(m.get('body') ?? '') : null;
  });
  if (partial === null) return 'not_streaming';
  const error = `the reply job ${job?.status === 'dead' ? 'was dead-lettered' : 'stopped'} mid-stream`;
  const outcome = await deps.engine.streams.finish({ ...replyStream(p.collaborationId, p.messageId), body: finishedBody(partial), interrupted: error, reason: REPLY_REASON });
  if (outcome.status !== 'executed') {
    log.warn({ collaborationId: p.collaborationId, messageId: p.messageId, outcome }, 'the engine refused to finish an @ai reply left streaming');
    return 'not_streaming';
  }
  log.warn({ collaborationId: p.collaborationId, messageId: p.messageId, jobId }, '@ai reply left streaming by a stopped job finished as interrupted');
  return 'finished';
}

/** What a reader sees of an interrupted reply: its prose so far, then the note. */
export function finishedBody(partial: string): string {
  const prose = splitActions(partial).body;
  return prose ? `${prose}\n\n${INTERRUPTED_NOTE}` : INTERRUPTED_NOTE;
}
