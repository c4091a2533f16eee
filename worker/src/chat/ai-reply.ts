// The `aiReply` job: answer a message that mentions @ai, in that collaboration, streaming the reply
// into the document through the engine's stream actions (SPEC [G2], [G9]), which decide policy,
// attribute every chunk to the AI's run and audit the reply; proposed actions go through the engine
// too; rate-limited.
import type { DocHost, Engine } from '@trellis/engine';
import type { Collaboration } from '@trellis/schema';
import { decide, findMessageMap, mentionsIn, unreachable } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { LlmProvider } from '../providers/types.ts';
import type { WorkerMetrics } from '../metrics.ts';
import type { AiPresence } from '../presence/ai-presence.ts';
import { runProposals } from '../checkins/proposals.ts';
import { describeError } from '../jobs/retry.ts';
import { buildChatPrompt, splitActions } from './context.ts';
import { ProseStream } from './prose-stream.ts';
import type { ReplyWatchDeps } from './reply-watch.ts';
import { finishedBody, INTERRUPTED_NOTE, REPLY_REASON, replyIdFor, replyRunId, replyStream, watchReply } from './reply-watch.ts';
import { takeReplySlot } from './rate-limit.ts';
import type { RateLimit } from './rate-limit.ts';
import { StreamWriter } from './stream-writer.ts';

export interface AiReplyDeps extends ReplyWatchDeps {
  store: Store;
  docs: DocHost;
  engine: Engine;
  provider: LlmProvider;
  metrics: WorkerMetrics;
  now: () => Date;
  rate?: RateLimit;
  throttleMs?: number;
  /** Shows the AI in the collaboration's presence while it writes. */
  presence?: AiPresence | undefined;
}

export type AiReplyResult = 'replied' | 'pending_approval' | 'already_replied' | 'rate_limited' | 'denied' | 'not_found';

const MAX_REPLY_TOKENS = 800;

export async function runAiReply(
  deps: AiReplyDeps, p: { collaborationId: string; messageId: string; jobId: string }, log: Logger, signal: AbortSignal,
): Promise<AiReplyResult> {
  const collab = await deps.store.collaborations.get(p.collaborationId);
  if (!collab || collab.archived) return 'not_found';
  const replyId = replyIdFor(p.messageId);
  const members = (await deps.store.members.list(p.collaborationId, { limit: 500 })).items;
  const state = await deps.docs.read(p.collaborationId, (doc) => {
    const trigger = findMessageMap(doc, p.messageId)?.toJSON() as { kind?: unknown; body?: unknown } | undefined;
    const reply = findMessageMap(doc, replyId)?.toJSON() as { streaming?: unknown; body?: unknown } | undefined;
    return { trigger, reply, prompt: buildChatPrompt(doc, collab, p.messageId, members) };
  });
  // Only a person's message that really mentions @ai triggers a reply (no AI-to-AI loops).
  if (!state.trigger || state.trigger.kind !== 'user' || typeof state.trigger.body !== 'string' || !mentionsIn(state.trigger.body).includes('ai') || !state.prompt) return 'not_found';
  // A finished reply stands; one that was interrupted (or died mid-stream) is streamed again.
  if (state.reply && state.reply.streaming !== true && !(typeof state.reply.body === 'string' && state.reply.body.endsWith(INTERRUPTED_NOTE))) return 'already_replied';
  if (!(await takeReplySlot(deps.store.kv, p.collaborationId, p.messageId, deps.now().getTime(), deps.rate))) {
    log.warn({ collaborationId: p.collaborationId }, '@ai rate limit reached; reply skipped');
    deps.metrics.aiReplies.inc(1, { outcome: 'rate_limited' });
    return 'rate_limited';
  }
  // Which way to ask the model: whole when an AI message needs an owner's approval here (nothing
  // streams before they approve), else streamed — and whether the AI may write at all is decided by
  // the engine when the stream begins (a refusal is audited there).
  const decision = decide('ai', 'sendMessage', collab.policy);
  const input = { ...state.prompt, maxTokens: MAX_REPLY_TOKENS, signal };
  // A stable actor ref per triggering message: a retried job replays the same idempotency records.
  const runId = replyRunId(p.messageId);
  let result: AiReplyResult;
  switch (decision) {
    case 'approval': {
      const res = await deps.provider.complete(input);
      const { body } = splitActions(res.text);
      const outcome = await deps.engine.run({
        collaborationId: p.collaborationId, actor: { kind: 'ai', ref: runId }, name: 'sendMessage', params: { body: body || '…' },
        reason: REPLY_REASON, idempotencyKey: `aiReply:${p.messageId}`,
      });
      result = outcome.status === 'pending_approval' ? 'pending_approval' : 'replied';
      break;
    }
    case 'deny':
    case 'allow':
      result = await streamReply(deps, collab, input, log, runId, p);
      break;
    default:
      return unreachable(decision);
  }
  deps.metrics.aiReplies.inc(1, { outcome: result });
  return result;
}

