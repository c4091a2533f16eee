// An activity's detail, in a modal dialog: title, description, due date (editable where the role and
// policy allow), who proposed it, its status history, and Reopen for a done or cancelled one. Escape
// closes it and focus goes back to the card that opened it.
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { decide, isClosedStatus } from '@trellis/schema';
import type { Activity, ContentAction, Decision } from '@trellis/schema';
import { useApi } from '../../api/ApiProvider.tsx';
import type { HistoryGroup } from '../../api/types.ts';
import { formatTime } from '../../text/format.ts';
import type { CollabView } from '../collab-view.ts';
import type { ActionResult } from '../useActionRunner.ts';
import { editActivityFields, fromLocalInput, setActivityDue, toLocalInput } from './activity-edit.ts';
import { STATUS_LABEL } from './status-labels.ts';
import { stepsFromDocument, stepsFromHistory } from './status-history.ts';
import type { StatusStep } from './status-history.ts';

type Run = (name: string, params: Record<string, unknown>) => Promise<ActionResult>;

/** At most this many pages of history are read for one activity (newest first). */
const HISTORY_PAGES = 3;

function useStatusSteps(view: CollabView, a: Activity): { steps: StatusStep[]; fromHistory: boolean } {
  const api = useApi();
  const [groups, setGroups] = useState<HistoryGroup[] | null>(null);
  // Re-read when the status changes while the dialog is open.
  const key = `${a.status}|${a.updatedAt ?? ''}`;
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const all: HistoryGroup[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < HISTORY_PAGES; i++) {
        const page = await api.listHistory(view.collabId, cursor);
        all.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      if (!cancelled) setGroups(all);
    })().catch(() => {
      // Offline or no history here: the document's own dates stand in.
      if (!cancelled) setGroups(null);
    });
    return () => {
      cancelled = true;
    };
  }, [api, view.collabId, key]);
  const fromHistory = groups ? stepsFromHistory(groups, a.id, view.name) : [];
  return fromHistory.length > 0 ? { steps: fromHistory, fromHistory: true } : { steps: stepsFromDocument(a, view.name), fromHistory: false };
}

