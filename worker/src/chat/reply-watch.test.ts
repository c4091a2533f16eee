// [W3] An `@ai` reply whose job crashes the worker (SIGKILL) on every attempt: the job is
// dead-lettered, and its watch finishes the half-streamed reply with the visible note and clears
// `streaming`, exactly once. One that crashes once is finished by the job's retry, audited once [G9].
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { findMessageMap } from '@trellis/schema';
import type { WorkerFixture } from '../testing/fixture.ts';
import { workerFixture } from '../testing/fixture.ts';
import { createHandlers } from '../jobs/handlers.ts';
import { JobLoop } from '../jobs/loop.ts';
import { INTERRUPTED_NOTE, replyIdFor } from './reply-watch.ts';

let f: WorkerFixture;
beforeEach(async () => {
  f = await workerFixture();
});
afterEach(() => f.close());

const child = fileURLToPath(new URL('../testing/crash-child.ts', import.meta.url));

/** One worker process that takes the reply job and dies at `point` (crash-child.ts): by default once
 *  the first streamed chunk is stored. */
async function crashOnce(point = 'append:2'): Promise<void> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, f.dir, f.fake.url, point], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, sig) => resolve(sig)));
  expect(signal, stderr).toBe('SIGKILL');
  // Past the child's job lease (300 ms), so the next claim may take the job over.
  await new Promise((r) => setTimeout(r, 400));
}

async function ask(collaborationId: string, body: string): Promise<string> {
  const asked = await f.engine.run({ collaborationId, actor: { kind: 'user', userId: 'owner1' }, name: 'sendMessage', params: { body } });
  return asked.status === 'executed' ? String(asked.result?.['messageId']) : '';
}

const CHUNKS = ['Boots, ', 'a rain ', 'jacket, ', 'snacks ', 'and a map.'];

it.each([
  ['between two streamed chunks', 'append:3', 0],
  ['between the reply\'s audit entry and its final write', 'audit:1', 1],
])('[W3][G9] a worker SIGKILLed %s: the job\'s retry finishes the reply, audited once, and its watch finds nothing left to do', async (_when, point, auditedBefore) => {
  const c = await f.collaboration();
  const messageId = await ask(c.id, '@ai what should we pack?');
  f.fake.respond(() => ({ chunks: CHUNKS, chunkDelayMs: 100 }));
  await crashOnce(point);
  expect(findMessageMap(await f.storedDoc(c.id), replyIdFor(messageId))?.get('streaming')).toBe(true);
  expect((await f.store.audit.list(c.id, { limit: 50 })).items.filter((e) => e.actor.kind === 'ai')).toHaveLength(auditedBefore);

  const loop = new JobLoop({ store: f.store, handlers: createHandlers(f.deps()), owner: 'survivor', logger: f.logger, metrics: f.metrics });
  const retry = await f.store.jobs.claim(['aiReply'], 'survivor', 60_000);
  expect(retry?.attempts).toBe(2);
  expect(await loop.runOne(retry!)).toBe('done');
  const settled = async () => {
    const m = findMessageMap(await f.storedDoc(c.id), replyIdFor(messageId))!;
    const audit = (await f.store.audit.list(c.id, { limit: 50 })).items.filter((e) => e.actor.kind === 'ai');
    return { body: m.get('body'), streaming: m.get('streaming'), audit: audit.map((e) => `${e.action}:${e.outcome}`) };
  };
  const expected = { body: CHUNKS.join(''), streaming: undefined, audit: ['sendMessage:executed'] };
  expect(await settled()).toEqual(expected);
  const watch = await f.store.jobs.claim(['aiReplyWatch'], 'survivor', 60_000, Date.now() + 10 * 60_000);
  expect(await loop.runOne(watch!)).toBe('done');
  expect(await settled()).toEqual(expected);
}, 60_000);

