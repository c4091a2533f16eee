// Append a row to the change feed inside the caller's transaction.
import type { Change } from '@trellis/schema';
import type Database from 'better-sqlite3';
import type { Db } from './db.ts';

type Insert = Database.Statement<unknown[]>;
const statements = new WeakMap<Db, Insert>();

export function emitChange(db: Db, change: Change): void {
  let insert = statements.get(db);
  if (!insert) {
    insert = db.prepare<unknown[]>('INSERT INTO changes (type, payload, data, at, origin) VALUES (?, ?, ?, ?, ?)');
    statements.set(db, insert);
  }
  if (change.type === 'update' || change.type === 'awareness') {
    const { data, ...rest } = change;
    insert.run(change.type, JSON.stringify(rest), data, Date.now(), change.origin);
  } else {
    insert.run(change.type, JSON.stringify(change), null, Date.now(), null);
  }
}
