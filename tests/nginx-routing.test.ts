// The proxy configs — generated (scripts/lib/nginx-conf.ts, `npm run cluster`) and shipped
// (deploy/nginx/trellis.conf, docker-compose) — route every request of one collaboration to one
// server [O5], forward the client's address and scheme from every location [O3] and log no token
// [I6]. Checked by reading both, then by running nginx on each in front of three stub upstreams
// (skipped, with a notice, where nginx is not installed).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNginx, REPO_ROOT } from '../scripts/cluster-lib.ts';
import { ACCESS_LOG_FORMAT, COLLAB_MAP, renderNginxConf } from '../scripts/lib/nginx-conf.ts';
import { freePort } from '../scripts/lib/ports.ts';
import { waitUntil } from '../scripts/lib/wait.ts';

const SHIPPED = readFileSync(join(REPO_ROOT, 'deploy/nginx/trellis.conf'), 'utf8');
const nginx = findNginx();
if (!nginx) console.warn('[nginx-routing] SKIPPED (live part): no nginx binary (apt-get install nginx, or set NGINX_BIN)');

const generated = (prefix: string, port: number, upstreams: number[]) =>
  renderNginxConf({ prefix, listenHost: '127.0.0.1', listenPort: port, upstreams: upstreams.map((p) => ({ host: '127.0.0.1', port: p })), staticDir: null, runAsRoot: process.getuid?.() === 0 });

