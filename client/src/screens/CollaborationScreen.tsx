// One collaboration: title, sync status, presence and the tabbed panels. The document opens from
// IndexedDB at once and syncs in the background, so everything here works offline.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Role } from '@trellis/schema';
import { ApiError, describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { useLive } from '../api/LiveProvider.tsx';
import { appConnection } from '../api/connection.ts';
import { recall, remember } from '../api/offline-cache.ts';
import type { CollaborationSummary, Member } from '../api/types.ts';
import { useServerAvailability, useWhenServerBack } from '../api/useConnection.ts';
import { useAuth, useSession } from '../auth/AuthProvider.tsx';
import { PresenceBar } from '../components/PresenceBar.tsx';
import { Deferred, deferred } from '../components/Deferred.tsx';
import { ErrorText, Loading } from '../components/States.tsx';
import { SyncStatus } from '../components/SyncStatus.tsx';
import { useToast } from '../components/Toasts.tsx';
import { hrefFor } from '../routing/route.ts';
import type { Tab } from '../routing/route.ts';
import { useDocSession, useSyncSnapshot } from '../sync/useDocSession.ts';
import { usePresence } from '../sync/usePresence.ts';
import { nameOf } from '../text/names.ts';
import { BoardPanel } from './BoardPanel.tsx';
import type { CollabView } from './collab-view.ts';
import { MessagesPanel } from './MessagesPanel.tsx';
import { NotesPanel } from './NotesPanel.tsx';

// Owner-only and rarely opened: loaded on demand, each its own chunk.
const GovernancePanel = deferred(() => import('./GovernancePanel.tsx'), 'GovernancePanel');
const MembersPanel = deferred(() => import('./MembersPanel.tsx'), 'MembersPanel');
const DigestPanel = deferred(() => import('./DigestPanel.tsx'), 'DigestPanel');
const SettingsPanel = deferred(() => import('./SettingsPanel.tsx'), 'SettingsPanel');
const AuditPanel = deferred(() => import('./AuditPanel.tsx'), 'AuditPanel');
const HistoryPanel = deferred(() => import('./HistoryPanel.tsx'), 'HistoryPanel');

const ROLE_CHANGED: Record<Role, string> = {
  owner: 'Your role is now owner: you can also manage members, rules and policy.',
  editor: 'Your role is now editor: you can edit the content; members, rules and policy are for owners.',
  viewer: 'Your role is now viewer: you can read along, but not change anything.',
};

const TAB_LABELS: Record<Tab, string> = { board: 'Board', messages: 'Messages', notes: 'Notes', members: 'Members', governance: 'Rules & policy', digest: 'Digest', history: 'History', settings: 'Settings', audit: 'Audit' };
/** Tabs only owners see (the server answers 403 to anyone else). */
const OWNER_TABS: ReadonlySet<Tab> = new Set<Tab>(['audit']);

export function CollaborationScreen({ id, tab }: { id: string; tab: Tab }) {
  const api = useApi();
  const toast = useToast();
  const { session: auth, markExpired } = useAuth();
  const { user, token } = useSession();
  const [collab, setCollab] = useState<CollaborationSummary | null>(() => recall<CollaborationSummary>(user.id, `collab:${id}`));
  const [members, setMembers] = useState<Member[]>([]);
  const [loadError, setLoadError] = useState('');
  const [notFound, setNotFound] = useState(false);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useWhenServerBack(reload);
  const server = useServerAvailability();
  const saved = useCallback(
    (c: CollaborationSummary) => {
      setCollab(c);
      remember(user.id, `collab:${id}`, c);
    },
    [id, user.id],
  );

  const fetchCollab = useCallback(async () => {
    try {
      // As with the list: a 200 while the server does not answer is the service worker's cached copy,
      // never newer than this device's own (kept on every answer and every save).
      const [c, answered] = await Promise.all([api.getCollaboration(id), appConnection().confirm()]);
      if (!answered) {
        setCollab((mine) => mine ?? c);
        return;
      }
      setCollab(c);
      setNotFound(false);
      setLoadError('');
      remember(user.id, `collab:${id}`, c);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setNotFound(true);
      else if (!(err instanceof ApiError && (err.noAnswer || err.status === 401))) setLoadError(describeError(err));
    }
  }, [api, id, user.id]);

  useEffect(() => {
    void fetchCollab();
  }, [fetchCollab, version]);

  useEffect(() => {
    let cancelled = false;
    api.listMembers(id).then(
      (m) => {
        if (cancelled) return;
        setMembers(m);
        remember(user.id, `members:${id}`, m);
      },
      () => !cancelled && setMembers(recall<Member[]>(user.id, `members:${id}`) ?? []),
    );
    return () => {
      cancelled = true;
    };
  }, [api, id, user.id, version]);

  // A role change reaches this open screen at once ([I5]): re-read the role and members, and say why
  // the controls changed when the change is mine.
  const { membership } = useLive();
  const seenMembership = useRef(membership.version);
  useEffect(() => {
    const e = membership.last;
    if (!e || e.collaborationId !== id || membership.version <= seenMembership.current) return;
    seenMembership.current = membership.version;
    reload();
    if (e.userId !== user.id) return;
    if (e.role === null) toast('warning', 'An owner removed you from this collaboration.');
    else toast('info', ROLE_CHANGED[e.role]);
  }, [membership, id, user.id, reload, toast]);

  const session = useDocSession({
    collabId: id,
    user,
    token: auth?.token ?? token,
    onRefused: (r) => {
      toast('warning', `A change of yours was not accepted and has been undone: ${r.message}`);
      // The policy or my role may have changed since this screen loaded.
      void fetchCollab();
    },
    onConnectTrouble: () => void fetchCollab(),
  });
  const snapshot = useSyncSnapshot(session);
  const peers = usePresence(session);

  useEffect(() => {
    if (snapshot.stopped === 'access') void fetchCollab();
    if (snapshot.stopped === 'auth') markExpired();
  }, [snapshot.stopped, fetchCollab, markExpired]);

  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const mem of members) if (mem.displayName) m.set(mem.userId, mem.displayName);
    for (const p of peers) m.set(p.user.id, p.user.name);
    m.set(user.id, user.displayName);
    return m;
  }, [members, peers, user]);

  if (notFound) {
    return (
      <section className="page">
        <h1>Not available</h1>
        <ErrorText>This collaboration does not exist or you are not a member of it.</ErrorText>
        <a href="#/">Back to your collaborations</a>
      </section>
    );
  }
  if (!session) return <Loading label="Opening…" />;

  const role = collab?.role ?? null;
  const view: CollabView = {
    collabId: id,
    session,
    sync: snapshot,
    server,
    role,
    canEdit: role !== 'viewer',
    isOwner: role === 'owner',
    policy: collab?.policy ?? {},
    me: user,
    name: (uid) => nameOf(uid, names),
    reload,
  };

  return (
    <section className="page collab" aria-labelledby="collab-title" data-role={role ?? 'unknown'}>
      <div className="collab-head">
        <div className="collab-head-main">
          <h1 id="collab-title">{collab?.title ?? 'Collaboration'}</h1>
          {role && <span className={`role role-${role}`}>{role}</span>}
        </div>
        <div className="collab-head-side">
          <SyncStatus snapshot={snapshot} />
          <PresenceBar peers={peers} />
        </div>
      </div>
      {role === 'viewer' && <p className="banner banner-info">You are a viewer: you can read along, but not change anything.</p>}
      {collab?.archived && (
        <p className="banner banner-info" data-testid="archived-banner">
          This collaboration is archived: its content can no longer change.{role === 'owner' && <> Unarchive it in <a href={hrefFor({ name: 'collab', id, tab: 'settings' })}>Settings</a>.</>}
        </p>
      )}
      <ErrorText>{loadError}</ErrorText>
      <nav className="tabs" aria-label="Collaboration sections">
        {(Object.keys(TAB_LABELS) as Tab[]).filter((t) => role === 'owner' || !OWNER_TABS.has(t) || t === tab).map((t) => (
          <a key={t} href={hrefFor({ name: 'collab', id, tab: t })} aria-current={t === tab ? 'page' : undefined} className="tab">
            {TAB_LABELS[t]}
          </a>
        ))}
      </nav>
      <div className="panel">
        {!snapshot.loaded && tab !== 'settings' && tab !== 'audit' && tab !== 'history' ? (
          <Loading label="Loading the document…" />
        ) : tab === 'board' ? (
          <BoardPanel view={view} />
        ) : tab === 'messages' ? (
          <MessagesPanel view={view} />
        ) : tab === 'notes' ? (
          <NotesPanel view={view} />
        ) : tab === 'members' ? (
          <Deferred label="Loading the members…">
            <MembersPanel view={view} members={members} onChanged={reload} />
          </Deferred>
        ) : tab === 'governance' ? (
          <Deferred label="Loading rules and policy…">
            <GovernancePanel view={view} />
          </Deferred>
        ) : tab === 'settings' ? (
          <Deferred label="Loading settings…">
            <SettingsPanel view={view} collab={collab} onSaved={saved} />
          </Deferred>
        ) : tab === 'history' ? (
          <Deferred label="Loading the history…">
            <HistoryPanel view={view} />
          </Deferred>
        ) : tab === 'audit' ? (
          <Deferred label="Loading the audit log…">
            <AuditPanel view={view} />
          </Deferred>
        ) : (
          <Deferred label="Loading the digest…">
            <DigestPanel view={view} />
          </Deferred>
        )}
      </div>
    </section>
  );
}
