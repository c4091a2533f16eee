// One activity with its actions: open the detail, schedule (date and time), complete, cancel (with an
// optional reason), reopen a done or cancelled one. Complete and Cancel offer Undo (a reopen) in a toast.
// On a desktop the card can be dragged to another column: the drop runs the same action as the button.
// The card is one Tab stop; the arrow keys move among its buttons (useRovingCard).
import { useImperativeHandle, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode, Ref, RefObject } from 'react';
import { decide } from '@trellis/schema';
import type { Activity, ActivityStatus, ContentAction, Decision } from '@trellis/schema';
import { useToast } from '../components/Toasts.tsx';
import { formatTime } from '../text/format.ts';
import { toLocalInput } from './board/activity-edit.ts';
import { CARD_DRAG_TYPE, cardMove } from './board/card-move.ts';
import { useRovingCard } from './board/useRovingCard.ts';
import type { CardHandle } from './board/card-move.ts';
import type { CollabView } from './collab-view.ts';
import { PendingApprovalNote } from './PendingApprovalNote.tsx';
import type { ActionResult } from './useActionRunner.ts';

type Run = (name: string, params: Record<string, unknown>) => Promise<ActionResult>;

interface InlineFormProps {
  label: string;
  inputId: string;
  submitLabel: string;
  submitClass: 'primary' | 'danger';
  busy: boolean;
  onSubmit: () => void;
  onBack: () => void;
  /** The one field, with id `inputId`. */
  children: ReactNode;
}

/** A one-field form under the card: the labelled field, then the submit button and Back. Escape is Back. */
function InlineForm({ label, inputId, submitLabel, submitClass, busy, onSubmit, onBack, children }: InlineFormProps) {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    onBack();
  };
  return (
    <form
      className="inline-form"
      onKeyDown={onKeyDown}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <label htmlFor={inputId}>{label}</label>
      {children}
      <div className="row">
        <button type="submit" className={`small ${submitClass}`} disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" className="small ghost" onClick={onBack}>
          Back
        </button>
      </div>
    </form>
  );
}

export interface ActivityCardProps {
  activity: Activity;
  view: CollabView;
  run: Run;
  /** Opens the detail dialog. */
  onOpen: (activityId: string) => void;
  /** The card left column `from`: the board moves focus to it in its new column. */
  onMoved: (activityId: string, from: ActivityStatus) => void;
  /** What the board calls when this card is dropped in a column. */
  ref?: Ref<CardHandle>;
}

const focusSoon = (ref: RefObject<HTMLElement | null>) => requestAnimationFrame(() => ref.current?.focus());

