// Re-renders when a Y.Doc root changes (deep), reading it through a pure function.
import { useEffect, useState } from 'react';

/** Any Yjs shared type (Y.Array, Y.Map, Y.Text) can be observed deeply. */
interface DeepObservable {
  observeDeep(f: () => void): void;
  unobserveDeep(f: () => void): void;
}

export function useYRoot<T>(type: DeepObservable | null, read: () => T, empty: T): T {
  const [value, setValue] = useState<T>(() => (type ? read() : empty));
  useEffect(() => {
    if (!type) {
      setValue(empty);
      return;
    }
    const refresh = () => setValue(read());
    refresh();
    type.observeDeep(refresh);
    return () => type.unobserveDeep(refresh);
    // `read` is derived from `type`; the caller passes a fresh closure each render.
  }, [type]);
  return value;
}
