// Hash routes (`#/c/<id>/<tab>`), so deep links work offline from the service worker with no server help.

export const TABS = ['board', 'messages', 'notes', 'members', 'governance', 'digest', 'history', 'settings', 'audit'] as const;
export type Tab = (typeof TABS)[number];

export type Route =
  | { name: 'list' }
  | { name: 'collab'; id: string; tab: Tab }
  | { name: 'inbox' }
  | { name: 'notifications' }
  | { name: 'invite'; token: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id, tab] = parts;
  if (head === 'c' && id) return { name: 'collab', id, tab: (TABS as readonly string[]).includes(tab ?? '') ? (tab as Tab) : 'board' };
  if (head === 'inbox') return { name: 'inbox' };
  if (head === 'notifications') return { name: 'notifications' };
  if (head === 'invite' && id) return { name: 'invite', token: id };
  return { name: 'list' };
}

export function hrefFor(r: Route): string {
  switch (r.name) {
    case 'list':
      return '#/';
    case 'collab':
      return `#/c/${encodeURIComponent(r.id)}${r.tab === 'board' ? '' : `/${r.tab}`}`;
    case 'inbox':
      return '#/inbox';
    case 'notifications':
      return '#/notifications';
    case 'invite':
      return `#/invite/${encodeURIComponent(r.token)}`;
  }
}
