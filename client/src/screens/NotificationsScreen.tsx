// Notifications (mentions, approvals, check-ins), newest first; opening or marking one reads it.
import { useCallback, useEffect } from 'react';
import { useApi } from '../api/ApiProvider.tsx';
import { useLive } from '../api/LiveProvider.tsx';
import { useServerAvailability, useWhenServerBack } from '../api/useConnection.ts';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { Empty, LoadError, Loading } from '../components/States.tsx';
import { hrefFor } from '../routing/route.ts';
import { formatTime } from '../text/format.ts';
import { useReloadableList } from './useReloadableList.ts';

const KIND: Record<string, string> = { approval: 'Approval', mention: 'Mention', checkin: 'Check-in', membership: 'Members' };

export function NotificationsScreen() {
  const api = useApi();
  const live = useLive();
  const fetchNotifications = useCallback(() => api.listNotifications(), [api]);
  const { items, setItems, error, setError, load } = useReloadableList(fetchNotifications);
  useEffect(load, [load, live.notificationsVersion]);
  useWhenServerBack(load);
  const server = useServerAvailability();
  const reasonId = describedBy('read-needs-server', server);

  const markRead = async (ids: string[]) => {
    if (ids.length === 0 || !server.available) return;
    const now = new Date().toISOString();
    setItems((list) => (list ?? []).map((n) => (ids.includes(n.id) ? { ...n, readAt: n.readAt ?? now } : n)));
    try {
      await api.markNotificationsRead(ids);
      live.refresh();
    } catch (err) {
      setError(err);
    }
  };

  const unread = (items ?? []).filter((n) => !n.readAt);
  return (
    <section className="page" aria-labelledby="notif-title">
      <div className="page-head">
        <h1 id="notif-title">Notifications</h1>
        {unread.length > 0 && (
          <button type="button" className="ghost" disabled={!server.available} aria-describedby={reasonId} onClick={() => void markRead(unread.map((n) => n.id))}>
            Mark all read
          </button>
        )}
      </div>
      {unread.length > 0 && <NeedsServer id="read-needs-server" what="Marking notifications read" availability={server} />}
      <LoadError error={error} what="Notifications" />
      {items === null ? (
        <Loading label="Loading notifications…" />
      ) : items.length === 0 ? (
        !error && <Empty>No notifications.</Empty>
      ) : (
        <ul className="notifications">
          {items.map((n) => (
            <li key={n.id} className={`card notification${n.readAt ? '' : ' unread'}`}>
              <span className={`tag tag-${n.kind}`}>{KIND[n.kind] ?? n.kind}</span>
              <a
                href={n.kind === 'approval' ? hrefFor({ name: 'inbox' }) : hrefFor({ name: 'collab', id: n.collaborationId, tab: n.kind === 'checkin' ? 'digest' : n.kind === 'membership' ? 'board' : 'messages' })}
                onClick={() => void markRead(n.readAt ? [] : [n.id])}
              >
                {n.title}
              </a>
              <time className="hint" dateTime={n.createdAt}>
                {formatTime(n.createdAt)}
              </time>
              {!n.readAt && (
                <button type="button" className="small ghost" disabled={!server.available} aria-describedby={reasonId} onClick={() => void markRead([n.id])}>
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
