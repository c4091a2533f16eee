// Store benchmark: append latency (one writer, several OS processes) and load time of a
// 10,000-update document before and after compaction, next to raw Y.applyUpdate of its merged
// state (the floor).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { appendMessage } from '@trellis/schema';
import { createSqliteStore } from '@trellis/store';
import { median, ms, summarize } from './stats.ts';

const CHILD = fileURLToPath(new URL('./store-append-child.ts', import.meta.url));

function runChild(dataDir: string, count: number, doc: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(count), doc], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`child exited ${code}`))));
  });
}

function timeLoad(fn: () => void, runs = 15): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

export async function runStoreBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-bench-store-'));
  const store = createSqliteStore({ dataDir: dir });
  const lines: string[] = ['## Store (SQLite, WAL, synchronous=FULL)', ''];

  // One writer.
  const single = await runChild(dir, 2000, 'single');
  // Several writers: 4 OS processes appending to the same document at once.
  const multi = (await Promise.all([0, 1, 2, 3].map(() => runChild(dir, 500, 'shared')))).flat();
  const s1 = summarize(single);
  const s4 = summarize(multi);
  lines.push('| append latency | p50 ms | p99 ms | appends |', '| --- | --- | --- | --- |');
  lines.push(`| 1 writer | ${ms(s1.p50)} | ${ms(s1.p99)} | ${s1.n} |`);
  lines.push(`| 4 writer processes, one document | ${ms(s4.p50)} | ${ms(s4.p99)} | ${s4.n} |`, '');

  // A 10,000-update document: typing in notes plus messages.
  const writer = new Y.Doc();
  const updates: Uint8Array[] = [];
  writer.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 10_000; i++) {
    if (i % 50 === 0) appendMessage(writer, { id: `m${i}`, authorId: 'u1', body: `message number ${i} with some text`, kind: 'user' });
    else writer.getText('notes').insert(writer.getText('notes').length, i % 7 === 0 ? ' ' : 'a');
  }
  for (let i = 0; i < updates.length; i += 500) await store.docs.appendBatch([{ collaborationId: 'big', updates: updates.slice(i, i + 500), origin: 'bench' }]);
  const merged = Y.encodeStateAsUpdate(writer);
  const uncompacted = await store.docs.load('big');
  const tUncompacted = timeLoad(() => {
    const d = new Y.Doc();
    Y.applyUpdate(d, Y.mergeUpdates(uncompacted.updates.map((u) => u.data)));
  }, 1);
  const tUncompactedOneByOne = timeLoad(() => {
    const d = new Y.Doc();
    d.transact(() => {
      for (const u of uncompacted.updates) Y.applyUpdate(d, u.data);
    });
  }, 3);
  // Store read time (uncompacted) measured separately from applying.
  const readTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await store.docs.load('big');
    readTimes.push(performance.now() - t);
  }
  await store.docs.compact('big', merged, uncompacted.lastSeq);
  // Interleave the two measurements after a warm-up so JIT and GC affect both alike.
  const compactedTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let i = 0; i < 45; i++) {
    global.gc?.();
    let t = performance.now();
    const loaded = await store.docs.load('big');
    const d = new Y.Doc();
    Y.applyUpdate(d, loaded.snapshot!);
    const compactedMs = performance.now() - t;
    global.gc?.();
    t = performance.now();
    const r = new Y.Doc();
    Y.applyUpdate(r, merged);
    const rawMs = performance.now() - t;
    if (i >= 5) {
      compactedTimes.push(compactedMs);
      rawTimes.push(rawMs);
    }
  }
  const tCompacted = median(compactedTimes);
  const tRaw = median(rawTimes);
  lines.push(`Document: 10,000 updates (${(updates.reduce((n, u) => n + u.length, 0) / 1024).toFixed(0)} KiB of updates, merged state ${(merged.length / 1024).toFixed(1)} KiB).`, '');
  lines.push('| load (read from store + apply to a fresh Y.Doc) | median ms |', '| --- | --- |');
  lines.push(`| before compaction: read 10,000 rows | ${ms(median(readTimes))} |`);
  lines.push(`| before compaction: Y.mergeUpdates then apply (1 run) | ${ms(tUncompacted)} |`);
  lines.push(`| before compaction: apply one by one in one transaction (what the server does) | ${ms(tUncompactedOneByOne)} |`);
  lines.push(`| after compaction: read snapshot + apply | ${ms(tCompacted)} |`);
  lines.push(`| floor: raw Y.applyUpdate of the merged state | ${ms(tRaw)} |`);
  lines.push(`| **ratio compacted load / floor** | **${(tCompacted / tRaw).toFixed(2)}×** (target ≤ 1.5×) |`, '');
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${await runStoreBench()}\n`);
