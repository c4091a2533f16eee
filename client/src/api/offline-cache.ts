// Last known REST answers in localStorage, per user, so the list and an opened collaboration's title
// and role still show when the network (and the service worker's cache) cannot answer.

const PREFIX = 'trellis:cache:';

export function remember(userId: string, key: string, value: unknown): void {
  try {
    localStorage.setItem(`${PREFIX}${userId}:${key}`, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the cache is an optimisation only.
  }
}

export function recall<T>(userId: string, key: string): T | null {
  try {
    const raw = localStorage.getItem(`${PREFIX}${userId}:${key}`);
    return raw === null ? null : (JSON.parse(raw) as T);
  } catch {
    return null;
  }
}