export function ActivityCard({ activity: a, view, run, onOpen, onMoved, ref }: ActivityCardProps) {
  const toast = useToast();
  const [mode, setMode] = useState<'idle' | 'schedule' | 'cancel'>('idle');
  const [at, setAt] = useState(() => toLocalInput(a.at ?? new Date(Date.now() + 24 * 3600_000).toISOString()));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'pending' | 'error'; text: string } | null>(null);
  const scheduleBtn = useRef<HTMLButtonElement>(null);
  const cancelBtn = useRef<HTMLButtonElement>(null);
  const cardRef = useRef<HTMLElement>(null);
  const roving = useRovingCard(cardRef);
  const open = a.status === 'proposed' || a.status === 'scheduled';
  // Schedule, complete, cancel and reopen go through the action API: they need the server.
  const disabled = !view.canEdit || busy || !view.server.available;
  const reasonId = view.server.available ? undefined : 'board-needs-server';
  const decision = (action: ContentAction): Decision => (view.role ? decide(view.role, action, view.policy) : 'allow');
  const suffix = (action: ContentAction) => (decision(action) === 'approval' ? ' (needs approval)' : '');
  const denied = (action: ContentAction) => decision(action) === 'deny';

  const act = async (name: ContentAction, params: Record<string, unknown>) => {
    setBusy(true);
    const r = await run(name, params);
    setBusy(false);
    // A request waiting for approval shows from the server (PendingApprovalNote), for every member.
    setNotice(r.ok && r.pending ? null : { kind: !r.ok ? 'error' : 'ok', text: r.message });
    if (!r.ok) return;
    setMode('idle');
    if (r.pending) return;
    onMoved(a.id, a.status);
    if ((name === 'completeActivity' || name === 'cancelActivity') && !denied('reopenActivity')) {
      const closed = name === 'completeActivity' ? 'done' : 'cancelled';
      const what = closed === 'done' ? 'marked done' : 'cancelled';
      toast('success', `“${a.title}” ${what}.`, { label: 'Undo', run: () => void run('reopenActivity', { activityId: a.id }).then((u) => u.ok && !u.pending && onMoved(a.id, closed)) });
    }
  };
  const back = () => {
    const opener = mode === 'cancel' ? cancelBtn : scheduleBtn;
    setMode('idle');
    focusSoon(opener);
  };
  const submitSchedule = () => {
    const d = new Date(at);
    if (Number.isNaN(d.getTime())) return setNotice({ kind: 'error', text: 'Pick a date and time.' });
    void act('scheduleActivity', { activityId: a.id, at: d.toISOString() });
  };
  // A drop is the button's action: the same policy check on the server, the same message when refused.
  const moveTo = (to: ActivityStatus) => {
    const move = cardMove(a.status, to);
    switch (move.kind) {
      case 'stay':
        return;
      case 'refused':
        return setNotice({ kind: 'error', text: move.message });
      case 'askTime':
        return setMode('schedule');
      case 'run':
        return void act(move.action, { activityId: a.id });
    }
  };
  useImperativeHandle(ref, () => ({ moveTo }));
  // Not while an inline form is open: selecting text in its field must not pick the card up.
  const draggable = view.canEdit && view.server.available && !busy && mode === 'idle';
  const submitCancel = () => void act('cancelActivity', reason.trim() ? { activityId: a.id, reason: reason.trim() } : { activityId: a.id });

  return (
    <article
      ref={cardRef}
      onFocus={roving.onFocus}
      onKeyDown={roving.onKeyDown}
      className={`activity activity-${a.status}`}
      data-testid="activity"
      data-activity-id={a.id}
      data-status={a.status}
      draggable={draggable}
      onDragStart={(e) => {
        e.dataTransfer.setData(CARD_DRAG_TYPE, a.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
    >
      <h3 className="activity-title">
        <button type="button" className="activity-open" data-roving="open" aria-haspopup="dialog" aria-describedby="board-keys" onClick={() => onOpen(a.id)}>
          {a.title}
        </button>
      </h3>
      <p className="activity-meta">
        {a.at && <span className="activity-due">Due {formatTime(a.at)}</span>}
        {a.proposedBy && <span>by {view.name(a.proposedBy)}</span>}
        {a.notes && <span className="activity-has-notes">Has a description</span>}
        {a.status === 'cancelled' && a.cancelReason && <span>reason: {a.cancelReason}</span>}
      </p>
      {open && view.canEdit && mode === 'idle' && (
        <div className="activity-actions">
          <button ref={scheduleBtn} type="button" data-roving="schedule" className="small" disabled={disabled || denied('scheduleActivity')} aria-describedby={reasonId} onClick={() => setMode('schedule')}>
            {a.status === 'scheduled' ? 'Reschedule' : 'Schedule'}
            {suffix('scheduleActivity')}
          </button>
          <button type="button" data-roving="complete" className="small" disabled={disabled || denied('completeActivity')} aria-describedby={reasonId} onClick={() => void act('completeActivity', { activityId: a.id })}>
            Complete{suffix('completeActivity')}
          </button>
          <button ref={cancelBtn} type="button" data-roving="cancel" className="small danger" disabled={disabled || denied('cancelActivity')} aria-describedby={reasonId} onClick={() => setMode('cancel')}>
            Cancel{suffix('cancelActivity')}
          </button>
        </div>
      )}
      {!open && view.canEdit && (
        <div className="activity-actions">
          <button type="button" data-roving="reopen" className="small" disabled={disabled || denied('reopenActivity')} aria-describedby={reasonId} onClick={() => void act('reopenActivity', { activityId: a.id })}>
            Reopen{suffix('reopenActivity')}
          </button>
        </div>
      )}
      {mode === 'schedule' && (
        <InlineForm label="When" inputId={`at-${a.id}`} submitLabel="Save time" submitClass="primary" busy={busy || !view.server.available} onBack={back} onSubmit={submitSchedule}>
          <input id={`at-${a.id}`} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} required autoFocus />
        </InlineForm>
      )}
      {mode === 'cancel' && (
        <InlineForm label="Reason (optional)" inputId={`reason-${a.id}`} submitLabel="Cancel activity" submitClass="danger" busy={busy || !view.server.available} onBack={back} onSubmit={submitCancel}>
          <input id={`reason-${a.id}`} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} autoFocus />
        </InlineForm>
      )}
      <PendingApprovalNote collabId={view.collabId} activityId={a.id} />
      {notice && (
        <p className={`notice notice-${notice.kind}`} role="status">
          {notice.text}
        </p>
      )}
    </article>
  );
}
