// Mention notifications: `@handle` in a message notifies the member whose handle it is. A handle is
// a member's display name (lowercased, spaces removed), their email's local part, or their user id.
import { mentionsIn, newId } from '@trellis/schema';
import type { Collaboration, DocEvent } from '@trellis/schema';
import type { EngineContext } from './context.ts';
import { allMembers } from './members.ts';

type MessageCreated = Extract<DocEvent, { type: 'messageCreated' }>;

/** How long a "this mention was notified" marker is kept: far past any redelivery of the event. */
export const MARKER_RETENTION_MS = 30 * 86_400_000;

export async function notifyMentions(ctx: EngineContext, collab: Collaboration, event: MessageCreated): Promise<void> {
  const handles = new Set(mentionsIn(event.body).filter((h) => h !== 'ai'));
  if (handles.size === 0) return;
  const members = await allMembers(ctx.store, collab.id);
  const author = await ctx.store.users.get(event.authorId);
  const authorName = author?.displayName ?? (event.kind === 'user' ? 'Someone' : event.kind === 'ai' ? 'The assistant' : 'A rule');
  for (const m of members) {
    if (m.userId === event.authorId) continue; // never notify the author about themself
    const user = await ctx.store.users.get(m.userId);
    const own = new Set([m.userId.toLowerCase()]);
    if (user) {
      own.add(user.displayName.toLowerCase().replace(/\s+/g, ''));
      const local = user.email?.split('@')[0];
      if (local) own.add(local.toLowerCase());
    }
    if (![...own].some((h) => handles.has(h))) continue;
    // docEvents is at-least-once (retries, several processes): one notification per message and user.
    const marker = `mention:${collab.id}:${event.messageId}:${m.userId}`;
    if (!(await ctx.store.kv.setIfAbsent(marker, '1', { expiresAt: ctx.now().getTime() + MARKER_RETENTION_MS }))) continue;
    await ctx.store.notifications.create({
      id: newId('ntf'),
      userId: m.userId,
      collaborationId: collab.id,
      kind: 'mention',
      title: `${authorName} mentioned you in ${collab.title}`,
      ref: event.messageId,
      createdAt: ctx.now().toISOString(),
      readAt: null,
    });
  }
}
