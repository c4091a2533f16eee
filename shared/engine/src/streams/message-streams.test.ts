// Streamed messages as engine actions [G9]: policy at begin, every chunk attributed to the run that
// began the stream, only that run extends or finishes it, one audit entry per stream.
import { describe, expect, it } from 'vitest';
import { appendMessage, attributeUser, readMessages } from '@trellis/schema';
import type { Actor } from '@trellis/schema';
import { useEngineFixture } from '../testing/use-engine-fixture.ts';

const f = useEngineFixture();
const reply: Actor = { kind: 'ai', ref: 'aiReply:msg_q' };
const checkin: Actor = { kind: 'ai', ref: 'checkin:2030-05-01:run_1' };
const owner: Actor = { kind: 'user', userId: 'owner1' };

async function collaborationWithQuestion() {
  const c = await f.collaboration({ viewer1: 'viewer' });
  await f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: 'msg_q', authorId: 'owner1', body: '@ai ideas?', kind: 'user' }), attributeUser('owner1'));
  const streams = f.engine.streams;
  const ref = (actor: Actor, messageId = 'msg_r') => ({ collaborationId: c.id, actor, messageId });
  const message = async (id = 'msg_r') => readMessages(await f.storedDoc(c.id)).find((m) => m.id === id);
  const audit = async () => (await f.store.audit.list(c.id, { limit: 100 })).items;
  return { c, streams, ref, message, audit };
}

