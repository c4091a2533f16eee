// The activities board: propose (through the CRDT when the policy allows it outright, otherwise the
// action API), then schedule, complete or cancel through the action API.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { activitiesOf, appendActivity, decide, newId, readActivities } from '@trellis/schema';
import type { Activity, ActivityStatus } from '@trellis/schema';
import { HiddenLabel } from '../components/HiddenLabel.tsx';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { Empty } from '../components/States.tsx';
import { useYRoot } from '../sync/useYRoot.ts';
import { rememberActivityTitles } from '../text/activity-titles.ts';
import { ActivityCard } from './ActivityCard.tsx';
import type { CollabView } from './collab-view.ts';
import { neverSynced } from './collab-view.ts';
import { useActionRunner } from './useActionRunner.ts';

const COLUMNS: { status: ActivityStatus; label: string }[] = [
  { status: 'proposed', label: 'Proposed' },
  { status: 'scheduled', label: 'Scheduled' },
  { status: 'done', label: 'Done' },
  { status: 'cancelled', label: 'Cancelled' },
];

export function BoardPanel({ view }: { view: CollabView }) {
  const doc = view.session.doc;
  const activities = useYRoot<Activity[]>(activitiesOf(doc), () => readActivities(doc), []);
  const run = useActionRunner(view.collabId, view.reload);
  const [title, setTitle] = useState('');
  const [notice, setNotice] = useState('');

  useEffect(() => rememberActivityTitles(activities), [activities]);

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
      appendActivity(doc, { id: newId('act'), title: t, proposedBy: view.me.id });
      setTitle('');
      setNotice('');
      return;
    }
    const r = await run('proposeActivity', { title: t });
    setNotice(r.message);
    if (r.ok) setTitle('');
  };

  return (
    <div className="board-wrap">
      <form className="row propose" onSubmit={(e) => void propose(e)}>
        <HiddenLabel htmlFor="propose-title">Activity title</HiddenLabel>
        <input
          id="propose-title"
          value={title}
          maxLength={300}
          onChange={(e) => setTitle(e.target.value)}
          placeholder={view.canEdit ? 'Propose an activity…' : 'Viewers cannot propose activities'}
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
      {(requestBlocked || (view.canEdit && activities.some((a) => a.status === 'proposed' || a.status === 'scheduled'))) && (
        <NeedsServer id="board-needs-server" what={requestBlocked ? 'Requesting, scheduling, completing or cancelling an activity' : 'Scheduling, completing or cancelling an activity'} availability={view.server} />
      )}
      {notice && <p className="hint" role="status">{notice}</p>}
      {activities.length === 0 ? (
        neverSynced(view) ? (
          <Empty>No activities on this device yet. Any that others proposed appear once this collaboration syncs.</Empty>
        ) : (
          <Empty>No activities yet. {view.canEdit ? 'Propose the first one above.' : ''}</Empty>
        )
      ) : (
        <div className="board" data-testid="board">
          {COLUMNS.map((col) => {
            const list = activities.filter((a) => a.status === col.status);
            return (
              <section key={col.status} className={`column column-${col.status}`} aria-labelledby={`col-${col.status}`}>
                <h2 id={`col-${col.status}`}>
                  {col.label} <span className="count">{list.length}</span>
                </h2>
                {list.length === 0 ? (
                  <p className="column-empty">—</p>
                ) : (
                  <ul>
                    {list.map((a) => (
                      <li key={a.id}>
                        <ActivityCard activity={a} view={view} run={run} />
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      )}
    </div>
  );
}
