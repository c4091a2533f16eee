// A list fetched from the API that the screen reloads on demand (live events, after an action). A failed
// reload keeps what is shown and keeps the error for the screen to word (LoadError); a failed first load
// shows an empty list, which the screen must not call empty while `error` is set.
import { useCallback, useState } from 'react';

export function useReloadableList<T>(fetchList: () => Promise<T[]>) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    fetchList().then(
      (list) => {
        setItems(list);
        setError(null);
      },
      (err: unknown) => {
        setItems((prev) => prev ?? []);
        setError(err);
      },
    );
  }, [fetchList]);

  return { items, setItems, error, setError, load };
}
