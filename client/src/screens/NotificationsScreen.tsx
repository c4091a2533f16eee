// Notifications (mentions, approvals, check-ins), newest first; opening or marking one reads it.
import { useCallback, useEffect } from 'react';
import { describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { useLive } from '../api/LiveProvider.tsx';
import { Empty, ErrorText, Loading } from '../components/States.tsx';
import { hrefFor } from '../routing/route.ts';
import { formatTime } from '../text/format.ts';
import { useReloadableList } from './useReloadableList.ts';

const KIND: Record<string, string> = { approval: 'Approval', mention: 'Mention', checkin: 'Check-in' };

export function NotificationsScreen() {
  const api = useApi();
  const live = useLive();
  const fetchNotifications = useCallback(() => api.listNotifications(), [api]);
  const { items, setItems, error, setError, load } = useReloadableList(fetchNotifications);
  useEffect(load, [load, live.notificationsVersion]);

  const markRead = async (ids: string[]) => {
    if (ids.length === 0) return;
    const now = new Date().toISOString();
    setItems((list) => (list ?? []).map((n) => (ids.includes(n.id) ? { ...n, readAt: n.readAt ?? now } : n)));
    try {
      await api.markNotificationsRead(ids);
      live.refresh();
    } catch (err) {
      setError(describeError(err));
    }
  };

  const unread = (items ?? []).filter((n) => !n.readAt);
  return (
    <section className="page" aria-labelledby="notif-title">
      <div className="page-head">
        <h1 id="notif-title">Notifications</h1>
        {unread.length > 0 && (
          <button type="button" className="ghost" onClick={() => void markRead(unread.map((n) => n.id))}>
            Mark all read
          </button>
        )}
      </div>
      <ErrorText>{error}</ErrorText>
      {items === null ? (
        <Loading label="Loading notifications…" />
      ) : items.length === 0 ? (
        <Empty>No notifications.</Empty>
      ) : (
        <ul className="notifications">
          {items.map((n) => (
            <li key={n.id} className={`card notification${n.readAt ? '' : ' unread'}`}>
              <span className={`tag tag-${n.kind}`}>{KIND[n.kind] ?? n.kind}</span>
              <a
                href={n.kind === 'approval' ? hrefFor({ name: 'inbox' }) : hrefFor({ name: 'collab', id: n.collaborationId, tab: n.kind === 'checkin' ? 'digest' : 'messages' })}
                onClick={() => void markRead(n.readAt ? [] : [n.id])}
              >
                {n.title}
              </a>
              <time className="hint" dateTime={n.createdAt}>
                {formatTime(n.createdAt)}
              </time>
              {!n.readAt && (
                <button type="button" className="small ghost" onClick={() => void markRead([n.id])}>
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
