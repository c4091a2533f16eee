// [O1] Closed by default: development login never appears implicitly in production.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@trellis/runtime';
import { startServer } from '../server.ts';
import type { RunningServer, ServerConfig } from '../server.ts';
import { tempDir } from '../testing/harness.ts';
import { authMode, PRODUCTION_AUTH_MESSAGE } from './mode.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const logger = createLogger({ level: 'silent', name: 'mode-test' });
const running: RunningServer[] = [];
const dirs: string[] = [];

async function start(extra: Partial<ServerConfig>): Promise<RunningServer> {
  const dir = tempDir('trellis-mode-');
  dirs.push(dir);
  const s = await startServer({ PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'sqlite', MAX_PAYLOAD_BYTES: 1 << 20, MAX_DOC_BYTES: 10 << 20, ...extra }, logger);
  running.push(s);
  return s;
}

const devLogin = (s: RunningServer) =>
  fetch(`${s.url}/api/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@example.test' }) }).then((r) => r.status);

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('authentication mode', () => {
  it('[O1] development login is the default outside production, Supabase wins when configured', () => {
    expect(authMode({})).toBe('dev');
    expect(authMode({ NODE_ENV: 'development' })).toBe('dev');
    expect(authMode({ NODE_ENV: 'production', SUPABASE_JWT_SECRET: 'x'.repeat(32) })).toBe('supabase');
    expect(authMode({ NODE_ENV: 'production', SUPABASE_URL: 'https://p.supabase.co', DEV_LOGIN: '1' })).toBe('supabase');
    expect(authMode({ NODE_ENV: 'production', DEV_LOGIN: '1' })).toBe('dev');
    expect(() => authMode({ NODE_ENV: 'production' })).toThrow(PRODUCTION_AUTH_MESSAGE);
    expect(() => authMode({ DEV_LOGIN: '0' })).toThrow(/^DEV_LOGIN=0 without SUPABASE_URL or SUPABASE_JWT_SECRET/);
  });

  it('[O1] a production server with neither Supabase nor DEV_LOGIN=1 refuses to start with one line naming the fix', () => {
    const dir = tempDir('trellis-mode-');
    dirs.push(dir);
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], NODE_ENV: 'production', DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent' };
    const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([PRODUCTION_AUTH_MESSAGE]);
    expect(r.stderr).toMatch(/DEV_LOGIN=1/);
  }, 90_000);

  it('[O1] in production, development login exists only with DEV_LOGIN=1 and never beside Supabase', async () => {
    await expect(start({ NODE_ENV: 'production' })).rejects.toThrow(PRODUCTION_AUTH_MESSAGE);
    expect(await devLogin(await start({ NODE_ENV: 'production', DEV_LOGIN: '1' }))).toBe(200);
    expect(await devLogin(await start({ NODE_ENV: 'production', SUPABASE_JWT_SECRET: 'x'.repeat(32), DEV_LOGIN: '1' }))).toBe(404);
    expect(await devLogin(await start({}))).toBe(200);
  }, 60_000);
});
