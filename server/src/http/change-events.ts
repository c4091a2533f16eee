// Maps store change-feed records to user events: a notification goes to its user, an approval to
// every member of its collaboration (the pending state shows on the activity's card for all, [G6]), a check-in to every member, a membership change to the member
// concerned and the owners ([I5]: the list and the role on screen follow at once). Other changes
// are not user events.
import { allMembers } from '@trellis/engine';
import { unreachable } from '@trellis/schema';
import type { Change } from '@trellis/schema';
import type { Store } from '@trellis/store';
import type { EventHub } from './event-hub.ts';

export async function routeChangeToEvents(change: Change, store: Store, hub: EventHub): Promise<void> {
  switch (change.type) {
    case 'notification': {
      if (!hub.hasSubscribers(change.userId)) return;
      const unread = await store.notifications.unreadCount(change.userId);
      hub.publish(change.userId, { type: 'notification', data: { notificationId: change.notificationId, unread } });
      return;
    }
    case 'approval': {
      if (!hub.hasSubscribers()) return;
      const data = { approvalId: change.approvalId, collaborationId: change.collaborationId, status: change.status };
      for (const m of await allMembers(store, change.collaborationId)) hub.publish(m.userId, { type: 'approval', data });
      return;
    }
    case 'checkin': {
      if (!hub.hasSubscribers()) return;
      const data = { checkinId: change.checkinId, collaborationId: change.collaborationId };
      for (const m of await allMembers(store, change.collaborationId)) hub.publish(m.userId, { type: 'checkin', data });
      return;
    }
    case 'membership': {
      if (!hub.hasSubscribers()) return;
      const data = { collaborationId: change.collaborationId, userId: change.userId, role: change.role };
      hub.publish(change.userId, { type: 'membership', data });
      for (const m of await allMembers(store, change.collaborationId)) if (m.role === 'owner' && m.userId !== change.userId) hub.publish(m.userId, { type: 'membership', data });
      return;
    }
    case 'update':
    case 'awareness':
    case 'collaboration':
      return;
    default:
      unreachable(change);
  }
}
