// [O3] X-Forwarded-For / -Proto count only from configured proxies.
import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@trellis/runtime';
import { startServer } from '../server.ts';
import type { RunningServer } from '../server.ts';
import { tempDir } from '../testing/harness.ts';

const running: RunningServer[] = [];
const dirs: string[] = [];

/** A server whose request log lines are collected; `trustProxy` as TRUST_PROXY. */
async function start(trustProxy: string | undefined): Promise<{ server: RunningServer; requests: () => Record<string, unknown>[] }> {
  const dir = tempDir('trellis-proxy-');
  dirs.push(dir);
  const out = new PassThrough();
  const lines: string[] = [];
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const logger = createLogger({ level: 'debug', name: 'proxy-test', destination: out });
  const server = await startServer({ PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'sqlite', MAX_PAYLOAD_BYTES: 1 << 20, MAX_DOC_BYTES: 10 << 20, TRUST_PROXY: trustProxy }, logger);
  running.push(server);
  const requests = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'request');
  return { server, requests };
}

async function seenAs(trustProxy: string | undefined): Promise<Record<string, unknown> | undefined> {
  const { server, requests } = await start(trustProxy);
  const res = await fetch(`${server.url}/api/health`, { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' } });
  expect(res.status).toBe(200);
  await new Promise((r) => setTimeout(r, 50));
  return requests().find((r) => r['url'] === '/api/health');
}

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('trusted proxies', () => {
  it('[O3] by default the forwarding headers are ignored: the client address is the connection', async () => {
    expect(await seenAs(undefined)).toMatchObject({ ip: '127.0.0.1', proto: 'http' });
  });

  it('[O3] from a configured proxy the client address and scheme come from X-Forwarded-For / -Proto', async () => {
    expect(await seenAs('127.0.0.1')).toMatchObject({ ip: '203.0.113.7', proto: 'https' });
    expect(await seenAs('loopback')).toMatchObject({ ip: '203.0.113.7', proto: 'https' });
  });

  it('[O3] from an address outside TRUST_PROXY the headers are ignored', async () => {
    expect(await seenAs('10.0.0.0/8')).toMatchObject({ ip: '127.0.0.1', proto: 'http' });
  });
});