it('[W3] a reply whose job SIGKILLs the worker on every attempt is finished once with "reply interrupted" when the job is dead-lettered', async () => {
  const c = await f.collaboration();
  const asked = await f.engine.run({ collaborationId: c.id, actor: { kind: 'user', userId: 'owner1' }, name: 'sendMessage', params: { body: '@ai what should we pack?' } });
  const messageId = asked.status === 'executed' ? String(asked.result?.['messageId']) : '';
  f.fake.respond(() => ({ chunks: ['Boots, ', 'a rain ', 'jacket, ', 'snacks ', 'and a map.'], chunkDelayMs: 150 }));
  for (let attempt = 0; attempt < 3; attempt++) await crashOnce();

  const stuck = findMessageMap(await f.storedDoc(c.id), replyIdFor(messageId))!;
  expect(stuck.get('streaming')).toBe(true);
  const partial = String(stuck.get('body'));
  expect(partial.length).toBeGreaterThan(0);

  // A later claim (once the watch is due) dead-letters the reply job and runs the watch.
  const loop = new JobLoop({ store: f.store, handlers: createHandlers(f.deps()), owner: 'survivor', logger: f.logger, metrics: f.metrics });
  const later = Date.now() + 10 * 60_000;
  const watch = await f.store.jobs.claim(['aiReply', 'aiReplyWatch'], 'survivor', 60_000, later);
  expect(watch?.type).toBe('aiReplyWatch');
  expect((await f.store.jobs.listDead({ limit: 10 })).items.map((j) => j.type)).toEqual(['aiReply']);
  expect(await loop.runOne(watch!)).toBe('done');

  const finished = async () => {
    const m = findMessageMap(await f.storedDoc(c.id), replyIdFor(messageId))!;
    const audit = (await f.store.audit.list(c.id, { limit: 50 })).items.filter((e) => e.outcome === 'interrupted');
    return { body: m.get('body'), streaming: m.get('streaming'), audited: audit.length };
  };
  expect(await finished()).toEqual({ body: `${partial.trim()}\n\n${INTERRUPTED_NOTE}`, streaming: undefined, audited: 1 });

  // Watched again (a redelivered watch): nothing changes.
  await f.store.jobs.enqueue({ type: 'aiReplyWatch', payload: { collaborationId: c.id, messageId } });
  const again = await f.store.jobs.claim(['aiReplyWatch'], 'survivor', 60_000, later);
  expect(await loop.runOne(again!)).toBe('done');
  expect(await finished()).toEqual({ body: `${partial.trim()}\n\n${INTERRUPTED_NOTE}`, streaming: undefined, audited: 1 });
  // Three worker processes (tsx) one after the other: slow on a busy machine.
}, 90_000);

it('[W3] the watch waits while the reply job is still live', async () => {
  const c = await f.collaboration();
  const asked = await f.engine.run({ collaborationId: c.id, actor: { kind: 'user', userId: 'owner1' }, name: 'sendMessage', params: { body: '@ai hello?' } });
  const messageId = asked.status === 'executed' ? String(asked.result?.['messageId']) : '';
  f.fake.respond(() => ({ chunks: ['Hi ', 'there.'], chunkDelayMs: 400 }));
  const loop = new JobLoop({ store: f.store, handlers: createHandlers(f.deps({ replyWatchDelayMs: 0 })), owner: 'w', logger: f.logger, metrics: f.metrics });
  const reply = await f.store.jobs.claim(['aiReply'], 'w', 60_000);
  const replying = loop.runOne(reply!);
  // The watch is queued before anything streams; while the reply job runs, it only looks again later.
  let watch = null;
  for (let i = 0; i < 100 && !watch; i++) {
    watch = await f.store.jobs.claim(['aiReplyWatch'], 'w', 60_000);
    if (!watch) await new Promise((r) => setTimeout(r, 20));
  }
  expect(await loop.runOne(watch!)).toBe('retry');
  expect(await replying).toBe('done');
  const later = await f.store.jobs.claim(['aiReplyWatch'], 'w', 60_000, Date.now() + 10 * 60_000);
  expect(await loop.runOne(later!)).toBe('done');
  const m = findMessageMap(await f.storedDoc(c.id), replyIdFor(messageId))!;
  expect([m.get('body'), m.get('streaming')]).toEqual(['Hi there.', undefined]);
});
