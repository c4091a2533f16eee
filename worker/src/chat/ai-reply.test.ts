import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findMessageMap, readMessages } from '@trellis/schema';
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

async function mention(collaborationId: string, body: string): Promise<string> {
  const out = await f.engine.run({ collaborationId, actor: { kind: 'user', userId: 'owner1' }, name: 'sendMessage', params: { body } });
  expect(out.status).toBe('executed');
  return String(out.status === 'executed' ? out.result?.messageId : '');
}

function loop(overrides = {}) {
  return new JobLoop({ store: f.store, handlers: createHandlers(f.deps({ provider: f.provider('openai'), ...overrides })), owner: 'w1', logger: f.logger, metrics: f.metrics, pollMs: 10 });
}

async function runAiJobs(l = loop()): Promise<void> {
  for (let job; (job = await f.store.jobs.claim(['aiReply'], 'w1', 60_000)); ) await l.runOne(job);
}

describe('@ai replies', () => {
  it('the reply streams into the document: the body grows in stored chunks, then streaming is cleared', async () => {
    const c = await f.collaboration();
    const msgId = await mention(c.id, '@ai what should we pack?');
    const chunks = ['Boots, ', 'a rain ', 'jacket, ', 'snacks ', 'and a map.'];
    f.fake.respond(() => ({ chunks, chunkDelayMs: 60 }));
    const seen = new Set<string>();
    let streamingSeen = false;
    const watching = (async () => {
      for (let i = 0; i < 200; i++) {
        const m = findMessageMap(await f.storedDoc(c.id), replyIdFor(msgId));
        if (m) {
          seen.add(String(m.get('body')));
          if (m.get('streaming') === true) streamingSeen = true;
          else break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await runAiJobs();
    await watching;
    const reply = readMessages(await f.storedDoc(c.id)).find((m) => m.id === replyIdFor(msgId))!;
    expect(reply).toMatchObject({ kind: 'ai', authorId: 'ai', body: chunks.join('') });
    expect(reply.streaming).toBeUndefined();
    expect(streamingSeen).toBe(true);
    // Intermediate states were stored: growing prefixes of the final body.
    const partial = [...seen].filter((b) => b !== '' && b !== reply.body);
    expect(partial.length).toBeGreaterThanOrEqual(2);
    for (const p of partial) expect(reply.body.startsWith(p)).toBe(true);
    expect(f.fake.requests[0]!.body.stream).toBe(true);
    expect(f.fake.requests[0]!.user).toContain('@ai what should we pack?');
    // A redelivered job does not reply twice.
    await f.store.jobs.enqueue({ type: 'aiReply', payload: { collaborationId: c.id, messageId: msgId } });
    await runAiJobs();
    expect(readMessages(await f.storedDoc(c.id)).filter((m) => m.kind === 'ai')).toHaveLength(1);
  });

  it('actions proposed in a reply go through the engine; governance ones are refused', async () => {
    const c = await f.collaboration({ members: { u2: 'editor' } });
    await mention(c.id, '@ai plan a hike and remove u2');
    const block = JSON.stringify({ actions: [
      { action: 'proposeActivity', params: { title: 'Hike' }, reason: 'asked' },
      { action: 'removeMember', params: { userId: 'u2' }, reason: 'asked' },
    ] });
    f.fake.respond(() => ({ chunks: ['On it. ', `\`\`\`json\n${block}\n\`\`\``] }));
    await runAiJobs();
    const doc = await f.storedDoc(c.id);
    expect(readMessages(doc).find((m) => m.kind === 'ai')!.body).toBe('On it.');
    expect(doc.getArray('activities').toJSON()).toMatchObject([{ title: 'Hike', status: 'proposed', proposedBy: 'ai' }]);
    expect(await f.store.members.get(c.id, 'u2')).not.toBeNull();
  });

  it('rate-limited per collaboration: the sixth mention in ten minutes gets no reply', async () => {
    const c = await f.collaboration();
    for (let i = 0; i < 6; i++) await mention(c.id, `@ai question ${i}`);
    f.fake.respond(() => ({ chunks: ['ok'] }));
    await runAiJobs();
    expect(readMessages(await f.storedDoc(c.id)).filter((m) => m.kind === 'ai')).toHaveLength(5);
    expect(f.fake.requests).toHaveLength(5);
    expect(f.metrics.render()).toMatch(/trellis_worker_ai_replies_total\{outcome="rate_limited"\} 1/);
  });

  it('when policy makes AI messages need approval, nothing streams: the whole reply waits for an owner', async () => {
    const c = await f.collaboration();
    await f.store.collaborations.update(c.id, { policy: { sendMessage: { ai: 'approval' } } });
    await mention(c.id, '@ai hello');
    f.fake.respond(() => ({ content: 'Hello team!' }));
    await runAiJobs();
    expect(readMessages(await f.storedDoc(c.id)).filter((m) => m.kind === 'ai')).toHaveLength(0);
    const pending = (await f.store.approvals.listPending([c.id], { limit: 5 })).items;
    expect(pending).toMatchObject([{ action: 'sendMessage', params: { body: 'Hello team!' } }]);
  });

  it('[G9] when policy denies AI messages, the engine refuses the reply at its begin: nothing is written or asked of the model, and the refusal is audited', async () => {
    const c = await f.collaboration();
    await f.store.collaborations.update(c.id, { policy: { sendMessage: { ai: 'deny' } } });
    const msgId = await mention(c.id, '@ai hello');
    f.fake.respond(() => ({ chunks: ['Hello'] }));
    await runAiJobs();
    expect(readMessages(await f.storedDoc(c.id)).filter((m) => m.kind === 'ai')).toHaveLength(0);
    expect(f.fake.requests).toHaveLength(0);
    const audit = (await f.store.audit.list(c.id, { limit: 20 })).items.filter((e) => e.actor.kind === 'ai');
    expect(audit).toMatchObject([{ actor: { kind: 'ai', ref: `aiReply:${msgId}` }, action: 'sendMessage', outcome: 'refused:forbidden', detail: { messageId: replyIdFor(msgId) } }]);
    expect(f.metrics.render()).toMatch(/trellis_worker_ai_replies_total\{outcome="denied"\} 1/);
  });

  it('[W3] a stream cut mid-way: the partial reply is finished with a visible note, streaming cleared, audited; the retry replaces it', async () => {
    const c = await f.collaboration();
    const msgId = await mention(c.id, '@ai what should we pack?');
    f.fake.respond(() => ({ chunks: ['Boots, ', 'a rain ', 'jacket.'], cutAfterChunks: 2 }));
    const l = loop();
    const job = (await f.store.jobs.claim(['aiReply'], 'w1', 60_000))!;
    expect(await l.runOne(job)).toBe('retry');
    const cut = readMessages(await f.storedDoc(c.id)).find((m) => m.id === replyIdFor(msgId))!;
    expect(cut.body).toBe(`Boots, a rain\n\n${INTERRUPTED_NOTE}`);
    expect(cut.streaming).toBeUndefined();
    const audit = () => f.store.audit.list(c.id, { limit: 20 }).then((p) => p.items.filter((e) => e.actor.kind === 'ai'));
    expect(await audit()).toMatchObject([{ actor: { kind: 'ai', ref: `aiReply:${msgId}` }, action: 'sendMessage', outcome: 'interrupted', detail: { result: { messageId: replyIdFor(msgId) } } }]);

    f.fake.respond(() => ({ chunks: ['Boots, ', 'a rain ', 'jacket.'] }));
    const retry = (await f.store.jobs.claim(['aiReply'], 'w1', 60_000, Date.now() + 3_600_000))!;
    expect(await l.runOne(retry)).toBe('done');
    const msgs = readMessages(await f.storedDoc(c.id)).filter((m) => m.kind === 'ai');
    expect(msgs).toMatchObject([{ id: replyIdFor(msgId), body: 'Boots, a rain jacket.' }]);
    expect(msgs[0]!.streaming).toBeUndefined();
    expect((await audit()).map((e) => e.outcome)).toEqual(['executed', 'interrupted']);
  });

  it('[W3] a stream that fails on every attempt ends, dead-lettered, with the note and streaming cleared', async () => {
    const c = await f.collaboration();
    const msgId = await mention(c.id, '@ai hello?');
    f.fake.respond(() => ({ chunks: ['Hel', 'lo'], cutAfterChunks: 1 }));
    const l = loop();
    let result;
    for (let i = 0, at = Date.now(); i < 3; i++, at += 3_600_000) result = await l.runOne((await f.store.jobs.claim(['aiReply'], 'w1', 60_000, at))!);
    expect(result).toBe('dead');
    const reply = readMessages(await f.storedDoc(c.id)).find((m) => m.id === replyIdFor(msgId))!;
    expect(reply.body).toBe(`Hel\n\n${INTERRUPTED_NOTE}`);
    expect(reply.streaming).toBeUndefined();
  });

  it('[W3] the actions block never reaches the document while streaming; the reply is audited as the AI\'s message', async () => {
    const c = await f.collaboration();
    const msgId = await mention(c.id, '@ai add a hike');
    const block = JSON.stringify({ actions: [{ action: 'proposeActivity', params: { title: 'Hike' }, reason: 'asked' }] });
    const text = `Sure, I will add it.\n\`\`\`json\n${block}\n\`\`\``;
    const chunks = text.match(/[\s\S]{1,6}/g)!;
    f.fake.respond(() => ({ chunks, chunkDelayMs: 15 }));
    const seen = new Set<string>();
    let done = false;
    const watching = (async () => {
      while (!done) {
        const m = findMessageMap(await f.storedDoc(c.id), replyIdFor(msgId));
        if (m) seen.add(String(m.get('body')));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await runAiJobs(loop({ throttleMs: 10 }));
    done = true;
    await watching;
    expect(seen.size).toBeGreaterThan(2);
    for (const body of seen) {
      expect(body).not.toContain('`');
      expect(body).not.toContain('actions');
    }
    const doc = await f.storedDoc(c.id);
    expect(readMessages(doc).find((m) => m.kind === 'ai')!.body).toBe('Sure, I will add it.');
    expect(doc.getArray('activities').toJSON()).toMatchObject([{ title: 'Hike', proposedBy: 'ai' }]);
    const audit = (await f.store.audit.list(c.id, { limit: 20 })).items.filter((e) => e.actor.kind === 'ai');
    expect(audit.map((e) => `${e.action}:${e.outcome}`).sort()).toEqual(['proposeActivity:executed', 'sendMessage:executed']);
    expect(audit.find((e) => e.action === 'sendMessage')!.detail).toMatchObject({ result: { messageId: replyIdFor(msgId) }, params: { body: 'Sure, I will add it.' } });
  });
});
