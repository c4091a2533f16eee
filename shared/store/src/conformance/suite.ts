// The storage conformance suite: every adapter runs exactly these tests (SQLite always, MongoDB
// when MONGODB_URL is set). Rule ids refer to DATA_MODEL.md / SPEC.md.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyLoaded, loadStoredDoc } from '../apply-loaded.ts';
import { eachStore } from './each-store.ts';
import * as Y from 'yjs';
import type { Approval, Checkin, Collaboration } from '@trellis/schema';
import { newId } from '@trellis/schema';
import type { Store } from '../types.ts';
import { runFeedConformance } from './feed.ts';
import { runHistoryConformance } from './history.ts';
import { runInviteConformance } from './invites.ts';
import { runOperationsConformance } from './operations.ts';
import { runPeerRegistryConformance } from './peers.ts';
import { spawnChild, waitExit, waitForLine } from './spawn-child.ts';

export interface ConformanceSetup {
  store: Store;
  /** Close and open the same data again. */
  reopen: () => Promise<Store>;
  /** Corrupt the stored bytes of one update (adapter-specific). */
  corruptUpdate: (collaborationId: string, seq: number) => Promise<void>;
  cleanup: () => Promise<void>;
  /** Environment for a child process to open the same store. */
  spawnEnv: Record<string, string>;
}

export function collab(ownerId: string, title = 'Trip'): Collaboration {
  const now = new Date().toISOString();
  return {
    id: newId('col'), title, ownerId, settings: { timeZone: 'UTC', aiCheckins: true }, policy: {}, rules: [], archived: false, createdAt: now, updatedAt: now,
  };
}

function editUpdate(doc: Y.Doc, text: string): Uint8Array {
  const sv = Y.encodeStateVector(doc);
  doc.getArray<string>('log').push([text]);
  return Y.encodeStateAsUpdate(doc, sv);
}


