// Reactions to document changes, whoever made them: mention notifications, `@ai` reply jobs, and
// rules. One failing reaction is logged and does not stop the others. Each event is a trigger with a
// key (`trigger`): stable across a resumed run of the change that caused it, so its rules fire once.
import { mentionsIn, newId } from '@trellis/schema';
import type { Actor, Collaboration, DocEvent } from '@trellis/schema';
import type { Chain, EngineContext } from './context.ts';
import { MARKER_RETENTION_MS, notifyMentions } from './mentions.ts';
import type { RuleEvent } from './rules/rule-data.ts';
import type { ChainedRun } from './rules/run-rules.ts';
import { runRules } from './rules/run-rules.ts';

export async function handleDocEvents(ctx: EngineContext, collab: Collaboration, actor: Actor, events: DocEvent[], chain: Chain, run: ChainedRun, trigger = newId('trg')): Promise<void> {
  for (const [i, event] of events.entries()) {
    if (event.type === 'messageCreated') {
      await guarded(ctx, collab.id, 'mentions', () => notifyMentions(ctx, collab, event));
      if (event.kind === 'user' && mentionsIn(event.body).includes('ai')) await guarded(ctx, collab.id, 'aiReply', () => enqueueAiReply(ctx, collab.id, event.messageId));
    }
    await handleRuleEvent(ctx, collab, actor, event, chain, run, `${trigger}:${i}`);
  }
}

export async function handleRuleEvent(ctx: EngineContext, collab: Collaboration, actor: Actor, event: RuleEvent, chain: Chain, run: ChainedRun, trigger = newId('trg')): Promise<void> {
  await guarded(ctx, collab.id, 'rules', () => runRules(ctx, collab, actor, event, chain, run, trigger));
}

async function enqueueAiReply(ctx: EngineContext, collaborationId: string, messageId: string): Promise<void> {
  // The dedupe key covers live jobs; the kv marker keeps a redelivered event from asking again
  // after the job finished. Marked after enqueueing, so a failed enqueue can be retried.
  const marker = `aiReply:${collaborationId}:${messageId}`;
  if ((await ctx.store.kv.get(marker)) !== null) return;
  await ctx.store.jobs.enqueue({ type: 'aiReply', payload: { collaborationId, messageId }, dedupeKey: `aiReply:${messageId}` });
  await ctx.store.kv.set(marker, '1', { expiresAt: ctx.now().getTime() + MARKER_RETENTION_MS });
}

async function guarded(ctx: EngineContext, collaborationId: string, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    ctx.logger.error({ err, collaborationId, what }, 'document event reaction failed');
  }
}
