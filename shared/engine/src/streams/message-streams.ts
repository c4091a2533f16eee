// A message written into the document while it is composed — the `@ai` reply streams in chunk by
// chunk — as engine actions, so this writer too goes through the engine [G2]. `begin` decides the
// actor's `sendMessage` policy once, as for any message of theirs, and creates the message
// `streaming`; `extend` appends a chunk; `finish` writes the final body, clears `streaming`, audits
// the message once and lets rules and mentions react. Every write is attributed to the actor and its
// run [A1]. Only the run that began a stream (stream-record.ts) extends or finishes it, so a forged,
// foreign or finished message id is refused [G9].
import type * as Y from 'yjs';
import { z } from 'zod';
import { appendMessage, contentActionParams, findMessageMap, parseActionRequest } from '@trellis/schema';
import type { Actor, Collaboration } from '@trellis/schema';
import { authorIdOf, messageKindOf, originOf } from '../actor-label.ts';
import { audit, outcomeDetail, outcomeLabel } from '../audit.ts';
import type { EngineContext } from '../context.ts';
import { newChain } from '../context.ts';
import { handleDocEvents } from '../doc-events.ts';
import { idFromSeed } from '../effect-ids.ts';
import type { ChainedRun } from '../rules/run-rules.ts';
import { attributionOf } from '../run-context.ts';
import { standingOf } from '../standing.ts';
import type { ActionOutcome, MessageStreams, StreamRef } from '../types.ts';
import { closeSession, openSession, ownedBy, readStream, resumeSession } from './stream-record.ts';
import type { StreamSlot } from './stream-record.ts';

/** The longest body a message may have (the `sendMessage` schema's bound), chunks included. */
const MAX_BODY_CHARS = contentActionParams.sendMessage.shape.body.maxLength ?? 8000;

/** A message id a stream may use (the `@ai` reply's is derived from the message it answers). */
const StreamMessageId = z.string().min(1).max(128);

type Refused = Extract<ActionOutcome, { status: 'refused' }>;
type Found = 'none' | 'foreign' | 'streaming' | 'finished';

export function createMessageStreams(ctx: EngineContext, run: ChainedRun): MessageStreams {
  return {
    async begin(input) {
      const collab = await ctx.store.collaborations.get(input.collaborationId);
      if (!collab) return refused('not_found', 'collaboration not found');
      const outcome = badId(input) ?? (await begin(ctx, collab, input));
      // Success is audited once, when the stream finishes; a refusal here is the stream's only entry.
      if (outcome.status === 'refused') {
        await audit(ctx, {
          collaborationId: collab.id, actor: input.actor, kind: 'action', action: 'sendMessage', outcome: outcomeLabel(outcome),
          detail: { ...outcomeDetail(outcome), messageId: input.messageId, ...(input.reason ? { reason: input.reason } : {}) },
        });
      }
      return outcome;
    },
    extend: async (input) => badId(input) ?? extend(ctx, input),
    finish: async (input) => badId(input) ?? finish(ctx, run, input),
  };
}

async function begin(ctx: EngineContext, collab: Collaboration, { actor, messageId }: StreamRef): Promise<ActionOutcome> {
  const standing = await standingOf(ctx.store, collab, actor);
  if (!standing.ok) return refused('not_found', standing.message);
  if (collab.archived) return refused('conflict', 'the collaboration is archived');
  const decision = standing.decide('sendMessage');
  if (decision === 'deny') return refused('forbidden', `${standing.kind} may not sendMessage here`);
  // Nothing is in the document before an owner approves, so a stream cannot wait: such a message
  // is sent whole through `run`, which asks for the approval.
  if (decision === 'approval') return refused('forbidden', `a message by ${standing.kind} needs an owner's approval here; it cannot be streamed`);
  let slot = await readStream(ctx, collab.id, messageId);
  const found = await ctx.docs.read(collab.id, (doc) => foundAs(doc, messageId, actor));
  const record = slot.record;
  if (record && !ownedBy(record, actor)) return refused('conflict', `message ${messageId} is streamed by another run`);
  if (record?.finished === 'executed') return refused('conflict', `message ${messageId} was finished; it stands`);
  if (found === 'foreign' || (!record && found === 'finished')) return refused('conflict', `message ${messageId} exists and is not this run's stream`);
  // A new stream, a restart after an interrupted one, or a streaming message written before streams
  // were recorded: a new session. An unfinished session of this run (it crashed) is resumed, so its
  // one audit entry keeps its id; resuming rewrites the record, so the earlier pass's worker, should it
  // still be running (it outlived its job lease), can no longer finish the resumed pass ([W3]).
  const taken = !record || record.finished !== null ? await openSession(ctx, slot, actor) : await resumeSession(ctx, slot, record);
  if (!taken) return { ...refused('conflict', `message ${messageId} began streaming elsewhere meanwhile`), retryable: true };
  slot = taken;
  const createdAt = ctx.now().toISOString();
  const wrote = await ctx.docs.change(collab.id, originOf(actor, 'sendMessage'), (doc) => {
    const m = findMessageMap(doc, messageId);
    if (!m) {
      appendMessage(doc, { id: messageId, authorId: authorIdOf(actor), body: '', kind: messageKindOf(actor), streaming: true, createdAt });
      return true;
    }
    if (!isAuthor(m, actor)) return false;
    m.set('body', '');
    m.set('streaming', true);
    return true;
  }, attributionOf(actor));
  return wrote ? executed({ messageId, session: slot.record?.session }) : notStreaming(messageId);
}

