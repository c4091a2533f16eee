// `promise.then` for effects: the handlers stop running once the returned cancel function is called, so an
// answer that arrives after the effect's dependencies changed (or the component unmounted) is dropped.
export function cancellableThen<T>(promise: Promise<T>, onValue: (value: T) => void, onError: (err: unknown) => void = () => undefined): () => void {
  let cancelled = false;
  promise.then(
    (value) => {
      if (!cancelled) onValue(value);
    },
    (err: unknown) => {
      if (!cancelled) onError(err);
    },
  );
  return () => {
    cancelled = true;
  };
}
