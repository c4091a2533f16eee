// The CRDT update log: per-document sequence, checksummed blobs, snapshots, atomic compaction.
import type { AppendEntry, DocRepo, HistoryUpdate, StoredUpdate } from '../types.ts';
import { checksum } from '../checksum.ts';
import { CorruptRecordError } from '../errors.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';
import { emitChange } from './emit.ts';

interface BlobRow { seq: number; data: Buffer; hash: string }
interface HistoryRow extends BlobRow { attribution: string | null; at: number | null }

function verified(collaborationId: string, kind: string, r: BlobRow): Uint8Array {
  const data = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  if (checksum(data) !== r.hash) throw new CorruptRecordError(`${kind} ${collaborationId}#${r.seq} checksum mismatch`);
  return data;
}

export function sqliteDocs(db: Db): DocRepo {
  const bumpSeq = stmt(db, 
    `INSERT INTO docs (collab_id, last_seq, snapshot_seq) VALUES (?, ?, 0)
     ON CONFLICT (collab_id) DO UPDATE SET last_seq = last_seq + excluded.last_seq RETURNING last_seq`,
  );
  const insertUpdate = stmt(db, 'INSERT INTO updates (collab_id, seq, data, hash, attribution, at) VALUES (?, ?, ?, ?, ?, ?)');
  const appendOne = (e: AppendEntry) => {
    if (e.updates.length === 0) throw new Error('append: no updates');
    const { last_seq: lastSeq } = bumpSeq.get(e.collaborationId, e.updates.length) as { last_seq: number };
    const firstSeq = lastSeq - e.updates.length + 1;
    const attribution = e.attribution ? JSON.stringify(e.attribution) : null;
    const at = Date.now();
    e.updates.forEach((u, i) => {
      insertUpdate.run(e.collaborationId, firstSeq + i, u, checksum(u), attribution, at);
      emitChange(db, { type: 'update', collaborationId: e.collaborationId, seq: firstSeq + i, origin: e.origin, data: u });
    });
    return { firstSeq, lastSeq };
  };
  return {
    async append(collaborationId, updates, origin, attribution) {
      return writeTx(db, () => appendOne({ collaborationId, updates, origin, attribution }));
    },
    async appendBatch(entries) {
      return writeTx(db, () => entries.map(appendOne));
    },
    async load(collaborationId) {
      // One read transaction: the snapshot and the updates after it are a consistent pair.
      return db.transaction(() => {
        const doc = stmt(db, 'SELECT last_seq, snapshot_seq FROM docs WHERE collab_id = ?').get(collaborationId) as
          | { last_seq: number; snapshot_seq: number } | undefined;
        if (!doc) return { snapshot: null, snapshotSeq: 0, updates: [], lastSeq: 0 };
        const snapRow = stmt(db, 'SELECT seq, data, hash FROM snapshots WHERE collab_id = ? ORDER BY seq DESC LIMIT 1').get(collaborationId) as BlobRow | undefined;
        if (doc.snapshot_seq > 0 && snapRow?.seq !== doc.snapshot_seq) throw new CorruptRecordError(`snapshot ${collaborationId}#${doc.snapshot_seq} missing`);
        const snapshot = snapRow ? verified(collaborationId, 'snapshot', snapRow) : null;
        const rows = stmt(db, 'SELECT seq, data, hash FROM updates WHERE collab_id = ? AND seq > ? ORDER BY seq').all(collaborationId, doc.snapshot_seq) as BlobRow[];
        const updates: StoredUpdate[] = rows.map((r) => ({ seq: r.seq, data: verified(collaborationId, 'update', r) }));
        return { snapshot, snapshotSeq: doc.snapshot_seq, updates, lastSeq: doc.last_seq };
      })();
    },
    async compact(collaborationId, state, uptoSeq, cut) {
      writeTx(db, () => {
        const doc = stmt(db, 'SELECT last_seq, snapshot_seq, history_seq FROM docs WHERE collab_id = ?').get(collaborationId) as
          | { last_seq: number; snapshot_seq: number; history_seq: number } | undefined;
        if (!doc) throw new Error(`compact: unknown document ${collaborationId}`);
        if (uptoSeq <= doc.snapshot_seq) return; // a newer compaction already won the race
        if (uptoSeq > doc.last_seq) throw new Error(`compact: seq ${uptoSeq} beyond last ${doc.last_seq}`);
        stmt(db, 'INSERT INTO snapshots (collab_id, seq, data, hash) VALUES (?, ?, ?, ?)').run(collaborationId, uptoSeq, state, checksum(state));
        stmt(db, 'UPDATE docs SET snapshot_seq = ? WHERE collab_id = ?').run(uptoSeq, collaborationId);
        // The history's start moves only forward and never past what this snapshot covers.
        let historySeq = doc.history_seq;
        if (cut && cut.seq > historySeq && cut.seq <= uptoSeq) {
          if (cut.seq !== uptoSeq) stmt(db, 'INSERT OR REPLACE INTO snapshots (collab_id, seq, data, hash) VALUES (?, ?, ?, ?)').run(collaborationId, cut.seq, cut.state, checksum(cut.state));
          stmt(db, 'UPDATE docs SET history_seq = ? WHERE collab_id = ?').run(cut.seq, collaborationId);
          historySeq = cut.seq;
        }
        // Updates inside the history stay beside the snapshot (load skips them); so does the
        // snapshot the history starts from.
        stmt(db, 'DELETE FROM updates WHERE collab_id = ? AND seq <= ?').run(collaborationId, Math.min(uptoSeq, historySeq));
        stmt(db, 'DELETE FROM snapshots WHERE collab_id = ? AND seq < ? AND seq <> ?').run(collaborationId, uptoSeq, historySeq);
      });
    },
    async loadHistory(collaborationId) {
      const { parseAttribution } = await import('./attribution-column.ts');
      return db.transaction(() => {
        const doc = stmt(db, 'SELECT last_seq, history_seq FROM docs WHERE collab_id = ?').get(collaborationId) as
          | { last_seq: number; history_seq: number } | undefined;
        if (!doc) return { base: null, baseSeq: 0, updates: [], lastSeq: 0 };
        let base: Uint8Array | null = null;
        if (doc.history_seq > 0) {
          const row = stmt(db, 'SELECT seq, data, hash FROM snapshots WHERE collab_id = ? AND seq = ?').get(collaborationId, doc.history_seq) as BlobRow | undefined;
          if (!row) throw new CorruptRecordError(`history base ${collaborationId}#${doc.history_seq} missing`);
          base = verified(collaborationId, 'snapshot', row);
        }
        const rows = stmt(db, 'SELECT seq, data, hash, attribution, at FROM updates WHERE collab_id = ? AND seq > ? ORDER BY seq').all(collaborationId, doc.history_seq) as HistoryRow[];
        const updates: HistoryUpdate[] = rows.map((r) => ({
          seq: r.seq, data: verified(collaborationId, 'update', r), at: r.at, attribution: parseAttribution(collaborationId, r.seq, r.attribution),
        }));
        return { base, baseSeq: doc.history_seq, updates, lastSeq: doc.last_seq };
      })();
    },
    async pendingSize(collaborationId) {
      const r = db
        .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(u.data)), 0) AS b FROM updates u JOIN docs d ON d.collab_id = u.collab_id WHERE u.collab_id = ? AND u.seq > d.snapshot_seq')
        .get(collaborationId) as { n: number; b: number };
      return { updates: r.n, bytes: r.b };
    },
  };
}
