// Append a row to the change feed inside the caller's transaction.
import type { Change } from '@trellis/schema';
import type { Db } from './db.ts';

export function emitChange(db: Db, change: Change): void {
  if (change.type === 'update') {
    const { data, ...rest } = change;
    db.prepare('INSERT INTO changes (type, payload, data, at) VALUES (?, ?, ?, ?)').run(change.type, JSON.stringify(rest), data, Date.now());
  } else {
    db.prepare('INSERT INTO changes (type, payload, data, at) VALUES (?, ?, NULL, ?)').run(change.type, JSON.stringify(change), Date.now());
  }
}
