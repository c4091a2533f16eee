// The change stream's server-side filter and the event → change mapping, checked without MongoDB
// (the conformance suite runs them against a real server when MONGODB_URL is set).
import { Binary } from 'mongodb';
import type { ChangeStreamDocument, Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { MAX_FILTERED_DOCUMENTS, PIPELINE, pipelineFor, toChange } from './change-events.ts';

/** The `$nor` clauses the narrowing stage drops events by, if there is one. */
function dropped(pipeline: Document[]): Document[] {
  const narrowing = pipeline.find((stage, i) => i > 0 && stage['$match']);
  return (narrowing?.['$match'] as { $nor?: Document[] } | undefined)?.$nor ?? [];
}

const ev = (e: Record<string, unknown>) => e as unknown as ChangeStreamDocument;

describe('mongo change stream filter', () => {
  it('[D34][D43] a tail asking for nothing in particular gets the shared pipeline', () => {
    expect(pipelineFor({})).toBe(PIPELINE);
  });

  it('[D34] its own origin\'s updates and presence are dropped on the server', () => {
    const p = pipelineFor({ excludeOrigin: 'srv-1' });
    expect(p[0]).toEqual(PIPELINE[0]);
    expect(dropped(p)).toEqual([{ 'ns.coll': { $in: ['updates', 'presence'] }, operationType: 'insert', 'fullDocument.origin': 'srv-1' }]);
  });

  it('[D43] updates and presence of documents not asked for are dropped on the server; the projection keeps the resume token', () => {
    const p = pipelineFor({ excludeOrigin: 'srv-1', documents: ['col_a', 'col_b'] });
    expect(dropped(p)).toEqual([
      { 'ns.coll': { $in: ['updates', 'presence'] }, operationType: 'insert', 'fullDocument.origin': 'srv-1' },
      { 'ns.coll': { $in: ['updates', 'presence'] }, operationType: 'insert', 'fullDocument.collaborationId': { $nin: ['col_a', 'col_b'] } },
    ]);
    // The narrowing comes before the projection, which never touches `_id` (the resume token).
    const project = p[p.length - 1]!['$project'] as Record<string, unknown>;
    expect(project['_id']).toBeUndefined();
    expect(project['fullDocument']).toBe(1);
    // Only inserts are narrowed: a drop or rename of those collections (no fullDocument, which
    // `$nin` would match) still comes through.
    for (const clause of dropped(p)) expect(clause['operationType']).toBe('insert');
    // No documents loaded: no document's updates.
    expect(dropped(pipelineFor({ documents: [] }))).toEqual([{ 'ns.coll': { $in: ['updates', 'presence'] }, operationType: 'insert', 'fullDocument.collaborationId': { $nin: [] } }]);
  });

  it('[D43] past the cap the document filter is left off rather than sent with every event scan', () => {
    const many = Array.from({ length: MAX_FILTERED_DOCUMENTS + 1 }, (_, i) => `col_${i}`);
    expect(pipelineFor({ documents: many })).toBe(PIPELINE);
    expect(dropped(pipelineFor({ documents: many.slice(1) }))).toHaveLength(1);
  });
});

describe('mongo change events without document lookups', () => {
  const ns = (coll: string) => ({ db: 'trellis', coll });

  it('[D44] a membership change comes from the key alone: a role update and a delete', () => {
    expect(toChange(ev({ operationType: 'update', ns: ns('members'), documentKey: { _id: 'col_1:u_2' }, updateDescription: { updatedFields: { role: 'editor' } } })))
      .toEqual({ type: 'membership', collaborationId: 'col_1', userId: 'u_2', role: 'editor' });
    expect(toChange(ev({ operationType: 'update', ns: ns('members'), documentKey: { _id: 'col_1:u_2' }, updateDescription: { updatedFields: { addedBy: 'x' } } }))).toBe('skip');
    expect(toChange(ev({ operationType: 'delete', ns: ns('members'), documentKey: { _id: 'col_1:u_2' } })))
      .toEqual({ type: 'membership', collaborationId: 'col_1', userId: 'u_2', role: null });
  });

  it('[D44] approvals, notifications and check-ins are replaced whole, so their events carry what the change needs', () => {
    expect(toChange(ev({ operationType: 'replace', ns: ns('approvals'), documentKey: { _id: 'apr_1' }, fullDocument: { _id: 'apr_1', collaborationId: 'col_1', status: 'approved' } })))
      .toEqual({ type: 'approval', collaborationId: 'col_1', approvalId: 'apr_1', status: 'approved' });
    expect(toChange(ev({ operationType: 'replace', ns: ns('notifications'), documentKey: { _id: 'ntf_1' }, fullDocument: { _id: 'ntf_1', userId: 'u_2', readAt: 'x' } })))
      .toEqual({ type: 'notification', userId: 'u_2', notificationId: 'ntf_1' });
    expect(toChange(ev({ operationType: 'replace', ns: ns('checkins'), documentKey: { _id: 'chk_1' }, fullDocument: { _id: 'chk_1', collaborationId: 'col_1', status: 'running' } }))).toBe('skip');
    expect(toChange(ev({ operationType: 'replace', ns: ns('checkins'), documentKey: { _id: 'chk_1' }, fullDocument: { _id: 'chk_1', collaborationId: 'col_1', status: 'done' } })))
      .toEqual({ type: 'checkin', collaborationId: 'col_1', checkinId: 'chk_1' });
    // A field update of those (written by an earlier version) is not a change here.
    expect(toChange(ev({ operationType: 'update', ns: ns('approvals'), documentKey: { _id: 'apr_1' }, updateDescription: { updatedFields: { status: 'approved' } } }))).toBe('skip');
  });

  it('[D44] an update insert maps with its bytes checked; a corrupt one asks for a resync', () => {
    const data = new Uint8Array([0, 0]);
    const good = { _id: 'u1', collaborationId: 'col_1', seq: 3, origin: 'srv-2', data: new Binary(data), hash: 'bad' };
    expect(toChange(ev({ operationType: 'insert', ns: ns('updates'), documentKey: { _id: 'u1' }, fullDocument: good }))).toBe('broken');
  });
});
