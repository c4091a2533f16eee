// The `aiReply` job: answer a message that mentions @ai, in that collaboration, streaming the reply
// into the document. Policy is asked first; proposed actions go through the engine; rate-limited.
import type { DocHost, Engine } from '@trellis/engine';
import type { Collaboration } from '@trellis/schema';
import { appendMessage, decide, findMessageMap, mentionsIn, unreachable } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { LlmProvider } from '../providers/types.ts';
import type { WorkerMetrics } from '../metrics.ts';
import { runProposals } from '../checkins/proposals.ts';
import { buildChatPrompt, splitActions } from './context.ts';
import { takeReplySlot } from './rate-limit.ts';
import type { RateLimit } from './rate-limit.ts';
import { AI_ORIGIN, StreamWriter } from './stream-writer.ts';

export interface AiReplyDeps {
  store: Store;
  docs: DocHost;
  engine: Engine;
  provider: LlmProvider;
  metrics: WorkerMetrics;
  now: () => Date;
  rate?: RateLimit;
  throttleMs?: number;
}

export type AiReplyResult = 'replied' | 'pending_approval' | 'already_replied' | 'rate_limited' | 'denied' | 'not_found';

export const AI_AUTHOR_ID = 'ai';
const MAX_REPLY_TOKENS = 800;

export function replyIdFor(messageId: string): string {
  return `ai-re-${messageId}`.slice(0, 128);
}

export async function runAiReply(
  deps: AiReplyDeps, p: { collaborationId: string; messageId: string; jobId: string }, log: Logger, signal: AbortSignal,
): Promise<AiReplyResult> {
  const collab = await deps.store.collaborations.get(p.collaborationId);
  if (!collab || collab.archived) return 'not_found';
  const replyId = replyIdFor(p.messageId);
  const state = await deps.docs.read(p.collaborationId, (doc) => {
    const trigger = findMessageMap(doc, p.messageId)?.toJSON() as { kind?: unknown; body?: unknown } | undefined;
    const reply = findMessageMap(doc, replyId)?.toJSON() as { streaming?: unknown } | undefined;
    return { trigger, reply, prompt: buildChatPrompt(doc, collab, p.messageId) };
  });
  // Only a person's message that really mentions @ai triggers a reply (no AI-to-AI loops).
  if (!state.trigger || state.trigger.kind !== 'user' || typeof state.trigger.body !== 'string' || !mentionsIn(state.trigger.body).includes('ai') || !state.prompt) return 'not_found';
  if (state.reply && state.reply.streaming !== true) return 'already_replied';
  if (!(await takeReplySlot(deps.store.kv, p.collaborationId, p.messageId, deps.now().getTime(), deps.rate))) {
    log.warn({ collaborationId: p.collaborationId }, '@ai rate limit reached; reply skipped');
    deps.metrics.aiReplies.inc(1, { outcome: 'rate_limited' });
    return 'rate_limited';
  }
  const decision = decide('ai', 'sendMessage', collab.policy);
  const input = { ...state.prompt, maxTokens: MAX_REPLY_TOKENS, signal };
  // A stable actor ref per triggering message: a retried job replays the same idempotency records.
  const runId = `aiReply:${p.messageId}`.slice(0, 128);
  let result: AiReplyResult;
  switch (decision) {
    case 'deny':
      log.info({ collaborationId: p.collaborationId }, 'policy denies AI messages here; no reply');
      result = 'denied';
      break;
    case 'approval': {
      // Nothing streams into the document before an owner approves: the whole reply waits instead.
      const res = await deps.provider.complete(input);
      const { body } = splitActions(res.text);
      const outcome = await deps.engine.run({
        collaborationId: p.collaborationId, actor: { kind: 'ai', ref: runId }, name: 'sendMessage', params: { body: body || '…' },
        reason: 'reply to an @ai mention', idempotencyKey: `aiReply:${p.messageId}`,
      });
      result = outcome.status === 'pending_approval' ? 'pending_approval' : 'replied';
      break;
    }
    case 'allow':
      await streamReply(deps, collab, replyId, input, log, runId, p.messageId);
      result = 'replied';
      break;
    default:
      return unreachable(decision);
  }
  deps.metrics.aiReplies.inc(1, { outcome: result });
  return result;
}

async function streamReply(
  deps: AiReplyDeps, collab: Collaboration, replyId: string, input: Parameters<LlmProvider['stream']>[0], log: Logger, runId: string, messageId: string,
): Promise<void> {
  await deps.docs.change(collab.id, AI_ORIGIN, (doc) => {
    const existing = findMessageMap(doc, replyId);
    // A crashed earlier attempt left a half-streamed reply: start it over rather than add another.
    if (existing) existing.set('body', '');
    else appendMessage(doc, { id: replyId, authorId: AI_AUTHOR_ID, body: '', kind: 'ai', streaming: true, createdAt: deps.now().toISOString() });
  });
  const writer = new StreamWriter(deps.docs, collab.id, replyId, deps.throttleMs ?? 100);
  const started = performance.now();
  const res = await deps.provider.stream(input, (d) => writer.push(d));
  deps.metrics.llmCalls.inc(1, { provider: deps.provider.name, outcome: 'ok' });
  deps.metrics.llmTokens.inc(res.inputTokens, { direction: 'input' });
  deps.metrics.llmTokens.inc(res.outputTokens, { direction: 'output' });
  deps.metrics.llmLatency.observe((performance.now() - started) / 1000);
  const { body, actions } = splitActions(res.text);
  await writer.finish(body || '…');
  // The reply bypassed engine.run to stream, so tell the engine about it (rules, mentions).
  await deps.engine.docEvents(collab.id, { kind: 'ai', ref: runId }, [{ type: 'messageCreated', messageId: replyId, authorId: AI_AUTHOR_ID, body: body || '…', kind: 'ai' }]);
  if (actions.length === 0) return;
  const proposals = await runProposals({ engine: deps.engine, collaborationId: collab.id, runId, keyPrefix: `aiReply:${messageId}`, log }, actions);
  log.info({ proposals: proposals.map((x) => ({ action: x.action, fate: x.fate })) }, '@ai proposals handled');
}
