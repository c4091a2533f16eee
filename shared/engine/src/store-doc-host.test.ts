// The store-backed DocHost: changes are appended as one update, no-ops store nothing, reads see all.
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendMessage, readMessages } from '@trellis/schema';
import { refusedKey } from '@trellis/store';
import { useEngineFixture } from './testing/use-engine-fixture.ts';

const f = useEngineFixture();

it('stores one update per change and reads them back', async () => {
  const c = await f.collaboration();
  await f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: 'm1', authorId: 'owner1', body: 'one', kind: 'user' }));
  await f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: 'm2', authorId: 'owner1', body: 'two', kind: 'user' }));
  const loaded = await f.store.docs.load(c.id);
  expect(loaded.updates).toHaveLength(2);
  expect(await f.docs.read(c.id, (doc) => readMessages(doc).map((m) => m.body))).toEqual(['one', 'two']);
});

it('a change that writes nothing stores nothing', async () => {
  const c = await f.collaboration();
  const result = await f.docs.change(c.id, 'test', () => 42);
  expect(result).toBe(42);
  expect((await f.store.docs.load(c.id)).lastSeq).toBe(0);
});

it('concurrent changes from fresh documents merge without loss', async () => {
  const c = await f.collaboration();
  await Promise.all(Array.from({ length: 5 }, (_, i) => f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: `m${i}`, authorId: 'owner1', body: String(i), kind: 'user' }))));
  const doc = await f.storedDoc(c.id);
  expect(readMessages(doc).map((m) => m.body).sort()).toEqual(['0', '1', '2', '3', '4']);
  expect(doc).toBeInstanceOf(Y.Doc);
});

it('[H15] a document a server refused as too costly is not integrated here either, until a trial passes it again', async () => {
  const c = await f.collaboration();
  await f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: 'm1', authorId: 'owner1', body: 'kept', kind: 'user' }));
  // What a server's refused trial leaves in the store (server/src/sync/registry.ts).
  await f.store.kv.set(refusedKey(c.id), String(Date.now()));
  await expect(f.docs.read(c.id, (doc) => readMessages(doc).length)).rejects.toThrow(/refused this collaboration's document as too costly/);
  await expect(f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: 'm2', authorId: 'owner1', body: 'no', kind: 'user' }))).rejects.toThrow(/too costly/);
  expect((await f.store.docs.load(c.id)).lastSeq).toBe(1);
  // A passed trial clears the mark.
  await f.store.kv.set(refusedKey(c.id), '');
  expect(await f.docs.read(c.id, (doc) => readMessages(doc).map((m) => m.body))).toEqual(['kept']);
});
