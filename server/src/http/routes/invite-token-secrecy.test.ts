// [I6] An invite token is a secret: a server logging every request (debug level) never writes one,
// whether the accept succeeds, is refused or names an unknown link.
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '@trellis/runtime';
import { api, createCollaboration, login, startTestServer } from '../../testing/harness.ts';

const lines: string[] = [];
let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  const destination = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  srv = await startTestServer({ logger: createLogger({ level: 'debug', name: 'test-server', destination }) });
});
afterAll(async () => {
  await srv.stop();
});

it('[I6] invite tokens never reach the logs: accepted, refused (410) or unknown (404), the request line is logged without them', async () => {
  const owner = await login(srv.url, 'owner@example.com');
  const id = await createCollaboration(srv.url, owner);
  const link = (await api<{ token: string }>(srv.url, 'POST', `/api/collaborations/${id}/invites`, owner.token, { role: 'viewer' })).body;
  const [ann, bob] = [await login(srv.url, 'ann@example.com'), await login(srv.url, 'bob@example.com')];
  expect((await api(srv.url, 'POST', `/api/invites/${link.token}/accept`, ann.token)).status).toBe(200);
  expect((await api(srv.url, 'POST', `/api/invites/${link.token}/accept`, bob.token)).status).toBe(410);
  const unknown = 'u'.repeat(43);
  expect((await api(srv.url, 'POST', `/api/invites/${unknown}/accept`, bob.token)).status).toBe(404);
  const logged = lines.join('');
  // The requests were logged (the operator still sees them), only the secret part is gone.
  expect(logged).toContain('/api/invites/[redacted]/accept');
  expect(logged).not.toContain(link.token);
  expect(logged).not.toContain(unknown);
});

it('[I6] nor when the request line names the server too (absolute form, as a forward proxy sends it)', async () => {
  const bob = await login(srv.url, 'bob2@example.com');
  const token = 'a'.repeat(43);
  const { port } = new URL(srv.url);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(`POST http://127.0.0.1:${port}/api/invites/${token}/accept HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${bob.token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
  // Routed like any accept (an unknown link), and logged without the token.
  expect(answer).toMatch(/^HTTP\/1\.1 404/);
  await expect.poll(() => lines.join('')).toContain(`http://127.0.0.1:${port}/api/invites/[redacted]/accept`);
  expect(lines.join('')).not.toContain(token);
});
