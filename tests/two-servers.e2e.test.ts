// Two server OS processes on one store behave as one server, on every store: SQLite (one DATA_DIR,
// always) and MongoDB (one database, when MONGODB_URL is set — CI runs it against a replica set,
// .github/workflows/mongo.yml). Clients on either process converge, what REST on one process
// changes reaches the other's clients, a removal on one closes the member's socket on the other,
// and both report ready; on MongoDB also with the servers linked over TCP through the store's peer
// registry (SPEC [S14], [D45]). SPEC [S4], [P7], [O4].
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import { messagesOf, notesOf } from '@trellis/schema';
import { addMember, api, connect, createCollaboration, freePort, login, spawnServer, synced, tempDir, waitFor, waitHealthy } from '../server/src/testing/harness.ts';
import type { TestUser } from '../server/src/testing/harness.ts';

const mongoUrl = process.env['MONGODB_URL'];
if (!mongoUrl) console.warn('[two-servers.e2e] MongoDB variant SKIPPED: no MONGODB_URL (the SQLite variant runs)');

/** MONGODB_URL pointed at a fresh database, keeping where credentials are checked. */
function withDatabase(url: string, db: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/)([^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (!m) throw new Error('MONGODB_URL is not a mongodb:// URL');
  const [, scheme, authority, oldDb, query] = m;
  const params = new URLSearchParams(query ?? '');
  // Credentials without authSource authenticate against the URL's database (else admin): keep that.
  if (authority!.includes('@') && !params.has('authSource')) params.set('authSource', oldDb || 'admin');
  const q = params.toString();
  return `${scheme}${authority}/${db}${q ? `?${q}` : ''}`;
}

const mongoEnv = () => ({ STORE: 'mongo', MONGODB_URL: withDatabase(mongoUrl ?? '', `trellis_e2e_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`) });
/** `peers`: the servers also link over TCP through the store's peer registry (SPEC [S14], [D45]). */
const variants: { name: string; env: () => Record<string, string>; skip: boolean; peers?: boolean }[] = [
  { name: 'sqlite', env: () => ({ STORE: 'sqlite' }), skip: false },
  { name: 'mongo', env: mongoEnv, skip: !mongoUrl },
  { name: 'mongo, linked over TCP', env: mongoEnv, skip: !mongoUrl, peers: true },
];

for (const v of variants) {
  describe.skipIf(v.skip)(`two servers on one store: ${v.name}`, () => {
    const children: ChildProcess[] = [];
    const providers: WebsocketProvider[] = [];
    const output: string[] = [];
    let dataDir = '';
    let a = '';
    let b = '';
    let owner: TestUser;
    let editor: TestUser;
    let collab = '';

    beforeAll(async () => {
      // Shared DATA_DIR: the SQLite store, and the development-auth secret (tokens work on both).
      dataDir = tempDir('trellis-two-servers-');
      const env = { ...v.env(), NODE_ENV: 'test', SUPABASE_URL: '', SUPABASE_JWT_SECRET: '', AI_PROVIDER: 'offline' };
      const urls: string[] = [];
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        const peerEnv: Record<string, string> = v.peers ? { PEER_ADDRESS: `127.0.0.1:${await freePort()}`, PEER_SECRET: 'two-servers-peer-secret' } : {};
        const child = spawnServer(dataDir, port, { ...env, ...peerEnv });
        child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
        child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
        children.push(child);
        urls.push(`http://127.0.0.1:${port}`);
      }
      await Promise.all(urls.map((u) => waitHealthy(u, 90_000)));
      [a, b] = urls as [string, string];
      owner = await login(a, 'owner@two.test');
      editor = await login(b, 'editor@two.test');
      collab = await createCollaboration(a, owner, 'Two servers');
      await addMember(a, owner, collab, editor, 'editor');
    }, 120_000);

    afterAll(async () => {
      for (const p of providers.splice(0)) p.destroy();
      for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (process.env['TEST_SHOW_OUTPUT']) console.log(output.join(''));
    }, 30_000);

    it('[O4] both processes are ready: the store answers and their change feeds are current', async () => {
      for (const u of [a, b]) await waitFor(async () => (await fetch(`${u}/api/ready`)).status === 200, 20_000, `${u} ready`);
    });

    it('[S4] clients on different processes converge, and a REST action on one reaches the other\'s clients', async () => {
      const onA = connect(a, collab, owner.token);
      const onB = connect(b, collab, editor.token);
      providers.push(onA, onB);
      await Promise.all([synced(onA), synced(onB)]);
      notesOf(onA.doc).insert(0, '<a>');
      notesOf(onB.doc).insert(0, '<b>');
      await waitFor(() => [onA, onB].every((p) => notesOf(p.doc).toString().includes('<a>') && notesOf(p.doc).toString().includes('<b>')), 15_000, 'notes converge');
      expect(notesOf(onA.doc).toString()).toBe(notesOf(onB.doc).toString());

      const sent = await api(a, 'POST', `/api/collaborations/${collab}/actions/sendMessage`, owner.token, { params: { body: `hello from ${v.name}` } });
      expect(sent.status).toBe(200);
      await waitFor(() => messagesOf(onB.doc).toArray().some((m) => m.get('body') === `hello from ${v.name}`), 15_000, 'the REST message on the other process');
    }, 60_000);

    it('[P7] removing a member on one process closes their socket on the other', async () => {
      const onB = connect(b, collab, editor.token);
      providers.push(onB);
      await synced(onB);
      const closed = new Promise<number>((resolve) => onB.ws?.addEventListener('close', (e) => resolve((e as CloseEvent).code)));
      const removed = await api(a, 'DELETE', `/api/collaborations/${collab}/members/${editor.user.id}`, owner.token);
      expect(removed.status).toBeLessThan(300);
      expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r('timeout'), 10_000))])).toBe(4403);
      onB.destroy();
    }, 30_000);
  });
}
