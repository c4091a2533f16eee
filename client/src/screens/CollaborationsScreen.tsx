// The collaborations list: search, create, open. Falls back to the last known list when offline.
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { recall, remember } from '../api/offline-cache.ts';
import type { CollaborationSummary } from '../api/types.ts';
import { useSession } from '../auth/AuthProvider.tsx';
import { HiddenLabel } from '../components/HiddenLabel.tsx';
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
  const [stale, setStale] = useState(false);
  const [query, setQuery] = useState('');
  const [title, setTitle] = useState('');
  const [creating, setCreating] = useState(false);
  const [version, setVersion] = useState(0);

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
    api.listCollaborations().then(
      (list) => {
        if (cancelled) return;
        setItems(list);
        setStale(false);
        setError('');
        remember(user.id, 'collaborations', list);
      },
      (err: unknown) => {
        if (cancelled) return;
        if (err instanceof ApiError && err.offline && recall(user.id, 'collaborations')) setStale(true);
        else setError(describeError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, user.id, version]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = (items ?? []).filter((c) => !c.archived);
    return q ? list.filter((c) => c.title.toLowerCase().includes(q)) : list;
  }, [items, query]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim();
    if (!t) return;
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
          <button type="submit" className="primary" disabled={creating || !title.trim()}>
            {creating ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
      <div className="search">
        <HiddenLabel htmlFor="search">Search collaborations</HiddenLabel>
        <input id="search" type="search" placeholder="Search…" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      {stale && <p className="hint">Offline: showing the list from your last visit.</p>}
      <ErrorText>{error}</ErrorText>
      {items === null && !error && <Loading label="Loading your collaborations…" />}
      {items !== null && shown.length === 0 && <Empty>{query ? `Nothing matches “${query}”.` : 'No collaborations yet. Create the first one above.'}</Empty>}
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
