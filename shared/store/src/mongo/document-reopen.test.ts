// Reopening a filtered change stream when a document is added ([D43]), checked without MongoDB:
// where the new stream starts and what of the re-read stretch reaches the consumer.
import type { ResumeToken } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { Change } from '@trellis/schema';
import { DocumentReopens } from './document-reopen.ts';

/** A resume token at oplog position n (hex KeyStrings compare in oplog order). */
const at = (n: number): ResumeToken => ({ _data: `82${n.toString(16).padStart(8, '0')}` });
const update = (collaborationId: string): Change => ({ type: 'update', collaborationId, seq: 1, origin: 'o', data: new Uint8Array() });
const membership: Change = { type: 'membership', collaborationId: 'col_a', userId: 'u', role: 'editor' };

describe('reopening a change stream for an added document', () => {
  it('[D43] with nothing added, the stream starts where the consumer is and everything passes', () => {
    const r = new DocumentReopens();
    expect(r.pending).toBe(false);
    expect(r.startFrom(at(10))).toEqual(at(10));
    expect(r.passes(at(11), membership)).toBe(true);
  });

  it('[D43] after an add the stream starts where it stood at the add; in the re-read stretch only the added document passes', () => {
    const r = new DocumentReopens();
    r.request(at(8), 'col_new');
    expect(r.pending).toBe(true);
    // The consumer was already given everything up to 10 under the old filter.
    expect(r.startFrom(at(10))).toEqual(at(8));
    expect(r.pending).toBe(false);
    expect(r.passes(at(9), update('col_new'))).toBe(true);
    expect(r.passes(at(9), update('col_old'))).toBe(false);
    expect(r.passes(at(9), membership)).toBe(false);
    expect(r.passes(at(10), null)).toBe(false);
    // Past the stretch: everything again, and the stretch is over.
    expect(r.passes(at(11), membership)).toBe(true);
    expect(r.passes(at(9), update('col_old'))).toBe(true);
  });

  it('[D43] an add where the consumer already is needs no re-read', () => {
    const r = new DocumentReopens();
    r.request(at(10), 'col_new');
    expect(r.startFrom(at(10))).toEqual(at(10));
    expect(r.passes(at(10), membership)).toBe(true);
  });

  it('[D43] adds during a re-read continue from how far it got, so nothing is delivered twice', () => {
    const r = new DocumentReopens();
    r.request(at(5), 'col_1');
    expect(r.startFrom(at(10))).toEqual(at(5));
    expect(r.passes(at(6), update('col_1'))).toBe(true);
    r.flushed(at(7));
    r.request(at(7), 'col_2');
    expect(r.startFrom(at(10))).toEqual(at(7));
    expect(r.passes(at(8), update('col_1'))).toBe(true);
    expect(r.passes(at(8), update('col_2'))).toBe(true);
    expect(r.passes(at(8), update('col_3'))).toBe(false);
  });

  it('[D43] a stream that fails while re-reading starts again from how far it got; a resync forgets the stretch', () => {
    const r = new DocumentReopens();
    r.request(at(5), 'col_1');
    expect(r.startFrom(at(10))).toEqual(at(5));
    r.flushed(at(7));
    expect(r.startFrom(at(10))).toEqual(at(7));
    r.clear();
    expect(r.startFrom(at(20))).toEqual(at(20));
    expect(r.passes(at(21), membership)).toBe(true);
  });

  it('[D43] a stream read past the stretch without an event (an idle post-batch token) ends it', () => {
    const r = new DocumentReopens();
    r.request(at(5), 'col_1');
    expect(r.startFrom(at(10))).toEqual(at(5));
    r.flushed(at(12));
    expect(r.passes(at(6), membership)).toBe(true);
    expect(r.startFrom(at(12))).toEqual(at(12));
  });

  it('[D43] several adds before the reopen start it at the earliest', () => {
    const r = new DocumentReopens();
    r.request(at(6), 'col_1');
    r.request(at(9), 'col_2');
    expect(r.startFrom(at(10))).toEqual(at(6));
    expect(r.passes(at(7), update('col_2'))).toBe(true);
  });
});
