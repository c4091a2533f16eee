// The CRDT update log on MongoDB: per-document sequence, checksummed blobs, chunked snapshots
// (16 MB document limit), compaction that a crash or a racing append can never make lose an update.
import { randomUUID } from 'node:crypto';
import { Binary } from 'mongodb';
import type { ClientSession } from 'mongodb';
import { Attribution } from '@trellis/schema';
import type { AppendEntry, DocRepo, HistoryUpdate, StoredUpdate } from '../types.ts';
import { checksum } from '../checksum.ts';
import { CorruptRecordError } from '../errors.ts';
import type { Ctx, DocHead, SnapshotChunkDoc, UpdateDoc } from './db.ts';
import { bytesOf, retryUpsertRace, toBinary } from './db.ts';

/** Snapshot chunk size: well under the 16 MB BSON document limit with room for the other fields. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** One append transaction holds at most this many updates and bytes: a backlog (after an outage)
 *  becomes several short transactions, each far inside the 60 s transaction lifetime and 16 MB
 *  limits, instead of one that fails and is retried whole forever. */
const TX_MAX_UPDATES = 500;
const TX_MAX_BYTES = 4 * 1024 * 1024;
/** Documents of one batch written at once: one transaction each, so their majority waits overlap. */
const CONCURRENT_DOCS = 16;

function verified(collaborationId: string, r: UpdateDoc): Uint8Array {
  if (!(r.data instanceof Binary)) throw new CorruptRecordError(`update ${collaborationId}#${r.seq} has no data`);
  const data = bytesOf(r.data);
  if (checksum(data) !== r.hash) throw new CorruptRecordError(`update ${collaborationId}#${r.seq} checksum mismatch`);
  return data;
}

function attributionOf(collaborationId: string, r: UpdateDoc): Attribution | null {
  if (r.attribution === undefined || r.attribution === null) return null;
  const parsed = Attribution.safeParse(r.attribution);
  if (!parsed.success) throw new CorruptRecordError(`update ${collaborationId}#${r.seq} attribution fails its schema`);
  return parsed.data;
}

/** Where the history starts; a document stored before history was kept starts at its snapshot. */
function historyStart(head: DocHead): { seq: number; snapshotId: string | null } {
  return head.historySeq !== undefined ? { seq: head.historySeq, snapshotId: head.historySnapshotId ?? null } : { seq: head.snapshotSeq, snapshotId: head.snapshotId };
}

