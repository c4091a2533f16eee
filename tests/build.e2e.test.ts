// The production build: `npm run build:server` compiles the supervisor, server, worker and SQLite write
// thread to dist/*.js, and what `npm start` and the Docker image run (node dist/supervise.js) serves
// with no TypeScript transform loaded: the supervisor's children are the compiled files, /api/health
// answers, and an edit is stored through the write thread of the bundle.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notesOf } from '@trellis/schema';
import { buildServer } from '../scripts/build-server.ts';
import { connect, createCollaboration, freePort, login, metric, storedDoc, synced, tempDir, waitFor, waitHealthy } from '../server/src/testing/harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The command line of each child of `pid`. */
function childCommands(pid: number): string[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return children.map((c) => readFileSync(`/proc/${c}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' '));
}

describe('the compiled build (dist/)', () => {
  let supervisor: ChildProcess | null = null;
  let output = '';
  let base = '';
  let dataDir = '';

  beforeAll(async () => {
    await buildServer();
    dataDir = tempDir();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', AI_PROVIDER: 'offline' };
    delete env['NODE_OPTIONS'];
    supervisor = spawn(process.execPath, [join(ROOT, 'dist', 'supervise.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => void (output += b.toString());
    supervisor.stdout?.on('data', keep);
    supervisor.stderr?.on('data', keep);
    await waitHealthy(base, 30_000);
  }, 90_000);

  afterAll(async () => {
    if (!supervisor || supervisor.exitCode !== null) return;
    const exited = new Promise((resolve) => supervisor?.once('exit', resolve));
    supervisor.kill('SIGTERM');
    await exited;
  });

  it('node dist/supervise.js runs dist/server.js and dist/worker.js without tsx; /api/health answers', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    await waitFor(() => childCommands(supervisor!.pid!).length === 2, 10_000, 'server and worker started');
    const commands = childCommands(supervisor!.pid!).sort();
    expect(commands).toEqual([`${process.execPath} ${join(ROOT, 'dist', 'server.js')}`, `${process.execPath} ${join(ROOT, 'dist', 'worker.js')}`]);
  });

  it('stores an edit through the compiled SQLite write thread', async () => {
    const owner = await login(base, 'owner@build.io');
    const collab = await createCollaboration(base, owner);
    const writer = connect(base, collab, owner.token);
    await synced(writer);
    notesOf(writer.doc).insert(0, 'compiled');
    await waitFor(async () => notesOf(await storedDoc(dataDir, collab)).toString() === 'compiled', 10_000, 'edit stored');
    writer.destroy();
    expect(await metric(base, 'trellis_write_thread_restarts')).toBe(0);
    expect(output).not.toMatch(/write thread/i);
  });
});
