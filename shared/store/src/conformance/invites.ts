// Conformance for invites (DATA_MODEL.md `[D40]`, SPEC [I1]–[I4]): run by runStoreConformance for
// every adapter.
import { describe, expect, it } from 'vitest';
import { eachStore } from './each-store.ts';
import type { Invite } from '@trellis/schema';
import { newId } from '@trellis/schema';
import type { Store } from '../types.ts';
import type { ConformanceSetup } from './suite.ts';
import { collab } from './suite.ts';

function invite(collaborationId: string, over: Partial<Invite> = {}): Invite {
  return {
    id: newId('inv'), collaborationId, kind: 'link', role: 'editor', email: null, tokenHash: newId('hash'), createdBy: 'olga',
    createdAt: new Date().toISOString(), expiresAt: null, maxUses: 1, uses: 0, revokedAt: null, ...over,
  };
}

export function runInviteConformance(name: string, setup: () => Promise<ConformanceSetup>): void {
  describe(`store conformance (invites): ${name}`, () => {
    let store!: Store;
    eachStore(setup, (opened) => {
      store = opened.store;
    });

    it('[D40] a single-use link taken concurrently succeeds exactly once; later takes say used_up', async () => {
      const c = collab('olga');
      await store.collaborations.create(c);
      const i = invite(c.id);
      await store.invites.create(i);
      const now = new Date().toISOString();
      const results = await Promise.all(Array.from({ length: 8 }, (_, n) => store.invites.use(i.id, now, `user${n}`)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => (r.ok ? null : r.reason))).toEqual(Array(7).fill('used_up'));
      expect((await store.invites.get(i.id))?.uses).toBe(1);
      expect(await store.invites.findByTokenHash(i.tokenHash!)).toEqual({ ...i, uses: 1 });
    });

    it('[D40] maxUses counts uses; revoked and expired invites are refused with their reason; absent ids are absent', async () => {
      const c = collab('olga');
      await store.collaborations.create(c);
      const now = new Date();
      const three = invite(c.id, { maxUses: 3 });
      const expired = invite(c.id, { expiresAt: new Date(now.getTime() - 1000).toISOString() });
      const revoked = invite(c.id);
      for (const i of [three, expired, revoked]) await store.invites.create(i);
      for (let n = 1; n <= 3; n++) expect(await store.invites.use(three.id, now.toISOString(), `user${n}`)).toMatchObject({ ok: true, invite: { uses: n } });
      expect(await store.invites.use(three.id, now.toISOString(), 'user4')).toEqual({ ok: false, reason: 'used_up' });
      expect(await store.invites.use(expired.id, now.toISOString(), 'user1')).toEqual({ ok: false, reason: 'expired' });
      expect(await store.invites.revoke(c.id, revoked.id, now.toISOString())).toMatchObject({ invite: { revokedAt: now.toISOString() }, revokedNow: true });
      // Revoking again keeps the first time; another collaboration's id is not found.
      expect(await store.invites.revoke(c.id, revoked.id, new Date(now.getTime() + 5000).toISOString())).toMatchObject({ invite: { revokedAt: now.toISOString() }, revokedNow: false });
      expect(await store.invites.revoke('col_other', three.id, now.toISOString())).toBeNull();
      expect(await store.invites.use(revoked.id, now.toISOString(), 'user1')).toEqual({ ok: false, reason: 'revoked' });
      expect(await store.invites.use('inv_missing', now.toISOString(), 'user1')).toEqual({ ok: false, reason: 'absent' });
    });

    it('[D40] a use is its taker\'s claim until settled: granted again to them alone (also concurrently) without another use, unless revoked; settled, a take is a new use', async () => {
      const c = collab('olga');
      await store.collaborations.create(c);
      const now = new Date().toISOString();
      const two = invite(c.id, { maxUses: 2 });
      await store.invites.create(two);
      // The same person taking at once (or again after a crash before their join): one use.
      const mine = await Promise.all(Array.from({ length: 6 }, () => store.invites.use(two.id, now, 'ann')));
      expect(mine.every((r) => r.ok)).toBe(true);
      expect((await store.invites.get(two.id))?.uses).toBe(1);
      expect(await store.invites.use(two.id, now, 'bob')).toMatchObject({ ok: true, invite: { uses: 2 } });
      expect(await store.invites.use(two.id, now, 'cyd')).toEqual({ ok: false, reason: 'used_up' });
      expect(await store.invites.use(two.id, now, 'ann')).toMatchObject({ ok: true, invite: { uses: 2 } });
      // Settled (ann joined): a take of hers is a new use, and there is none left.
      await store.invites.settle(two.id, 'ann');
      expect(await store.invites.use(two.id, now, 'ann')).toEqual({ ok: false, reason: 'used_up' });
      // A claim does not outlive revocation.
      await store.invites.revoke(c.id, two.id, now);
      expect(await store.invites.use(two.id, now, 'bob')).toEqual({ ok: false, reason: 'revoked' });
      expect((await store.invites.get(two.id))?.uses).toBe(2);
    });

    it('[D40] lists a collaboration\'s invites newest first, paginated, and open email invites by address', async () => {
      const c = collab('olga');
      const other = collab('olga');
      await store.collaborations.create(c);
      await store.collaborations.create(other);
      const ids: string[] = [];
      for (let n = 0; n < 5; n++) {
        const i = invite(c.id);
        ids.push(i.id);
        await store.invites.create(i);
      }
      await store.invites.create(invite(other.id));
      const first = await store.invites.listForCollaboration(c.id, { limit: 3 });
      const second = await store.invites.listForCollaboration(c.id, { limit: 3, cursor: first.nextCursor ?? undefined });
      expect([...first.items, ...second.items].map((i) => i.id)).toEqual([...ids].reverse());
      expect(second.nextCursor).toBeNull();

      const mail = { kind: 'email' as const, tokenHash: null, email: 'pat@example.com' };
      const open = invite(c.id, mail);
      const used = invite(other.id, mail);
      const gone = invite(other.id, mail);
      for (const i of [open, used, gone]) await store.invites.create(i);
      await store.invites.use(used.id, new Date().toISOString(), 'pat');
      await store.invites.revoke(other.id, gone.id, new Date().toISOString());
      // Used, its join not settled yet (cut short by a crash): still to be claimed.
      expect((await store.invites.listOpenForEmail('pat@example.com')).map((i) => i.id)).toEqual([open.id, used.id].sort());
      await store.invites.settle(used.id, 'pat');
      expect((await store.invites.listOpenForEmail('pat@example.com')).map((i) => i.id)).toEqual([open.id]);
      expect(await store.invites.listOpenForEmail('nobody@example.com')).toEqual([]);
    });

    it('[D40] finds a user by email whatever its case', async () => {
      await store.users.upsert({ id: 'pat', email: 'Pat.Smith@Example.com', displayName: 'Pat', createdAt: new Date().toISOString() });
      expect((await store.users.findByEmail('pat.smith@example.com'))?.id).toBe('pat');
      expect((await store.users.findByEmail('PAT.SMITH@EXAMPLE.COM'))?.id).toBe('pat');
      expect(await store.users.findByEmail('someone@example.com')).toBeNull();
    });
  });
}
