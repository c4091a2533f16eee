// The check-in digest timeline, newest first; the owner can run a check-in now. Each proposal reads in
// the server's words and shows what became of it since (approved later → done, SPEC [G7]).
import { useCallback, useEffect, useState } from 'react';
import { ApiError, describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { useLive } from '../api/LiveProvider.tsx';
import { useWhenServerBack } from '../api/useConnection.ts';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { Empty, LoadError, Loading } from '../components/States.tsx';
import { useToast } from '../components/Toasts.tsx';
import { activityTitle } from '../text/activity-titles.ts';
import { actionLabel, formatTime } from '../text/format.ts';
import type { CollabView } from './collab-view.ts';
import { UndoRun } from './UndoRun.tsx';
import { useReloadableList } from './useReloadableList.ts';

const FATE: Record<string, string> = {
  executed: 'done', pending_approval: 'waiting for approval', refused: 'refused', approved: 'done (approved)', rejected: 'rejected', expired: 'expired', failed: 'approved, but failed',
};

/** The server adds words and the current fate to each proposal (SPEC [G7]). */
interface ProposalWords {
  summary?: string;
  currentFate?: string;
  decidedBy?: string | null;
  decisionReason?: string | null;
}

/** What a proposal is about, in a few words: the activity's title, or the message or title itself. */
function subject(params: unknown): string | undefined {
  if (!params || typeof params !== 'object') return undefined;
  const p = params as Record<string, unknown>;
  if (typeof p['activityId'] === 'string') return activityTitle(p['activityId']) ?? undefined;
  const text = typeof p['title'] === 'string' ? p['title'] : typeof p['body'] === 'string' ? p['body'] : undefined;
  return text && text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export function DigestPanel({ view }: { view: CollabView }) {
  const api = useApi();
  const toast = useToast();
  const live = useLive();
  const fetchCheckins = useCallback(() => api.listCheckins(view.collabId), [api, view.collabId]);
  const { items, error, load } = useReloadableList(fetchCheckins);
  const [running, setRunning] = useState(false);

  // A decision on a proposal's approval changes its fate.
  useEffect(load, [load, live.checkinVersion, live.approvalsVersion]);
  useWhenServerBack(load);

  /** Why the last request did not start a run (the server's 409), and whether a fresh run is offered. */
  const [refusal, setRefusal] = useState<{ text: string; canRunFresh: boolean } | null>(null);

  const runNow = async (fresh = false) => {
    if (!view.server.available) return;
    setRunning(true);
    try {
      const run = await api.runCheckin(view.collabId, fresh);
      setRefusal(null);
      toast('info', run.supersedes ? 'A fresh check-in started; its digest replaces today’s when it is done.' : 'Check-in started. The digest appears here when it is done.');
      load();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setRefusal(refusalOf(err.message));
      else toast('error', `Could not run the check-in. ${describeError(err)}`);
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="digest">
      {view.isOwner && (
        <>
          <button type="button" className="primary" onClick={() => void runNow()} disabled={running || !view.server.available} aria-describedby={describedBy('checkin-needs-server', view.server)}>
            {running ? 'Starting…' : 'Run check-in now'}
          </button>
          <NeedsServer id="checkin-needs-server" what="Running a check-in" availability={view.server} />
          {refusal && (
            <div className="banner banner-info" role="status" data-testid="checkin-refusal">
              {refusal.text}{' '}
              {refusal.canRunFresh && (
                <button type="button" className="small" onClick={() => void runNow(true)} disabled={running || !view.server.available}>
                  Run a fresh check-in
                </button>
              )}
            </div>
          )}
        </>
      )}
      <LoadError error={error} what="Check-in digests" />
      {items === null ? (
        <Loading label="Loading digests…" />
      ) : items.length === 0 ? (
        !error && <Empty>No check-ins yet. The AI checks in daily{view.isOwner ? ', or run one now' : ''}.</Empty>
      ) : (
        <ol className="timeline" data-testid="digest">
          {items.map((c) => (
            <li key={c.id} className={`checkin checkin-${c.status}`}>
              <div className="checkin-head">
                <strong>{c.localDay}</strong>
                <span className="hint">
                  {c.status === 'running' ? 'running…' : c.status === 'failed' ? 'failed' : formatTime(c.completedAt ?? c.createdAt)}
                  {c.aiGenerated === false ? ' · without AI' : ''}
                </span>
              </div>
              {c.summary && <p>{c.summary}</p>}
              {c.proposals?.length > 0 && (
                <ul className="proposals">
                  {c.proposals.map((p: typeof c.proposals[number] & ProposalWords, i) => (
                    <li key={i} data-testid="digest-proposal" data-fate={p.currentFate ?? p.fate}>
                      <span className={`fate fate-${p.currentFate ?? p.fate}`}>{FATE[p.currentFate ?? p.fate] ?? p.currentFate ?? p.fate}</span>{' '}
                      {p.summary ? (
                        <strong>{p.summary.charAt(0).toUpperCase() + p.summary.slice(1)}</strong>
                      ) : (
                        <>
                          {actionLabel(p.action)}
                          {subject(p.params) && <strong> “{subject(p.params)}”</strong>}
                        </>
                      )}
                      {p.decidedBy && p.currentFate !== 'pending_approval' && <span className="hint"> · decided by {p.decidedBy}</span>}
                      {p.decisionReason && <span className="hint"> (“{p.decisionReason}”)</span>}
                      {p.reason && <span className="hint"> — {p.reason}</span>}
                      {p.detail && <span className="hint"> ({p.detail})</span>}
                    </li>
                  ))}
                </ul>
              )}
              {c.status === 'done' && c.proposals?.some((p: typeof c.proposals[number] & ProposalWords) => ['executed', 'approved'].includes(p.currentFate ?? p.fate)) && (
                <UndoRun view={view} runId={c.runId ?? `checkin:${c.localDay}`} onDone={load} />
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The server's reason (SPEC [W7]) in the app's words; a check-in already done today can be run again fresh. */
function refusalOf(message: string): { text: string; canRunFresh: boolean } {
  const day = /\((\d{4}-\d{2}-\d{2})\)/.exec(message)?.[1];
  if (/already done/.test(message)) return { text: `Today’s check-in${day ? ` (${day})` : ''} has already run. A fresh run replaces its digest.`, canRunFresh: true };
  if (/already running/.test(message)) return { text: `Today’s check-in${day ? ` (${day})` : ''} is running now; its digest appears here when it is done.`, canRunFresh: false };
  return { text: `No check-in was started: ${message}.`, canRunFresh: false };
}
