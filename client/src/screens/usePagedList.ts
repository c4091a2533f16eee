// A cursor-paged list from the server: the first page replaces, "load more" appends (without
// repeating entries already shown), and an answer to an older request is ignored.
import { useCallback, useRef, useState } from 'react';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagedList<T> {
  items: T[] | null;
  next: string | null;
  loading: boolean;
  error: unknown;
  load: (cursor: string | null) => Promise<void>;
}

/** `onPage` sees every page that arrives, with how many entries were shown before it (0: a fresh list). */
export function usePagedList<T extends { id: string }>(fetchPage: (cursor: string | null) => Promise<Page<T>>, onPage?: (page: Page<T>, shownBefore: number) => void): PagedList<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const shown = useRef<T[] | null>(null);
  const show = (list: T[]) => {
    shown.current = list;
    setItems(list);
  };
  const load = useCallback(
    async (cursor: string | null) => {
      const gen = ++generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await fetchPage(cursor);
        if (gen !== generation.current) return;
        const prev = cursor ? shown.current : null;
        onPage?.(page, prev?.length ?? 0);
        if (!prev) show(page.items);
        else {
          const seen = new Set(prev.map((e) => e.id));
          show([...prev, ...page.items.filter((e) => !seen.has(e.id))]);
        }
        setNext(page.nextCursor);
      } catch (err) {
        if (gen !== generation.current) return;
        if (!shown.current) show([]);
        setError(err);
      } finally {
        if (gen === generation.current) setLoading(false);
      }
    },
    [fetchPage, onPage],
  );
  return { items, next, loading, error, load };
}
