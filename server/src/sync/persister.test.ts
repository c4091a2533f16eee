// The persister writes a backlog in bounded batches and reports when its queue is over its bound.
import { describe, expect, it } from 'vitest';
import { createLogger, Metrics } from '@trellis/runtime';
import type { AppendEntry } from '@trellis/store';
import { COMMIT_SPACING_MS, MAX_BATCH_BYTES, MAX_BATCH_UPDATES, OVERLOAD_BYTES, Persister } from './persister.ts';

const logger = createLogger({ level: 'silent', name: 'persister-test' });

function fakeStore() {
  const batches: AppendEntry[][] = [];
  /** When each append began (performance.now()). */
  const startedAt: number[] = [];
  const seqs = new Map<string, number>();
  let failing = false;
  const append = async (entries: AppendEntry[]) => {
    startedAt.push(performance.now());
    await new Promise((r) => setTimeout(r, 1));
    if (failing) throw new Error('store down');
    batches.push(entries);
    return entries.map((e) => {
      const first = (seqs.get(e.collaborationId) ?? 0) + 1;
      seqs.set(e.collaborationId, first + e.updates.length - 1);
      return { firstSeq: first, lastSeq: first + e.updates.length - 1 };
    });
  };
  return { append, batches, startedAt, fail: (v: boolean) => (failing = v) };
}

const gauge = (m: Metrics, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(m.render())?.[1]);

describe('persister', () => {
  it('[S7] writes a backlog in batches of at most MAX_BATCH_UPDATES updates and MAX_BATCH_BYTES bytes, in order', async () => {
    const store = fakeStore();
    const p = new Persister(store.append, 'me', logger, new Metrics());
    const small = Array.from({ length: MAX_BATCH_UPDATES * 2 + 10 }, () => p.enqueue('a', new Uint8Array(10)));
    const big = Array.from({ length: 3 }, () => p.enqueue('b', new Uint8Array(MAX_BATCH_BYTES / 2 + 1)));
    const seqs = await Promise.all([...small, ...big]);
    expect(seqs.slice(0, small.length)).toEqual(small.map((_, i) => i + 1));
    expect(seqs.slice(small.length)).toEqual([1, 2, 3]);
    for (const b of store.batches) {
      expect(b.length).toBeLessThanOrEqual(MAX_BATCH_UPDATES);
      const bytes = b.reduce((n, e) => n + e.updates[0]!.byteLength, 0);
      expect(bytes <= MAX_BATCH_BYTES || b.length === 1).toBe(true);
    }
    expect(store.batches.length).toBeGreaterThanOrEqual(5);
  });

  it('[S7] is overloaded past its bound while the store is down, and recovers once the backlog drains', async () => {
    const store = fakeStore();
    const metrics = new Metrics();
    const p = new Persister(store.append, 'me', logger, metrics);
    store.fail(true);
    const chunk = 1024 * 1024;
    const pending = Array.from({ length: OVERLOAD_BYTES / chunk + 1 }, () => p.enqueue('a', new Uint8Array(chunk)));
    expect(p.overloaded).toBe(true);
    expect(gauge(metrics, 'trellis_persist_overloaded')).toBe(1);
    expect(gauge(metrics, 'trellis_persist_queue_bytes')).toBeGreaterThan(OVERLOAD_BYTES);
    store.fail(false);
    await Promise.all(pending);
    await p.idle();
    expect(p.overloaded).toBe(false);
    expect(gauge(metrics, 'trellis_persist_overloaded')).toBe(0);
    expect(gauge(metrics, 'trellis_persist_queue_bytes')).toBe(0);
  }, 30_000);

  it('[S5] stores the first update after a quiet spell at once, then commits at least COMMIT_SPACING_MS apart while updates keep coming', async () => {
    const store = fakeStore();
    const p = new Persister(store.append, 'me', logger, new Metrics());
    const quietAt = performance.now();
    await p.enqueue('a', new Uint8Array(5));
    expect(store.startedAt[0]! - quietAt).toBeLessThan(COMMIT_SPACING_MS);
    // A steady stream, one update every 2 ms for about 300 ms: every update is stored, in order,
    // in far fewer commits than updates, each starting no sooner than the spacing after the last.
    await new Promise((r) => setTimeout(r, COMMIT_SPACING_MS * 2));
    const seqs: Promise<number>[] = [];
    const streamStarted = performance.now();
    while (performance.now() - streamStarted < 300) {
      seqs.push(p.enqueue('a', new Uint8Array(5)));
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await Promise.all(seqs)).toEqual(seqs.map((_, i) => i + 2));
    const starts = store.startedAt.slice(1);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(COMMIT_SPACING_MS - 1);
    expect(starts.length).toBeLessThan(seqs.length / 2);
  });
});
