// Collaboration settings: title, time zone, AI check-ins and archiving. Only the owner changes them
// (PATCH /api/collaborations/:id); everyone else sees the values read-only. The server validates the
// time zone and its 400 message is shown in words.
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import type { CollaborationPatch, CollaborationSummary } from '../api/types.ts';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { ErrorText, Loading } from '../components/States.tsx';
import { useToast } from '../components/Toasts.tsx';
import type { CollabView } from './collab-view.ts';

/** IANA zones this browser knows, for suggestions only: the server has the last word. */
function knownZones(): string[] {
  try {
    return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  } catch {
    return ['UTC'];
  }
}

/** Words for a failed save; a refused time zone names the zone and quotes the server. */
function saveError(err: unknown, timeZone: string): string {
  if (err instanceof ApiError && err.status === 400 && /timeZone/i.test(err.message)) {
    return `“${timeZone}” is not a time zone the server accepts. Pick an IANA zone such as Europe/Berlin or America/New_York. (Server: ${err.message})`;
  }
  if (err instanceof ApiError && err.status === 400) return `The server did not accept these settings: ${err.message}`;
  return describeError(err);
}

export function SettingsPanel({ view, collab, onSaved }: { view: CollabView; collab: CollaborationSummary | null; onSaved: (c: CollaborationSummary) => void }) {
  const api = useApi();
  const toast = useToast();
  const zones = useMemo(knownZones, []);
  const saved = {
    title: collab?.title ?? '',
    timeZone: collab?.settings?.timeZone ?? 'UTC',
    aiCheckins: collab?.settings?.aiCheckins ?? true,
  };
  const [title, setTitle] = useState(saved.title);
  const [timeZone, setTimeZone] = useState(saved.timeZone);
  const [aiCheckins, setAiCheckins] = useState(saved.aiCheckins);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  // Take the server's values whenever they change (a save here, or a reload after a reconnect).
  useEffect(() => {
    setTitle(saved.title);
    setTimeZone(saved.timeZone);
    setAiCheckins(saved.aiCheckins);
  }, [saved.title, saved.timeZone, saved.aiCheckins]);

  if (!collab) return <Loading label="Loading the settings…" />;

  const readOnly = !view.isOwner;
  const patch: CollaborationPatch = {};
  if (title.trim() !== saved.title) patch.title = title.trim();
  const settings: NonNullable<CollaborationPatch['settings']> = {};
  if (timeZone.trim() !== saved.timeZone) settings.timeZone = timeZone.trim();
  if (aiCheckins !== saved.aiCheckins) settings.aiCheckins = aiCheckins;
  if (Object.keys(settings).length > 0) patch.settings = settings;
  const dirty = Object.keys(patch).length > 0;

  const offline = !view.server.available;
  const reasonId = describedBy('settings-needs-server', view.server);

  const send = async (body: CollaborationPatch, success: string) => {
    if (offline) return;
    setBusy(true);
    setError('');
    try {
      const updated = await api.updateCollaboration(view.collabId, body);
      onSaved({ ...collab, ...updated, role: updated.role ?? collab.role ?? 'owner' });
      toast('success', success);
    } catch (err) {
      const message = saveError(err, body.settings?.timeZone ?? timeZone);
      setError(message);
      toast('error', `Settings not saved. ${message}`);
    } finally {
      setBusy(false);
    }
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return setError('The title cannot be empty.');
    if (!timeZone.trim()) return setError('Choose a time zone, for example UTC or Europe/Berlin.');
    if (!dirty) return;
    void send(patch, 'Settings saved.');
  };

  const archived = collab.archived === true;

  return (
    <div className="settings">
      {readOnly && <p className="hint">Only the owner can change these settings.</p>}
      <form className="card settings-form" onSubmit={save} aria-labelledby="settings-title" data-testid="settings-form">
        <h2 id="settings-title">Settings</h2>
        <div className="field">
          <label htmlFor="settings-name">Title</label>
          <input id="settings-name" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} readOnly={readOnly} disabled={busy} required />
        </div>
        <div className="field">
          <label htmlFor="settings-tz">Time zone</label>
          <input
            id="settings-tz"
            list={readOnly ? undefined : 'settings-tz-list'}
            value={timeZone}
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            aria-describedby="settings-tz-hint"
            onChange={(e) => setTimeZone(e.target.value)}
            readOnly={readOnly}
            disabled={busy}
          />
          {!readOnly && (
            <datalist id="settings-tz-list">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          )}
          <p id="settings-tz-hint" className="hint">
            An IANA zone such as Europe/Berlin. Check-ins and digests use it.
          </p>
        </div>
        <div className="field field-check">
          <input id="settings-ai" type="checkbox" checked={aiCheckins} onChange={(e) => setAiCheckins(e.target.checked)} disabled={readOnly || busy} aria-describedby="settings-ai-hint" />
          <label htmlFor="settings-ai">AI check-ins</label>
          <p id="settings-ai-hint" className="hint">
            When on, the AI assistant posts scheduled check-ins and digests here.
          </p>
        </div>
        {!readOnly && <NeedsServer id="settings-needs-server" what="Saving settings and archiving" availability={view.server} />}
        {!readOnly && (
          <div className="row wrap">
            <button type="submit" className="primary" disabled={busy || !dirty || offline} aria-describedby={reasonId}>
              {busy ? 'Saving…' : 'Save settings'}
            </button>
            {dirty && (
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setTitle(saved.title);
                  setTimeZone(saved.timeZone);
                  setAiCheckins(saved.aiCheckins);
                  setError('');
                }}
              >
                Discard changes
              </button>
            )}
          </div>
        )}
        <ErrorText>{error}</ErrorText>
      </form>

      <section className="card settings-archive" aria-labelledby="archive-title">
        <h2 id="archive-title">Archive</h2>
        <p className="hint" data-testid="archive-state">
          {archived
            ? 'This collaboration is archived: it is hidden from the list and its content can no longer change.'
            : 'Archiving hides this collaboration from the list and stops changes to its content. It can be unarchived later.'}
        </p>
        {!readOnly && (
          <button
            type="button"
            className={archived ? undefined : 'danger'}
            disabled={busy || offline}
            aria-describedby={reasonId}
            onClick={() => void send({ archived: !archived }, archived ? 'Collaboration unarchived.' : 'Collaboration archived.')}
          >
            {archived ? 'Unarchive' : 'Archive collaboration'}
          </button>
        )}
      </section>
    </div>
  );
}