describe('streamed messages', () => {
  it('[G9] a refused begin writes nothing and is audited as refused: policy denies, or wants an owner\'s approval, or a viewer asks', async () => {
    const { c, streams, ref, message, audit } = await collaborationWithQuestion();
    await f.store.collaborations.update(c.id, { policy: { sendMessage: { ai: 'deny' } } });
    expect(await streams.begin(ref(reply))).toMatchObject({ status: 'refused', code: 'forbidden' });
    await f.store.collaborations.update(c.id, { policy: { sendMessage: { ai: 'approval' } } });
    expect(await streams.begin(ref(reply))).toMatchObject({ status: 'refused', code: 'forbidden' });
    expect(await streams.begin(ref({ kind: 'user', userId: 'viewer1' }, 'msg_v'))).toMatchObject({ status: 'refused', code: 'forbidden' });
    expect(await message()).toBeUndefined();
    expect(await message('msg_v')).toBeUndefined();
    // Nothing was begun, so nothing can be extended or finished either.
    expect(await streams.extend({ ...ref(reply), text: 'Hi' })).toMatchObject({ status: 'refused', code: 'conflict' });
    expect(await streams.finish({ ...ref(reply), body: 'Hi' })).toMatchObject({ status: 'refused', code: 'conflict' });
    expect(readMessages(await f.storedDoc(c.id)).map((m) => m.id)).toEqual(['msg_q']);
    expect((await audit()).map((e) => [e.actor.kind, e.action, e.outcome])).toEqual([
      ['user', 'sendMessage', 'refused:forbidden'], ['ai', 'sendMessage', 'refused:forbidden'], ['ai', 'sendMessage', 'refused:forbidden'],
    ]);
  });

  it('[G9][A1] every chunk is stored attributed to the AI and the run that began the stream; finish clears streaming and is audited once, also when retried', async () => {
    const { c, streams, ref, message, audit } = await collaborationWithQuestion();
    const before = (await f.store.docs.loadHistory(c.id)).updates.length;
    expect(await streams.begin(ref(reply))).toMatchObject({ status: 'executed', result: { messageId: 'msg_r' } });
    expect(await message()).toMatchObject({ authorId: 'ai', kind: 'ai', body: '', streaming: true });
    for (const text of ['Try ', 'a museum']) expect(await streams.extend({ ...ref(reply), text })).toMatchObject({ status: 'executed' });
    expect(await message()).toMatchObject({ body: 'Try a museum', streaming: true });
    const finished = await streams.finish({ ...ref(reply), body: 'Try a museum.', reason: 'asked' });
    expect(finished).toEqual({ status: 'executed', result: { messageId: 'msg_r', ended: 'executed' } });
    const m = await message();
    expect(m).toMatchObject({ body: 'Try a museum.' });
    expect(m?.streaming).toBeUndefined();
    // A retried finish (its answer was lost) gets the first outcome; nothing more is written or audited.
    expect(await streams.finish({ ...ref(reply), body: 'Something else.' })).toEqual(finished);
    expect((await message())?.body).toBe('Try a museum.');
    const updates = (await f.store.docs.loadHistory(c.id)).updates.slice(before);
    expect(updates).toHaveLength(4);
    for (const u of updates) expect(u.attribution).toEqual({ actor: { kind: 'ai', id: 'ai' }, runId: 'aiReply:msg_q' });
    expect(await audit()).toMatchObject([{ actor: reply, action: 'sendMessage', outcome: 'executed', detail: { result: { messageId: 'msg_r' }, params: { body: 'Try a museum.' }, reason: 'asked' } }]);
  });

  it('[G9] a finished, forged or foreign message cannot be extended or finished; begin does not take over another run\'s stream', async () => {
    const { streams, ref, message, audit } = await collaborationWithQuestion();
    // Forged: a person's message, never streamed.
    expect(await streams.extend({ ...ref(reply, 'msg_q'), text: ' hacked' })).toMatchObject({ status: 'refused', code: 'conflict' });
    expect(await streams.finish({ ...ref(reply, 'msg_q'), body: 'hacked' })).toMatchObject({ status: 'refused', code: 'conflict' });
    expect(await streams.begin(ref(reply, 'msg_q'))).toMatchObject({ status: 'refused', code: 'conflict' });
    expect((await message('msg_q'))?.body).toBe('@ai ideas?');
    expect(await streams.extend({ ...ref(reply, 'x'.repeat(129)), text: 'hi' })).toMatchObject({ status: 'refused', code: 'bad_request' });
    // Foreign: another AI run (or a person) cannot write into this run's stream.
    await streams.begin(ref(reply));
    await streams.extend({ ...ref(reply), text: 'Try' });
    for (const other of [checkin, owner]) {
      expect(await streams.begin(ref(other))).toMatchObject({ status: 'refused', code: 'conflict' });
      expect(await streams.extend({ ...ref(other), text: ' hacked' })).toMatchObject({ status: 'refused', code: 'conflict' });
      expect(await streams.finish({ ...ref(other), body: 'hacked' })).toMatchObject({ status: 'refused', code: 'conflict' });
    }
    expect(await message()).toMatchObject({ body: 'Try', streaming: true });
    // Finished: nothing more is appended, and it is not begun again.
    await streams.finish({ ...ref(reply), body: 'Try a museum.' });
    expect(await streams.extend({ ...ref(reply), text: ' and more' })).toMatchObject({ status: 'refused', code: 'conflict' });
    expect(await streams.begin(ref(reply))).toMatchObject({ status: 'refused', code: 'conflict' });
    expect((await message())?.body).toBe('Try a museum.');
    // Refused extends and finishes are the writer's own protocol errors, not audited; refused begins are.
    expect((await audit()).map((e) => `${e.actor.kind}:${e.outcome}`).sort()).toEqual(['ai:executed', 'ai:refused:conflict', 'ai:refused:conflict', 'ai:refused:conflict', 'user:refused:conflict']);
  });

  it('[G9] an interrupted stream is restarted in place by its run and audited once per pass; an unfinished one (its writer crashed) resumes with the same audit entry', async () => {
    const { streams, ref, message, audit } = await collaborationWithQuestion();
    await streams.begin(ref(reply));
    await streams.extend({ ...ref(reply), text: 'Try' });
    expect(await streams.finish({ ...ref(reply), body: 'Try\n\n(reply interrupted)', interrupted: 'the model stopped' })).toMatchObject({ result: { ended: 'interrupted' } });
    // The retry: a new pass, which crashes mid-stream, and a third attempt that resumes it.
    expect(await streams.begin(ref(reply))).toMatchObject({ status: 'executed' });
    expect(await message()).toMatchObject({ body: '', streaming: true });
    await streams.extend({ ...ref(reply), text: 'Try a' });
    expect(await streams.begin(ref(reply))).toMatchObject({ status: 'executed' });
    await streams.extend({ ...ref(reply), text: 'Try a museum' });
    await streams.finish({ ...ref(reply), body: 'Try a museum.' });
    expect(await message()).toMatchObject({ body: 'Try a museum.' });
    expect((await audit()).map((e) => e.outcome)).toEqual(['executed', 'interrupted']);
  });

  it('[G9] an undone stream stays undone: chunks and the finish after the undo write nothing, and its run does not begin it again', async () => {
    const { c, streams, ref, message } = await collaborationWithQuestion();
    await streams.begin(ref(reply));
    await streams.extend({ ...ref(reply), text: 'Try' });
    expect(await f.engine.revert({ collaborationId: c.id, userId: 'owner1', selector: { runId: 'aiReply:msg_q' } })).toMatchObject({ status: 'done', conflicts: [] });
    expect(await streams.extend({ ...ref(reply), text: ' more' })).toMatchObject({ status: 'refused' });
    expect(await streams.finish({ ...ref(reply), body: 'Try more.' })).toMatchObject({ status: 'executed' });
    expect(await streams.begin(ref(reply))).toMatchObject({ status: 'refused', code: 'conflict' });
    expect(await message()).toBeUndefined();
  });

  it('[G9] a reply left streaming by a writer from before streams were recorded still ends: its author\'s finish takes it over', async () => {
    const { c, streams, ref, message, audit } = await collaborationWithQuestion();
    await f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: 'msg_r', authorId: 'ai', body: 'Try', kind: 'ai', streaming: true }), { actor: { kind: 'ai', id: 'ai' }, runId: 'aiReply:msg_q' });
    expect(await streams.finish({ ...ref(reply), body: 'Try\n\n(reply interrupted)', interrupted: 'the job stopped' })).toMatchObject({ status: 'executed' });
    const m = await message();
    expect(m).toMatchObject({ body: 'Try\n\n(reply interrupted)' });
    expect(m?.streaming).toBeUndefined();
    expect((await audit()).map((e) => e.outcome)).toEqual(['interrupted']);
  });
});
