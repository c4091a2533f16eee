// After an approval leaves `pending` (approved, rejected, expired, superseded), the people concerned
// learn it [G6]: the requester gets a notification in words ("Bob rejected your request to cancel
// 'Plan the hike': not this week"), and every owner's "approval needed" notification for it is
// marked read, whoever decided. Called by the engine (decisions) and the worker (expiry); a failure
// here is logged, never turned into a failed decision: the decision already happened.
import { newId } from '@trellis/schema';
import type { Actor, Approval } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import { membersWithRole } from '../members.ts';
import { Words } from '../words.ts';

/** Unread notifications scanned per owner for the ones pointing at the approval. */
const SCAN_UNREAD = 500;

export type Settlement =
  | { kind: 'approved'; by: Actor; ran: boolean; detail?: string | undefined }
  | { kind: 'rejected'; by: Actor; reason?: string | null }
  | { kind: 'expired' }
  | { kind: 'superseded'; by: Actor };

export async function settleApproval(store: Store, logger: Logger, a: Approval, s: Settlement, now: Date): Promise<void> {
  try {
    await notifyRequester(store, a, s, now);
  } catch (err) {
    logger.error({ err, approvalId: a.id }, 'approval outcome notification failed');
  }
  try {
    await resolveOwnerNotifications(store, a, now);
  } catch (err) {
    logger.error({ err, approvalId: a.id }, 'resolving approval notifications failed');
  }
}

/** The requester's notification in words; none for a superseded request (its successor is pending)
 *  or when the requester decided it themself. */
export async function outcomeTitle(words: Words, a: Approval, s: Settlement): Promise<string | null> {
  const w = await words.approval(a);
  const yours = `your request to ${w.request}`;
  switch (s.kind) {
    case 'approved': {
      const by = await words.actor(s.by);
      return s.ran ? `${by} approved ${yours}` : `${by} approved ${yours}, but it could not run${s.detail ? `: ${s.detail}` : ''}`;
    }
    case 'rejected': {
      const by = await words.actor(s.by);
      return `${by} rejected ${yours}${s.reason ? `: “${s.reason}”` : ''}`;
    }
    case 'expired':
      return `Your request to ${w.request} expired without a decision`;
    case 'superseded':
      return null;
  }
}

async function notifyRequester(store: Store, a: Approval, s: Settlement, now: Date): Promise<void> {
  const to = a.proposedBy.kind === 'user' ? a.proposedBy.userId : undefined;
  if (!to) return;
  if (s.kind !== 'expired' && s.by.kind === 'user' && s.by.userId === to) return;
  const title = await outcomeTitle(new Words(store), a, s);
  if (title === null) return;
  await store.notifications.create({ id: newId('ntf'), userId: to, collaborationId: a.collaborationId, kind: 'approval', title, ref: a.id, createdAt: now.toISOString(), readAt: null });
}

async function resolveOwnerNotifications(store: Store, a: Approval, now: Date): Promise<void> {
  for (const owner of await membersWithRole(store, a.collaborationId, 'owner')) {
    const ids: string[] = [];
    let cursor: string | undefined;
    let scanned = 0;
    do {
      const page = await store.notifications.list(owner.userId, { cursor, limit: 100, unreadOnly: true });
      for (const n of page.items) if (n.ref === a.id && n.kind === 'approval') ids.push(n.id);
      scanned += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && scanned < SCAN_UNREAD);
    if (ids.length > 0) await store.notifications.markRead(owner.userId, ids, now.toISOString());
  }
}
