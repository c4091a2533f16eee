// [W3] An `@ai` reply whose stream broke, its worker frozen (SIGSTOP) past its job lease between
// writing the interrupted reply and closing its stream pass, while the job's retry on a second worker
// streams the reply again in its place: when the first wakes, it must not close the pass the second
// resumed, which would leave the reply streaming forever.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { findMessageMap } from '@trellis/schema';
import type { WorkerFixture } from '../testing/fixture.ts';
import { workerFixture } from '../testing/fixture.ts';
import { startStalling } from '../testing/stalling-child.ts';
import { createHandlers } from '../jobs/handlers.ts';
import { JobLoop } from '../jobs/loop.ts';
import { replyIdFor } from './reply-watch.ts';

let f: WorkerFixture;
beforeEach(async () => {
  f = await workerFixture();
});
afterEach(() => f.close());

const CHUNKS = ['Boots, ', 'a rain ', 'jacket, ', 'snacks ', 'and ', 'a ', 'map ', 'and ', 'water.'];

// The first stream breaks at once (no chunk stored): append:1 is the begun reply, append:2 the
// interrupted reply's final write, audit:1 its audit entry just before that write.
it.each(['append:2', 'audit:1'])('[W3] a reply worker stalled at %s, woken after its job\'s retry resumed the stream, leaves the resumed reply to end well', async (step) => {
  const c = await f.collaboration();
  const asked = await f.engine.run({ collaborationId: c.id, actor: { kind: 'user', userId: 'owner1' }, name: 'sendMessage', params: { body: '@ai what should we pack?' } });
  const messageId = asked.status === 'executed' ? String(asked.result?.['messageId']) : '';
  let requests = 0;
  // The first stream breaks; the retry's streams slowly, so the first wakes mid-way.
  f.fake.respond(() => (++requests === 1 ? { chunks: CHUNKS, cutAfterChunks: 0 } : { chunks: CHUNKS, chunkDelayMs: 150 }));
  const proc = startStalling(f.dir, f.fake.url, step);
  try {
    await proc.seen(/stalled/);
    await new Promise((r) => setTimeout(r, 400));
    const loop = new JobLoop({ store: f.store, handlers: createHandlers(f.deps()), owner: 'survivor', logger: f.logger, metrics: f.metrics });
    const job = await f.store.jobs.claim(['aiReply'], 'survivor', 60_000);
    expect(job?.attempts).toBe(2);
    const survivor = loop.runOne(job!);
    while (f.fake.requests.length < 2) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    proc.wake();
    expect(await survivor).toBe('done');
    await proc.seen(/settled:/);
    const m = findMessageMap(await f.storedDoc(c.id), replyIdFor(messageId))!;
    expect({ body: m.get('body'), streaming: m.get('streaming') }).toEqual({ body: CHUNKS.join(''), streaming: undefined });
  } finally {
    await proc.kill();
  }
}, 60_000);
