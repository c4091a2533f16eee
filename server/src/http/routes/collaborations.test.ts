// Creating a collaboration and changing its title or settings over REST run as engine actions: the
// audit log shows who did it in words, refusals included, and the AI cannot use these routes' actions [G2].
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp } from '../test-app.ts';
import type { TestApp } from '../test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

interface AuditItem { action: string; outcome: string; actor: { kind: string; userId?: string }; summary: string }

async function auditOf(id: string, token: string): Promise<AuditItem[]> {
  return ((await t.call('GET', `/api/collaborations/${id}/audit`, { token })).json as { items: AuditItem[] }).items;
}

it('[G2] POST /api/collaborations creates through the engine: the creator owns it and the audit names them', async () => {
  const token = await t.token('mia');
  const res = await t.call('POST', '/api/collaborations', { token, body: { title: 'Lake weekend', settings: { timeZone: 'Europe/Oslo' } } });
  expect(res).toMatchObject({ status: 201, json: { title: 'Lake weekend', ownerId: 'mia', role: 'owner', settings: { timeZone: 'Europe/Oslo', aiCheckins: true } } });
  const id = (res.json as { id: string }).id;
  expect(await auditOf(id, token)).toMatchObject([
    { action: 'createCollaboration', outcome: 'executed', actor: { kind: 'user', userId: 'mia' }, summary: "mia created 'Lake weekend'" },
  ]);
  expect((await t.call('POST', '/api/collaborations', { token, body: { title: '  ' } })).status).toBe(400);
});

it('[G2] PATCH /api/collaborations/:id is the updateCollaboration action: an owner’s change is audited, an editor’s refused and audited', async () => {
  const c = await t.collaboration('oli', { eve: 'editor' });
  await t.store.collaborations.update(c.id, { settings: { timeZone: 'America/Lima', aiCheckins: true } });
  const owner = await t.token('oli');
  const editor = await t.token('eve');
  const ok = await t.call('PATCH', `/api/collaborations/${c.id}`, { token: owner, body: { title: 'Andes', settings: { aiCheckins: false } } });
  expect(ok).toMatchObject({ status: 200, json: { title: 'Andes', role: 'owner', settings: { timeZone: 'America/Lima', aiCheckins: false } } });
  const no = await t.call('PATCH', `/api/collaborations/${c.id}`, { token: editor, body: { title: 'Mine' } });
  expect(no).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
  // The same action through the action route, by the AI: refused.
  expect(await t.engine.run({ collaborationId: c.id, actor: { kind: 'ai', ref: 'run1' }, name: 'updateCollaboration', params: { title: 'AI trip' } })).toMatchObject({ status: 'refused', code: 'forbidden' });
  expect((await t.call('GET', `/api/collaborations/${c.id}`, { token: editor })).json).toMatchObject({ title: 'Andes', role: 'editor' });
  const log = (await auditOf(c.id, owner)).filter((e) => e.action === 'updateCollaboration');
  expect(log).toMatchObject([
    { outcome: 'refused:forbidden', actor: { kind: 'ai' } },
    { outcome: 'refused:forbidden', actor: { kind: 'user', userId: 'eve' } },
    { outcome: 'executed', actor: { kind: 'user', userId: 'oli' }, summary: expect.stringContaining('changed the collaboration’s settings') },
  ]);
});

it('[G2] POST …/actions/createCollaboration on an existing collaboration creates nothing (409)', async () => {
  const c = await t.collaboration('pam');
  const token = await t.token('pam');
  const res = await t.call('POST', `/api/collaborations/${c.id}/actions/createCollaboration`, { token, body: { params: { title: 'Twin' } } });
  expect(res.status).toBe(409);
  expect(((await t.call('GET', '/api/collaborations', { token })).json as { items: unknown[] }).items).toHaveLength(1);
});
