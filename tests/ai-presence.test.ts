// The AI is visible while it writes (SPEC [W8]): a worker streaming an @ai reply or acting on a
// check-in appears in the presence of a member connected to a real server (through the store's
// presence relay, as another process's clients do), named, typing/"writing…", and is gone within a
// few seconds after it finished.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import { createHandlers } from '../worker/src/jobs/handlers.ts';
import { JobLoop } from '../worker/src/jobs/loop.ts';
import { localDay } from '../worker/src/checkins/local-day.ts';
import { scanDue } from '../worker/src/checkins/scan.ts';
import type { WorkerFixture } from '../worker/src/testing/fixture.ts';
import { answerFor, workerFixture } from '../worker/src/testing/fixture.ts';
import { connect, createCollaboration, login, startTestServer, synced, waitFor } from '../server/src/testing/harness.ts';
import type { TestUser } from '../server/src/testing/harness.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let f: WorkerFixture;
let alice: TestUser;
let p: WebsocketProvider | null = null;
beforeEach(async () => {
  server = await startTestServer();
  f = await workerFixture({ dir: server.dataDir });
  alice = await login(server.url, 'alice@example.com');
});
afterEach(async () => {
  p?.destroy();
  await f.close();
  await server.stop();
});

interface Seen { name: unknown; typing: unknown; status: unknown }

/** Watch a member's view of presence: every AI state seen, and whether the AI is there now. */
function watchAi(provider: WebsocketProvider): { seen: Seen[]; here(): boolean } {
  const ai = () => [...provider.awareness.getStates().values()].filter((s) => (s as { user?: { id?: unknown } }).user?.id === 'ai') as { user: { name: unknown }; typing: unknown; status: unknown }[];
  const seen: Seen[] = [];
  provider.awareness.on('change', () => {
    for (const s of ai()) seen.push({ name: s.user.name, typing: s.typing, status: s.status });
  });
  return { seen, here: () => ai().length > 0 };
}

it('[W8] while it streams an @ai reply the AI is in presence, writing; gone within seconds after', async () => {
  const id = await createCollaboration(server.url, alice, 'Trip');
  p = connect(server.url, id, alice.token);
  await synced(p);
  const ai = watchAi(p);
  f.fake.respond(() => ({ chunks: ['Boots, ', 'a rain ', 'jacket ', 'and ', 'a map.'], chunkDelayMs: 250 }));
  await f.engine.run({ collaborationId: id, actor: { kind: 'user', userId: alice.user.id }, name: 'sendMessage', params: { body: '@ai what should we pack?' } });
  const loop = new JobLoop({ store: f.store, handlers: createHandlers(f.deps({ provider: f.provider('openai') })), owner: 'w', logger: f.logger, metrics: f.metrics });
  const job = await f.store.jobs.claim(['aiReply'], 'w', 60_000);
  const replying = loop.runOne(job!);
  await waitFor(() => ai.here(), 5_000, 'the AI in presence while it writes');
  expect(ai.seen[0]).toEqual({ name: 'AI', typing: true, status: 'writing…' });
  expect(await replying).toBe('done');
  await waitFor(() => !ai.here(), 3_000, 'the AI gone from presence after it wrote');
});

it('[W8] during a check-in\'s actions the AI is in presence; gone after', async () => {
  const id = await createCollaboration(server.url, alice, 'Trip');
  await f.store.collaborations.update(id, { settings: { timeZone: 'UTC', aiCheckins: true } });
  p = connect(server.url, id, alice.token);
  await synced(p);
  const ai = watchAi(p);
  f.fake.respond((req) => ({ content: answerFor(req.user, () => [{ action: 'sendMessage', params: { body: 'Morning!' }, reason: 'daily' }]) }));
  await scanDue(f.store, f.logger, { cron: '* * * * *', now: new Date() });
  const loop = new JobLoop({ store: f.store, handlers: createHandlers(f.deps()), owner: 'w', logger: f.logger, metrics: f.metrics });
  const job = await f.store.jobs.claim(['checkin-batch'], 'w', 60_000);
  expect(await loop.runOne(job!)).toBe('done');
  expect((await f.store.checkins.get(id, localDay(new Date(), 'UTC')))?.status).toBe('done');
  await waitFor(() => ai.seen.length > 0, 3_000, 'the AI seen in presence during the check-in');
  expect(ai.seen[0]).toMatchObject({ name: 'AI', typing: true });
  await waitFor(() => !ai.here(), 3_000, 'the AI gone from presence after the check-in');
});
