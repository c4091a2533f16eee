// Live counters for the header (pending approvals, unread notifications) and a change signal screens
// use to refetch, fed by the server-sent event stream with a slow poll as a safety net. A new unread
// approval notification (a request to decide, or the outcome of mine: SPEC [G6]) also shows as a toast.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useToast } from '../components/Toasts.tsx';
import { useApi } from './ApiProvider.tsx';
import { cancellableThen } from './cancellable-then.ts';
import { appConnection } from './connection.ts';
import { streamEvents } from './events.ts';
import type { MembershipEvent } from './types.ts';
import { useConnection, useWhenServerBack } from './useConnection.ts';

export interface Live {
  pendingApprovals: number;
  unreadNotifications: number;
  /** Bumped on every `approval` event (and refresh()). */
  approvalsVersion: number;
  notificationsVersion: number;
  /** Collaboration ids with a new check-in since load, with a counter. */
  checkinVersion: number;
  /** The latest membership change (mine, or in a collaboration I own), with a counter. */
  membership: { version: number; last: MembershipEvent | null };
  refresh: () => void;
}

const LiveContext = createContext<Live | null>(null);
const POLL_MS = 60_000;

export function LiveProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const { session, expired, tokenRef, markExpired } = useAuth();
  const [pendingApprovals, setPending] = useState(0);
  const [unreadNotifications, setUnread] = useState(0);
  const [approvalsVersion, setApprovalsVersion] = useState(0);
  const [notificationsVersion, setNotificationsVersion] = useState(0);
  const [checkinVersion, setCheckinVersion] = useState(0);
  const [membership, setMembership] = useState<{ version: number; last: MembershipEvent | null }>({ version: 0, last: null });

  const toast = useToast();
  const toasted = useRef(new Set<string>());
  const announce = useCallback(
    (raw: string) => {
      let id: unknown;
      try {
        id = (JSON.parse(raw) as { notificationId?: unknown } | null)?.notificationId;
      } catch {
        return; // not ours to judge: the counters still refresh
      }
      if (typeof id !== 'string' || toasted.current.has(id)) return;
      toasted.current.add(id);
      api.listNotifications().then(
        (items) => {
          const n = items.find((x) => x.id === id);
          if (!n || n.readAt || n.kind !== 'approval') return;
          toast(/ rejected | expired /.test(n.title) ? 'warning' : /could not run/.test(n.title) ? 'error' : 'info', `${n.title}.`);
        },
        () => undefined,
      );
    },
    [api, toast],
  );

  const refresh = useCallback(() => {
    setApprovalsVersion((v) => v + 1);
    setNotificationsVersion((v) => v + 1);
  }, []);

  const active = Boolean(session) && !expired;
  // While the server cannot be reached the monitor probes it; the stream waits, and the counters are
  // read again once it answers.
  const reachable = useConnection() === 'online';
  useWhenServerBack(refresh);

  useEffect(() => {
    if (!active) return;
    return cancellableThen(api.listPendingApprovals(), (items) => setPending(items.length));
  }, [api, active, approvalsVersion]);

  useEffect(() => {
    if (!active) return;
    return cancellableThen(api.listNotifications(), (items) => setUnread(items.filter((n) => !n.readAt).length));
  }, [api, active, notificationsVersion]);

  useEffect(() => {
    if (!active || !reachable) return;
    const ctrl = new AbortController();
    void streamEvents({
      getToken: () => tokenRef.current,
      onUnauthorized: markExpired,
      signal: ctrl.signal,
      connection: appConnection(),
      onEvent: (e) => {
        if (e.event === 'approval') setApprovalsVersion((v) => v + 1);
        else if (e.event === 'notification') {
          setNotificationsVersion((v) => v + 1);
          announce(e.data);
        }
        else if (e.event === 'checkin') setCheckinVersion((v) => v + 1);
        else if (e.event === 'membership') {
          const last = parseMembership(e.data);
          if (last) setMembership((m) => ({ version: m.version + 1, last }));
        }
      },
    });
    const poll = setInterval(refresh, POLL_MS);
    const onFocus = () => refresh();
    window.addEventListener('focus', onFocus);
    window.addEventListener('online', onFocus);
    return () => {
      ctrl.abort();
      clearInterval(poll);
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('online', onFocus);
    };
  }, [active, reachable, tokenRef, markExpired, refresh, announce]);

  const value = useMemo<Live>(
    () => ({ pendingApprovals, unreadNotifications, approvalsVersion, notificationsVersion, checkinVersion, membership, refresh }),
    [pendingApprovals, unreadNotifications, approvalsVersion, notificationsVersion, checkinVersion, membership, refresh],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

function parseMembership(data: string): MembershipEvent | null {
  try {
    const d = JSON.parse(data) as Partial<MembershipEvent>;
    if (typeof d.collaborationId !== 'string' || typeof d.userId !== 'string') return null;
    const role = d.role === 'owner' || d.role === 'editor' || d.role === 'viewer' ? d.role : null;
    return { collaborationId: d.collaborationId, userId: d.userId, role };
  } catch {
    return null;
  }
}
