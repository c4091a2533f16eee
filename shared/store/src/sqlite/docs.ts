// The CRDT update log: per-document sequence, checksummed blobs, snapshots, atomic compaction.
import type { AppendEntry, DocRepo, StoredUpdate } from '../types.ts';
import { checksum } from '../checksum.ts';
import { CorruptRecordError } from '../errors.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';
import { emitChange } from './emit.ts';

interface BlobRow { seq: number; data: Buffer; hash: string }

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
  const insertUpdate = stmt(db, 'INSERT INTO updates (collab_id, seq, data, hash) VALUES (?, ?, ?, ?)');
  const appendOne = (e: AppendEntry) => {
    if (e.updates.length === 0) throw new Error('append: no updates');
    const { last_seq: lastSeq } = bumpSeq.get(e.collaborationId, e.updates.length) as { last_seq: number };
    const firstSeq = lastSeq - e.updates.length + 1;
    e.updates.forEach((u, i) => {
      insertUpdate.run(e.collaborationId, firstSeq + i, u, checksum(u));
      emitChange(db, { type: 'update', collaborationId: e.collaborationId, seq: firstSeq + i, origin: e.origin, data: u });
    });
    return { firstSeq, lastSeq };
  };
  return {
    async append(collaborationId, updates, origin) {
      return writeTx(db, () => appendOne({ collaborationId, updates, origin }));
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
    async compact(collaborationId, state, uptoSeq) {
      writeTx(db, () => {
        const doc = stmt(db, 'SELECT last_seq, snapshot_seq FROM docs WHERE collab_id = ?').get(collaborationId) as
          | { last_seq: number; snapshot_seq: number } | undefined;
        if (!doc) throw new Error(`compact: unknown document ${collaborationId}`);
        if (uptoSeq <= doc.snapshot_seq) return; // a newer compaction already won the race
        if (uptoSeq > doc.last_seq) throw new Error(`compact: seq ${uptoSeq} beyond last ${doc.last_seq}`);
        stmt(db, 'INSERT INTO snapshots (collab_id, seq, data, hash) VALUES (?, ?, ?, ?)').run(collaborationId, uptoSeq, state, checksum(state));
        stmt(db, 'UPDATE docs SET snapshot_seq = ? WHERE collab_id = ?').run(uptoSeq, collaborationId);
        stmt(db, 'DELETE FROM updates WHERE collab_id = ? AND seq <= ?').run(collaborationId, uptoSeq);
        stmt(db, 'DELETE FROM snapshots WHERE collab_id = ? AND seq < ?').run(collaborationId, uptoSeq);
      });
    },
    async pendingSize(collaborationId) {
      const r = db
        .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(u.data)), 0) AS b FROM updates u JOIN docs d ON d.collab_id = u.collab_id WHERE u.collab_id = ? AND u.seq > d.snapshot_seq')
        .get(collaborationId) as { n: number; b: number };
      return { updates: r.n, bytes: r.b };
    },
  };
}
