// Serialises async work per key within one process. Governance checks such as "is this the last
// owner?" read then write; running them one at a time per collaboration closes the in-process race.
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    // The stored tail never rejects, so one failure does not poison the queue.
    const tail = next.then(() => undefined, () => undefined);
    this.tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
