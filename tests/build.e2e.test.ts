// The production build: `npm run build:server` compiles the supervisor, server, worker and SQLite write
// thread to dist/*.js, and what `npm start` and the Docker image run (node dist/supervise.js) serves
// with no TypeScript transform loaded: the supervisor's children are the compiled files, /api/health
// answers, and an edit is stored through the write thread of the bundle. The same server serves the
// real web app build: the precompressed Brotli/gzip copy by Accept-Encoding, `Vary: Accept-Encoding`,
// immutable caching for fingerprinted assets and `no-cache` for the shell and the service worker.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '@trellis/runtime';
import { notesOf } from '@trellis/schema';
import { buildServer } from '../scripts/build-server.ts';
import { buildClientOnce } from './e2e/harness.ts';
import { connect, createCollaboration, freePort, login, metric, storedDoc, synced, tempDir, waitFor, waitHealthy } from '../server/src/testing/harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'client', 'dist');
const BROWSER = 'gzip, deflate, br, zstd'; // what Chromium sends: gzip first, yet Brotli is preferred

/** A raw GET (or HEAD), so the test sees the bytes and headers as sent, not decoded by fetch. */
function get(base: string, path: string, acceptEncoding: string | null, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers: acceptEncoding === null ? {} : { 'Accept-Encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.once('error', reject);
    req.end();
  });
}

function decoded(res: { headers: IncomingHttpHeaders; body: Buffer }): string {
  const enc = res.headers['content-encoding'];
  return (enc === 'br' ? brotliDecompressSync(res.body) : enc === 'gzip' ? gunzipSync(res.body) : res.body).toString('utf8');
}

/** The command line of each child of `pid`. */
function childCommands(pid: number): string[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return children.map((c) => readFileSync(`/proc/${c}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' '));
}

/** The packages a bundle in dist/ loads at start: its static imports, followed through our chunks (not `import()`). */
function staticPackages(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const source = readFileSync(join(ROOT, 'dist', file), 'utf8');
  for (const m of source.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"/gms)) {
    const spec = m[1] ?? m[2] ?? '';
    if (spec.startsWith('./')) for (const p of staticPackages(spec.slice(2), seen)) packages.add(p);
    else packages.add(spec);
  }
  return packages;
}

describe('the compiled build (dist/)', () => {
  let supervisor: ChildProcess | null = null;
  let output = '';
  let base = '';
  let dataDir = '';

  beforeAll(async () => {
    await buildClientOnce();
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
  }, 240_000);

  afterAll(async () => {
    if (!supervisor || supervisor.exitCode !== null) return;
    const exited = new Promise((resolve) => supervisor?.once('exit', resolve));
    supervisor.kill('SIGTERM');
    await exited;
  });

  it('node dist/supervise.js runs dist/server.js (with the server\'s V8 flags) and dist/worker.js without tsx; /api/health answers', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    await waitFor(() => childCommands(supervisor!.pid!).length === 2, 10_000, 'server and worker started');
    const commands = childCommands(supervisor!.pid!).sort();
    expect(commands).toEqual([[process.execPath, ...SERVER_NODE_FLAGS, join(ROOT, 'dist', 'server.js')].join(' '), `${process.execPath} ${join(ROOT, 'dist', 'worker.js')}`]);
  });

  it('the SQLite write thread\'s bundle loads no schema library: its heap stays ≈ 8 MB smaller (reading history loads it on demand)', () => {
    const thread = staticPackages('write-thread.js');
    expect(thread).toContain('better-sqlite3');
    expect(thread).toContain('yjs');
    expect(thread).not.toContain('zod');
    // The walk does find zod where it is loaded: the server parses every boundary with it.
    expect(staticPackages('server.js')).toContain('zod');
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

  it('[H13] reads a large update on the compiled pre-flight thread before storing it', async () => {
    const owner = await login(base, 'paste@build.io');
    const collab = await createCollaboration(base, owner);
    const writer = connect(base, collab, owner.token);
    await synced(writer);
    notesOf(writer.doc).insert(0, 'p'.repeat(4_096));
    await waitFor(async () => notesOf(await storedDoc(dataDir, collab)).toString().length === 4_096, 10_000, 'paste stored');
    writer.destroy();
    expect(await metric(base, 'trellis_preflight_updates_total{verdict="passed"}')).toBe(1);
    expect(await metric(base, 'trellis_preflight_thread_restarts')).toBe(0);
  });

  describe('serves the web app build', () => {
    const file = (path: string) => readFileSync(join(DIST, path), 'utf8');
    const entry = () => /src="(\/assets\/index-[^"]+\.js)"/.exec(file('index.html'))?.[1] ?? '';

    it('the shell: Brotli for a browser, gzip without br, identity without Accept-Encoding; no-cache; Vary', async () => {
      for (const [accept, coding] of [[BROWSER, 'br'], ['gzip', 'gzip'], ['br;q=0, gzip;q=0.5', 'gzip'], [null, undefined], ['identity', undefined]] as const) {
        const res = await get(base, '/', accept);
        expect(res.status).toBe(200);
        expect(res.headers['content-encoding']).toBe(coding);
        expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(Number(res.headers['content-length'])).toBe(res.body.length);
        expect(decoded(res)).toBe(file('index.html'));
      }
    });

    it('a client-side route gets the negotiated shell; a missing hashed asset is 404, not the shell', async () => {
      const route = await get(base, '/collaborations/abc', BROWSER);
      expect(route.status).toBe(200);
      expect(route.headers['content-encoding']).toBe('br');
      expect(route.headers['cache-control']).toBe('no-cache');
      expect(decoded(route)).toBe(file('index.html'));
      expect((await get(base, '/assets/gone-0123abcd.js', BROWSER)).status).toBe(404);
    });

    it('fingerprinted chunks: immutable for a year, Brotli or gzip, JavaScript content type, smaller than raw', async () => {
      const path = entry();
      expect(path).not.toBe('');
      const raw = file(path);
      for (const [accept, coding] of [[BROWSER, 'br'], ['gzip', 'gzip'], [null, undefined]] as const) {
        const res = await get(base, path, accept);
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
        expect(res.headers['content-encoding']).toBe(coding);
        expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
        expect(decoded(res)).toBe(raw);
        if (coding) expect(res.body.length).toBeLessThan(raw.length / 2);
      }
      const head = await get(base, path, BROWSER, 'HEAD');
      expect(head.headers['content-encoding']).toBe('br');
      expect(head.body.length).toBe(0);
    });

    it('the rarely used screens are separate chunks, not loaded by the shell', async () => {
      const shell = file('index.html');
      for (const name of ['GovernancePanel', 'SettingsPanel', 'AuditPanel']) {
        const chunk = readdirSync(join(DIST, 'assets')).find((f) => f.startsWith(`${name}-`) && f.endsWith('.js'));
        expect(chunk, name).toBeDefined();
        expect(shell).not.toContain(chunk);
        const res = await get(base, `/assets/${chunk}`, BROWSER);
        expect(res.headers['content-encoding']).toBe('br');
        expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      }
    });

    it('the service worker and the manifest revalidate', async () => {
      const sw = await get(base, '/sw.js', BROWSER);
      expect(sw.status).toBe(200);
      expect(sw.headers['cache-control']).toBe('no-cache');
      expect(sw.headers['content-encoding']).toBe('br');
      expect(decoded(sw)).toBe(file('sw.js'));
      const manifest = await get(base, '/manifest.webmanifest', null);
      expect(manifest.status).toBe(200);
      expect(manifest.headers['cache-control']).toBe('no-cache');
    });
  });
});
