// The collaborations list: search, create, open. Without the server (offline, or it does not answer) it
// shows the list from the last visit, says so, and never claims there are none; creating waits for it.
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { useLive } from '../api/LiveProvider.tsx';
import { appConnection } from '../api/connection.ts';
import { recall, remember } from '../api/offline-cache.ts';
import type { CollaborationSummary } from '../api/types.ts';
import { serverAvailability, useConnection, useWhenServerBack } from '../api/useConnection.ts';
import { useSession } from '../auth/AuthProvider.tsx';
import { HiddenLabel } from '../components/HiddenLabel.tsx';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { Empty, ErrorText, Loading } from '../components/States.tsx';
import { useToast } from '../components/Toasts.tsx';
import { hrefFor } from '../routing/route.ts';
import { formatTime } from '../text/format.ts';

export function CollaborationsScreen() {
  const api = useApi();
  const { user } = useSession();
  const toast = useToast();
  const [items, setItems] = useState<CollaborationSummary[] | null>(() => recall<CollaborationSummary[]>(user.id, 'collaborations'));
  const [error, setError] = useState('');
  /** The server answered the last request for the list (a cached copy does not count while it cannot). */
  const [fresh, setFresh] = useState(false);
  const connection = useConnection();
  const availability = serverAvailability(connection);
  const [query, setQuery] = useState('');
  const [title, setTitle] = useState('');
  const [creating, setCreating] = useState(false);
  const [version, setVersion] = useState(0);

  useWhenServerBack(() => setVersion((v) => v + 1));
  // Added to (or removed from) a collaboration: the list follows at once ([I5]).
  const membershipVersion = useLive().membership.version;
  useEffect(() => {
    if (membershipVersion > 0) setVersion((v) => v + 1);
  }, [membershipVersion]);

  // Someone may add me to a collaboration at any time: refresh on focus, on reconnect and now and then.
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    window.addEventListener('focus', bump);
    window.addEventListener('online', bump);
    const t = setInterval(bump, 30_000);
    return () => {
      window.removeEventListener('focus', bump);
      window.removeEventListener('online', bump);
      clearInterval(t);
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    // The service worker answers this request from its cache when the server does not; the health
    // check says which it was. This device's own copy (kept below, and on create) is never older.
    Promise.all([api.listCollaborations(), appConnection().confirm()]).then(
      ([list, answered]) => {
        if (cancelled) return;
        setError('');
        if (!answered) {
          setFresh(false);
          setItems((mine) => mine ?? list);
          return;
        }
        setItems(list);
        setFresh(true);
        remember(user.id, 'collaborations', list);
      },
      (err: unknown) => {
        if (cancelled) return;
        setFresh(false);
        // No answer is what the connection banner explains; the last known list stays.
        if (!(err instanceof ApiError && err.noAnswer)) setError(describeError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, user.id, version]);

  /** No server to ask: what shows is this device's copy from the last visit. */
  const serverless = connection !== 'online';

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = (items ?? []).filter((c) => !c.archived);
    return q ? list.filter((c) => c.title.toLowerCase().includes(q)) : list;
  }, [items, query]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim();
    if (!t || !availability.available) return;
    setCreating(true);
    try {
      const created = await api.createCollaboration(t);
      const entry: CollaborationSummary = { ...created, title: created.title ?? t, role: created.role ?? 'owner' };
      const next = [entry, ...(items ?? [])];
      setItems(next);
      remember(user.id, 'collaborations', next);
      setTitle('');
      location.hash = hrefFor({ name: 'collab', id: created.id, tab: 'board' });
    } catch (err) {
      toast('error', `Could not create it. ${describeError(err)}`);
    } finally {
      setCreating(false);
    }
  };

  return (
    <section className="page" aria-labelledby="list-title">
      <div className="page-head">
        <h1 id="list-title">Collaborations</h1>
      </div>
      <form className="create-form card" onSubmit={(e) => void create(e)}>
        <label htmlFor="new-collab">New collaboration</label>
        <div className="row">
          <input id="new-collab" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. Team offsite in May" disabled={creating} />
          <button type="submit" className="primary" disabled={creating || !title.trim() || !availability.available} aria-describedby={describedBy('create-needs-server', availability)}>
            {creating ? 'Creating…' : 'Create'}
          </button>
        </div>
        <NeedsServer id="create-needs-server" what="Creating a collaboration" availability={availability} />
      </form>
      <div className="search">
        <HiddenLabel htmlFor="search">Search collaborations</HiddenLabel>
        <input id="search" type="search" placeholder="Search…" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      {items !== null && serverless && (
        <p className="hint" data-testid="list-from-last-visit">
          {connection === 'offline' ? 'Offline' : 'Can’t reach the server'}: showing the list from your last visit.
        </p>
      )}
      <ErrorText>{error}</ErrorText>
      {shown.length === 0 && !error && (
        query && items !== null ? (
          <Empty>Nothing matches “{query}”.</Empty>
        ) : serverless ? (
          <Empty>No collaborations saved on this device. They appear here once {connection === 'offline' ? 'you are back online' : 'the server can be reached'}.</Empty>
        ) : fresh ? (
          <Empty>No collaborations yet. Create the first one above.</Empty>
        ) : (
          <Loading label="Loading your collaborations…" />
        )
      )}
      {shown.length > 0 && (
        <ul className="collab-list" data-testid="collab-list">
          {shown.map((c) => (
            <li key={c.id}>
              <a className="collab-item card" href={hrefFor({ name: 'collab', id: c.id, tab: 'board' })}>
                <span className="collab-title">{c.title}</span>
                <span className="collab-meta">
                  {c.role && <span className={`role role-${c.role}`}>{c.role}</span>}
                  {c.updatedAt && <span>updated {formatTime(c.updatedAt)}</span>}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