/** Begin the reply through the engine (its policy decision, once), then stream it with the AI shown
 *  as writing (SPEC [W8]). */
async function streamReply(
  deps: AiReplyDeps, collab: Collaboration, input: Parameters<LlmProvider['stream']>[0], log: Logger, runId: string,
  { messageId, jobId }: { messageId: string; jobId: string },
): Promise<AiReplyResult> {
  const ref = replyStream(collab.id, messageId);
  // Before anything streams: should this job stop for good mid-stream, the watch finishes the reply.
  await watchReply(deps, collab.id, messageId, jobId);
  // Policy is decided here, once, by the engine: a new reply, or an earlier attempt that died
  // mid-stream or was interrupted, streamed again in place.
  const begun = await deps.engine.streams.begin({ ...ref, reason: REPLY_REASON });
  if (begun.status !== 'executed') {
    log.info({ collaborationId: collab.id, outcome: begun }, 'the engine refused to stream the @ai reply');
    if (begun.status === 'refused' && begun.code === 'forbidden') return 'denied';
    // A finished reply stands (e.g. one undone since): not streamed again.
    return begun.status === 'refused' && begun.code === 'conflict' ? 'already_replied' : 'not_found';
  }
  const write = () => streamBody(deps, collab, input, log, runId, messageId);
  return deps.presence ? deps.presence.during(collab.id, write) : write();
}

/** Ask the model and stream its prose into the begun reply; then run the actions it proposed. */
async function streamBody(
  deps: AiReplyDeps, collab: Collaboration, input: Parameters<LlmProvider['stream']>[0], log: Logger, runId: string, messageId: string,
): Promise<AiReplyResult> {
  const ref = replyStream(collab.id, messageId);
  const writer = new StreamWriter(deps.engine.streams, ref, REPLY_REASON, deps.throttleMs ?? 100);
  const prose = new ProseStream();
  let res;
  try {
    res = await deps.provider.stream(input, (d) => {
      const visible = prose.push(d);
      if (visible) writer.push(visible);
    });
  } catch (err) {
    // Never leave a half-written reply streaming: finish what arrived with a visible note (audited
    // `interrupted`). A retry of the job streams the reply again in its place.
    try {
      await writer.finish(finishedBody(prose.text), describeError(err));
    } catch (finishErr) {
      log.error({ err: finishErr }, 'finishing an interrupted @ai reply failed; the job retry streams it again');
    }
    throw err;
  }
  const { body: prosed, actions } = splitActions(res.text);
  // Audited as the AI's message; rules and mentions react to it (the engine's finish).
  const finished = await writer.finish(prosed || '…');
  if (finished.status !== 'executed') log.warn({ collaborationId: collab.id, outcome: finished }, 'the @ai reply could not be finished');
  if (actions.length === 0) return 'replied';
  const proposals = await runProposals({ engine: deps.engine, store: deps.store, collaborationId: collab.id, runId, keyPrefix: `aiReply:${messageId}`, log, now: deps.now }, actions);
  log.info({ proposals: proposals.map((x) => ({ action: x.action, fate: x.fate })) }, '@ai proposals handled');
  return 'replied';
}
