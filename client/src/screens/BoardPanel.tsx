// The activities board: propose (through the CRDT when the policy allows it outright, otherwise the
// action API), search and filter, open a card's detail, schedule, complete, cancel or reopen through
// the action API. On a phone the columns are swipeable tabs; a new card is scrolled into view and focused.
// On a desktop a card dropped in another column runs that column's action (the card's buttons stay
// the keyboard's and screen reader's way to do the same).
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { activitiesOf, appendActivity, decide, newId, readActivities } from '@trellis/schema';
import type { Activity, ActivityStatus } from '@trellis/schema';
import { HiddenLabel } from '../components/HiddenLabel.tsx';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { Empty } from '../components/States.tsx';
import { useYRoot } from '../sync/useYRoot.ts';
import { rememberActivityTitles } from '../text/activity-titles.ts';
import { ActivityCard } from './ActivityCard.tsx';
import { ActivityDetail } from './board/ActivityDetail.tsx';
import type { BoardFilter } from './board/board-filter.ts';
import { isFiltering, matchesFilter, NO_FILTER, proposers } from './board/board-filter.ts';
import { BoardToolbar } from './board/BoardToolbar.tsx';
import type { CardHandle } from './board/card-move.ts';
import { ColumnTabs } from './board/ColumnTabs.tsx';
import { STATUS_LABEL, STATUSES } from './board/status-labels.ts';
import { useBoardShortcuts } from './board/useBoardShortcuts.ts';
import { useColumnDrop } from './board/useColumnDrop.ts';
import type { CollabView } from './collab-view.ts';
import { neverSynced } from './collab-view.ts';
import { useActionRunner } from './useActionRunner.ts';
import './board/board.css';

/** Focus a card's open button once it is rendered (it may just have been created or moved). */
function focusCard(board: HTMLElement | null, activityId: string, scroll: boolean): boolean {
  const btn = board?.querySelector<HTMLButtonElement>(`[data-activity-id="${CSS.escape(activityId)}"] .activity-open`);
  if (!btn) return false;
  if (scroll) btn.closest('article')?.scrollIntoView({ block: 'nearest', inline: 'start' });
  btn.focus({ preventScroll: !scroll });
  return true;
}

/** A moved card takes focus only if the person has not gone elsewhere meanwhile (the search, say). */
function focusIsFree(activityId: string): boolean {
  const el = document.activeElement;
  return !el || el === document.body || el.closest(`[data-activity-id="${CSS.escape(activityId)}"]`) !== null;
}

