// [A1] Every stored change says who made it: a client's edits are the authenticated member's
// (whatever the update itself claims), engine changes are their actor's and run's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withRun } from '@trellis/engine';
import type { Attribution } from '@trellis/schema';
import { api, connect, createCollaboration, login, startTestServer, synced, waitFor } from '../testing/harness.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

async function attributions(id: string): Promise<(Attribution | null)[]> {
  return (await server.store.docs.loadHistory(id)).updates.map((u) => u.attribution);
}

describe('attribution of stored changes', () => {
  it('[A1] a client edit is stored as the authenticated member; engine changes as their actor and run', async () => {
    const alice = await login(server.url, 'alice@example.com');
    const id = await createCollaboration(server.url, alice);
    const p = connect(server.url, id, alice.token, { ack: true });
    try {
      await synced(p);
      p.doc.getText('notes').insert(0, 'Bring boots');
      await waitFor(async () => (await attributions(id)).length >= 1, 10_000, 'stored edit');
      expect((await attributions(id))[0]).toEqual({ actor: { kind: 'user', id: alice.user.id } });

      const res = await api(server.url, 'POST', `/api/collaborations/${id}/actions/proposeActivity`, alice.token, { params: { title: 'Hike' } });
      expect(res.status).toBe(200);
      // As the worker runs a check-in's proposal: the AI's run, and the proposal it came from.
      await withRun({ proposalId: 'checkin:run_checkin_1:0' }, () => server.engine.run({ collaborationId: id, actor: { kind: 'ai', ref: 'run_checkin_1' }, name: 'sendMessage', params: { body: 'Hello' } }));
      await withRun({ runId: 'run_revert_1' }, () => server.engine.run({ collaborationId: id, actor: { kind: 'user', userId: alice.user.id }, name: 'sendMessage', params: { body: 'mine' } }));
      await waitFor(async () => (await attributions(id)).length >= 4, 10_000, 'stored engine changes');
      expect((await attributions(id)).slice(1)).toEqual([
        { actor: { kind: 'user', id: alice.user.id } },
        { actor: { kind: 'ai', id: 'ai' }, runId: 'run_checkin_1', proposalId: 'checkin:run_checkin_1:0' },
        { actor: { kind: 'user', id: alice.user.id }, runId: 'run_revert_1' },
      ]);
      await waitFor(() => p.doc.getArray('messages').length === 2, 10_000, 'client sees engine changes');
    } finally {
      p.destroy();
    }
  });
});