/** Reassemble a snapshot from its chunks (sorted by chunk) and verify the whole-state checksum. */
function reassemble(collaborationId: string, seq: number, chunks: SnapshotChunkDoc[]): Uint8Array {
  const what = `snapshot ${collaborationId}#${seq}`;
  const first = chunks[0];
  if (!first) throw new CorruptRecordError(`${what} missing`);
  if (chunks.length !== first.chunks) throw new CorruptRecordError(`${what} has ${chunks.length} of ${first.chunks} chunks`);
  const parts = chunks.map((ch, i) => {
    if (ch.chunk !== i || ch.chunks !== first.chunks || ch.hash !== first.hash || !(ch.data instanceof Binary)) {
      throw new CorruptRecordError(`${what} chunk ${i} inconsistent`);
    }
    return ch.data.value();
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  if (checksum(out) !== first.hash) throw new CorruptRecordError(`${what} checksum mismatch`);
  return out;
}

/** A document's entries of a batch, in order, cut into transaction-sized runs (never inside an entry). */
function runs(entries: { e: AppendEntry; i: number }[]): { e: AppendEntry; i: number }[][] {
  const out: { e: AppendEntry; i: number }[][] = [];
  let run: { e: AppendEntry; i: number }[] = [];
  let updates = 0;
  let bytes = 0;
  for (const x of entries) {
    const n = x.e.updates.length;
    const b = x.e.updates.reduce((sum, u) => sum + u.byteLength, 0);
    if (run.length > 0 && (updates + n > TX_MAX_UPDATES || bytes + b > TX_MAX_BYTES)) {
      out.push(run);
      run = [];
      updates = 0;
      bytes = 0;
    }
    run.push(x);
    updates += n;
    bytes += b;
  }
  if (run.length > 0) out.push(run);
  return out;
}

/** Run `fn` over `items` with at most `limit` at a time; rejects with the first error once all settled. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { err: unknown } | null = null;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw (failed as { err: unknown }).err;
}

function split(state: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let o = 0; o < state.byteLength; o += CHUNK_BYTES) parts.push(state.subarray(o, o + CHUNK_BYTES));
  return parts.length > 0 ? parts : [state];
}

export function mongoDocs({ c, tx }: Ctx): DocRepo {
  // Entries of one document, inside the caller's transaction, in two round trips whatever their
  // number: reserve all their seqs with one $inc on the head (concurrent appends to the same
  // document write-conflict and are retried by withTransaction, so seqs have no gaps and no
  // duplicates), then one insertMany. Each insert event is the `update` change, and is only emitted
  // if the transaction commits.
  const appendRun = async (session: ClientSession, collaborationId: string, entries: readonly AppendEntry[]) => {
    const n = entries.reduce((sum, e) => sum + e.updates.length, 0);
    const head = await c.docs.findOneAndUpdate(
      { _id: collaborationId },
      { $inc: { lastSeq: n }, $setOnInsert: { snapshotSeq: 0, snapshotId: null } },
      { upsert: true, returnDocument: 'after', session },
    );
    if (!head) throw new Error(`append: head of ${collaborationId} missing after upsert`);
    let seq = head.lastSeq - n + 1;
    const docs: UpdateDoc[] = [];
    const at = new Date();
    const out = entries.map((e) => {
      const firstSeq = seq;
      for (const u of e.updates) {
        docs.push({ _id: `${collaborationId}:${seq}`, collaborationId, seq, origin: e.origin, data: toBinary(u), hash: checksum(u), at, ...(e.attribution ? { attribution: e.attribution } : {}) });
        seq++;
      }
      return { firstSeq, lastSeq: seq - 1 };
    });
    await c.updates.insertMany(docs, { session, ordered: true });
    return out;
  };

  return {
    async append(collaborationId, updates, origin, attribution) {
      if (updates.length === 0) throw new Error('append: no updates');
      const [r] = await retryUpsertRace(() => tx((session) => appendRun(session, collaborationId, [{ collaborationId, updates, origin, attribution }])));
      return r!;
    },

    async appendBatch(entries) {
      if (entries.some((e) => e.updates.length === 0)) throw new Error('append: no updates');
      if (entries.length === 0) return [];
      // Group commit per document: each document's entries (in order) go in transactions of at most
      // TX_MAX_UPDATES / TX_MAX_BYTES, two round trips each; documents run concurrently, so a batch
      // costs about one document's round trips, not two per update. Documents never share a
      // transaction, so batches of several processes conflict only on the documents they share.
      // If one document fails, the others may be stored: the caller retries the batch, and a
      // repeated Yjs update is a no-op when applied (at-least-once, as for SPEC [S7]).
      const byDoc = new Map<string, { e: AppendEntry; i: number }[]>();
      entries.forEach((e, i) => {
        const list = byDoc.get(e.collaborationId) ?? [];
        list.push({ e, i });
        byDoc.set(e.collaborationId, list);
      });
      const out: { firstSeq: number; lastSeq: number }[] = new Array<{ firstSeq: number; lastSeq: number }>(entries.length);
      await pool([...byDoc], CONCURRENT_DOCS, async ([collaborationId, list]) => {
        for (const run of runs(list)) {
          const results = await retryUpsertRace(() => tx((session) => appendRun(session, collaborationId, run.map((x) => x.e))));
          run.forEach((x, k) => (out[x.i] = results[k]!));
        }
      });
      return out;
    },

    async load(collaborationId) {
      // One snapshot-isolated read transaction: head, snapshot and later updates are a consistent set
      // even while a compaction commits and deletes what it replaced.
      return tx(async (session) => {
        const head = await c.docs.findOne({ _id: collaborationId }, { session });
        if (!head) return { snapshot: null, snapshotSeq: 0, updates: [], lastSeq: 0 };
        let snapshot: Uint8Array | null = null;
        if (head.snapshotSeq > 0) {
          if (head.snapshotId === null) throw new CorruptRecordError(`snapshot ${collaborationId}#${head.snapshotSeq} missing`);
          // Only the committed snapshot (seq and id from the head): half-written ones are ignored.
          const chunks = await c.snapshots
            .find({ collaborationId, seq: head.snapshotSeq, snapshotId: head.snapshotId }, { session })
            .sort({ chunk: 1 })
            .toArray();
          snapshot = reassemble(collaborationId, head.snapshotSeq, chunks);
        }
        const rows = await c.updates.find({ collaborationId, seq: { $gt: head.snapshotSeq } }, { session }).sort({ seq: 1 }).toArray();
        const updates: StoredUpdate[] = rows.map((r, i) => {
          // Seqs are contiguous by construction; a hole means an acknowledged update was lost.
          if (r.seq !== head.snapshotSeq + 1 + i) throw new CorruptRecordError(`update ${collaborationId}#${head.snapshotSeq + 1 + i} missing`);
          return { seq: r.seq, data: verified(collaborationId, r) };
        });
        if (head.snapshotSeq + updates.length !== head.lastSeq) throw new CorruptRecordError(`update ${collaborationId}#${head.lastSeq} missing`);
        return { snapshot, snapshotSeq: head.snapshotSeq, updates, lastSeq: head.lastSeq };
      });
    },

    async compact(collaborationId, state, uptoSeq, cut) {
      const head = await c.docs.findOne({ _id: collaborationId });
      if (!head) throw new Error(`compact: unknown document ${collaborationId}`);
      if (uptoSeq <= head.snapshotSeq) return; // a newer compaction already won the race
      if (uptoSeq > head.lastSeq) throw new Error(`compact: seq ${uptoSeq} beyond last ${head.lastSeq}`);
      const history = historyStart(head);

      // 1. Write the chunks under a fresh snapshotId (and, when the history's start moves to a point
      //    before this snapshot, that state's chunks under their own). Until step 2 commits nothing
      //    points at them, so a crash here leaves only garbage that load ignores and a later
      //    compaction deletes.
      const snapshotId = randomUUID();
      const writeChunks = async (seq: number, id: string, blob: Uint8Array) => {
        const hash = checksum(blob);
        const parts = split(blob);
        await c.snapshots.insertMany(
          parts.map((data, chunk): SnapshotChunkDoc => ({
            _id: `${collaborationId}:${seq}:${id}:${chunk}`,
            collaborationId, seq, snapshotId: id, chunk, chunks: parts.length, data: toBinary(data), hash, createdAt: new Date(),
          })),
          { ordered: true },
        );
      };
      await writeChunks(uptoSeq, snapshotId, state);
      let next = history;
      if (cut && cut.seq > history.seq && cut.seq <= uptoSeq) {
        if (cut.seq === uptoSeq) next = { seq: uptoSeq, snapshotId };
        else {
          next = { seq: cut.seq, snapshotId: randomUUID() };
          await writeChunks(cut.seq, next.snapshotId!, cut.state);
        }
      }

      // 2. The commit point: one single-document conditional update, atomic on its own. It succeeds
      //    only if no newer snapshot is live (a racing newer compaction wins) and the updates it
      //    replaces exist. Appends only touch seqs > lastSeq ≥ uptoSeq, so none is folded away unseen.
      const won = await c.docs.findOneAndUpdate(
        { _id: collaborationId, snapshotSeq: { $lt: uptoSeq }, lastSeq: { $gte: uptoSeq } },
        { $set: { snapshotSeq: uptoSeq, snapshotId, historySeq: next.seq, historySnapshotId: next.snapshotId } },
      );
      if (!won) {
        await c.snapshots.deleteMany({ collaborationId, snapshotId: { $in: [snapshotId, ...(next.snapshotId && next !== history ? [next.snapshotId] : [])] } });
        return;
      }

      // 3. Garbage collection, idempotent: updates ≤ uptoSeq are inside the committed snapshot, and
      //    load/pendingSize never read them again — but those inside the history stay beside it, with
      //    the snapshot the history starts from; older or losing snapshots are unreferenced.
      const now = (await c.docs.findOne({ _id: collaborationId })) ?? head;
      const keep = new Set([snapshotId, next.snapshotId, now.snapshotId, historyStart(now).snapshotId].filter((x): x is string => typeof x === 'string'));
      await c.updates.deleteMany({ collaborationId, seq: { $lte: Math.min(uptoSeq, next.seq) } });
      await c.snapshots.deleteMany({ collaborationId, seq: { $lte: uptoSeq }, snapshotId: { $nin: [...keep] } });
    },

    async loadHistory(collaborationId) {
      return tx(async (session) => {
        const head = await c.docs.findOne({ _id: collaborationId }, { session });
        if (!head) return { base: null, baseSeq: 0, updates: [], lastSeq: 0 };
        const start = historyStart(head);
        let base: Uint8Array | null = null;
        if (start.seq > 0) {
          if (start.snapshotId === null) throw new CorruptRecordError(`history base ${collaborationId}#${start.seq} missing`);
          const chunks = await c.snapshots.find({ collaborationId, seq: start.seq, snapshotId: start.snapshotId }, { session }).sort({ chunk: 1 }).toArray();
          base = reassemble(collaborationId, start.seq, chunks);
        }
        const rows = await c.updates.find({ collaborationId, seq: { $gt: start.seq } }, { session }).sort({ seq: 1 }).toArray();
        const updates: HistoryUpdate[] = rows.map((r, i) => {
          if (r.seq !== start.seq + 1 + i) throw new CorruptRecordError(`update ${collaborationId}#${start.seq + 1 + i} missing`);
          return { seq: r.seq, data: verified(collaborationId, r), at: r.at ? r.at.getTime() : null, attribution: attributionOf(collaborationId, r) };
        });
        return { base, baseSeq: start.seq, updates, lastSeq: head.lastSeq };
      });
    },

    async pendingSize(collaborationId) {
      const head = await c.docs.findOne({ _id: collaborationId });
      if (!head) return { updates: 0, bytes: 0 };
      const [r] = await c.updates
        .aggregate<{ n: number; b: number }>([
          { $match: { collaborationId, seq: { $gt: head.snapshotSeq } } },
          { $group: { _id: null, n: { $sum: 1 }, b: { $sum: { $binarySize: '$data' } } } },
        ])
        .toArray();
      return { updates: r?.n ?? 0, bytes: r?.b ?? 0 };
    },
  };
}
