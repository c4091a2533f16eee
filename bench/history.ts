// History and revert on a 10,000-update document (SPEC [A1]–[A7]): the storage attribution adds,
// what keeping the attributed history through compaction costs, and the time of `history/at`, of
// the history list and of reverting an AI run, measured through the engine the routes call (one
// process, SQLite on a temp DATA_DIR). The document: people typing notes and editing activities,
// interleaved with 50 AI runs of 20 updates each.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { createEngine } from '@trellis/engine';
import type { DocHost } from '@trellis/engine';
import { createLogger } from '@trellis/runtime';
import type { Attribution } from '@trellis/schema';
import { applyLoaded, createSqliteStore, compactStored } from '@trellis/store';
import type { AppendEntry, Store } from '@trellis/store';
import { summarize } from './stats.ts';

const UPDATES = 10_000;
const RUNS = 50;
const RUN_UPDATES = 20;

/** The document's updates, in order, with who made them. */
function makeUpdates(): { data: Uint8Array; attribution: Attribution }[] {
  const doc = new Y.Doc();
  const out: { data: Uint8Array; attribution: Attribution }[] = [];
  // What a client sends: each transaction's own update (not the state since a vector, which would
  // repeat the whole delete set every time).
  let last: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => {
    last = u;
  });
  const people = ['user_alice', 'user_bob', 'user_carol'];
  const every = Math.floor(UPDATES / RUNS);
  let act = 0;
  for (let i = 0; out.length < UPDATES; i++) {
    const inRun = Math.floor(out.length / every);
    const runStart = out.length % every === 0 && inRun < RUNS;
    const burst = runStart ? RUN_UPDATES : 1;
    for (let k = 0; k < burst && out.length < UPDATES; k++) {
      last = null;
      const acts = doc.getArray<Y.Map<unknown>>('activities');
      let attribution: Attribution;
      if (runStart) {
        attribution = { actor: { kind: 'ai', id: 'ai' }, runId: `run_${inRun}`, ...(k === 0 ? { proposalId: `apr_${inRun}` } : {}) };
        if (k % 4 === 0 || acts.length === 0) {
          const m = new Y.Map<unknown>();
          for (const [key, v] of Object.entries({ id: `act_${act++}`, title: `AI idea ${inRun}.${k}`, status: 'proposed', proposedBy: 'ai', createdAt: new Date().toISOString() })) m.set(key, v);
          acts.push([m]);
        } else if (k % 4 === 1) doc.getText('notes').insert(0, `AI note ${inRun}.${k}. `);
        else acts.get((inRun * 7 + k) % acts.length).set('at', new Date(Date.UTC(2030, 0, 1 + k)).toISOString());
      } else {
        attribution = { actor: { kind: 'user', id: people[i % people.length]! } };
        if (i % 10 === 0 && acts.length > 0) acts.get(i % acts.length).set('title', `Plan ${i}`);
        else {
          const notes = doc.getText('notes');
          notes.insert(i % (notes.length + 1), 'x');
        }
      }
      if (last) out.push({ data: last, attribution });
    }
  }
  return out;
}

async function seed(dir: string, updates: { data: Uint8Array; attribution: Attribution }[], attributed: boolean): Promise<void> {
  const store = createSqliteStore({ dataDir: dir });
  try {
    for (let i = 0; i < updates.length; i += 500) {
      const entries: AppendEntry[] = updates.slice(i, i + 500).map((u) => ({ collaborationId: 'col_bench', updates: [u.data], origin: 'bench', ...(attributed ? { attribution: u.attribution } : {}) }));
      await store.docs.appendBatch(entries);
    }
  } finally {
    await store.close();
  }
}

/** Pages the update log and the snapshots take (SQLite's dbstat), after a VACUUM. */
function vacuumed(dir: string): { file: number; attribution: number; data: number } {
  const db = new Database(join(dir, 'trellis.db'));
  try {
    db.exec('VACUUM');
    const r = db.prepare('SELECT COALESCE(SUM(LENGTH(attribution)), 0) AS a, SUM(LENGTH(data)) AS d FROM updates').get() as { a: number; d: number };
    const pages = db.prepare("SELECT SUM(pgsize) AS b FROM dbstat WHERE name IN ('updates', 'snapshots')").get() as { b: number };
    return { file: pages.b, attribution: r.a ?? 0, data: r.d ?? 0 };
  } finally {
    db.close();
  }
}

/** Like the server's live registry: the document stays loaded, each change is appended with its
 *  attribution (the store-backed DocHost would reload 10,000 updates for every change). */
function liveDocHost(store: Store): DocHost {
  const docs = new Map<string, Y.Doc>();
  const load = async (id: string) => {
    let doc = docs.get(id);
    if (!doc) {
      doc = new Y.Doc();
      applyLoaded(doc, await store.docs.load(id));
      docs.set(id, doc);
    }
    return doc;
  };
  return {
    async change(id, origin, fn, attribution) {
      const doc = await load(id);
      let update: Uint8Array | null = null;
      const grab = (u: Uint8Array) => {
        update = u;
      };
      doc.on('update', grab);
      try {
        const result = doc.transact(() => fn(doc), origin);
        if (update) await store.docs.append(id, [update], origin, attribution);
        return result;
      } finally {
        doc.off('update', grab);
      }
    },
    async read(id, fn) {
      return fn(await load(id));
    },
  };
}

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const f1 = (x: number) => x.toFixed(1);

