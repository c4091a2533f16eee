// An `@ai` reply is created streaming and finished in later updates of the same run, all through the
// engine's stream actions [G9] (its body grown chunk by chunk, then set, its `streaming` flag
// removed): undoing that run removes the reply, it is no conflict with itself [A7].
import { expect, it } from 'vitest';
import { appendMessage, attributeUser, readMessages } from '@trellis/schema';
import { useEngineFixture } from '../testing/use-engine-fixture.ts';

const f = useEngineFixture();
const runId = 'aiReply:msg_q';

it('[A7][G9] undoing an @ai reply run removes the streamed reply; a person’s message stays', async () => {
  const c = await f.collaboration();
  await f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: 'msg_q', authorId: 'owner1', body: '@ai ideas?', kind: 'user' }), attributeUser('owner1'));
  const ref = { collaborationId: c.id, actor: { kind: 'ai' as const, ref: runId }, messageId: 'msg_r' };
  expect(await f.engine.streams.begin(ref)).toMatchObject({ status: 'executed' });
  expect(await f.engine.streams.extend({ ...ref, text: 'Try ' })).toMatchObject({ status: 'executed' });
  expect(await f.engine.streams.extend({ ...ref, text: 'a museum' })).toMatchObject({ status: 'executed' });
  expect(await f.engine.streams.finish({ ...ref, body: 'Try a museum and hot chocolate.' })).toMatchObject({ status: 'executed' });
  // The whole stream (begin, chunks, finish) is one AI group of the reply's run in the history [A5].
  expect((await f.engine.history.list(c.id, { run: runId })).items).toMatchObject([{ actor: { kind: 'ai', id: 'ai' }, runId }]);

  const preview = await f.engine.revert({ collaborationId: c.id, userId: 'owner1', selector: { runId }, dryRun: true });
  expect(preview).toMatchObject({ status: 'done', conflicts: [], reverted: [{ root: 'messages', itemId: 'msg_r', field: null, after: null, before: { body: 'Try a museum and hot chocolate.' } }] });
  expect(await f.engine.revert({ collaborationId: c.id, userId: 'owner1', selector: { runId } })).toMatchObject({ status: 'done', conflicts: [] });
  expect(readMessages(await f.storedDoc(c.id)).map((m) => m.id)).toEqual(['msg_q']);
});
