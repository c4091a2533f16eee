// Local changes not yet stored on the server, across the signed-in user's collaborations: the open
// documents' save trackers and, for documents not open, what their trackers left in localStorage
// (`trellis:pending:<userId>:<collabId>`, written by DocSession). Sign-out asks here before it lets
// unsaved edits stay behind on this device.

export interface OpenDoc {
  readonly snapshot: { unsaved: number };
  subscribe: (fn: () => void) => () => void;
}

const PREFIX = 'trellis:pending:';
const open = new Map<string, Set<OpenDoc>>();
const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

/** A document session that is open (its count is live); returns the unregister. */
export function registerOpenDoc(userId: string, collabId: string, doc: OpenDoc): () => void {
  const key = `${userId}:${collabId}`;
  let docs = open.get(key);
  if (!docs) open.set(key, (docs = new Set()));
  docs.add(doc);
  const unsubscribe = doc.subscribe(notify);
  notify();
  return () => {
    unsubscribe();
    docs.delete(doc);
    if (docs.size === 0) open.delete(key);
    notify();
  };
}

export function isDocOpen(userId: string, collabId: string): boolean {
  return open.has(`${userId}:${collabId}`);
}

/** Collaboration id → changes not yet stored, for this user; only collaborations with some. */
export function pendingChanges(userId: string): Map<string, number> {
  const out = new Map<string, number>();
  const prefix = `${PREFIX}${userId}:`;
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key?.startsWith(prefix)) continue;
      const entries: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
      if (Array.isArray(entries) && entries.length > 0) out.set(key.slice(prefix.length), entries.length);
    }
  } catch {
    // Storage unreadable: the open documents below still count.
  }
  for (const [key, docs] of open) {
    if (!key.startsWith(`${userId}:`)) continue;
    const collabId = key.slice(userId.length + 1);
    const count = Math.max(0, ...[...docs].map((d) => d.snapshot.unsaved));
    if (count > 0) out.set(collabId, count);
    else out.delete(collabId);
  }
  return out;
}

/** Called whenever an open document's count may have changed, or a document opened or closed. */
export function subscribePendingChanges(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