export function BoardPanel({ view }: { view: CollabView }) {
  const doc = view.session.doc;
  const activities = useYRoot<Activity[]>(activitiesOf(doc), () => readActivities(doc), []);
  const run = useActionRunner(view.collabId, view.reload);
  const [title, setTitle] = useState('');
  const [notice, setNotice] = useState('');
  const [filter, setFilter] = useState<BoardFilter>(NO_FILTER);
  const [detailId, setDetailId] = useState<string | null>(null);
  const [activeColumn, setActiveColumn] = useState<ActivityStatus>('proposed');
  const boardRef = useRef<HTMLDivElement>(null);
  /** A card to focus once it shows: `scroll` for a new one (bring it into view), not for a moved one. */
  const pendingFocus = useRef<{ id: string; scroll: boolean } | null>(null);
  const cards = useRef(new Map<string, CardHandle>());
  const { over, dropProps } = useColumnDrop((id, status) => cards.current.get(id)?.moveTo(status));

  useEffect(() => rememberActivityTitles(activities), [activities]);
  useBoardShortcuts({ propose: 'propose-title', search: 'board-search' });
  useEffect(() => {
    const p = pendingFocus.current;
    if (!p) return;
    if (!p.scroll && !focusIsFree(p.id)) pendingFocus.current = null;
    else if (focusCard(boardRef.current, p.id, p.scroll)) pendingFocus.current = null;
  }, [activities]);

  const proposeDecision = view.role ? decide(view.role, 'proposeActivity', view.policy) : 'allow';
  // A proposal that needs approval goes through the action API, so it needs the server; one allowed
  // outright is written to the document and works offline.
  const requestBlocked = proposeDecision === 'approval' && !view.server.available;

  const propose = async (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim();
    if (!t) return;
    if (requestBlocked) return;
    if (proposeDecision === 'allow') {
      const id = newId('act');
      // The new card must be on the board to be seen: filters that would hide it are cleared.
      if (isFiltering(filter) && !matchesFilter({ id, title: t, status: 'proposed', proposedBy: view.me.id }, filter)) setFilter(NO_FILTER);
      pendingFocus.current = { id, scroll: true };
      appendActivity(doc, { id, title: t, proposedBy: view.me.id });
      setTitle('');
      setNotice('');
      return;
    }
    const r = await run('proposeActivity', { title: t });
    setNotice(r.message);
    if (r.ok) setTitle('');
  };

  // The server's answer and the synced change arrive in either order: when the card has already
  // moved it is focused now, else once it shows in its new column.
  const latest = useRef(activities);
  useLayoutEffect(() => {
    latest.current = activities;
  }, [activities]);
  const onMoved = useCallback((id: string, from: ActivityStatus) => {
    const now = latest.current.find((a) => a.id === id)?.status;
    if (now !== undefined && now !== from) requestAnimationFrame(() => focusIsFree(id) && focusCard(boardRef.current, id, false));
    else pendingFocus.current = { id, scroll: false };
  }, []);
  const closeDetail = useCallback(() => {
    const id = detailId;
    setDetailId(null);
    if (id) requestAnimationFrame(() => focusIsFree(id) && focusCard(boardRef.current, id, false));
  }, [detailId]);

  const people = useMemo(() => proposers(activities).map((id) => ({ id, name: view.name(id) })), [activities, view]);
  const shown = activities.filter((a) => matchesFilter(a, filter));
  const columns = STATUSES.filter((s) => filter.status === 'all' || filter.status === s);
  const detail = detailId ? activities.find((a) => a.id === detailId) : undefined;
  const anyOpen = activities.some((a) => a.status === 'proposed' || a.status === 'scheduled');

  return (
    <div className="board-wrap">
      <form className="row propose" onSubmit={(e) => void propose(e)}>
        <HiddenLabel htmlFor="propose-title">Activity title</HiddenLabel>
        <input
          id="propose-title"
          aria-keyshortcuts="N"
          value={title}
          maxLength={300}
          onChange={(e) => setTitle(e.target.value)}
          placeholder={view.canEdit ? 'Propose an activity… (N)' : 'Viewers cannot propose activities'}
          disabled={!view.canEdit || proposeDecision === 'deny'}
        />
        <button
          type="submit"
          className="primary"
          disabled={!view.canEdit || proposeDecision === 'deny' || !title.trim() || requestBlocked}
          aria-describedby={proposeDecision === 'approval' ? describedBy('board-needs-server', view.server) : undefined}
        >
          {proposeDecision === 'approval' ? 'Request' : 'Propose'}
        </button>
      </form>
      {proposeDecision === 'approval' && <p className="hint">Proposals by your role need the owner’s approval.</p>}
      {(requestBlocked || (view.canEdit && activities.length > 0)) && (
        <NeedsServer
          id="board-needs-server"
          what={requestBlocked ? 'Requesting, scheduling, completing or cancelling an activity' : anyOpen ? 'Scheduling, completing or cancelling an activity' : 'Reopening an activity'}
          availability={view.server}
        />
      )}
      {notice && <p className="hint" role="status">{notice}</p>}
      {activities.length === 0 ? (
        neverSynced(view) ? (
          <Empty>No activities on this device yet. Any that others proposed appear once this collaboration syncs.</Empty>
        ) : (
          <Empty>No activities yet. {view.canEdit ? 'Propose the first one above.' : ''}</Empty>
        )
      ) : (
        <>
          <BoardToolbar filter={filter} onChange={setFilter} people={people} shown={shown.length} total={activities.length} />
          <ColumnTabs
            columns={columns.map((s) => ({ status: s, label: STATUS_LABEL[s], count: shown.filter((a) => a.status === s).length }))}
            active={columns.includes(activeColumn) ? activeColumn : (columns[0] ?? 'proposed')}
            board={boardRef}
            onActive={setActiveColumn}
          />
          <p id="board-keys" className="sr-only">
            Each card is one stop for Tab. Left and right arrows move between its buttons; up and down arrows move to the card above or below.
          </p>
          <div className={`board board-${columns.length}`} data-testid="board" ref={boardRef}>
            {columns.map((status) => {
              const list = shown.filter((a) => a.status === status);
              return (
                <section
                  key={status}
                  id={`column-${status}`}
                  className={`column column-${status}${over === status ? ' drop-over' : ''}`}
                  aria-labelledby={`col-${status}`}
                  data-column={status}
                  {...dropProps(status)}
                >
                  <h2 id={`col-${status}`}>
                    {STATUS_LABEL[status]} <span className="count">{list.length}</span>
                  </h2>
                  {list.length === 0 ? (
                    <p className="column-empty">{isFiltering(filter) ? 'None match' : '—'}</p>
                  ) : (
                    <ul>
                      {list.map((a) => (
                        <li key={a.id}>
                          <ActivityCard
                            ref={(h) => {
                              if (h) cards.current.set(a.id, h);
                              else cards.current.delete(a.id);
                            }}
                            activity={a}
                            view={view}
                            run={run}
                            onOpen={setDetailId}
                            onMoved={onMoved}
                          />
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              );
            })}
          </div>
        </>
      )}
      {detail && <ActivityDetail key={detail.id} activity={detail} view={view} run={run} onClose={closeDetail} />}
    </div>
  );
}
