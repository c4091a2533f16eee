// Invites by email and by link on a real server (port 0, dev login): SPEC [I1]–[I5].
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createCollaboration, login, startTestServer, tempDir, waitFor } from '../../testing/harness.ts';
import type { TestUser } from '../../testing/harness.ts';
import type { RunningServer } from '../../server.ts';

interface Member { userId: string; role: string; displayName: string | null; email: string | null }

describe('invites', () => {
  let srv: RunningServer & { dataDir: string };
  let owner: TestUser;
  beforeAll(async () => {
    srv = await startTestServer();
    owner = await login(srv.url, 'olga@example.com');
  });
  afterAll(async () => {
    await srv.stop();
  });

  const members = async (id: string, who = owner) => (await api<{ items: Member[] }>(srv.url, 'GET', `/api/collaborations/${id}/members`, who.token)).body.items;

  it('[I1] adding by email: an existing user joins at once (201), with their name and email in the list', async () => {
    const id = await createCollaboration(srv.url, owner);
    const pat = await login(srv.url, 'pat@example.com');
    const res = await api<{ status: string; userId: string; role: string }>(srv.url, 'POST', `/api/collaborations/${id}/members`, owner.token, { email: ' PAT@example.com ', role: 'editor' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'added', userId: pat.user.id, role: 'editor' });
    expect(await members(id)).toContainEqual(expect.objectContaining({ userId: pat.user.id, role: 'editor', displayName: 'pat', email: 'pat@example.com' }));
    const notes = await api<{ items: { kind: string; title: string }[] }>(srv.url, 'GET', '/api/notifications', pat.token);
    expect(notes.body.items[0]).toMatchObject({ kind: 'membership', title: expect.stringContaining('as editor') });
    // Again: already a member.
    expect((await api(srv.url, 'POST', `/api/collaborations/${id}/members`, owner.token, { email: 'pat@example.com', role: 'viewer' })).status).toBe(409);
  });

  it('[I2] adding an unknown email is a pending invite (202), claimed when a token carrying that email first arrives', async () => {
    const id = await createCollaboration(srv.url, owner);
    const res = await api<{ status: string; invite: { id: string; email: string; kind: string; tokenHash?: string } }>(srv.url, 'POST', `/api/collaborations/${id}/members`, owner.token, { email: 'Newcomer@Example.com', role: 'viewer' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', invite: { kind: 'email', email: 'newcomer@example.com' } });
    expect(res.body.invite.tokenHash).toBeUndefined();
    const listed = await api<{ items: { id: string; status: string }[] }>(srv.url, 'GET', `/api/collaborations/${id}/invites`, owner.token);
    expect(listed.body.items).toContainEqual(expect.objectContaining({ id: res.body.invite.id, status: 'open' }));

    const nick = await login(srv.url, 'newcomer@example.com');
    const mine = await api<{ items: { id: string; role: string }[] }>(srv.url, 'GET', '/api/collaborations', nick.token);
    expect(mine.body.items).toContainEqual(expect.objectContaining({ id, role: 'viewer' }));
    const after = await api<{ items: { id: string; status: string; uses: number }[] }>(srv.url, 'GET', `/api/collaborations/${id}/invites`, owner.token);
    expect(after.body.items.find((i) => i.id === res.body.invite.id)).toMatchObject({ status: 'used_up', uses: 1 });
    const audit = await api<{ items: { action: string | null; outcome: string }[] }>(srv.url, 'GET', `/api/collaborations/${id}/audit`, owner.token);
    expect(audit.body.items.map((e) => e.action)).toEqual(expect.arrayContaining(['createInvite', 'addMember', 'acceptInvite']));
  });

  it('[I2] an email invite for someone who is already a member is spent at their sign-in: removed later, they are not re-added by it', async () => {
    const dataDir = tempDir();
    let own = await startTestServer({ dataDir });
    try {
      const olga = await login(own.url, 'olga@example.com');
      const id = await createCollaboration(own.url, olga);
      expect((await api(own.url, 'POST', `/api/collaborations/${id}/members`, olga.token, { email: 'pat@example.com', role: 'editor' })).status).toBe(202);
      // Added as a viewer by id before ever signing in (development ids derive from the email).
      const patId = `dev-${Buffer.from('pat@example.com').toString('base64url')}`;
      expect((await api(own.url, 'POST', `/api/collaborations/${id}/members`, olga.token, { userId: patId, role: 'viewer' })).status).toBe(201);
      const pat = await login(own.url, 'pat@example.com');
      expect(pat.user.id).toBe(patId);
      const roleOf = async (srv: string) => (await api<{ items: Member[] }>(srv, 'GET', `/api/collaborations/${id}/members`, olga.token)).body.items.find((m) => m.userId === patId)?.role;
      expect(await roleOf(own.url)).toBe('viewer');
      const listed = await api<{ items: { kind: string; status: string }[] }>(own.url, 'GET', `/api/collaborations/${id}/invites`, olga.token);
      expect(listed.body.items.filter((i) => i.kind === 'email').map((i) => i.status)).toEqual(['used_up']);
      expect((await api(own.url, 'DELETE', `/api/collaborations/${id}/members/${patId}`, olga.token)).status).toBe(200);
      // Pat's token first reaches a (restarted) server process again.
      await own.stop();
      own = await startTestServer({ dataDir });
      expect((await api<{ items: unknown[] }>(own.url, 'GET', '/api/collaborations', pat.token)).body.items).toEqual([]);
      expect(await roleOf(own.url)).toBeUndefined();
    } finally {
      await own.stop();
    }
  });

  it('[I3] a link is single-use by default: the first signed-in user joins (200), the next gets 410; it is stored hashed', async () => {
    const id = await createCollaboration(srv.url, owner);
    const res = await api<{ id: string; token: string; url: string; role: string; maxUses: number; expiresAt: string }>(srv.url, 'POST', `/api/collaborations/${id}/invites`, owner.token, { role: 'editor' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ role: 'editor', maxUses: 1 });
    expect(res.body.url).toBe(`${srv.url}/#/invite/${res.body.token}`);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    const stored = await srv.store.invites.get(res.body.id);
    expect(stored?.tokenHash).not.toContain(res.body.token);
    expect(JSON.stringify(stored)).not.toContain(res.body.token);

    const ann = await login(srv.url, 'ann@example.com');
    const bob = await login(srv.url, 'bob@example.com');
    const [a, b] = await Promise.all([ann, bob].map((u) => api<{ collaborationId: string; role: string; error?: { code: string } }>(srv.url, 'POST', `/api/invites/${res.body.token}/accept`, u.token)));
    expect([a!.status, b!.status].sort()).toEqual([200, 410]);
    const winner = a!.status === 200 ? a! : b!;
    expect(winner.body).toEqual({ collaborationId: id, role: 'editor' });
    expect((a!.status === 410 ? a! : b!).body.error?.code).toBe('gone');
    // The winner accepting again is harmless: already a member, nothing used.
    const again = await api(srv.url, 'POST', `/api/invites/${res.body.token}/accept`, a!.status === 200 ? ann.token : bob.token);
    expect(again).toMatchObject({ status: 200, body: { collaborationId: id, role: 'editor' } });
    // The inviter hears about it.
    const notes = await api<{ items: { kind: string; title: string }[] }>(srv.url, 'GET', '/api/notifications', owner.token);
    expect(notes.body.items.some((n) => n.kind === 'membership' && n.title.includes('invite link'))).toBe(true);
  });

  it('[I3] maxUses, expiry and revocation: used-up, expired and revoked links answer 410; unknown tokens 404', async () => {
    const id = await createCollaboration(srv.url, owner);
    const two = (await api<{ id: string; token: string }>(srv.url, 'POST', `/api/collaborations/${id}/invites`, owner.token, { role: 'viewer', maxUses: 2 })).body;
    const users = await Promise.all(['u1', 'u2', 'u3'].map((n) => login(srv.url, `${n}@example.com`)));
    expect((await api(srv.url, 'POST', `/api/invites/${two.token}/accept`, users[0]!.token)).status).toBe(200);
    expect((await api(srv.url, 'POST', `/api/invites/${two.token}/accept`, users[1]!.token)).status).toBe(200);
    expect((await api(srv.url, 'POST', `/api/invites/${two.token}/accept`, users[2]!.token)).status).toBe(410);

    const revoked = (await api<{ id: string; token: string }>(srv.url, 'POST', `/api/collaborations/${id}/invites`, owner.token, { role: 'viewer' })).body;
    expect((await api(srv.url, 'DELETE', `/api/collaborations/${id}/invites/${revoked.id}`, owner.token)).status).toBe(200);
    const r = await api<{ error: { message: string } }>(srv.url, 'POST', `/api/invites/${revoked.token}/accept`, users[2]!.token);
    expect(r.status).toBe(410);
    expect(r.body.error.message).toMatch(/revoked/);

    const expiring = (await api<{ id: string; token: string }>(srv.url, 'POST', `/api/collaborations/${id}/invites`, owner.token, { role: 'viewer', expiresInHours: 1 })).body;
    // Time passes: its expiry moves into the past (written as the store would hold it).
    const db = new Database(join(srv.dataDir, 'trellis.db'));
    db.prepare('UPDATE invites SET expires_at = ? WHERE id = ?').run(new Date(Date.now() - 1000).toISOString(), expiring.id);
    db.close();
    const e = await api<{ error: { message: string } }>(srv.url, 'POST', `/api/invites/${expiring.token}/accept`, users[2]!.token);
    expect(e.status).toBe(410);
    expect(e.body.error.message).toMatch(/expired/);
    expect((await api(srv.url, 'POST', `/api/invites/${'x'.repeat(43)}/accept`, users[2]!.token)).status).toBe(404);
    expect((await api(srv.url, 'POST', `/api/invites/${expiring.token}/accept`, null)).status).toBe(401);
  });

  it('[I3] a k-use link accepted by many people at once admits exactly k, each with the link\'s role; the rest get 410 used up', async () => {
    for (const [k, n] of [[2, 9], [3, 12]] as const) {
      const id = await createCollaboration(srv.url, owner);
      const link = (await api<{ id: string; token: string }>(srv.url, 'POST', `/api/collaborations/${id}/invites`, owner.token, { role: 'editor', maxUses: k })).body;
      const people = await Promise.all(Array.from({ length: n }, (_, i) => login(srv.url, `crowd${k}-${i}@example.com`)));
      const answers = await Promise.all(people.map((u) => api<{ role?: string; error?: { message: string } }>(srv.url, 'POST', `/api/invites/${link.token}/accept`, u.token)));
      const admitted = people.filter((_, i) => answers[i]!.status === 200).map((u) => u.user.id).sort();
      expect(admitted).toHaveLength(k);
      expect(answers.filter((a) => a.status === 410).map((a) => a.body.error?.message)).toEqual(Array(n - k).fill('this invite has already been used'));
      const joined = (await members(id)).filter((m) => m.userId !== owner.user.id);
      expect(joined.map((m) => m.userId).sort()).toEqual(admitted);
      expect(joined.every((m) => m.role === 'editor')).toBe(true);
      const listed = await api<{ items: { id: string; uses: number; status: string }[] }>(srv.url, 'GET', `/api/collaborations/${id}/invites`, owner.token);
      expect(listed.body.items.find((i) => i.id === link.id)).toMatchObject({ uses: k, status: 'used_up' });
    }
  });

  it('[I3] a member accepting a link for a lower role keeps their role and takes no use', async () => {
    const id = await createCollaboration(srv.url, owner);
    const ed = await login(srv.url, 'keeps-editor@example.com');
    await api(srv.url, 'POST', `/api/collaborations/${id}/members`, owner.token, { email: 'keeps-editor@example.com', role: 'editor' });
    const link = (await api<{ id: string; token: string }>(srv.url, 'POST', `/api/collaborations/${id}/invites`, owner.token, { role: 'viewer' })).body;
    expect(await api(srv.url, 'POST', `/api/invites/${link.token}/accept`, ed.token)).toEqual({ status: 200, body: { collaborationId: id, role: 'editor' } });
    expect(await api(srv.url, 'POST', `/api/invites/${link.token}/accept`, owner.token)).toEqual({ status: 200, body: { collaborationId: id, role: 'owner' } });
    expect((await members(id)).map((m) => [m.userId, m.role]).sort()).toEqual([[owner.user.id, 'owner'], [ed.user.id, 'editor']].sort());
    // The single use is still there for someone new.
    const fresh = await login(srv.url, 'fresh@example.com');
    expect(await api(srv.url, 'POST', `/api/invites/${link.token}/accept`, fresh.token)).toEqual({ status: 200, body: { collaborationId: id, role: 'viewer' } });
  });

  it('[I3][I4] revoking is idempotent: revoked twice at once, both answers carry the first revocation, which alone is audited; another collaboration\'s owner gets 404', async () => {
    const id = await createCollaboration(srv.url, owner);
    const link = (await api<{ id: string; token: string }>(srv.url, 'POST', `/api/collaborations/${id}/invites`, owner.token, { role: 'viewer' })).body;
    const elsewhere = await createCollaboration(srv.url, owner);
    expect((await api(srv.url, 'DELETE', `/api/collaborations/${elsewhere}/invites/${link.id}`, owner.token)).status).toBe(404);
    const both = await Promise.all([0, 1, 2].map(() => api<{ revokedAt: string; status: string }>(srv.url, 'DELETE', `/api/collaborations/${id}/invites/${link.id}`, owner.token)));
    expect(both.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(both.map((r) => r.body.revokedAt)).size).toBe(1);
    expect(both.every((r) => r.body.status === 'revoked')).toBe(true);
    const audit = await api<{ items: { action: string | null }[] }>(srv.url, 'GET', `/api/collaborations/${id}/audit`, owner.token);
    expect(audit.body.items.filter((e) => e.action === 'revokeInvite')).toHaveLength(1);
  });

  it('[I4] owner-only: editors and viewers get 403, non-members 404; bad bodies 400', async () => {
    const id = await createCollaboration(srv.url, owner);
    const ed = await login(srv.url, 'ed@example.com');
    const out = await login(srv.url, 'out@example.com');
    await api(srv.url, 'POST', `/api/collaborations/${id}/members`, owner.token, { email: 'ed@example.com', role: 'editor' });
    expect((await api(srv.url, 'POST', `/api/collaborations/${id}/invites`, ed.token, { role: 'viewer' })).status).toBe(403);
    expect((await api(srv.url, 'GET', `/api/collaborations/${id}/invites`, ed.token)).status).toBe(403);
    expect((await api(srv.url, 'POST', `/api/collaborations/${id}/members`, ed.token, { email: 'z@example.com', role: 'viewer' })).status).toBe(403);
    expect((await api(srv.url, 'POST', `/api/collaborations/${id}/invites`, out.token, { role: 'viewer' })).status).toBe(404);
    expect((await api(srv.url, 'POST', `/api/collaborations/${id}/invites`, owner.token, { role: 'admin' })).status).toBe(400);
    expect((await api(srv.url, 'POST', `/api/collaborations/${id}/members`, owner.token, { email: 'not-an-email', role: 'viewer' })).status).toBe(400);
  });

  it('[I4] an invite carries its author\'s rights: once the inviter is no longer an owner, their link answers 410', async () => {
    const id = await createCollaboration(srv.url, owner);
    const co = await login(srv.url, 'co@example.com');
    await api(srv.url, 'POST', `/api/collaborations/${id}/members`, owner.token, { email: 'co@example.com', role: 'owner' });
    const link = (await api<{ token: string }>(srv.url, 'POST', `/api/collaborations/${id}/invites`, co.token, { role: 'editor' })).body;
    expect((await api(srv.url, 'PATCH', `/api/collaborations/${id}/members/${co.user.id}`, owner.token, { role: 'viewer' })).status).toBe(200);
    const late = await login(srv.url, 'late@example.com');
    expect((await api(srv.url, 'POST', `/api/invites/${link.token}/accept`, late.token)).status).toBe(410);
  });

  it('[I4] creating invites is rate-limited per owner (429)', async () => {
    const busy = await login(srv.url, 'busy@example.com');
    const id = await createCollaboration(srv.url, busy);
    const statuses: number[] = [];
    for (let n = 0; n < 22; n++) statuses.push((await api(srv.url, 'POST', `/api/collaborations/${id}/invites`, busy.token, { role: 'viewer' })).status);
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  it('[I5] the member concerned gets a live `membership` event when added and when their role changes', async () => {
    const id = await createCollaboration(srv.url, owner);
    const vic = await login(srv.url, 'vic@example.com');
    const ctrl = new AbortController();
    const res = await fetch(`${srv.url}/api/events`, { headers: { authorization: `Bearer ${vic.token}` }, signal: ctrl.signal });
    const reader = res.body!.getReader();
    let text = '';
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    await waitFor(() => text.includes('connected'), 5000, 'stream open');
    await api(srv.url, 'POST', `/api/collaborations/${id}/members`, owner.token, { email: 'vic@example.com', role: 'editor' });
    await waitFor(() => text.includes('event: membership') && text.includes('"role":"editor"'), 5000, 'added event');
    await api(srv.url, 'PATCH', `/api/collaborations/${id}/members/${vic.user.id}`, owner.token, { role: 'viewer' });
    await waitFor(() => text.includes('"role":"viewer"'), 5000, 'role event');
    ctrl.abort();
  });
});