/** The shipped conf.d file inside a minimal nginx.conf: local port, stub upstreams instead of Docker DNS. */
function shipped(prefix: string, port: number, upstreams: number[]): string {
  const servers = upstreams.map((p) => `  server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n');
  const body = SHIPPED.replace(/^resolver .*$/m, '')
    .replace(/^ {2}server server:8080 resolve .*$/gm, servers)
    .replace('listen 80 default_server;', `listen 127.0.0.1:${port};`)
    .replace('/var/log/nginx/access.log', join(prefix, 'access.log'))
    .replace('root /usr/share/nginx/html;', `root ${prefix};`);
  return `daemon off;\n${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;\npid ${join(prefix, 'nginx.pid')};\nerror_log ${join(prefix, 'error.log')} warn;\nevents { worker_connections 256; }\nhttp {\n  client_body_temp_path ${join(prefix, 'cb')};\n  proxy_temp_path ${join(prefix, 'px')};\n  fastcgi_temp_path ${join(prefix, 'fc')};\n  uwsgi_temp_path ${join(prefix, 'uw')};\n  scgi_temp_path ${join(prefix, 'sc')};\n${body}\n}\n`;
}

/** Each `location` block of a config with its body (one level of braces). */
function locations(conf: string): { match: string; body: string }[] {
  return [...conf.matchAll(/location\s+([^{]+)\{([^}]*)\}/g)].map((m) => ({ match: m[1]!.trim(), body: m[2]! }));
}

const squash = (s: string) => s.replace(/#.*$/gm, '').replace(/\s+/g, ' ').trim();

describe('nginx configs', () => {
  const configs = { generated: generated('/tmp/x', 8080, [8081, 8082]), shipped: SHIPPED };

  for (const [name, conf] of Object.entries(configs)) {
    it(`[O5] ${name}: /sync/<id> and /api/collaborations/<id>/… hash the collaboration id (consistent)`, () => {
      expect(squash(conf)).toContain(squash(COLLAB_MAP));
      expect(conf).toMatch(/upstream trellis_by_collab \{[^}]*hash \$trellis_collab consistent;/);
      const byMatch = new Map(locations(conf).map((l) => [l.match, l.body]));
      expect(byMatch.get('/sync/')).toContain('proxy_pass http://trellis_by_collab;');
      expect(byMatch.get('~ ^/api/collaborations/[^/]+(/|$)')).toContain('proxy_pass http://trellis_by_collab;');
    });

    it(`[I6] ${name}: the access log uses the one format that leaves tokens out`, () => {
      expect(squash(conf)).toContain(squash(ACCESS_LOG_FORMAT));
      expect(conf).toMatch(/access_log \S+ trellis;/);
    });

    it(`[O3] ${name}: every proxied location forwards X-Forwarded-For and X-Forwarded-Proto`, () => {
      const proxied = locations(conf).filter((l) => l.body.includes('proxy_pass'));
      expect(proxied.length).toBeGreaterThanOrEqual(4);
      for (const l of proxied) {
        expect(l.body, l.match).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
        expect(l.body, l.match).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
      }
    });
  }
});

describe.skipIf(!nginx)('nginx routing, live', () => {
  const stubs: Server[] = [];
  const ports: number[] = [];
  const running: { proc: ChildProcess; prefix: string }[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const s = createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ port: (s.address() as AddressInfo).port, xff: req.headers['x-forwarded-for'] ?? null, proto: req.headers['x-forwarded-proto'] ?? null }));
      });
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      stubs.push(s);
      ports.push((s.address() as AddressInfo).port);
    }
  });

  afterAll(async () => {
    for (const r of running) {
      r.proc.kill('SIGQUIT');
      rmSync(r.prefix, { recursive: true, force: true });
    }
    for (const s of stubs) s.closeAllConnections();
    await Promise.all(stubs.map((s) => new Promise((r) => s.close(r))));
  });

  async function startNginx(render: (prefix: string, port: number, upstreams: number[]) => string): Promise<{ url: string; prefix: string }> {
    const prefix = mkdtempSync(join(tmpdir(), 'trellis-nginx-routing-'));
    mkdirSync(join(prefix, 'logs'), { recursive: true });
    const port = await freePort();
    const conf = join(prefix, 'nginx.conf');
    writeFileSync(conf, render(prefix, port, ports));
    const args = ['-p', `${prefix}/`, '-c', conf, '-e', join(prefix, 'error.log')];
    const check = spawnSync(nginx!, [...args, '-t', '-q'], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    const proc = spawn(nginx!, args, { stdio: 'ignore' });
    running.push({ proc, prefix });
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(`${url}/api/me`).catch(() => null))?.ok === true, 10_000, 'nginx did not start');
    return { url, prefix };
  }

  const upstreamOf = async (url: string): Promise<{ port: number; xff: string | null; proto: string | null }> => (await (await fetch(url)).json()) as { port: number; xff: string | null; proto: string | null };

  for (const name of ['generated', 'shipped'] as const) {
    it(`[O5][O3] ${name}: one collaboration, one server — sync and REST alike; collaborations spread; client address forwarded`, async () => {
      const { url } = await startNginx(name === 'generated' ? generated : shipped);
      const home = new Map<string, number>();
      for (let i = 0; i < 12; i++) {
        const id = `col_${i.toString(36)}routing${i * 7919}`;
        const seen = new Set<number>();
        for (const path of [`/sync/${id}`, `/api/collaborations/${id}`, `/api/collaborations/${id}/members`, `/api/collaborations/${id}/actions/sendMessage`, `/sync/${id}?token=x`]) {
          const r = await upstreamOf(`${url}${path}`);
          seen.add(r.port);
          expect(r.xff).toBe('127.0.0.1');
          expect(r.proto).toBe('http');
        }
        expect([...seen], id).toHaveLength(1);
        home.set(id, [...seen][0]!);
      }
      expect(new Set(home.values()).size).toBeGreaterThanOrEqual(2);
      // Requests not scoped to a collaboration still reach a server.
      expect(ports).toContain((await upstreamOf(`${url}/api/approvals?status=pending`)).port);
    });
  }

  for (const name of ['generated', 'shipped'] as const) {
    it(`[I6] ${name}: the access log shows neither an invite link's token (in its path) nor a sync token (in its query)`, async () => {
      const { url, prefix } = await startNginx(name === 'generated' ? generated : shipped);
      const invite = 'InviteToken_'.padEnd(43, 'x');
      const jwt = 'eyJhbGciOiJIUzI1NiJ9.secret-jwt.sig';
      expect((await fetch(`${url}/api/invites/${invite}/accept`, { method: 'POST' })).ok).toBe(true);
      expect((await fetch(`${url}/API/INVITES/${invite}/accept`, { method: 'POST' })).status).toBeLessThan(500);
      expect((await fetch(`${url}/sync/col_x?token=${jwt}`)).ok).toBe(true);
      let log = '';
      await waitUntil(async () => (log = readFileSync(join(prefix, 'access.log'), 'utf8')).includes('/sync/col_x'), 5_000, 'requests logged');
      expect(log).toContain('POST /api/invites/[redacted]/accept');
      expect(log).not.toContain(invite);
      expect(log).not.toContain('secret-jwt');
    });
  }
});