async function extend(ctx: EngineContext, { collaborationId, actor, messageId, text }: StreamRef & { text: string }): Promise<ActionOutcome> {
  const { record } = await readStream(ctx, collaborationId, messageId);
  if (!record || !ownedBy(record, actor) || record.finished !== null) return notStreaming(messageId);
  const result = await ctx.docs.change(collaborationId, originOf(actor, 'sendMessage'), (doc): ActionOutcome => {
    const m = findMessageMap(doc, messageId);
    // Checked inside the transaction: gone (undone), finished or not theirs, nothing is written.
    if (!m || !isAuthor(m, actor) || m.get('streaming') !== true) return notStreaming(messageId);
    const body = typeof m.get('body') === 'string' ? (m.get('body') as string) : '';
    if (body.length + text.length > MAX_BODY_CHARS) return refused('bad_request', `a message is at most ${MAX_BODY_CHARS} characters`);
    if (text !== '') m.set('body', body + text);
    return executed({ messageId });
  }, attributionOf(actor));
  return result;
}

async function finish(ctx: EngineContext, run: ChainedRun, input: StreamRef & { body: string; interrupted?: string | undefined; reason?: string | undefined }): Promise<ActionOutcome> {
  const { collaborationId, actor, messageId, body } = input;
  const parsed = parseActionRequest('sendMessage', { body });
  if (!parsed.ok) return refused('bad_request', parsed.message);
  let slot: StreamSlot | null = await readStream(ctx, collaborationId, messageId);
  // A message left streaming by a writer from before streams were recorded: this actor's own
  // streaming message is taken over so it can still end.
  if (!slot.record && (await ctx.docs.read(collaborationId, (doc) => foundAs(doc, messageId, actor))) === 'streaming') slot = await openSession(ctx, slot, actor);
  const record = slot?.record;
  if (!slot || !record || !ownedBy(record, actor)) return notStreaming(messageId);
  // Finished already (a retried finish, or a watch after the writer): the first outcome stands.
  if (record.finished !== null) return executed({ messageId, ended: record.finished });
  const ended = input.interrupted === undefined ? 'executed' : 'interrupted';
  const seed = `${record.session}\n${slot.key}`;
  // Resumed by another pass since this finish read the record: that pass finishes the message.
  const resumedMeanwhile = async () => (await readStream(ctx, collaborationId, messageId)).raw !== slot.raw;
  if (await resumedMeanwhile()) return notStreaming(messageId);
  // Audited first, under an id derived from the session: a finish repeated after a crash at any later
  // step (or a resumed stream's finish) appends the same entry, which the store ignores ([D24]).
  await audit(ctx, {
    id: idFromSeed('aud', seed), collaborationId, actor, kind: 'action', action: 'sendMessage', outcome: ended,
    detail: {
      result: { messageId }, params: { body }, ...(input.reason ? { reason: input.reason } : {}), ...(input.interrupted !== undefined ? { error: input.interrupted } : {}),
    },
  });
  if (await resumedMeanwhile()) return notStreaming(messageId);
  await ctx.docs.change(collaborationId, originOf(actor, 'sendMessage'), (doc) => {
    const m = findMessageMap(doc, messageId);
    // Undone meanwhile (or not theirs): an undo stays undone.
    if (!m || !isAuthor(m, actor) || m.get('streaming') !== true) return;
    m.set('body', body);
    m.delete('streaming');
  }, attributionOf(actor));
  if (ended === 'executed') {
    const collab = await ctx.store.collaborations.get(collaborationId);
    const event = { type: 'messageCreated' as const, messageId, authorId: authorIdOf(actor), body, kind: messageKindOf(actor) };
    // Keyed by the session: rules fire once however often the finish is repeated.
    if (collab) await handleDocEvents(ctx, collab, actor, [event], newChain(0), run, idFromSeed('trg', seed));
  }
  await closeSession(ctx, slot, record, ended);
  return executed({ messageId, ended });
}

function badId({ messageId }: StreamRef): Refused | null {
  return StreamMessageId.safeParse(messageId).success ? null : refused('bad_request', 'a streamed message id is 1 to 128 characters');
}

function foundAs(doc: Y.Doc, messageId: string, actor: Actor): Found {
  const m = findMessageMap(doc, messageId);
  if (!m) return 'none';
  if (!isAuthor(m, actor)) return 'foreign';
  return m.get('streaming') === true ? 'streaming' : 'finished';
}

function isAuthor(m: Y.Map<unknown>, actor: Actor): boolean {
  return m.get('authorId') === authorIdOf(actor) && m.get('kind') === messageKindOf(actor);
}

function notStreaming(messageId: string): Refused {
  return refused('conflict', `message ${messageId} is not a message this run is streaming`);
}

function refused(code: Refused['code'], message: string): Refused {
  return { status: 'refused', code, message };
}

function executed(result: Record<string, unknown>): ActionOutcome {
  return { status: 'executed', result };
}
