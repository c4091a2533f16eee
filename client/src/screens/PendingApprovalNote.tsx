// The server's pending approvals of a collaboration, on the activities they target (SPEC [G6]):
// every member sees who asked, when and what, after a reload too, and the note clears when the
// request is decided (approval events reach every member). One fetch per collaboration and change,
// shared by all its cards.
import { useEffect, useSyncExternalStore } from 'react';
import { useApi } from '../api/ApiProvider.tsx';
import { useLive } from '../api/LiveProvider.tsx';
import type { ApprovalItem } from '../api/types.ts';
import { formatTime } from '../text/format.ts';

type Api = ReturnType<typeof useApi>;
interface Entry { items: ApprovalItem[]; version: number; listeners: Set<() => void>; loading: boolean }
const byCollab = new Map<string, Entry>();
const NONE: ApprovalItem[] = [];

function entry(collabId: string): Entry {
  let e = byCollab.get(collabId);
  if (!e) {
    e = { items: NONE, version: -1, listeners: new Set(), loading: false };
    byCollab.set(collabId, e);
  }
  return e;
}

function refresh(api: Api, collabId: string, version: number): void {
  const e = entry(collabId);
  if (e.version === version || e.loading) return;
  e.loading = true;
  api.listCollabPendingApprovals(collabId).then(
    (items) => {
      e.items = items;
      e.version = version;
      e.loading = false;
      for (const l of e.listeners) l();
    },
    () => {
      // Kept as it was; the next change or poll tries again.
      e.loading = false;
    },
  );
}

/** Pending approvals of the collaboration, refetched on every approval event. */
export function usePendingApprovals(collabId: string): ApprovalItem[] {
  const api = useApi();
  const { approvalsVersion } = useLive();
  useEffect(() => refresh(api, collabId, approvalsVersion), [api, collabId, approvalsVersion]);
  return useSyncExternalStore(
    (l) => {
      const e = entry(collabId);
      e.listeners.add(l);
      return () => e.listeners.delete(l);
    },
    () => entry(collabId).items,
  );
}

/** "Waiting for approval: Ann asked to cancel 'Plan the hike' · 3 Jun 10:02", or nothing. */
export function PendingApprovalNote({ collabId, activityId }: { collabId: string; activityId: string }) {
  const pending = usePendingApprovals(collabId).filter((a) => a.params?.['activityId'] === activityId);
  if (pending.length === 0) return null;
  return (
    <ul className="pending-approvals" data-testid="pending-approval">
      {pending.map((a) => (
        <li key={a.id} className="notice notice-pending" data-approval-id={a.id}>
          <strong>Waiting for owner approval:</strong> {a.summary ?? `${a.proposerName ?? 'someone'} asked to ${a.request ?? a.action}`}
          {' · '}
          <time dateTime={a.createdAt}>{formatTime(a.createdAt)}</time>
        </li>
      ))}
    </ul>
  );
}