export function ActivityDetail({ activity: a, view, run, onClose }: { activity: Activity; view: CollabView; run: Run; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const uid = useId();
  const [title, setTitle] = useState(a.title);
  const [notes, setNotes] = useState(a.notes ?? '');
  const [due, setDue] = useState(toLocalInput(a.at));
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'pending' | 'error'; text: string } | null>(null);
  const { steps, fromHistory } = useStatusSteps(view, a);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  const decision = (action: ContentAction): Decision => (view.role ? decide(view.role, action, view.policy) : 'allow');
  const closed = isClosedStatus(a.status);
  const dueDecision = decision('scheduleActivity');
  // A due date allowed outright is written to the document (works offline); one needing approval is
  // requested as scheduleActivity (server), which a closed activity cannot take.
  const dueEditable = view.canEdit && dueDecision !== 'deny' && (dueDecision === 'allow' || (!closed && view.server.available));
  const dueHint = !view.canEdit
    ? null
    : dueDecision === 'deny'
      ? 'Your role may not set due dates.'
      : dueDecision === 'approval'
        ? closed
          ? 'Reopen it first: a due date for your role needs the owner’s approval.'
          : 'A new due date waits for the owner’s approval (it also schedules the activity).'
        : null;
  const reopenDecision = decision('reopenActivity');

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!view.canEdit) return;
    if (!title.trim()) return setNotice({ kind: 'error', text: 'An activity needs a title.' });
    const doc = view.session.doc;
    if (!editActivityFields(doc, a.id, { title, notes })) return setNotice({ kind: 'error', text: 'This activity is no longer on the board.' });
    const at = fromLocalInput(due);
    if (due && !at) return setNotice({ kind: 'error', text: 'Pick a valid due date.' });
    if (toLocalInput(at) !== toLocalInput(a.at)) {
      if (dueDecision === 'allow') setActivityDue(doc, a.id, at);
      else if (dueDecision === 'approval' && at) {
        setBusy(true);
        const r = await run('scheduleActivity', { activityId: a.id, at });
        setBusy(false);
        return setNotice({ kind: !r.ok ? 'error' : r.pending ? 'pending' : 'ok', text: r.ok && r.pending ? 'Saved; the new due date waits for owner approval.' : r.message });
      }
    }
    setNotice({ kind: 'ok', text: 'Saved.' });
  };

  const reopen = async () => {
    setBusy(true);
    const r = await run('reopenActivity', { activityId: a.id });
    setBusy(false);
    setNotice({ kind: !r.ok ? 'error' : r.pending ? 'pending' : 'ok', text: r.ok && r.pending ? 'Waiting for owner approval.' : r.ok ? 'Reopened.' : r.message });
  };

  const readOnly = !view.canEdit;
  return (
    <dialog ref={ref} className="dialog activity-detail" aria-labelledby={`${uid}-h`} data-testid="activity-detail" onClose={onClose}>
      <div className="detail-head">
        <h2 id={`${uid}-h`}>{a.title}</h2>
        <span className={`status-pill status-${a.status}`} data-testid="detail-status">
          {STATUS_LABEL[a.status]}
        </span>
      </div>
      <p className="detail-meta">
        {a.proposedBy ? <>Proposed by <strong>{view.name(a.proposedBy)}</strong></> : 'Proposed'}
        {a.createdAt && <> · {formatTime(a.createdAt)}</>}
        {a.status === 'cancelled' && a.cancelReason && <> · reason: {a.cancelReason}</>}
      </p>
      <form className="detail-form" onSubmit={(e) => void save(e)}>
        <div className="field">
          <label htmlFor={`${uid}-title`}>Title</label>
          <input id={`${uid}-title`} value={title} maxLength={300} readOnly={readOnly} required onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${uid}-notes`}>Description</label>
          <textarea id={`${uid}-notes`} value={notes} rows={4} maxLength={4000} readOnly={readOnly} placeholder={readOnly ? '' : 'Details, links, who brings what…'} onChange={(e) => setNotes(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${uid}-due`}>Due date</label>
          <input id={`${uid}-due`} type="datetime-local" value={due} readOnly={readOnly} disabled={!readOnly && !dueEditable} aria-describedby={dueHint ? `${uid}-due-hint` : undefined} onChange={(e) => setDue(e.target.value)} />
          {dueHint && (
            <p id={`${uid}-due-hint`} className="hint">
              {dueHint}
            </p>
          )}
        </div>
        <div className="row wrap detail-actions">
          {view.canEdit && (
            <button type="submit" className="primary" disabled={busy}>
              Save changes
            </button>
          )}
          {view.canEdit && closed && (
            <button type="button" disabled={busy || !view.server.available || reopenDecision === 'deny'} onClick={() => void reopen()}>
              Reopen{reopenDecision === 'approval' ? ' (needs approval)' : ''}
            </button>
          )}
          <button type="button" className="ghost" onClick={() => ref.current?.close()}>
            Close
          </button>
        </div>
        {notice && (
          <p className={`notice notice-${notice.kind}`} role="status">
            {notice.text}
          </p>
        )}
      </form>
      <section className="detail-history" aria-labelledby={`${uid}-hist`}>
        <h3 id={`${uid}-hist`}>Status history</h3>
        <ol className="status-history" data-testid="status-history">
          {steps.map((s, i) => (
            <li key={i}>
              <span className={`status-pill status-${s.status}`}>{STATUS_LABEL[s.status]}</span>
              {s.by && <span> by {s.by}</span>}
              {s.at && <time dateTime={s.at}> · {formatTime(s.at)}</time>}
            </li>
          ))}
        </ol>
        {!fromHistory && <p className="hint">The full history shows when the server can be reached.</p>}
      </section>
    </dialog>
  );
}
