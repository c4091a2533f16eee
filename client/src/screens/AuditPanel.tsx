// The audit log, owners only: newest first, 50 at a time with "Load more" (nextCursor), filtered by
// who, what and when (server-side, SPEC [G7]). Each entry is a sentence from the server ("Ann
// cancelled 'Plan the hike'"; edits by what they touched), then when, what kind and the outcome.
import { LoadMore } from '../components/LoadMore.tsx';
import { usePagedList } from './usePagedList.ts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/ApiProvider.tsx';
import type { AuditFilters, AuditItem } from '../api/types.ts';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { Empty, LoadError, Loading } from '../components/States.tsx';
import { actionLabel, formatTime } from '../text/format.ts';
import type { CollabView } from './collab-view.ts';

const PAGE = 50;

const KIND_LABEL: Record<string, string> = { action: 'Action', crdt: 'Edit', approval: 'Approval', membership: 'Membership', 'refused-update': 'Refused edit' };
const ACTOR_LABEL: Record<string, string> = { user: 'User', ai: 'AI', rule: 'Rule', system: 'System' };
const WHAT_OPTIONS: [string, string][] = [
  ['', 'Everything'], ['crdt', 'Edits'], ['refused-update', 'Refused edits'], ['approval', 'Approval decisions'], ['membership', 'Membership'],
  ['proposeActivity', 'Proposed activities'], ['scheduleActivity', 'Scheduling'], ['completeActivity', 'Completions'], ['cancelActivity', 'Cancellations'],
  ['reopenActivity', 'Reopenings'], ['sendMessage', 'Messages sent by action'], ['setPolicy', 'Policy changes'], ['setRules', 'Rule changes'],
];

function short(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The detail object as a few label/value pairs; CRDT summaries get their own wording. */
export function detailParts(entry: AuditItem): { label: string; value: string }[] {
  const d = entry.detail ?? {};
  // The server's summary says what an edit touched; bytes and document roots mean nothing to people.
  if (entry.kind === 'crdt' || entry.kind === 'refused-update') return [];
  if (entry.kind === 'approval' && typeof d['reason'] === 'string') return [{ label: 'reason', value: short(d['reason'], 200) }];
  if (entry.summary) return [];
  // `{patch: {settings: {...}}}` reads better flattened: `patch.settings.aiCheckins false`.
  const flat: [string, unknown][] = [];
  const walk = (prefix: string, value: unknown, depth: number) => {
    if (value && typeof value === 'object' && !Array.isArray(value) && depth < 3) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, v, depth + 1);
    } else flat.push([prefix, value]);
  };
  walk('', d, 0);
  return flat.slice(0, 8).map(([k, v]) => ({ label: k, value: short(v) }));
}

