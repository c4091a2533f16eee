// Adding a member is one insert in the store: concurrent adds of one user succeed once, and an add
// never overwrites an existing member's role — an owner's included (SPEC "Adding an existing member → 409", [D32]).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test-app.ts';
import type { TestApp } from '../test-app.ts';

describe('POST /api/collaborations/:id/members', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('[G1][D32] concurrent adds of one user: one 201, the rest 409; re-adding an owner is 409 and leaves the role', async () => {
    const c = await t.collaboration('olga', { oscar: 'owner' });
    const token = await t.token('olga');
    const roles = ['viewer', 'editor', 'owner', 'viewer', 'editor'] as const;
    const results = await Promise.all(roles.map((role) => t.call('POST', `/api/collaborations/${c.id}/members`, { token, body: { userId: 'pat', role } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const winner = results.findIndex((r) => r.status === 201);
    expect((await t.store.members.get(c.id, 'pat'))?.role).toBe(roles[winner]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.json).toMatchObject({ error: { code: 'conflict' } });

    const again = await t.call('POST', `/api/collaborations/${c.id}/members`, { token, body: { userId: 'oscar', role: 'viewer' } });
    expect(again.status).toBe(409);
    expect((await t.store.members.get(c.id, 'oscar'))?.role).toBe('owner');
  });
});
