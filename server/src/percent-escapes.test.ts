// [H11] A collaboration id that does not percent-decode is the client's mistake: 400 on REST and on
// the sync upgrade, never a 5xx, and nothing logged at error level.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '@trellis/runtime';
import { startServer } from './server.ts';
import type { RunningServer } from './server.ts';
import { createCollaboration, login, tempDir } from './testing/harness.ts';
import type { TestUser } from './testing/harness.ts';

const MALFORMED = ['%E0%A4%A', '%zz', '%', 'abc%2', '%C0%AF', '%ED%A0%80'];

let server: RunningServer;
let owner: TestUser;
const levels: number[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) levels.push((JSON.parse(line) as { level: number }).level);
      done();
    },
  });
  const logger = createLogger({ level: 'debug', name: 'escapes', destination: sink });
  server = await startServer(
    { PORT: 0, HOST: '127.0.0.1', DATA_DIR: tempDir(), STORE: 'sqlite', MONGODB_URL: undefined, SUPABASE_URL: undefined, SUPABASE_JWT_SECRET: undefined, ALLOWED_ORIGINS: undefined, MAX_PAYLOAD_BYTES: 1024 * 1024, MAX_DOC_BYTES: 10 * 1024 * 1024 },
    logger,
  );
  owner = await login(server.url, 'escapes@h.io');
  await createCollaboration(server.url, owner);
});

afterAll(async () => {
  await server.stop();
});

function upgradeStatus(path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}${path}?token=${token}`);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      reject(new Error(`${path} upgraded`));
    });
    ws.on('error', () => undefined);
  });
}

it('[H11] a malformed percent-escape in a collaboration id answers 400 on REST, logged below error level', async () => {
  for (const id of MALFORMED) {
    for (const path of [`/api/collaborations/${id}`, `/api/collaborations/${id}/members`, `/api/collaborations/${id}/actions/sendMessage`]) {
      const res = await fetch(`${server.url}${path}`, {
        method: path.endsWith('sendMessage') ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
        ...(path.endsWith('sendMessage') ? { body: JSON.stringify({ params: { body: 'x' } }) } : {}),
      });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(await res.json()).toMatchObject({ error: { code: 'bad_request' } });
    }
  }
  expect(levels.filter((l) => l >= 50)).toEqual([]);
});

it('[H11] a malformed percent-escape in the sync path answers 400 at the upgrade, logged below error level', async () => {
  for (const id of MALFORMED) expect({ id, status: await upgradeStatus(`/sync/${id}`, owner.token) }).toEqual({ id, status: 400 });
  // Even without a token: the request is malformed before it is unauthorised.
  expect(await upgradeStatus('/sync/%E0%A4%A', 'nope')).toBe(400);
  expect(levels.filter((l) => l >= 50)).toEqual([]);
  // The process still serves well-formed requests.
  expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
});
