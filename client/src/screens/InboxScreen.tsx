// The approval inbox: protected actions waiting for my decision, across collaborations — in words
// from the server ("Ann asked to cancel 'Plan the hike'"), why, the exact change, and whether its
// target changed since (stale: approving answers 409, and "Re-propose from the current state" makes a
// fresh request). Rejecting takes an optional reason the requester is told.
import { useCallback, useEffect, useState } from 'react';
import { ApiError, describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { useLive } from '../api/LiveProvider.tsx';
import { recall } from '../api/offline-cache.ts';
import type { ApprovalItem, CollaborationSummary } from '../api/types.ts';
import { useServerAvailability, useWhenServerBack } from '../api/useConnection.ts';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { useSession } from '../auth/AuthProvider.tsx';
import { Empty, LoadError, Loading } from '../components/States.tsx';
import { useToast } from '../components/Toasts.tsx';
import { hrefFor } from '../routing/route.ts';
import { activityTitle } from '../text/activity-titles.ts';
import { actionLabel, actorLabel, describeParams, formatTime } from '../text/format.ts';
import { fallbackName } from '../text/names.ts';

export function InboxScreen() {
  const api = useApi();
  const live = useLive();
  const toast = useToast();
  const { user } = useSession();
  const [items, setItems] = useState<ApprovalItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<{ id: string; reason: string } | null>(null);
  const [titles, setTitles] = useState<Map<string, string>>(() => new Map((recall<CollaborationSummary[]>(user.id, 'collaborations') ?? []).map((c) => [c.id, c.title])));

  const load = useCallback(async () => {
    try {
      const list = await api.listPendingApprovals();
      setItems(list);
      setError(null);
      // Staleness is only known per approval.
      const detailed = await Promise.all(list.map((a) => api.getApproval(a.id).then((d) => ({ ...a, ...d }), () => a)));
      setItems(detailed);
    } catch (err) {
      setItems((prev) => prev ?? []);
      setError(err);
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load, live.approvalsVersion]);
  const server = useServerAvailability();
  useWhenServerBack(() => void load());

  useEffect(() => {
    api.listCollaborations().then(
      (list) => setTitles(new Map(list.map((c) => [c.id, c.title]))),
      () => undefined,
    );
  }, [api]);

  const what = (a: ApprovalItem) => a.request ?? actionLabel(a.action);
  const decideOn = async (a: ApprovalItem, decision: 'approve' | 'reject', reason?: string) => {
    if (!server.available) return;
    setBusy(a.id);
    try {
      await api.decideApproval(a.id, decision, reason);
      toast('success', decision === 'approve' ? `Approved: ${what(a)}.` : `Rejected: ${what(a)}.`);
      setItems((list) => (list ?? []).filter((x) => x.id !== a.id));
      setRejecting(null);
      live.refresh();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'stale') {
        toast('warning', `“${what(a)}” changed since it was asked for. Re-propose it from the current state, or reject it.`);
        setItems((list) => (list ?? []).map((x) => (x.id === a.id ? { ...x, stale: true } : x)));
      } else toast('error', `Could not ${decision}. ${describeError(err)}`);
      void load();
    } finally {
      setBusy(null);
    }
  };
  const repropose = async (a: ApprovalItem) => {
    if (!server.available) return;
    setBusy(a.id);
    try {
      await api.reproposeApproval(a.id);
      toast('success', `Re-proposed from the current state: ${what(a)}.`);
      live.refresh();
      void load();
    } catch (err) {
      toast('error', `Could not re-propose. ${describeError(err)}`);
      void load();
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="page" aria-labelledby="inbox-title">
      <div className="page-head">
        <h1 id="inbox-title">Approval inbox</h1>
      </div>
      <LoadError error={error} what="Approvals" />
      {items !== null && items.length > 0 && <NeedsServer id="approve-needs-server" what="Approving or rejecting" availability={server} />}
      {items === null ? (
        <Loading label="Loading approvals…" />
      ) : items.length === 0 ? (
        !error && <Empty>Nothing waits for your approval.</Empty>
      ) : (
        <ul className="approvals" data-testid="approvals">
          {items.map((a) => (
            <li key={a.id} className="card approval" data-testid="approval" data-approval-id={a.id}>
              <div className="approval-head">
                <h2>{a.summary ?? actionLabel(a.action)}</h2>
                {a.stale === true && (
                  <span className="tag tag-stale" title="The target changed since this was proposed">
                    Stale: changed since proposed
                  </span>
                )}
                {a.stale === false && <span className="tag tag-fresh">Up to date</span>}
              </div>
              <p className="approval-meta">
                In <a href={hrefFor({ name: 'collab', id: a.collaborationId, tab: 'board' })}>{a.collaborationTitle ?? titles.get(a.collaborationId) ?? 'a collaboration'}</a> · asked by{' '}
                <strong>{a.proposerName ?? actorLabel(a.proposedBy, fallbackName)}</strong> · {formatTime(a.createdAt)}
              </p>
              {a.reason && (
                <blockquote className="reason">
                  <span className="sr-only">Reason: </span>
                  {a.reason}
                </blockquote>
              )}
              <dl className="params">
                <dt>Action</dt>
                <dd>{actionLabel(a.action)}</dd>
                {a.targetTitle && (
                  <div className="param">
                    <dt>Activity</dt>
                    <dd>{a.targetTitle}</dd>
                  </div>
                )}
                {describeParams(a.params ?? {}, activityTitle).filter((p) => !(a.targetTitle && /activity/i.test(p.label))).map((p) => (
                  <div key={p.label} className="param">
                    <dt>{p.label}</dt>
                    <dd>{p.value}</dd>
                  </div>
                ))}
              </dl>
              {a.stale === true && (
                <p className="notice notice-pending" role="status">
                  Its target changed since this was asked for: approving would run it on something else. Re-propose it from the current state, or reject it.
                </p>
              )}
              {rejecting?.id === a.id ? (
                <form
                  className="inline-form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void decideOn(a, 'reject', rejecting.reason.trim() || undefined);
                  }}
                >
                  <label htmlFor={`reject-reason-${a.id}`}>Reason for {a.proposerName ?? 'the requester'} (optional)</label>
                  <input id={`reject-reason-${a.id}`} value={rejecting.reason} maxLength={1000} onChange={(e) => setRejecting({ id: a.id, reason: e.target.value })} />
                  <div className="row">
                    <button type="submit" className="danger" disabled={busy === a.id || !server.available}>
                      Reject request
                    </button>
                    <button type="button" className="ghost" onClick={() => setRejecting(null)}>
                      Back
                    </button>
                  </div>
                </form>
              ) : (
                <div className="row">
                  {a.stale === true ? (
                    <button type="button" className="primary" disabled={busy === a.id || !server.available} aria-describedby={describedBy('approve-needs-server', server)} onClick={() => void repropose(a)}>
                      Re-propose from the current state
                    </button>
                  ) : (
                    <button type="button" className="primary" disabled={busy === a.id || !server.available} aria-describedby={describedBy('approve-needs-server', server)} onClick={() => void decideOn(a, 'approve')}>
                      Approve
                    </button>
                  )}
                  <button type="button" className="danger" disabled={busy === a.id || !server.available} aria-describedby={describedBy('approve-needs-server', server)} onClick={() => setRejecting({ id: a.id, reason: '' })}>
                    Reject…
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
