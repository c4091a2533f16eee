// Cursor pagination for both adapters: fetch limit+1 rows or documents; the last returned key is the next cursor.
import type { Page } from '@trellis/schema';

export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, cursorOf: (r: R) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
