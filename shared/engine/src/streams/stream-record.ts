// Who streams a message (SPEC [G9]): the actor and run that began it, its stream session and how it
// ended, kept in the store beside the document so that only that run extends or finishes it, and so
// that a stream resumed after a crash keeps its session — the id its one audit entry derives from.
import { z } from 'zod';
import { newId, parseStoredJson } from '@trellis/schema';
import type { Actor } from '@trellis/schema';
import { actorKey } from '../actor-label.ts';
import { sha256Hex } from '../canonical-json.ts';
import type { EngineContext } from '../context.ts';

export const StreamEnd = z.enum(['executed', 'interrupted']);
export type StreamEnd = z.infer<typeof StreamEnd>;

const StoredStream = z.object({
  owner: z.string().min(1),
  /** One begin-to-finish pass; a stream resumed after a crash keeps it, a restart after an
   *  interrupted finish gets a new one. Starts with an id, so ids derived from it sort by its time. */
  session: z.string().min(1),
  finished: StreamEnd.nullable(),
  /** Rewritten whenever a pass is resumed, so a finish that began before the resume (by a worker
   *  that outlived its job lease) finds the record changed and leaves the resumed pass alone. */
  resumed: z.string().optional(),
});
export type StreamRecord = z.infer<typeof StoredStream>;

/** As long as idempotency records: covers every retry of the job that streams the message. */
const STREAM_RETENTION_MS = 7 * 86_400_000;

export interface StreamSlot {
  key: string;
  raw: string | null;
  record: StreamRecord | null;
}

/** Keyed by the message, not the actor: another run finds the stream it does not own. */
export async function readStream(ctx: EngineContext, collaborationId: string, messageId: string): Promise<StreamSlot> {
  const key = `stream:${sha256Hex(`${collaborationId}\n${messageId}`)}`;
  const raw = await ctx.store.kv.get(key);
  // An unreadable record owns nothing.
  return { key, raw, record: parseStoredJson(StoredStream, raw) };
}

export function ownedBy(record: StreamRecord, actor: Actor): boolean {
  return record.owner === actorKey(actor);
}

/** Open a new session for this actor in the slot as read; null when someone else changed it since. */
export async function openSession(ctx: EngineContext, slot: StreamSlot, actor: Actor): Promise<StreamSlot | null> {
  const record: StreamRecord = { owner: actorKey(actor), session: newId('str'), finished: null };
  const raw = await write(ctx, slot, record);
  return raw === null ? null : { key: slot.key, raw, record };
}

/** Take over this actor's unfinished session (same session, so the same audit id); null when someone
 *  else changed it since it was read. */
export async function resumeSession(ctx: EngineContext, slot: StreamSlot, record: StreamRecord): Promise<StreamSlot | null> {
  const resumed: StreamRecord = { ...record, resumed: newId('rsm') };
  const raw = await write(ctx, slot, resumed);
  return raw === null ? null : { key: slot.key, raw, record: resumed };
}

/** Mark the session finished (last step of `finish`, so a crash before it repeats the whole finish). */
export async function closeSession(ctx: EngineContext, slot: StreamSlot, record: StreamRecord, end: StreamEnd): Promise<void> {
  await write(ctx, slot, { ...record, finished: end });
}

/** The record as stored, or null when the slot changed since it was read. */
async function write(ctx: EngineContext, slot: StreamSlot, record: StreamRecord): Promise<string | null> {
  const value = JSON.stringify(record);
  const keep = { expiresAt: ctx.now().getTime() + STREAM_RETENTION_MS };
  const ok = slot.raw === null ? await ctx.store.kv.setIfAbsent(slot.key, value, keep) : await ctx.store.kv.compareAndSet(slot.key, slot.raw, value, keep);
  return ok ? value : null;
}