export function AuditPanel({ view }: { view: CollabView }) {
  const api = useApi();
  const firstNew = useRef<number | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const [filters, setFilters] = useState<AuditFilters>({});
  // People seen in the log so far (the filter offers them by name), plus the non-people.
  const [people, setPeople] = useState<Map<string, string>>(() => new Map());
  const fetchPage = useCallback((cursor: string | null) => api.listAudit(view.collabId, cursor, PAGE, filters), [api, view.collabId, filters]);
  const onPage = useCallback(
    (page: { items: AuditItem[] }, shownBefore: number) => {
      if (shownBefore > 0) firstNew.current = shownBefore;
      setPeople((prev) => {
        const nextPeople = new Map(prev);
        for (const e of page.items) if (e.actor?.kind === 'user' && e.actor.userId) nextPeople.set(e.actor.userId, e.actorName ?? view.name(e.actor.userId));
        return nextPeople.size === prev.size ? prev : nextPeople;
      });
    },
    [view.name],
  );
  const { items, next, loading, error, load } = usePagedList(fetchPage, onPage);

  useEffect(() => {
    if (view.isOwner) void load(null);
  }, [load, view.isOwner]);

  // After "Load more", move keyboard focus to the first new entry so reading continues there.
  useEffect(() => {
    if (firstNew.current === null) return;
    const el = listRef.current?.children[firstNew.current] as HTMLElement | undefined;
    firstNew.current = null;
    el?.focus();
  }, [items]);

  if (!view.isOwner) return <p className="hint">Only owners can see the audit log.</p>;

  return (
    <section className="audit" aria-labelledby="audit-title">
      <div className="page-head">
        <h2 id="audit-title">Audit log</h2>
        <button type="button" className="small" onClick={() => void load(null)} disabled={loading || !view.server.available} aria-describedby={describedBy('audit-needs-server', view.server)}>
          Refresh
        </button>
      </div>
      <p className="hint">Newest first. Edits to the shared document are summarised per connection, not per keystroke.</p>
      <form className="audit-filters" aria-label="Filter the audit log" data-testid="audit-filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Who
          <select value={filters.actor ?? ''} onChange={(e) => setFilters((f) => ({ ...f, actor: e.target.value || undefined }))}>
            <option value="">Anyone</option>
            {[...people].map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
            <option value="ai">The AI</option>
            <option value="rule">Rules</option>
            <option value="system">Trellis</option>
          </select>
        </label>
        <label>
          What
          <select value={filters.action ?? ''} onChange={(e) => setFilters((f) => ({ ...f, action: e.target.value || undefined }))}>
            {WHAT_OPTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filters.from ?? ''} onChange={(e) => setFilters((f) => ({ ...f, from: e.target.value || undefined }))} />
        </label>
        <label>
          To
          <input type="date" value={filters.to ?? ''} onChange={(e) => setFilters((f) => ({ ...f, to: e.target.value || undefined }))} />
        </label>
        {(filters.actor || filters.action || filters.from || filters.to) && (
          <button type="button" className="small ghost" onClick={() => setFilters({})}>
            Clear filters
          </button>
        )}
      </form>
      <NeedsServer id="audit-needs-server" what="Refreshing the audit log" availability={view.server} />
      <LoadError error={error} what="The audit log" />
      {items === null ? (
        <Loading label="Loading the audit log…" />
      ) : items.length === 0 ? (
        !error && <Empty>{filters.actor || filters.action || filters.from || filters.to ? 'Nothing matches these filters.' : 'Nothing has been recorded yet.'}</Empty>
      ) : (
        <ol className="audit-list" ref={listRef} data-testid="audit-list" aria-label={`${items.length} audit entries`}>
          {items.map((e) => (
            <li key={e.id} className={`card audit-entry audit-${e.kind}`} data-testid="audit-entry" data-kind={e.kind} tabIndex={-1}>
              {e.summary && (
                <p className="audit-summary" data-testid="audit-summary">
                  {e.summary}
                </p>
              )}
              <div className="audit-head">
                <time dateTime={e.at} title={e.at}>
                  {formatTime(e.at)}
                </time>
                <span className={`tag audit-kind kind-${e.kind}`}>{KIND_LABEL[e.kind] ?? e.kind}</span>
                <span className={`audit-outcome outcome-${/refus|denied|fail|reject/i.test(e.outcome) ? 'bad' : 'ok'}`}>{e.outcome}</span>
              </div>
              <dl className="params audit-fields">
                <div className="param">
                  <dt>Who</dt>
                  <dd>
                    {e.actor?.kind === 'user' && e.actor.userId ? (e.actorName ?? view.name(e.actor.userId)) : (ACTOR_LABEL[e.actor?.kind] ?? e.actor?.kind ?? 'unknown')}
                    {e.actor?.ref && (
                      <>
                        {' · '}
                        <code className="small-id">{e.actor.ref}</code>
                      </>
                    )}
                  </dd>
                </div>
                {e.action && (
                  <div className="param">
                    <dt>Action</dt>
                    <dd>
                      {actionLabel(e.action)}
                      {actionLabel(e.action) !== e.action && <code className="small-id"> {e.action}</code>}
                    </dd>
                  </div>
                )}
                {detailParts(e).length > 0 && (
                  <div className="param">
                    <dt>Detail</dt>
                    <dd className="audit-detail">
                      {detailParts(e).map((p) => (
                        <span key={p.label} className="audit-detail-part">
                          <span className="audit-detail-label">{p.label}</span> {p.value}
                        </span>
                      ))}
                    </dd>
                  </div>
                )}
              </dl>
            </li>
          ))}
        </ol>
      )}
      {items !== null && items.length > 0 && <LoadMore className="audit-more" next={next} loading={loading} onMore={(c) => void load(c)} />}
      <p className="sr-only" role="status" aria-live="polite">
        {loading ? 'Loading audit entries…' : items ? `${items.length} audit entries shown.` : ''}
      </p>
    </section>
  );
}
