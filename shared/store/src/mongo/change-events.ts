// Which MongoDB change events are feed changes, and how each maps to the `Change` union. The
// writes themselves are the events (update inserts, member replaces/deletes, approval CAS, ...),
// so a change is emitted exactly when its write commits: the same operations as the SQLite adapter.
import { Binary } from 'mongodb';
import type { ChangeStreamDocument, Document } from 'mongodb';
import { Change } from '@trellis/schema';
import { checksum } from '../checksum.ts';
import { bytesOf } from './db.ts';

type Op = 'insert' | 'update' | 'replace' | 'delete';

/** Collection → the operations that are changes (see the mapping in toChange). Every change is
 *  mapped from the event alone, so the stream never asks the server to look documents up
 *  (`fullDocument: 'updateLookup'`, a read per update event in every tailing process): the writers
 *  of approvals, notifications and check-ins replace whole documents, whose events carry them. */
const WATCHED: Record<string, readonly Op[]> = {
  updates: ['insert'], // deletes are compaction, not changes
  members: ['insert', 'replace', 'update', 'delete'], // the key names both ids; an update's role is in its fields
  collaborations: ['update', 'replace'], // creation emits only the owner membership; the key is the change
  approvals: ['insert', 'replace'],
  notifications: ['insert', 'replace'],
  checkins: ['replace'], // claim (insert) and release (delete) emit nothing
  presence: ['insert'], // TTL expiry deletes are not changes
};

/** Events that end what the consumer knows: `invalidate` (the database was dropped; the stream is
 *  closed, changes.ts restarts after it with a resync) and a watched collection dropped or renamed
 *  (a resync). Never filtered out, or a reopened stream would replay to them forever. */
const STREAM_EVENTS: Document[] = [
  { operationType: { $in: ['invalidate', 'dropDatabase'] } },
  { 'ns.coll': { $in: Object.keys(WATCHED) }, operationType: { $in: ['drop', 'rename'] } },
];

/** Filter on the server so unrelated traffic (jobs, kv, audit, snapshots) never crosses the wire;
 *  project away what the mapping does not read (the resume token `_id` must stay untouched). */
export const PIPELINE: Document[] = [
  { $match: { $or: [...Object.entries(WATCHED).map(([coll, ops]) => ({ 'ns.coll': coll, operationType: { $in: [...ops] } })), ...STREAM_EVENTS] } },
  { $project: { operationType: 1, ns: 1, documentKey: 1, fullDocument: 1, 'updateDescription.updatedFields': 1, wallTime: 1 } },
];

/** The collections whose events are per document (`update` and `awareness` changes). */
const PER_DOCUMENT = ['updates', 'presence'];

/** Past this many documents the filter is left off (every document's updates come, as without
 *  it): the pipeline is sent with every (re)open and scanned against every event. */
export const MAX_FILTERED_DOCUMENTS = 2_000;

/** PIPELINE, narrowed on the server for one tailing process, before anything crosses the wire
 *  (skipped events' resume tokens still advance): with `excludeOrigin`, its own `update` and
 *  presence inserts (it already holds them); with `documents`, other documents' ones (`[D43]`). */
export function pipelineFor(opts: { excludeOrigin?: string | undefined; documents?: readonly string[] | undefined }): Document[] {
  // Inserts only: `$nin` also matches a missing field, and a drop or rename of those collections
  // (no fullDocument) must still come through (STREAM_EVENTS).
  const perDocument = { 'ns.coll': { $in: PER_DOCUMENT }, operationType: 'insert' };
  const drop: Document[] = [];
  if (opts.excludeOrigin) drop.push({ ...perDocument, 'fullDocument.origin': opts.excludeOrigin });
  if (opts.documents && opts.documents.length <= MAX_FILTERED_DOCUMENTS) {
    drop.push({ ...perDocument, 'fullDocument.collaborationId': { $nin: [...opts.documents] } });
  }
  if (drop.length === 0) return PIPELINE;
  const [match, ...rest] = PIPELINE;
  return [match!, { $match: { $nor: drop } }, ...rest];
}

/** 'skip': not a change (e.g. a check-in saved while still running); 'broken': a watched write
 *  that cannot be mapped, so the consumer must resync (as SQLite does for an unparsable row). */
export type Mapped = Change | 'skip' | 'broken';

interface Event { coll: string; op: Op; key: unknown; full: Document | null; updated: Document; at?: number }

function describe(ev: ChangeStreamDocument): Event | null {
  if (ev.operationType === 'insert' || ev.operationType === 'replace') {
    const at = 'wallTime' in ev && ev.wallTime instanceof Date ? ev.wallTime.getTime() : undefined;
    return { coll: ev.ns.coll, op: ev.operationType, key: ev.documentKey._id, full: ev.fullDocument ?? null, updated: {}, ...(at !== undefined ? { at } : {}) };
  }
  if (ev.operationType === 'update') {
    // No fullDocument: the stream is opened without a lookup (see WATCHED).
    return { coll: ev.ns.coll, op: 'update', key: ev.documentKey._id, full: null, updated: ev.updateDescription.updatedFields ?? {} };
  }
  if (ev.operationType === 'delete') return { coll: ev.ns.coll, op: 'delete', key: ev.documentKey._id, full: null, updated: {} };
  return null;
}

function candidate({ coll, op, key, full, updated, at }: Event): unknown {
  if (coll === 'updates') {
    if (!full || !(full['data'] instanceof Binary)) return null;
    const data = bytesOf(full['data']);
    if (checksum(data) !== full['hash']) return null;
    return { type: 'update', collaborationId: full['collaborationId'], seq: full['seq'], origin: full['origin'], data, ...(at !== undefined ? { at } : {}) };
  }
  if (coll === 'members') {
    if (op === 'delete' || op === 'update') {
      // Both ids are in the key (memberKey); an update that did not set the role changed nothing here.
      if (op === 'update' && updated['role'] === undefined) return 'skip';
      const [collaborationId, userId, ...rest] = typeof key === 'string' ? key.split(':') : [];
      return rest.length === 0 ? { type: 'membership', collaborationId, userId, role: op === 'delete' ? null : updated['role'] } : null;
    }
    if (!full) return null;
    return { type: 'membership', collaborationId: full['collaborationId'], userId: full['userId'], role: full['role'] };
  }
  if (coll === 'collaborations') return { type: 'collaboration', collaborationId: key };
  if (!full) return null;
  if (coll === 'approvals') return { type: 'approval', collaborationId: full['collaborationId'], approvalId: key, status: full['status'] };
  if (coll === 'notifications') return { type: 'notification', userId: full['userId'], notificationId: key };
  if (coll === 'presence') {
    if (!full || !(full['data'] instanceof Binary)) return null;
    return { type: 'awareness', collaborationId: full['collaborationId'], origin: full['origin'], data: bytesOf(full['data']) };
  }
  if (coll === 'checkins') {
    if (full['status'] === 'running') return 'skip';
    return { type: 'checkin', collaborationId: full['collaborationId'], checkinId: key };
  }
  return 'skip';
}

export function toChange(ev: ChangeStreamDocument): Mapped {
  const e = describe(ev);
  if (!e || !(WATCHED[e.coll] ?? []).includes(e.op)) return 'skip';
  const value = candidate(e);
  if (value === 'skip') return 'skip';
  const parsed = Change.safeParse(value);
  return parsed.success ? parsed.data : 'broken';
}
