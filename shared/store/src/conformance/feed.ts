// Conformance for what the change feed carries (DATA_MODEL.md "The change feed"): every kind of
// change reaches a tail with the fields its consumers use, and a tail asked for some documents gets
// those documents' updates and presence, including a document added while it runs. Run by
// runStoreConformance for every adapter.
import { describe, expect, it } from 'vitest';
import type { Approval, Change, Checkin } from '@trellis/schema';
import { newId } from '@trellis/schema';
import { createDocumentInterest } from '../document-interest.ts';
import type { DocumentInterest, Store } from '../types.ts';
import { eachStore, textUpdate as update, until } from './each-store.ts';
import type { ConformanceSetup } from './suite.ts';
import { collab } from './suite.ts';

/** What a consumer reads of a change, as one line. */
function describeChange(c: Change): string {
  switch (c.type) {
    case 'update': return `update ${c.collaborationId} ${c.origin}`;
    case 'awareness': return `awareness ${c.collaborationId} ${c.origin}`;
    case 'membership': return `membership ${c.collaborationId} ${c.userId} ${c.role}`;
    case 'collaboration': return `collaboration ${c.collaborationId}`;
    case 'approval': return `approval ${c.collaborationId} ${c.approvalId} ${c.status}`;
    case 'notification': return `notification ${c.userId} ${c.notificationId}`;
    case 'checkin': return `checkin ${c.collaborationId} ${c.checkinId}`;
    default: {
      const never: never = c;
      throw new Error(`unknown change ${JSON.stringify(never)}`);
    }
  }
}

/** Tail from now, collecting every change as a line; stop() ends it. */
async function collect(store: Store, documents?: DocumentInterest): Promise<{ seen: string[]; stop: () => Promise<void> }> {
  const seen: string[] = [];
  const ac = new AbortController();
  const tail = store.changes.tail({
    from: await store.changes.head(),
    signal: ac.signal,
    ...(documents ? { documents } : {}),
    async onBatch(b) {
      for (const c of b.changes) seen.push(describeChange(c));
    },
    async onResync() {
      seen.push('resync');
    },
  });
  return {
    seen,
    async stop() {
      ac.abort();
      await tail;
    },
  };
}

export function runFeedConformance(name: string, setup: () => Promise<ConformanceSetup>): void {
  describe(`store conformance (change feed): ${name}`, () => {
    let store!: Store;
    eachStore(setup, (opened) => {
      store = opened.store;
    });

    it('[D44] every kind of change reaches a tail with the ids its consumers use', async () => {
      const c = collab('alice');
      const now = new Date().toISOString();
      const approval: Approval = {
        id: newId('apr'), collaborationId: c.id, action: 'cancelActivity', params: { activityId: 'a1' }, paramsHash: 'h', proposedBy: { kind: 'ai' },
        reason: 'r', baseStateVector: '', targetFingerprint: null, status: 'pending', createdAt: now, expiresAt: now, decidedBy: null, decidedAt: null, outcome: null,
      };
      const checkin: Checkin = {
        id: newId('chk'), collaborationId: c.id, localDay: '2026-11-22', status: 'running', summary: '', proposals: [], provider: 'offline', model: 'rules',
        aiGenerated: false, inputTokens: 0, outputTokens: 0, latencyMs: 0, createdAt: now, completedAt: null, jobId: null, answer: null, stateVector: null, requeues: 0,
      };
      const notificationId = newId('ntf');
      const feed = await collect(store);
      try {
        await store.collaborations.create(c);
        await store.members.put({ collaborationId: c.id, userId: 'bob', role: 'viewer', addedAt: now, addedBy: 'alice' });
        await store.collaborations.update(c.id, { title: 'Renamed' });
        await store.approvals.create(approval);
        await store.approvals.transition(approval.id, 'pending', 'executing', { decidedBy: 'alice' });
        await store.notifications.create({ id: notificationId, userId: 'bob', collaborationId: c.id, kind: 'mention', title: 'n', ref: null, createdAt: now, readAt: null });
        await store.notifications.markRead('bob', [notificationId], now);
        await store.checkins.claim(checkin);
        await store.checkins.save({ ...checkin, status: 'done', summary: 'ok' });
        await store.members.remove(c.id, 'bob');
        const expected = [
          `membership ${c.id} alice owner`,
          `membership ${c.id} bob viewer`,
          `collaboration ${c.id}`,
          `approval ${c.id} ${approval.id} pending`,
          `approval ${c.id} ${approval.id} executing`,
          `notification bob ${notificationId}`,
          `notification bob ${notificationId}`,
          `checkin ${c.id} ${checkin.id}`,
          `membership ${c.id} bob null`,
        ];
        await until(() => feed.seen.length >= expected.length, 15_000, 'every change');
        expect(feed.seen).toEqual(expected);
        // The stored records are what the writes made them.
        expect(await store.approvals.get(approval.id)).toMatchObject({ status: 'executing', decidedBy: 'alice', reason: 'r' });
        expect((await store.notifications.list('bob', { limit: 5 })).items[0]).toMatchObject({ id: notificationId, readAt: now, title: 'n' });
      } finally {
        await feed.stop();
      }
    });

    it('[D43] a tail asked for some documents gets their updates and presence, others\' never, every other change always', async () => {
      const docs = createDocumentInterest();
      docs.add('col_loaded');
      const feed = await collect(store, docs);
      try {
        await store.docs.append('col_other', [update('o1')], 'them');
        await store.presence.publish([{ collaborationId: 'col_other', origin: 'them', data: new Uint8Array([1]) }]);
        await store.docs.append('col_loaded', [update('l1')], 'them');
        await store.presence.publish([{ collaborationId: 'col_loaded', origin: 'them', data: new Uint8Array([2]) }]);
        const c = collab('alice');
        await store.collaborations.create(c);
        await until(() => feed.seen.length >= 3, 15_000, 'the loaded document\'s changes and the membership');
        await new Promise((r) => setTimeout(r, 500));
        expect(feed.seen).toEqual(['update col_loaded them', 'awareness col_loaded them', `membership ${c.id} alice owner`]);
      } finally {
        await feed.stop();
      }
    });

    it('[D43] a document added while tailing gets every change committed after the add, even at once', async () => {
      const docs = createDocumentInterest();
      docs.add('col_first');
      const feed = await collect(store, docs);
      try {
        // Wait until the tail runs (it delivers the first document's update).
        await store.docs.append('col_first', [update('f1')], 'them');
        await until(() => feed.seen.includes('update col_first them'), 15_000, 'the first document');
        for (let i = 0; i < 5; i++) {
          const id = `col_added_${i}`;
          await store.docs.append(id, [update(`before ${i}`)], 'before-add');
          // As a server does: ask for the document, then read it from the store; updates stored
          // right after the add must come through the feed.
          docs.add(id);
          await store.docs.append(id, [update(`after ${i}`)], 'after-add');
          await store.presence.publish([{ collaborationId: id, origin: 'after-add', data: new Uint8Array([i]) }]);
        }
        const wanted = Array.from({ length: 5 }, (_, i) => [`update col_added_${i} after-add`, `awareness col_added_${i} after-add`]).flat();
        await until(() => wanted.every((w) => feed.seen.includes(w)), 15_000, 'every update and presence after its add');
        // Nothing else twice: each change the tail was already given before an add is not given again.
        expect(feed.seen.filter((l) => l === 'update col_first them')).toHaveLength(1);
        for (const w of wanted) expect(feed.seen.filter((l) => l === w)).toHaveLength(1);
        expect(feed.seen).not.toContain('resync');
      } finally {
        await feed.stop();
      }
    });
  });
}
