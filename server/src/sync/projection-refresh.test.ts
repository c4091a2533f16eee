import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@trellis/runtime';
import type { CollaborationProjection } from '@trellis/schema';
import { createSqliteStore } from '@trellis/store';
import type { Store } from '@trellis/store';
import { PROJECTION_DELAY_MS, ProjectionRefresh, SLICE_MS, SWEEP_MS } from './projection-refresh.ts';

const logger = createLogger({ level: 'silent', name: 'projection-refresh-test' });

describe('[S16] projections refreshed in batches', () => {
  let dir: string;
  let store: Store;
  /** Each store call, with the documents it stored. */
  let writes: string[][];
  /** The state each document is in now (its projection's seq). */
  let seqs: Map<string, number>;
  let refresh: ProjectionRefresh;

  const projection = (id: string, seq: number): CollaborationProjection => ({
    collaborationId: id, seq, updatedAt: new Date().toISOString(), messages: { count: 0, recent: [] }, activities: [], notes: { length: seq, excerpt: '' },
  });

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance', 'Date'] });
    dir = mkdtempSync(join(tmpdir(), 'trellis-projection-'));
    store = createSqliteStore({ dataDir: dir });
    writes = [];
    seqs = new Map();
    refresh = new ProjectionRefresh({
      project: (id) => (seqs.has(id) ? projection(id, seqs.get(id)!) : null),
      put: async (ps) => {
        writes.push(ps.map((p) => p.collaborationId));
        for (const p of ps) await store.projections.put(p);
      },
      logger,
    });
  });

  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (id: string) => (await store.projections.get(id))?.seq;

  it('documents changed together are stored in one write, each with its state when the delay is up', async () => {
    for (let i = 0; i < 20; i++) {
      seqs.set(`d${i}`, 1);
      refresh.changed(`d${i}`);
    }
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS / 2);
    // Changed again while waiting: still one projection, of the newer state.
    seqs.set('d3', 5);
    refresh.changed('d3');
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS / 2 + SWEEP_MS);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.sort()).toEqual([...seqs.keys()].sort());
    expect(await stored('d3')).toBe(5);
    expect(await stored('d19')).toBe(1);
    // Nothing changed since: nothing more is written.
    await vi.advanceTimersByTimeAsync(10 * PROJECTION_DELAY_MS);
    expect(writes).toHaveLength(1);
  });

  it('a sweep longer than its slice lets other work run between slices, and every document is still stored', async () => {
    // Each projection takes a quarter of a slice; the first one also leaves other work waiting.
    const order: string[] = [];
    const slow = new ProjectionRefresh({
      project: (id) => {
        if (order.length === 0) {
          order.push('projecting');
          setImmediate(() => order.push('other work'));
        }
        vi.advanceTimersByTime(SLICE_MS / 4);
        return projection(id, 1);
      },
      put: async (ps) => {
        order.push('write');
        writes.push(ps.map((p) => p.collaborationId));
        for (const p of ps) await store.projections.put(p);
      },
      logger,
    });
    const ids = Array.from({ length: 10 }, (_, i) => `s${i}`);
    for (const id of ids) slow.changed(id);
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS + SWEEP_MS);
    expect(writes.length).toBeGreaterThanOrEqual(3);
    for (const w of writes) expect(w.length).toBeLessThanOrEqual(4);
    expect(writes.flat()).toEqual(ids);
    for (const id of ids) expect(await stored(id)).toBe(1);
    // The other work ran before the sweep was done.
    expect(order.indexOf('other work')).toBeLessThan(order.lastIndexOf('write'));
  });

  it('a document changed later waits its own delay, and is not written before it', async () => {
    seqs.set('a', 1);
    refresh.changed('a');
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS - 300);
    seqs.set('b', 1);
    refresh.changed('b');
    await vi.advanceTimersByTimeAsync(300 + SWEEP_MS);
    expect(writes).toEqual([['a']]);
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS - 300 - SWEEP_MS - 1);
    expect(writes).toEqual([['a']]);
    await vi.advanceTimersByTimeAsync(SWEEP_MS + 1);
    expect(writes).toEqual([['a'], ['b']]);
    expect(await stored('b')).toBe(1);
  });

  it('documents falling due soon after a sweep wait for the next one, SWEEP_MS later, and are stored in one write', async () => {
    for (const id of ['a', 'b', 'c']) {
      seqs.set(id, 1);
      refresh.changed(id);
      await vi.advanceTimersByTimeAsync(SWEEP_MS / 5);
    }
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS);
    expect(writes).toEqual([['a']]);
    await vi.advanceTimersByTimeAsync(SWEEP_MS);
    expect(writes).toEqual([['a'], ['b', 'c']]);
  });

  it('a document leaving has its waiting projection stored at once, and only once', async () => {
    seqs.set('a', 4);
    refresh.changed('a');
    expect(await refresh.flush('a')).toBe(true);
    expect(await stored('a')).toBe(4);
    expect(await refresh.flush('a')).toBe(false);
    await vi.advanceTimersByTimeAsync(2 * PROJECTION_DELAY_MS);
    expect(writes).toEqual([['a']]);
  });

  it('stopping stores every waiting projection at once, and nothing is written after', async () => {
    for (const id of ['a', 'b', 'c']) {
      seqs.set(id, 3);
      refresh.changed(id);
    }
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS / 2);
    await refresh.flushAll();
    expect(writes).toEqual([['a', 'b', 'c']]);
    for (const id of ['a', 'b', 'c']) expect(await stored(id)).toBe(3);
    // A change after the stop schedules nothing: no timer fires against a closed store.
    seqs.set('d', 4);
    refresh.changed('d');
    await vi.advanceTimersByTimeAsync(2 * PROJECTION_DELAY_MS);
    expect(writes).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stopping waits for a sweep write still under way, so the store is not closed under it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow = new ProjectionRefresh({
      project: (id) => projection(id, 6),
      put: async (ps) => {
        await held;
        for (const p of ps) await store.projections.put(p);
      },
      logger,
    });
    slow.changed('a');
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS + SWEEP_MS);
    let stopped = false;
    const stopping = slow.flushAll().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await stored('a')).toBe(6);
  });

  it('a document whose projection throws is logged and skipped: the others are stored, and later sweeps still run', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const odd = new ProjectionRefresh({
      project: (id) => {
        if (id === 'odd') throw new Error('not a document we can read');
        return seqs.has(id) ? projection(id, seqs.get(id)!) : null;
      },
      put: async (ps) => {
        writes.push(ps.map((p) => p.collaborationId));
        for (const p of ps) await store.projections.put(p);
      },
      logger,
    });
    seqs.set('a', 1);
    odd.changed('odd');
    odd.changed('a');
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS + SWEEP_MS);
    expect(writes).toEqual([['a']]);
    expect(warn).toHaveBeenCalled();
    seqs.set('b', 2);
    odd.changed('b');
    odd.changed('odd');
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS + SWEEP_MS);
    expect(writes).toEqual([['a'], ['b']]);
    odd.changed('odd');
    seqs.set('c', 3);
    odd.changed('c');
    await odd.flushAll();
    expect(await odd.flush('odd')).toBe(false);
    expect(writes).toEqual([['a'], ['b'], ['c']]);
    expect(await stored('c')).toBe(3);
    warn.mockRestore();
  });

  it('a document unloaded before its delay is up is skipped; a failed write is logged and the next change tries again', async () => {
    seqs.set('gone', 1);
    refresh.changed('gone');
    seqs.delete('gone');
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS + SWEEP_MS);
    expect(writes).toEqual([]);

    seqs.set('a', 1);
    refresh.changed('a');
    await store.close();
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS + SWEEP_MS);
    expect(writes).toEqual([['a']]);
    store = createSqliteStore({ dataDir: dir });
    seqs.set('a', 2);
    refresh.changed('a');
    await vi.advanceTimersByTimeAsync(PROJECTION_DELAY_MS + SWEEP_MS);
    expect(await stored('a')).toBe(2);
  });
});
