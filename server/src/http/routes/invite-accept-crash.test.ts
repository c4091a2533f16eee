// [I3] Accepting a link takes a use, then adds the member: a server killed (SIGKILL) between the two
// must not cost the person their invite. After a restart the same person's accept lets them in on
// the use they already took, and nobody gets a second one.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { api, createCollaboration, login, startTestServer, tempDir } from '../../testing/harness.ts';

const child = fileURLToPath(new URL('../../testing/accept-crash-child.ts', import.meta.url));

it('[I3] SIGKILL after the use is taken, before the member is added: after a restart the same person joins on that use; the link stays used up for others', async () => {
  const dataDir = tempDir();
  let srv = await startTestServer({ dataDir });
  const owner = await login(srv.url, 'olga@example.com');
  const [ann, bob] = [await login(srv.url, 'ann@example.com'), await login(srv.url, 'bob@example.com')];
  const id = await createCollaboration(srv.url, owner);
  const link = (await api<{ id: string; token: string }>(srv.url, 'POST', `/api/collaborations/${id}/invites`, owner.token, { role: 'editor' })).body;
  await srv.stop();

  const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, sig) => resolve(sig)));
  const port = await new Promise<string>((resolve) => proc.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  await expect(fetch(`http://127.0.0.1:${port}/api/invites/${link.token}/accept`, { method: 'POST', headers: { authorization: `Bearer ${ann.token}` } })).rejects.toThrow();
  expect(await exited, stderr).toBe('SIGKILL');

  srv = await startTestServer({ dataDir });
  try {
    expect(await api(srv.url, 'POST', `/api/invites/${link.token}/accept`, ann.token)).toEqual({ status: 200, body: { collaborationId: id, role: 'editor' } });
    const members = await api<{ items: { userId: string; role: string }[] }>(srv.url, 'GET', `/api/collaborations/${id}/members`, owner.token);
    expect(members.body.items).toContainEqual(expect.objectContaining({ userId: ann.user.id, role: 'editor' }));
    expect((await api(srv.url, 'POST', `/api/invites/${link.token}/accept`, bob.token)).status).toBe(410);
    const invites = await api<{ items: { id: string; uses: number; status: string }[] }>(srv.url, 'GET', `/api/collaborations/${id}/invites`, owner.token);
    expect(invites.body.items.find((i) => i.id === link.id)).toMatchObject({ uses: 1, status: 'used_up' });
    // Her join settled the claim: removed, she cannot come back on the used-up link.
    expect((await api(srv.url, 'DELETE', `/api/collaborations/${id}/members/${ann.user.id}`, owner.token)).status).toBe(200);
    expect((await api(srv.url, 'POST', `/api/invites/${link.token}/accept`, ann.token)).status).toBe(410);
  } finally {
    await srv.stop();
  }
});
