// The SQLite write thread outlives its own thread: after the thread dies, writes are stored on the main
// thread until a restarted thread is up, then on that thread; a write the dead thread held is rejected
// (never left hanging) so the caller can retry it. Everything is read back through a fresh store.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { newId } from '@trellis/schema';
import { applyLoaded } from '../apply-loaded.ts';
import type { AppendEntry } from '../types.ts';
import { createSqliteStore } from './index.ts';
import type { SqliteWriteThread } from './write-thread.ts';
import { createSqliteWriteThread, WriteThreadDiedError } from './write-thread.ts';

let dir: string;
let writer: SqliteWriteThread | null;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trellis-write-thread-'));
  writer = null;
});
afterEach(async () => {
  await writer?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sources = new Map<string, Y.Doc>();
function edit(collaborationId: string, text: string): AppendEntry {
  let source = sources.get(collaborationId);
  if (!source) sources.set(collaborationId, (source = new Y.Doc()));
  const sv = Y.encodeStateVector(source);
  source.getArray<string>('log').push([text]);
  return { collaborationId, updates: [Y.encodeStateAsUpdate(source, sv)], origin: 'test' };
}

/** What a fresh store (a new connection, as another process would open) reads back. */
async function stored(collaborationId: string): Promise<{ seqs: number[]; log: string[] }> {
  const store = createSqliteStore({ dataDir: dir });
  try {
    const loaded = await store.docs.load(collaborationId);
    const doc = new Y.Doc();
    applyLoaded(doc, loaded);
    return { seqs: loaded.updates.map((u) => u.seq), log: doc.getArray<string>('log').toArray() };
  } finally {
    await store.close();
  }
}

/** Nice value of each thread of this process (Linux). */
function threadNices(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state is the 3rd field, nice the 19th.
      out.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

describe('sqlite write thread', () => {
  it.skipIf(!existsSync('/proc/thread-self'))('[S5] runs below the event loop\'s priority, so a group commit does not preempt it on a busy machine', async () => {
    const before = threadNices();
    const w = (writer = createSqliteWriteThread(dir));
    await w.appendBatch([edit('n1', 'a')]);
    const lowered = [...threadNices()].filter(([tid, nice]) => !before.has(tid) && nice === 10);
    expect(lowered).toHaveLength(1);
    // The event loop's own thread keeps its priority.
    expect(threadNices().get(String(process.pid))).toBe(before.get(String(process.pid)));
    expect((await stored('n1')).log).toEqual(['a']);
  });

  it.skipIf(!existsSync('/proc/thread-self'))('[S5] in a process already below normal priority (nice 15), the thread goes lower still, never above the event loop', () => {
    // A process of its own, its event loop at nice 15 (as `nice -n 15` or systemd's Nice= start it).
    const script = `
      import { readdirSync, readFileSync } from 'node:fs';
      import { setPriority } from 'node:os';
      setPriority(0, 15);
      const { createSqliteWriteThread } = await import(${JSON.stringify(new URL('./write-thread.ts', import.meta.url).href)});
      const nices = () => new Map(readdirSync('/proc/self/task').map((tid) => {
        const stat = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
        return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
      }));
      const before = nices();
      const w = createSqliteWriteThread(${JSON.stringify(dir)});
      await w.setKv('k', 'v');
      const started = [...nices()].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
      await w.close();
      console.log(JSON.stringify({ loop: before.get(String(process.pid)), started }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const { loop, started } = JSON.parse(out.trim().split('\n').pop()!) as { loop: number; started: number[] };
    expect(loop).toBe(15);
    // The write thread sits below the event loop (at most nice 19); no thread it brings runs above it.
    expect(started).toContain(19);
    expect(Math.min(...started)).toBeGreaterThanOrEqual(15);
  });

  it('after the thread dies, a write is stored on the main thread, then on a restarted thread', async () => {
    const w = (writer = createSqliteWriteThread(dir, { restartBaseMs: 200, restartMaxMs: 200 }));
    expect((await w.appendBatch([edit('d1', 'a')]))[0]?.firstSeq).toBe(1);
    expect(w.status()).toEqual({ mode: 'thread', restarts: 0, mainThreadWrites: 0 });

    await w.killThread();
    expect(w.status().mode).toBe('main');
    expect((await w.appendBatch([edit('d1', 'b')]))[0]?.firstSeq).toBe(2);
    expect(w.status().mainThreadWrites).toBe(1);
    expect(await stored('d1')).toEqual({ seqs: [1, 2], log: ['a', 'b'] });

    await vi.waitFor(() => expect(w.status()).toMatchObject({ mode: 'thread', restarts: 1 }), { timeout: 20_000, interval: 20 });
    expect((await w.appendBatch([edit('d1', 'c')]))[0]?.firstSeq).toBe(3);
    expect(w.status().mainThreadWrites).toBe(1);
    expect(await stored('d1')).toEqual({ seqs: [1, 2, 3], log: ['a', 'b', 'c'] });
  });

  it('a write the thread held when it died is rejected, not left hanging; retried like the persister does, it is stored', async () => {
    const w = (writer = createSqliteWriteThread(dir, { restartBaseMs: 50, restartMaxMs: 50 }));
    await w.appendBatch([edit('d2', 'a')]);
    const entry = edit('d2', 'held');
    const inFlight = w.appendBatch([entry]).then(() => 'stored' as const, (err: unknown) => err);
    await w.killThread();
    const outcome = await inFlight;
    // Terminated before or after it committed: either way the promise settles.
    if (outcome !== 'stored') {
      expect(outcome).toBeInstanceOf(WriteThreadDiedError);
      expect((outcome as Error).message).toMatch(/write thread died/);
      await w.appendBatch([entry]);
    }
    expect((await stored('d2')).log).toEqual(['a', 'held']);
  });

  it('every kind of write works on the main thread while no thread is up', async () => {
    const w = (writer = createSqliteWriteThread(dir, { restartBaseMs: 60_000, restartMaxMs: 60_000 }));
    await w.appendBatch([edit('d3', 'a')]);
    await w.killThread();
    await w.appendBatch([edit('d3', 'b')]);
    expect(await w.compact('d3')).toBe(true);
    const projection = (collaborationId: string, seq: number) => ({
      collaborationId, seq, updatedAt: new Date().toISOString(), messages: { count: 0, recent: [] }, activities: [], notes: { length: 0, excerpt: '' },
    });
    await w.putProjections([projection('d3', 2), projection('d9', 7)]);
    await w.appendAudit([{ id: newId('aud'), collaborationId: 'd3', at: new Date().toISOString(), actor: { kind: 'system' }, kind: 'crdt', action: 'edit', outcome: 'executed', detail: {} }]);
    await w.publishPresence([{ collaborationId: 'd3', origin: 'test', data: new Uint8Array([1]) }]);
    expect(w.status()).toEqual({ mode: 'main', restarts: 0, mainThreadWrites: 5 });

    const store = createSqliteStore({ dataDir: dir });
    try {
      const loaded = await store.docs.load('d3');
      expect(loaded.snapshot).not.toBeNull();
      expect(loaded.updates).toEqual([]);
      expect((await store.projections.get('d3'))?.seq).toBe(2);
      expect((await store.projections.get('d9'))?.seq).toBe(7);
      expect((await store.audit.list('d3', { limit: 10 })).items.map((e) => e.action)).toEqual(['edit']);
    } finally {
      await store.close();
    }
  });

  it('after close, writes are refused and no thread is restarted', async () => {
    const w = createSqliteWriteThread(dir, { restartBaseMs: 10, restartMaxMs: 10 });
    await w.appendBatch([edit('d4', 'a')]);
    await w.killThread();
    await w.close();
    await expect(w.appendBatch([edit('d4', 'b')])).rejects.toThrow(/closed/);
    await new Promise((r) => setTimeout(r, 50));
    expect(w.status()).toMatchObject({ mode: 'main', restarts: 0 });
  });
});