export function runStoreConformance(name: string, setup: () => Promise<ConformanceSetup>): void {
  describe(`store conformance: ${name}`, () => {
    let s!: ConformanceSetup;
    let store!: Store;
    eachStore(setup, (opened) => {
      s = opened;
      store = opened.store;
    });

    it('[D1] creates a collaboration with its owner and lists "my collaborations" newest first, paginated', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const c = collab('alice', `c${i}`);
        await store.collaborations.create(c);
        ids.push(c.id);
      }
      const first = await store.members.listForUser('alice', { limit: 2 });
      expect(first.items.map((x) => x.collaboration.id)).toEqual([ids[4], ids[3]]);
      expect(first.items[0]!.role).toBe('owner');
      const rest = await store.members.listForUser('alice', { limit: 10, cursor: first.nextCursor! });
      expect(rest.items.map((x) => x.collaboration.id)).toEqual([ids[2], ids[1], ids[0]]);
      expect(rest.nextCursor).toBeNull();
      expect((await store.members.listForUser('bob', { limit: 10 })).items).toEqual([]);
    });

    it('[D2] memberships: add, change role, remove, count owners', async () => {
      const c = collab('alice');
      await store.collaborations.create(c);
      await store.members.put({ collaborationId: c.id, userId: 'bob', role: 'viewer', addedAt: new Date().toISOString(), addedBy: 'alice' });
      await store.members.put({ collaborationId: c.id, userId: 'bob', role: 'editor', addedAt: new Date().toISOString(), addedBy: 'alice' });
      expect((await store.members.get(c.id, 'bob'))?.role).toBe('editor');
      expect(await store.members.countOwners(c.id)).toBe(1);
      expect((await store.members.list(c.id, { limit: 10 })).items.map((m) => m.userId).sort()).toEqual(['alice', 'bob']);
      expect(await store.members.remove(c.id, 'bob')).toBe(true);
      expect(await store.members.remove(c.id, 'bob')).toBe(false);
      expect(await store.members.get(c.id, 'bob')).toBeNull();
    });

    it('[D15] guarded role changes keep the last owner: of two racing demote/remove of the two owners exactly one wins', async () => {
      // Same process, concurrent calls. Across OS processes the check is just as atomic: SQLite runs
      // it in one BEGIN IMMEDIATE transaction (the database write lock is held from the owner count
      // to the commit), MongoDB in one transaction whose guard-document write makes racing ones
      // conflict and retry. So no two-process test is needed here.
      const c = collab('alice');
      await store.collaborations.create(c);
      const addedAt = new Date().toISOString();
      await store.members.put({ collaborationId: c.id, userId: 'bob', role: 'owner', addedAt, addedBy: 'alice' });
      await store.members.put({ collaborationId: c.id, userId: 'carol', role: 'viewer', addedAt, addedBy: 'alice' });
      const head = await store.changes.head();

      const results = await Promise.all([store.members.changeGuarded(c.id, 'alice', 'editor'), store.members.changeGuarded(c.id, 'bob', null)]);
      expect([...results].sort()).toEqual(['last_owner', 'ok']);
      expect(await store.members.countOwners(c.id)).toBe(1);
      const [alice, bob] = [await store.members.get(c.id, 'alice'), await store.members.get(c.id, 'bob')];
      if (results[0] === 'ok') {
        expect(alice?.role).toBe('editor');
        expect(alice?.addedBy).toBeNull(); // addedAt/addedBy kept
        expect(bob?.role).toBe('owner');
      } else {
        expect(alice?.role).toBe('owner');
        expect(bob).toBeNull();
      }
      const winner = results[0] === 'ok' ? 'alice:editor' : 'bob:null';

      // The sole owner can be neither demoted nor removed; with a second owner, one can go.
      const sole = results[0] === 'ok' ? 'bob' : 'alice';
      expect(await store.members.changeGuarded(c.id, sole, 'viewer')).toBe('last_owner');
      expect(await store.members.changeGuarded(c.id, sole, null)).toBe('last_owner');
      expect(await store.members.changeGuarded(c.id, 'carol', 'owner')).toBe('ok');
      expect(await store.members.get(c.id, 'carol')).toMatchObject({ role: 'owner', addedAt, addedBy: 'alice' });
      expect(await store.members.countOwners(c.id)).toBe(2);
      expect(await store.members.changeGuarded(c.id, 'carol', null)).toBe('ok');
      expect(await store.members.get(c.id, 'carol')).toBeNull();
      expect(await store.members.countOwners(c.id)).toBe(1);

      // Not a member (never, or no longer).
      expect(await store.members.changeGuarded(c.id, 'nobody', 'editor')).toBe('absent');
      expect(await store.members.changeGuarded(c.id, 'carol', null)).toBe('absent');
      expect(await store.members.changeGuarded('col_missing', 'alice', null)).toBe('absent');

      // Applied changes are emitted like put/remove; refused ones emit nothing.
      const seen: string[] = [];
      const ac = new AbortController();
      await store.changes.tail({
        from: head,
        signal: ac.signal,
        async onBatch(b) {
          for (const ch of b.changes) if (ch.type === 'membership') seen.push(`${ch.userId}:${ch.role}`);
          if (seen.length >= 3) ac.abort();
        },
        async onResync() {
          seen.push('resync');
          ac.abort();
        },
      });
      expect(seen).toEqual([winner, 'carol:owner', 'carol:null']);
    });

    it('[D3] appends get consecutive per-document sequence numbers; load = snapshot + later updates', async () => {
      const doc = new Y.Doc();
      const a = await store.docs.append('d1', [editUpdate(doc, 'a'), editUpdate(doc, 'b')], 'test');
      const b = await store.docs.append('d1', [editUpdate(doc, 'c')], 'test');
      expect(a).toEqual({ firstSeq: 1, lastSeq: 2 });
      expect(b).toEqual({ firstSeq: 3, lastSeq: 3 });
      expect((await store.docs.append('d2', [editUpdate(new Y.Doc(), 'x')], 'test')).firstSeq).toBe(1);
      const loaded = await store.docs.load('d1');
      expect(loaded.updates.map((u) => u.seq)).toEqual([1, 2, 3]);
      expect((await loadStoredDoc(store, 'd1')).getArray('log').toArray()).toEqual(['a', 'b', 'c']);
      expect(await store.docs.load('nope')).toEqual({ snapshot: null, snapshotSeq: 0, updates: [], lastSeq: 0 });
      // Group commit: several documents in one write, same sequence semantics.
      const batch = await store.docs.appendBatch([
        { collaborationId: 'd1', updates: [editUpdate(doc, 'd')], origin: 'g' },
        { collaborationId: 'd3', updates: [editUpdate(new Y.Doc(), 'y'), editUpdate(new Y.Doc(), 'z')], origin: 'g' },
        { collaborationId: 'd1', updates: [editUpdate(doc, 'e')], origin: 'g' },
      ]);
      expect(batch).toEqual([{ firstSeq: 4, lastSeq: 4 }, { firstSeq: 1, lastSeq: 2 }, { firstSeq: 5, lastSeq: 5 }]);
      expect((await loadStoredDoc(store, 'd1')).getArray('log').toArray()).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('[D4] compaction replaces updates by their merged state; later updates survive; reload after close is equal', async () => {
      const doc = new Y.Doc();
      for (let i = 0; i < 20; i++) await store.docs.append('d', [editUpdate(doc, `u${i}`)], 'test');
      const loaded = await store.docs.load('d');
      const merged = Y.encodeStateAsUpdate(await loadStoredDoc(store, 'd'));
      await store.docs.append('d', [editUpdate(doc, 'after')], 'test');
      await store.docs.compact('d', merged, loaded.lastSeq);
      const after = await store.docs.load('d');
      expect(after.snapshotSeq).toBe(20);
      expect(after.updates.map((u) => u.seq)).toEqual([21]);
      expect((await store.docs.pendingSize('d')).updates).toBe(1);
      // An older compaction arriving late changes nothing.
      await store.docs.compact('d', Y.encodeStateAsUpdate(new Y.Doc()), 5);
      const expected = doc.getArray('log').toJSON();
      expect((await loadStoredDoc(store, 'd')).getArray('log').toJSON()).toEqual(expected);
      store = await s.reopen();
      expect((await loadStoredDoc(store, 'd')).getArray('log').toJSON()).toEqual(expected);
      expect((await store.docs.append('d', [editUpdate(doc, 'next')], 'test')).firstSeq).toBe(22);
    });

    it('[D5] a corrupted stored update fails loudly at load and is never replaced', async () => {
      const doc = new Y.Doc();
      await store.docs.append('d', [editUpdate(doc, 'a'), editUpdate(doc, 'b')], 'test');
      await s.corruptUpdate('d', 2);
      await expect(store.docs.load('d')).rejects.toThrow(/corrupt/);
      // Still corrupt (not silently healed, not replaced by an empty document), and appends still work.
      await expect(store.docs.load('d')).rejects.toThrow(/corrupt/);
      expect((await store.docs.append('d', [editUpdate(doc, 'c')], 'test')).firstSeq).toBe(3);
    });

    it('[D6] two OS processes appending to one document: no lost or duplicated sequence numbers', async () => {
      const n = 60;
      const children = ['p1', 'p2'].map((tag) => spawnChild(s.spawnEnv, ['append', 'shared', String(n), tag]));
      const codes = await Promise.all(children.map(waitExit));
      expect(codes).toEqual([0, 0]);
      const loaded = await store.docs.load('shared');
      expect(loaded.updates.map((u) => u.seq)).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 1));
      const items = (await loadStoredDoc(store, 'shared')).getArray<string>('log').toArray();
      expect(items.length).toBe(2 * n);
      expect(new Set(items).size).toBe(2 * n);
    });

    it('[D7] compaction racing with appends never loses an update', async () => {
      const writer = new Y.Doc();
      let appending = true;
      const appends = (async () => {
        for (let i = 0; i < 150; i++) {
          await store.docs.append('race', [editUpdate(writer, `w${i}`)], 'test');
          await new Promise((r) => setImmediate(r));
        }
        appending = false;
      })();
      let compactions = 0;
      while (appending) {
        const loaded = await store.docs.load('race');
        if (loaded.lastSeq > loaded.snapshotSeq) {
          const d = new Y.Doc();
          applyLoaded(d, loaded);
          await store.docs.compact('race', Y.encodeStateAsUpdate(d), loaded.lastSeq);
          compactions++;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      await appends;
      expect(compactions).toBeGreaterThan(1);
      expect((await loadStoredDoc(store, 'race')).getArray('log').toJSON()).toEqual(writer.getArray('log').toJSON());
    });

    it('[D8] the change feed delivers committed changes in order, resumable from a cursor', async () => {
      const head = await store.changes.head();
      const c = collab('alice');
      await store.collaborations.create(c);
      await store.docs.append(c.id, [editUpdate(new Y.Doc(), 'x')], 'origin-1');
      await store.members.put({ collaborationId: c.id, userId: 'bob', role: 'viewer', addedAt: new Date().toISOString(), addedBy: 'alice' });
      const seen: string[] = [];
      const ac = new AbortController();
      let cursor = '';
      await store.changes.tail({
        from: head,
        signal: ac.signal,
        async onBatch(b) {
          for (const ch of b.changes) seen.push(ch.type === 'update' ? `update:${ch.seq}:${ch.origin}` : ch.type === 'membership' ? `membership:${ch.userId}:${ch.role}` : ch.type);
          cursor = b.cursor;
          if (seen.length >= 3) ac.abort();
        },
        async onResync() {
          seen.push('resync');
        },
      });
      expect(seen).toEqual(['membership:alice:owner', 'update:1:origin-1', 'membership:bob:viewer']);
      await store.members.remove(c.id, 'bob');
      const more: string[] = [];
      const ac2 = new AbortController();
      await store.changes.tail({
        from: cursor,
        signal: ac2.signal,
        async onBatch(b) {
          for (const ch of b.changes) if (ch.type === 'membership') more.push(`${ch.userId}:${ch.role}`);
          ac2.abort();
        },
        async onResync() {
          more.push('resync');
        },
      });
      expect(more).toEqual(['bob:null']);
    });

    it('[D9] a tailing process killed with SIGKILL and restarted resumes without gaps', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trellis-tail-'));
      const cursorFile = join(dir, 'cursor');
      const outFile = join(dir, 'out');
      const writer = new Y.Doc();
      let tailer = spawnChild(s.spawnEnv, ['tail', cursorFile, outFile]);
      await waitForLine(tailer, 'ready');
      // Let the tailer see at least one change before it is killed.
      await store.docs.append('feed', [editUpdate(writer, 'first')], 'test');
      for (let i = 0; i < 400 && !(existsSync(outFile) && readFileSync(outFile, 'utf8').includes('1\n')); i++) await new Promise((r) => setTimeout(r, 25));
      for (let i = 1; i < 40; i++) await store.docs.append('feed', [editUpdate(writer, `e${i}`)], 'test');
      tailer.kill('SIGKILL');
      await waitExit(tailer);
      for (let i = 40; i < 80; i++) await store.docs.append('feed', [editUpdate(writer, `e${i}`)], 'test');
      tailer = spawnChild(s.spawnEnv, ['tail', cursorFile, outFile]);
      await waitForLine(tailer, 'ready');
      for (let i = 80; i < 100; i++) await store.docs.append('feed', [editUpdate(writer, `e${i}`)], 'test');
      const deadline = Date.now() + 20_000;
      let seqs = new Set<number>();
      while (Date.now() < deadline) {
        seqs = new Set(readFileSync(outFile, 'utf8').split('\n').filter((l) => /^\d+$/.test(l)).map(Number));
        if (seqs.size >= 100) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      tailer.kill('SIGTERM');
      await waitExit(tailer);
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(readFileSync(outFile, 'utf8')).not.toContain('resync');
    });

    it('[D16] presence entries travel through the change feed with their origin', async () => {
      const head = await store.changes.head();
      await store.presence.publish([{ collaborationId: 'c1', origin: 'proc-a', data: new Uint8Array([1, 2, 3]) }]);
      const seen: { origin: string; data: number[] }[] = [];
      const ac = new AbortController();
      await store.changes.tail({
        from: head,
        signal: ac.signal,
        async onBatch(b) {
          for (const ch of b.changes) if (ch.type === 'awareness') seen.push({ origin: ch.origin, data: [...ch.data] });
          if (seen.length > 0) ac.abort();
        },
        async onResync() {},
      });
      expect(seen).toEqual([{ origin: 'proc-a', data: [1, 2, 3] }]);
    });

    it('[D17] projections: the newest seq wins, read back through the schema', async () => {
      const base = { collaborationId: 'c1', updatedAt: new Date().toISOString(), messages: { count: 0, recent: [] }, notes: { length: 0, excerpt: '' } };
      await store.projections.put({ ...base, seq: 5, activities: [{ id: 'a1', title: 'new', status: 'proposed' }] });
      await store.projections.put({ ...base, seq: 3, activities: [{ id: 'a1', title: 'stale', status: 'proposed' }] });
      expect((await store.projections.get('c1'))?.activities[0]?.title).toBe('new');
      await store.projections.put({ ...base, seq: 7, activities: [] });
      expect((await store.projections.get('c1'))?.seq).toBe(7);
      expect(await store.projections.seqOf('c1')).toBe(7);
      expect(await store.projections.get('nope')).toBeNull();
      expect(await store.projections.seqOf('nope')).toBe(0);
    });

    it('[D10] approvals transition exactly once (compare-and-set)', async () => {
      const now = new Date().toISOString();
      const a: Approval = {
        id: newId('apr'), collaborationId: 'c1', action: 'cancelActivity', params: { activityId: 'a1' }, paramsHash: 'h', proposedBy: { kind: 'ai' },
        reason: 'r', baseStateVector: '', targetFingerprint: null, status: 'pending', createdAt: now, expiresAt: now, decidedBy: null, decidedAt: null, outcome: null,
      };
      await store.approvals.create(a);
      const results = await Promise.all([1, 2, 3].map(() => store.approvals.transition(a.id, 'pending', 'executing', { decidedBy: 'alice' })));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await store.approvals.listPending(['c1'], { limit: 10 })).items).toEqual([]);
      expect((await store.approvals.get(a.id))?.status).toBe('executing');
    });

    it('[D11] [W10] one check-in per collaboration and local day; its stored answer reads back, several in one write, only into its own unanswered run, finished once', async () => {
      const mk = (): Checkin => ({
        id: newId('chk'), collaborationId: 'c1', localDay: '2026-11-22', status: 'running', summary: '', proposals: [], provider: 'offline', model: 'rules',
        aiGenerated: false, inputTokens: 0, outputTokens: 0, latencyMs: 0, createdAt: new Date().toISOString(), completedAt: null, jobId: null, answer: null, stateVector: null, requeues: 0,
      });
      const claims = await Promise.all([mk(), mk(), mk()].map((c) => store.checkins.claim(c)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      const got = (await store.checkins.get('c1', '2026-11-22'))!;
      expect(got).toMatchObject({ jobId: null, answer: null });
      // The model's answer is stored with the running check-in before it is acted on, and read back.
      const answer = { summary: 's', actions: [{ action: 'sendMessage', params: { body: 'hi' }, reason: 'r' }], notes: [], provider: 'groq', model: 'm', inputTokens: 3, outputTokens: 4, latencyMs: 5 };
      await store.checkins.save({ ...got, jobId: 'job_1', answer });
      expect(await store.checkins.get('c1', '2026-11-22')).toMatchObject({ status: 'running', jobId: 'job_1', answer });
      // Several check-ins' answers in one write.
      const other = { ...mk(), collaborationId: 'c2' };
      expect(await store.checkins.claim(other)).toBe(true);
      expect(await store.checkins.saveAnswers([{ ...got, jobId: 'job_2', answer }, { ...other, jobId: 'job_2', answer }])).toEqual([{ ...other, jobId: 'job_2', answer }]);
      expect((await store.checkins.get('c2', '2026-11-22'))?.jobId).toBe('job_2');
      // [W10] Only a running check-in of the same run without an answer takes one: c1 was answered
      // (by job_1), c2 is answered now, and a new run of c3 is not the run an answer was asked for.
      expect((await store.checkins.get('c1', '2026-11-22'))?.jobId).toBe('job_1');
      expect(await store.checkins.saveAnswers([{ ...other, jobId: 'job_3', answer: { ...answer, summary: 'late' } }])).toEqual([]);
      expect((await store.checkins.get('c2', '2026-11-22'))?.answer?.summary).toBe('s');
      const third = { ...mk(), collaborationId: 'c3', runId: 'run_a' };
      expect(await store.checkins.claim(third)).toBe(true);
      expect(await store.checkins.saveAnswers([{ ...third, runId: 'run_b', answer }])).toEqual([]);
      expect(await store.checkins.saveAnswers([{ ...third, createdAt: new Date(0).toISOString(), answer }])).toEqual([]);
      expect(await store.checkins.saveAnswers([{ ...third, answer }])).toHaveLength(1);
      // An outcome is stored once, by the run that holds the check-in.
      expect(await store.checkins.finish({ ...third, runId: 'run_b', status: 'failed', summary: 'stale run' })).toBe(false);
      expect(await store.checkins.finish({ ...third, answer, status: 'done', summary: 'third done' })).toBe(true);
      expect(await store.checkins.finish({ ...third, answer, status: 'failed', summary: 'late' })).toBe(false);
      expect((await store.checkins.get('c3', '2026-11-22'))?.summary).toBe('third done');
      await store.checkins.save({ ...got, status: 'done', summary: 'ok' });
      expect((await store.checkins.list('c1', { limit: 5 })).items.map((c) => c.summary)).toEqual(['ok']);
      expect((await store.checkins.latestDone('c1'))?.summary).toBe('ok');
    });

    it('[D12] jobs: lease with visibility timeout, retries, dead letter, dedupe, backpressure', async () => {
      const job = await store.jobs.enqueue({ type: 't', payload: { x: 1 }, dedupeKey: 'k', maxAttempts: 2 });
      expect(job).not.toBeNull();
      expect(await store.jobs.enqueue({ type: 't', payload: {}, dedupeKey: 'k' })).toBeNull();
      const now = Date.now();
      const leased = await store.jobs.claim(['t'], 'w1', 1000, now);
      expect(leased?.attempts).toBe(1);
      expect(await store.jobs.claim(['t'], 'w2', 1000, now)).toBeNull();
      // Lease expired: another worker takes it over.
      const taken = await store.jobs.claim(['t'], 'w2', 1000, now + 1001);
      expect(taken?.leaseOwner).toBe('w2');
      expect(await store.jobs.complete(job!.id, leased!.leaseId!)).toBe(false);
      const dead = await store.jobs.fail(job!.id, taken!.leaseId!, 'boom', now + 5000);
      expect(dead?.status).toBe('dead');
      expect(dead?.lastError).toBe('boom');
      expect((await store.jobs.listDead({ limit: 10 })).items.map((j) => j.id)).toEqual([job!.id]);
      const j2 = await store.jobs.enqueue({ type: 't', payload: {}, maxAttempts: 3 });
      const l2 = await store.jobs.claim(['t'], 'w1', 1000);
      const retried = await store.jobs.fail(l2!.id, l2!.leaseId!, 'transient', Date.now() + 60_000);
      expect(retried?.status).toBe('queued');
      expect(await store.jobs.claim(['t'], 'w1', 1000)).toBeNull();
      expect((await store.jobs.get(j2!.id))?.attempts).toBe(1);
      expect(await store.jobs.enqueue({ type: 't', payload: {} }, { maxQueued: 1 })).toBeNull();
      expect((await store.jobs.counts()).dead).toBe(1);
    });

    it('[D21] job leases are per claim: a stale claim of the same owner can neither extend, complete nor fail the new lease', async () => {
      const job = (await store.jobs.enqueue({ type: 'p', payload: {}, maxAttempts: 3 }))!;
      const now = Date.now();
      const first = (await store.jobs.claim(['p'], 'w1', 1000, now))!;
      expect(first.leaseId).toMatch(/^lse_/);
      expect(await store.jobs.extend(job.id, first.leaseId!, now + 2000)).toBe(true);
      expect(await store.jobs.claim(['p'], 'w1', 1000, now + 1500)).toBeNull(); // the heartbeat kept it
      const second = (await store.jobs.claim(['p'], 'w1', 1000, now + 2001))!;
      expect(second.leaseOwner).toBe('w1');
      expect(second.leaseId).not.toBe(first.leaseId);
      expect(await store.jobs.extend(job.id, first.leaseId!, now + 9000)).toBe(false);
      expect(await store.jobs.complete(job.id, first.leaseId!)).toBe(false);
      expect(await store.jobs.fail(job.id, first.leaseId!, 'stale', now)).toBeNull();
      expect(await store.jobs.complete(job.id, second.leaseId!)).toBe(true);
      expect((await store.jobs.get(job.id))).toMatchObject({ status: 'done', leaseId: null });
    });

    it('[D22] a job whose every attempt died with the worker is dead-lettered at claim time, never run again', async () => {
      const job = (await store.jobs.enqueue({ type: 'x', payload: {}, maxAttempts: 2 }))!;
      const other = (await store.jobs.enqueue({ type: 'x', payload: {}, runAt: Date.now() + 5000 }))!;
      const now = Date.now();
      expect((await store.jobs.claim(['x'], 'w1', 100, now))?.id).toBe(job.id); // attempt 1: the worker dies
      expect((await store.jobs.claim(['x'], 'w1', 100, now + 200))?.attempts).toBe(2); // attempt 2: dies again
      // Lease of the last attempt expired: the next claim buries it and hands out the next due job instead.
      expect((await store.jobs.claim(['x'], 'w2', 100, now + 6000))?.id).toBe(other.id);
      const dead = (await store.jobs.get(job.id))!;
      expect(dead).toMatchObject({ status: 'dead', attempts: 2, leaseOwner: null, leaseId: null });
      expect(dead.lastError).toMatch(/^attempts exhausted: the worker stopped while running it 2 time/);
      expect((await store.jobs.listDead({ limit: 10 })).items.map((j) => j.id)).toEqual([job.id]);
    });

    it('[D18] housekeeping: due approvals expire (once), finished jobs are pruned, dead letters kept', async () => {
      const mk = (expiresAt: string): Approval => ({
        id: newId('apr'), collaborationId: 'c1', action: 'cancelActivity', params: {}, paramsHash: 'h', proposedBy: { kind: 'ai' }, reason: 'r',
        baseStateVector: '', targetFingerprint: null, status: 'pending', createdAt: new Date().toISOString(), expiresAt, decidedBy: null, decidedAt: null, outcome: null,
      });
      const due = mk(new Date(Date.now() - 1000).toISOString());
      const later = mk(new Date(Date.now() + 86_400_000).toISOString());
      await store.approvals.create(due);
      await store.approvals.create(later);
      const expired = await store.approvals.expireDue(new Date(), 10);
      expect(expired.map((a) => a.id)).toEqual([due.id]);
      expect((await store.approvals.get(due.id))?.status).toBe('expired');
      expect((await store.approvals.get(later.id))?.status).toBe('pending');
      expect(await store.approvals.expireDue(new Date(), 10)).toEqual([]);
      const done = await store.jobs.enqueue({ type: 'h', payload: {}, runAt: Date.now() - 10_000 });
      const claimed = await store.jobs.claim(['h'], 'w', 1000);
      await store.jobs.complete(claimed!.id, claimed!.leaseId!);
      const dead = await store.jobs.enqueue({ type: 'h2', payload: {}, maxAttempts: 1, runAt: Date.now() - 10_000 });
      const c2 = await store.jobs.claim(['h2'], 'w', 1000);
      await store.jobs.fail(c2!.id, c2!.leaseId!, 'x', Date.now());
      expect(await store.jobs.pruneDone(Date.now())).toBe(1);
      expect(await store.jobs.get(done!.id)).toBeNull();
      expect((await store.jobs.get(dead!.id))?.status).toBe('dead');
    });

    it('[D13] notifications: per-user list, unread count, mark read', async () => {
      for (let i = 0; i < 3; i++) {
        await store.notifications.create({ id: newId('ntf'), userId: 'bob', collaborationId: 'c1', kind: 'mention', title: `n${i}`, ref: null, createdAt: new Date().toISOString(), readAt: null });
      }
      expect(await store.notifications.unreadCount('bob')).toBe(3);
      const list = await store.notifications.list('bob', { limit: 2 });
      expect(list.items.map((n) => n.title)).toEqual(['n2', 'n1']);
      expect(await store.notifications.markRead('bob', [list.items[0]!.id], new Date().toISOString())).toBe(1);
      expect(await store.notifications.unreadCount('bob')).toBe(2);
      expect(await store.notifications.markRead('alice', [list.items[1]!.id], new Date().toISOString())).toBe(0);
      expect((await store.notifications.list('bob', { limit: 10, unreadOnly: true })).items.map((n) => n.title)).toEqual(['n1', 'n0']);
    });

    it('[D14] key-value: set-if-absent is exclusive; audit lists newest first', async () => {
      expect(await store.kv.setIfAbsent('k', '1')).toBe(true);
      expect(await store.kv.setIfAbsent('k', '2')).toBe(false);
      expect(await store.kv.get('k')).toBe('1');
      for (let i = 0; i < 3; i++) {
        await store.audit.append({ id: newId('aud'), collaborationId: 'c1', at: new Date().toISOString(), actor: { kind: 'user', userId: 'u' }, kind: 'action', action: `a${i}`, outcome: 'executed', detail: {} });
      }
      const page = await store.audit.list('c1', { limit: 2 });
      expect(page.items.map((e) => e.action)).toEqual(['a2', 'a1']);
      expect((await store.audit.list('c1', { limit: 2, cursor: page.nextCursor! })).items.map((e) => e.action)).toEqual(['a0']);
    });

    it('[D24] appending an audit entry whose id is stored already leaves the first one as it is', async () => {
      const id = newId('aud');
      const entry = { id, collaborationId: 'c-audit', at: new Date().toISOString(), actor: { kind: 'ai' as const, ref: 'r' }, kind: 'action' as const, action: 'sendMessage', outcome: 'executed', detail: {} };
      await store.audit.append(entry);
      await store.audit.append({ ...entry, outcome: 'again' });
      expect((await store.audit.list('c-audit', { limit: 10 })).items.map((e) => `${e.id}:${e.outcome}`)).toEqual([`${id}:executed`]);
    });

    it('[D23] key-value compare-and-set replaces only the expected value, with its expiry', async () => {
      const at = Date.now() + 3_600_000;
      expect(await store.kv.compareAndSet('cas', 'a', 'b')).toBe(false); // absent: nothing to compare
      expect(await store.kv.get('cas')).toBeNull();
      await store.kv.set('cas', 'a');
      const racing = await Promise.all([store.kv.compareAndSet('cas', 'a', 'x', { expiresAt: at - 1 }), store.kv.compareAndSet('cas', 'a', 'y', { expiresAt: at - 1 })]);
      expect(racing.filter(Boolean)).toHaveLength(1);
      const won = (await store.kv.get('cas'))!;
      expect(['x', 'y']).toContain(won);
      expect(await store.kv.compareAndSet('cas', 'a', 'z')).toBe(false);
      expect(await store.kv.pruneExpired(at)).toBe(1);
      expect(await store.kv.get('cas')).toBeNull();
    });

    it('[D20] key-value expiry: pruning removes rows due by then, keeps later ones and rows without expiry', async () => {
      // Prune "an hour from now", so MongoDB's TTL monitor (real clock) cannot have removed a row first.
      const at = Date.now() + 3_600_000;
      await store.kv.set('due', 'a', { expiresAt: at - 1 });
      expect(await store.kv.setIfAbsent('due-exactly', 'b', { expiresAt: at })).toBe(true);
      await store.kv.set('live', 'c', { expiresAt: at + 60_000 });
      await store.kv.set('forever', 'd');
      // set replaces the expiry (none = forever); setIfAbsent on an existing key changes nothing.
      await store.kv.set('made-permanent', 'e', { expiresAt: at - 1 });
      await store.kv.set('made-permanent', 'e2');
      await store.kv.set('extended', 'f', { expiresAt: at - 1 });
      await store.kv.set('extended', 'f2', { expiresAt: at + 60_000 });
      expect(await store.kv.setIfAbsent('forever', 'x', { expiresAt: at - 1 })).toBe(false);
      // Expiry is a retention time, not a read filter: due rows stay readable until pruned.
      expect(await store.kv.get('due')).toBe('a');
      expect(await store.kv.pruneExpired(at)).toBe(2);
      expect(await store.kv.get('due')).toBeNull();
      expect(await store.kv.get('due-exactly')).toBeNull();
      store = await s.reopen();
      expect(await store.kv.get('live')).toBe('c');
      expect(await store.kv.get('forever')).toBe('d');
      expect(await store.kv.get('made-permanent')).toBe('e2');
      expect(await store.kv.get('extended')).toBe('f2');
      expect(await store.kv.pruneExpired(at)).toBe(0);
      // A pruned key is free again.
      expect(await store.kv.setIfAbsent('due', 'again')).toBe(true);
      expect(await store.kv.pruneExpired(at + 60_000)).toBe(2);
      expect(await store.kv.get('live')).toBeNull();
      expect(await store.kv.get('due')).toBe('again');
    });
  });
  runOperationsConformance(name, setup);
  runFeedConformance(name, setup);
  runInviteConformance(name, setup);
  runPeerRegistryConformance(name, setup);
  runHistoryConformance(name, setup);
}
