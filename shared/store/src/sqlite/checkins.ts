// Check-in digests, one per collaboration and local day (unique index).
import { Checkin } from '@trellis/schema';
import type { CheckinRepo } from '../types.ts';
import { answerable, stillRunning } from '../same-run.ts';
import { parseRecord } from '../parse-record.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';
import { emitChange } from './emit.ts';
import { toPage } from '../page.ts';

interface Row { id: string; data: string }
const toCheckin = (r: Row) => parseRecord(Checkin, JSON.parse(r.data), `checkin ${r.id}`);

export function sqliteCheckins(db: Db): CheckinRepo {
  const saveOne = (c: Checkin) => {
    stmt(db, 'UPDATE checkins SET status = ?, data = ? WHERE id = ?').run(c.status, JSON.stringify(c), c.id);
    if (c.status !== 'running') emitChange(db, { type: 'checkin', collaborationId: c.collaborationId, checkinId: c.id });
  };
  /** Inside a write transaction: overwrite `c` if the stored record passes `may`. */
  const saveIf = (c: Checkin, may: (stored: Checkin, mine: Checkin) => boolean): boolean => {
    const r = stmt(db, 'SELECT id, data FROM checkins WHERE id = ?').get(c.id) as Row | undefined;
    if (!r || !may(toCheckin(r), c)) return false;
    saveOne(c);
    return true;
  };
  return {
    async claim(c) {
      const res = db
        .prepare('INSERT INTO checkins (id, collab_id, local_day, status, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(c.id, c.collaborationId, c.localDay, c.status, JSON.stringify(c));
      return res.changes === 1;
    },
    async get(collaborationId, localDay) {
      const r = stmt(db, 'SELECT id, data FROM checkins WHERE collab_id = ? AND local_day = ?').get(collaborationId, localDay) as Row | undefined;
      return r ? toCheckin(r) : null;
    },
    async save(c) {
      writeTx(db, () => saveOne(c));
    },
    async saveAnswers(cs) {
      return writeTx(db, () => cs.filter((c) => saveIf(c, answerable)));
    },
    async finish(c) {
      return writeTx(db, () => saveIf(c, stillRunning));
    },
    async list(collaborationId, page) {
      const rows = db
        .prepare(`SELECT id, data FROM checkins WHERE collab_id = ? AND (? = '' OR local_day < ?) ORDER BY local_day DESC LIMIT ?`)
        .all(collaborationId, page.cursor ?? '', page.cursor ?? '', page.limit + 1) as Row[];
      return toPage(rows, page.limit, toCheckin, (r) => toCheckin(r).localDay);
    },
    async latestDone(collaborationId) {
      const r = stmt(db, `SELECT id, data FROM checkins WHERE collab_id = ? AND status = 'done' ORDER BY local_day DESC LIMIT 1`).get(collaborationId) as Row | undefined;
      return r ? toCheckin(r) : null;
    },
    async release(collaborationId, localDay) {
      stmt(db, `DELETE FROM checkins WHERE collab_id = ? AND local_day = ? AND status <> 'done'`).run(collaborationId, localDay);
    },
  };
}
