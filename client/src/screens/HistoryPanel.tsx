// The collaboration's history (SPEC [A5], [A6]): change groups newest first, as the server groups them
// (one per run, a person's edits per burst), filtered by who; "Load more" with the cursor; "View as it
// was" shows the activities and notes after a group, read-only; each AI run can be undone ([A7]), and
// owners can undo everything one person or the AI did since a time ([A9]).
import { LoadMore } from '../components/LoadMore.tsx';
import { usePagedList } from './usePagedList.ts';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { useLive } from '../api/LiveProvider.tsx';
import type { HistoryFilters, HistoryGroup, HistorySnapshot } from '../api/types.ts';
import { useWhenServerBack } from '../api/useConnection.ts';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { Empty, ErrorText, LoadError, Loading } from '../components/States.tsx';
import { formatTime } from '../text/format.ts';
import type { CollabView } from './collab-view.ts';
import { UndoRun, useActorName } from './UndoRun.tsx';
import { UndoSince } from './UndoSince.tsx';

const PAGE = 30;
const STATUS: Record<string, string> = { proposed: 'Proposed', scheduled: 'Scheduled', done: 'Done', cancelled: 'Cancelled' };

/** '' everyone, 'ai', 'user' (people), or 'person:<id>'. */
function filtersOf(who: string): HistoryFilters {
  if (who === 'ai') return { kind: 'ai' };
  if (who === 'user') return { kind: 'user' };
  if (who.startsWith('person:')) return { kind: 'user', actor: who.slice('person:'.length) };
  return {};
}

export function HistoryPanel({ view }: { view: CollabView }) {
  const api = useApi();
  const live = useLive();
  const who = useActorName(view);
  const [filter, setFilter] = useState('');
  const [people, setPeople] = useState<Map<string, string>>(() => new Map([[view.me.id, view.me.displayName]]));
  const [open, setOpen] = useState<string | null>(null);
  const fetchPage = useCallback((cursor: string | null) => api.listHistory(view.collabId, cursor, PAGE, filtersOf(filter)), [api, view.collabId, filter]);
  const notePeople = useCallback(
    (page: { items: HistoryGroup[] }) =>
      setPeople((prev) => {
        const more = new Map(prev);
        for (const g of page.items) if (g.actor.kind === 'user' && !more.has(g.actor.id)) more.set(g.actor.id, view.name(g.actor.id));
        return more.size === prev.size ? prev : more;
      }),
    [view.name],
  );
  const { items, next, loading, error, load } = usePagedList(fetchPage, notePeople);

  const reload = useCallback(() => void load(null), [load]);
  useEffect(reload, [reload, live.checkinVersion, live.approvalsVersion]);
  useWhenServerBack(reload);

  return (
    <section className="history" aria-labelledby="history-title">
      <div className="page-head">
        <h2 id="history-title">History</h2>
        <button type="button" className="small" onClick={reload} disabled={loading || !view.server.available} aria-describedby={describedBy('history-needs-server', view.server)}>
          Refresh
        </button>
      </div>
      <p className="hint">Newest first: each AI run, rule firing and burst of a person’s edits is one entry.</p>
      <UndoSince view={view} onDone={reload} />
      <form className="history-filters" aria-label="Filter the history" onSubmit={(e) => e.preventDefault()}>
        <label>
          Who
          <select value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="history-filter">
            <option value="">Everyone</option>
            <option value="ai">The AI</option>
            <option value="user">People</option>
            {[...people].map(([id, name]) => (
              <option key={id} value={`person:${id}`}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </form>
      <NeedsServer id="history-needs-server" what="Reading the history" availability={view.server} />
      <LoadError error={error} what="The history" />
      {items === null ? (
        <Loading label="Loading the history…" />
      ) : items.length === 0 ? (
        !error && <Empty>{filter ? 'Nothing matches this filter.' : 'No changes recorded yet.'}</Empty>
      ) : (
        <ol className="history-list" data-testid="history-list" aria-label={`${items.length} changes`}>
          {items.map((g) => (
            <li key={g.id} className={`card history-group history-${g.actor.kind}`} data-testid="history-group" data-actor-kind={g.actor.kind} data-run-id={g.runId ?? ''}>
              <p className="history-summary">{g.summary}</p>
              <div className="history-meta hint">
                <span>{who(g.actor).replace(/^the /, 'The ')}</span>
                {g.at && (
                  <time dateTime={g.at} title={g.at}>
                    {formatTime(g.at)}
                  </time>
                )}
                {g.changes.length > 1 && <span>{g.changes.length} changes</span>}
              </div>
              <div className="history-actions">
                <button type="button" className="small ghost" aria-expanded={open === g.id} onClick={() => setOpen((o) => (o === g.id ? null : g.id))}>
                  {open === g.id ? 'Hide how it was' : 'View as it was'}
                </button>
                {g.actor.kind === 'ai' && g.runId && g.revertible !== false && <UndoRun view={view} runId={g.runId} onDone={reload} />}
              </div>
              {open === g.id && <AsItWas view={view} changeId={g.id} />}
            </li>
          ))}
        </ol>
      )}
      {items !== null && items.length > 0 && <LoadMore className="history-more" next={next} loading={loading} onMore={(c) => void load(c)} />}
      <p className="sr-only" role="status" aria-live="polite">
        {loading ? 'Loading the history…' : items ? `${items.length} changes shown.` : ''}
      </p>
    </section>
  );
}

/** The collaboration right after a change group, read-only ([A6]). */
function AsItWas({ view, changeId }: { view: CollabView; changeId: string }) {
  const api = useApi();
  const [snap, setSnap] = useState<HistorySnapshot | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let cancelled = false;
    api.historyAt(view.collabId, changeId).then(
      (s) => !cancelled && setSnap(s),
      (err: unknown) => !cancelled && setError(describeError(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [api, view.collabId, changeId]);

  if (error) return <ErrorText>{`Could not read how it was. ${error}`}</ErrorText>;
  if (!snap) return <Loading label="Reading how it was…" />;
  return (
    <div className="as-it-was" data-testid="as-it-was">
      <h3 className="as-it-was-title">As it was after this change</h3>
      <h4>Activities</h4>
      {snap.activities.length === 0 ? (
        <p className="hint">No activities.</p>
      ) : (
        <ul data-testid="as-it-was-activities">
          {snap.activities.map((a) => (
            <li key={a.id}>
              <strong>{a.title}</strong> <span className="hint">· {STATUS[a.status ?? ''] ?? a.status}{a.at ? ` · ${formatTime(a.at)}` : ''}</span>
            </li>
          ))}
        </ul>
      )}
      <h4>Notes</h4>
      {snap.notes ? <pre className="as-it-was-notes">{snap.notes}</pre> : <p className="hint">No notes.</p>}
    </div>
  );
}
