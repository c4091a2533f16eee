// A list fetched from the API that the screen reloads on demand (live events, after an action). A failed
// reload keeps what is shown and reports the error; a failed first load shows an empty list.
import { useCallback, useState } from 'react';
import { describeError } from '../api/api-error.ts';

export function useReloadableList<T>(fetchList: () => Promise<T[]>) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(() => {
    fetchList().then(
      (list) => {
        setItems(list);
        setError('');
      },
      (err: unknown) => {
        setItems((prev) => prev ?? []);
        setError(describeError(err));
      },
    );
  }, [fetchList]);

  return { items, setItems, error, setError, load };
}
