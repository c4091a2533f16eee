// An `@ai` reply is created streaming and finished in later updates of the same run (its body set,
// its `streaming` flag removed): undoing that run removes the reply, it is no conflict with itself [A7].
import { expect, it } from 'vitest';
import { appendMessage, attributeUser, findMessageMap, readMessages } from '@trellis/schema';
import type { Attribution } from '@trellis/schema';
import { useEngineFixture } from '../testing/use-engine-fixture.ts';

const f = useEngineFixture();
const run: Attribution = { actor: { kind: 'ai', id: 'ai' }, runId: 'aiReply:msg_q' };

it('[A7] undoing an @ai reply run removes the streamed reply; a person’s message stays', async () => {
  const c = await f.collaboration();
  await f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: 'msg_q', authorId: 'owner1', body: '@ai ideas?', kind: 'user' }), attributeUser('owner1'));
  await f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: 'msg_r', authorId: 'ai', body: '', kind: 'ai', streaming: true }), run);
  await f.docs.change(c.id, 'test', (doc) => findMessageMap(doc, 'msg_r')!.set('body', 'Try a museum'), run);
  await f.docs.change(c.id, 'test', (doc) => {
    const m = findMessageMap(doc, 'msg_r')!;
    m.set('body', 'Try a museum and hot chocolate.');
    m.delete('streaming');
  }, run);

  const preview = await f.engine.revert({ collaborationId: c.id, userId: 'owner1', selector: { runId: run.runId! }, dryRun: true });
  expect(preview).toMatchObject({ status: 'done', conflicts: [], reverted: [{ root: 'messages', itemId: 'msg_r', field: null, after: null, before: { body: 'Try a museum and hot chocolate.' } }] });
  expect(await f.engine.revert({ collaborationId: c.id, userId: 'owner1', selector: { runId: run.runId! } })).toMatchObject({ status: 'done', conflicts: [] });
  expect(readMessages(await f.storedDoc(c.id)).map((m) => m.id)).toEqual(['msg_q']);
});
