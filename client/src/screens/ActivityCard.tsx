// One activity with its actions: schedule (date and time), complete, cancel (with an optional reason).
import { useState } from 'react';
import type { ReactNode } from 'react';
import { decide } from '@trellis/schema';
import type { Activity, ContentAction, Decision } from '@trellis/schema';
import { formatTime } from '../text/format.ts';
import type { CollabView } from './collab-view.ts';
import type { ActionResult } from './useActionRunner.ts';

type Run = (name: string, params: Record<string, unknown>) => Promise<ActionResult>;

function toLocalInput(iso: string | undefined): string {
  const d = iso ? new Date(iso) : new Date(Date.now() + 24 * 3600_000);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

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

/** A one-field form under the card: the labelled field, then the submit button and Back. */
function InlineForm({ label, inputId, submitLabel, submitClass, busy, onSubmit, onBack, children }: InlineFormProps) {
  return (
    <form
      className="inline-form"
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

export function ActivityCard({ activity: a, view, run }: { activity: Activity; view: CollabView; run: Run }) {
  const [mode, setMode] = useState<'idle' | 'schedule' | 'cancel'>('idle');
  const [at, setAt] = useState(() => toLocalInput(a.at));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'pending' | 'error'; text: string } | null>(null);
  const open = a.status === 'proposed' || a.status === 'scheduled';
  // Schedule, complete and cancel go through the action API: they need the server.
  const disabled = !view.canEdit || busy || !view.server.available;
  const reasonId = view.server.available ? undefined : 'board-needs-server';
  const decision = (action: ContentAction): Decision => (view.role ? decide(view.role, action, view.policy) : 'allow');
  const suffix = (action: ContentAction) => (decision(action) === 'approval' ? ' (needs approval)' : '');
  const denied = (action: ContentAction) => decision(action) === 'deny';

  const act = async (name: string, params: Record<string, unknown>) => {
    setBusy(true);
    const r = await run(name, params);
    setBusy(false);
    setNotice({ kind: !r.ok ? 'error' : r.pending ? 'pending' : 'ok', text: r.ok && r.pending ? 'Waiting for owner approval.' : r.message });
    if (r.ok) setMode('idle');
  };
  const back = () => setMode('idle');
  const submitSchedule = () => {
    const d = new Date(at);
    if (Number.isNaN(d.getTime())) return setNotice({ kind: 'error', text: 'Pick a date and time.' });
    void act('scheduleActivity', { activityId: a.id, at: d.toISOString() });
  };
  const submitCancel = () => void act('cancelActivity', reason.trim() ? { activityId: a.id, reason: reason.trim() } : { activityId: a.id });

  return (
    <article className={`activity activity-${a.status}`} data-testid="activity" data-activity-id={a.id} data-status={a.status}>
      <h3 className="activity-title">{a.title}</h3>
      <p className="activity-meta">
        {a.status === 'scheduled' && a.at && <span>📅 {formatTime(a.at)}</span>}
        {a.proposedBy && <span>by {view.name(a.proposedBy)}</span>}
        {a.status === 'cancelled' && a.cancelReason && <span>reason: {a.cancelReason}</span>}
      </p>
      {open && view.canEdit && mode === 'idle' && (
        <div className="activity-actions">
          <button type="button" className="small" disabled={disabled || denied('scheduleActivity')} aria-describedby={reasonId} onClick={() => setMode('schedule')}>
            {a.status === 'scheduled' ? 'Reschedule' : 'Schedule'}
            {suffix('scheduleActivity')}
          </button>
          <button type="button" className="small" disabled={disabled || denied('completeActivity')} aria-describedby={reasonId} onClick={() => void act('completeActivity', { activityId: a.id })}>
            Complete{suffix('completeActivity')}
          </button>
          <button type="button" className="small danger" disabled={disabled || denied('cancelActivity')} aria-describedby={reasonId} onClick={() => setMode('cancel')}>
            Cancel{suffix('cancelActivity')}
          </button>
        </div>
      )}
      {mode === 'schedule' && (
        <InlineForm label="When" inputId={`at-${a.id}`} submitLabel="Save time" submitClass="primary" busy={busy || !view.server.available} onBack={back} onSubmit={submitSchedule}>
          <input id={`at-${a.id}`} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} required />
        </InlineForm>
      )}
      {mode === 'cancel' && (
        <InlineForm label="Reason (optional)" inputId={`reason-${a.id}`} submitLabel="Cancel activity" submitClass="danger" busy={busy || !view.server.available} onBack={back} onSubmit={submitCancel}>
          <input id={`reason-${a.id}`} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} />
        </InlineForm>
      )}
      {notice && (
        <p className={`notice notice-${notice.kind}`} role="status">
          {notice.text}
        </p>
      )}
    </article>
  );
}
