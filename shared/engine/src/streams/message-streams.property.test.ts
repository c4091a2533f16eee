// [G9] Random begin / extend / finish calls by the stream's run, another AI run and a person, on a
// fresh message id and on a person's message (a forged id), checked against a model: each call's
// outcome, the messages as stored, and the audit log (one entry per stream pass, one per refused begin).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendMessage, attributeUser, readMessages } from '@trellis/schema';
import type { Actor } from '@trellis/schema';
import { useEngineFixture } from '../testing/use-engine-fixture.ts';

const f = useEngineFixture();

const ACTORS = {
  reply: { kind: 'ai', ref: 'aiReply:msg_q' },
  checkin: { kind: 'ai', ref: 'checkin:2030-05-01:run_1' },
  owner: { kind: 'user', userId: 'owner1' },
} satisfies Record<string, Actor>;
type Who = keyof typeof ACTORS;
const AUTHOR: Record<Who, string> = { reply: 'ai', checkin: 'ai', owner: 'owner1' };

type Op =
  | { op: 'begin'; who: Who; id: string }
  | { op: 'extend'; who: Who; id: string; text: string }
  | { op: 'finish'; who: Who; id: string; body: string; interrupted: boolean };

const who = fc.constantFrom<Who>('reply', 'reply', 'checkin', 'owner');
const id = fc.constantFrom('msg_r', 'msg_r', 'msg_r', 'msg_q');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('begin' as const), who, id }),
  fc.record({ op: fc.constant('extend' as const), who, id, text: fc.stringMatching(/^[a-z ]{1,6}$/) }),
  fc.record({ op: fc.constant('finish' as const), who, id, body: fc.stringMatching(/^[a-z]{1,8}$/), interrupted: fc.boolean() }),
);

interface ModelMessage { author: string; body: string; streaming: boolean }
interface ModelStream { owner: Who; ended: 'executed' | 'interrupted' | null }

/** What the engine should answer and leave behind. */
class Model {
  messages = new Map<string, ModelMessage>([['msg_q', { author: 'owner1', body: '@ai ideas?', streaming: false }]]);
  streams = new Map<string, ModelStream>();
  audited = 0;

  apply(o: Op): 'executed' | 'refused' {
    const m = this.messages.get(o.id);
    const s = this.streams.get(o.id);
    const mine = (x: ModelMessage | undefined) => x !== undefined && x.author === AUTHOR[o.who] && (o.who === 'owner') === (x.author !== 'ai');
    switch (o.op) {
      case 'begin': {
        const refused = (s && s.owner !== o.who) || s?.ended === 'executed' || (m && !mine(m)) || (!s && m && !m.streaming);
        if (refused) {
          this.audited++;
          return 'refused';
        }
        if (!s || s.ended !== null) this.streams.set(o.id, { owner: o.who, ended: null });
        this.messages.set(o.id, { author: AUTHOR[o.who], body: '', streaming: true });
        return 'executed';
      }
      case 'extend':
        if (!s || s.owner !== o.who || s.ended !== null || !m || !mine(m) || !m.streaming) return 'refused';
        m.body += o.text;
        return 'executed';
      case 'finish':
        if (!s || s.owner !== o.who) return 'refused';
        if (s.ended !== null) return 'executed';
        this.audited++;
        if (m && mine(m) && m.streaming) this.messages.set(o.id, { ...m, body: o.body, streaming: false });
        s.ended = o.interrupted ? 'interrupted' : 'executed';
        return 'executed';
    }
  }
}

describe('streamed messages against a model', () => {
  it('[G9] random calls by the stream\'s run, another run and a person: outcomes, stored messages and audit entries follow the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 16 }), async (ops) => {
        const c = await f.collaboration();
        await f.docs.change(c.id, 'test', (doc) => appendMessage(doc, { id: 'msg_q', authorId: 'owner1', body: '@ai ideas?', kind: 'user' }), attributeUser('owner1'));
        const model = new Model();
        for (const o of ops) {
          const ref = { collaborationId: c.id, actor: ACTORS[o.who], messageId: o.id };
          const outcome = o.op === 'begin' ? await f.engine.streams.begin(ref)
            : o.op === 'extend' ? await f.engine.streams.extend({ ...ref, text: o.text })
            : await f.engine.streams.finish({ ...ref, body: o.body, ...(o.interrupted ? { interrupted: 'cut' } : {}) });
          expect(outcome.status, JSON.stringify(o)).toBe(model.apply(o));
        }
        const stored = readMessages(await f.storedDoc(c.id)).map((m) => ({ id: m.id, author: m.authorId, body: m.body, streaming: m.streaming === true }));
        expect(stored).toEqual([...model.messages].map(([mid, m]) => ({ id: mid, ...m })));
        expect((await f.store.audit.list(c.id, { limit: 100 })).items).toHaveLength(model.audited);
      }),
      { seed: 20261130, numRuns: Number(process.env['STREAM_PROPERTY_RUNS'] ?? 150), endOnFailure: true },
    );
  }, 120_000);
});