export async function runHistoryBench(): Promise<string> {
  const updates = makeUpdates();
  const plain = mkdtempSync(join(tmpdir(), 'trellis-bench-history-plain-'));
  const dir = mkdtempSync(join(tmpdir(), 'trellis-bench-history-'));
  try {
    await seed(plain, updates, false);
    await seed(dir, updates, true);
    const without = vacuumed(plain);
    const withAttr = vacuumed(dir);

    const store = createSqliteStore({ dataDir: dir });
    const logger = createLogger({ level: 'silent', name: 'bench' });
    const now = Date.now();
    await store.collaborations.create({ id: 'col_bench', title: 'Bench', ownerId: 'owner', settings: { timeZone: 'UTC', aiCheckins: false }, policy: {}, rules: [], archived: false, createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString() });
    // Compaction keeps the attributed history beside the snapshot: what that costs on disk.
    await compactStored(store.docs, 'col_bench');
    await store.close();
    const compacted = vacuumed(dir);
    const reopened = createSqliteStore({ dataDir: dir });
    const engine2 = createEngine({ store: reopened, docs: liveDocHost(reopened), logger });

    const history = await reopened.docs.loadHistory('col_bench');
    const first = history.updates[0]!.at!;
    const last = history.updates[history.updates.length - 1]!.at!;
    const coldStart = performance.now();
    await engine2.history.list('col_bench', { limit: 50 });
    const coldList = performance.now() - coldStart;
    const at: number[] = [];
    const list: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t = first + ((last - first) * i) / 39;
      let s = performance.now();
      await engine2.history.at('col_bench', { at: t });
      at.push(performance.now() - s);
      s = performance.now();
      await engine2.history.list('col_bench', { limit: 50 });
      list.push(performance.now() - s);
    }
    const revert: number[] = [];
    let reverted = 0;
    let conflicts = 0;
    for (let r = 0; r < RUNS; r++) {
      const s = performance.now();
      const res = await engine2.revert({ collaborationId: 'col_bench', userId: 'owner', selector: { runId: `run_${r}` } });
      revert.push(performance.now() - s);
      if (res.status === 'done') {
        reverted += res.reverted.length;
        conflicts += res.conflicts.length;
      }
    }
    await reopened.close();
    const sAt = summarize(at);
    const sList = summarize(list);
    const sRevert = summarize(revert);
    return [
      '## History and revert (10,000-update document)',
      '',
      `${UPDATES.toLocaleString('en')} updates: people typing notes and retitling activities, and ${RUNS} AI runs of ${RUN_UPDATES} updates (activities created, notes, due dates). Update payloads ${kib(withAttr.data)}.`,
      '',
      '| storage (SQLite pages of `updates` + `snapshots`, after VACUUM) | bytes | per update |',
      '| --- | --- | --- |',
      `| updates without attribution | ${kib(without.file)} | ${f1(without.file / UPDATES)} B |`,
      `| updates with attribution and time | ${kib(withAttr.file)} | ${f1(withAttr.file / UPDATES)} B |`,
      `| of which attribution JSON | ${kib(withAttr.attribution)} | ${f1(withAttr.attribution / UPDATES)} B |`,
      `| **overhead of attribution** | **${kib(withAttr.file - without.file)} (+${f1((100 * (withAttr.file - without.file)) / without.file)} %)** | ${f1((withAttr.file - without.file) / UPDATES)} B |`,
      `| after compaction: snapshot + the attributed history kept beside it | ${kib(compacted.file)} | |`,
      '',
      '| operation (engine, as the routes call it) | p50 ms | p95 ms | max ms | n |',
      '| --- | --- | --- | --- | --- |',
      `| history list, first request (replay from the start) | ${f1(coldList)} | | | 1 |`,
      `| history list, cached replay | ${f1(sList.p50)} | ${f1(sList.p95)} | ${f1(sList.max)} | ${sList.n} |`,
      `| **history/at** (read the history + apply from the nearest checkpoint up to t) | ${f1(sAt.p50)} | **${f1(sAt.p95)}** | ${f1(sAt.max)} | ${sAt.n} |`,
      `| **revert of an AI run** (read history + plan + apply to the loaded document + store) | ${f1(sRevert.p50)} | **${f1(sRevert.p95)}** | ${f1(sRevert.max)} | ${sRevert.n} |`,
      '',
      `Load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min, on 2 cores).`,
      '',
      `Reverts: ${reverted} changes reverted, ${conflicts} conflicts (people's later edits) left alone. Target: ≤ 200 ms p95 for history/at and a revert.`,
      '',
    ].join('\n');
  } finally {
    rmSync(plain, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}
