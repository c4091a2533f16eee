// Idempotency keys: the same (collaboration, actor, key) runs once and every repeat gets the stored
// outcome. The claim is a store-level insert-if-absent, so it holds across processes too.
import { z } from 'zod';
import { sleep } from '@trellis/runtime';
import type { Actor } from '@trellis/schema';
import { actorKey } from './actor-label.ts';
import { canonicalJson, sha256Hex } from './canonical-json.ts';
import type { EngineContext } from './context.ts';
import type { ActionOutcome } from './types.ts';

type Record_ =
  | { state: 'running'; request: string }
  | { state: 'done'; request: string; outcome: ActionOutcome }
  | { state: 'error'; request: string };

const StoredOutcome = z.discriminatedUnion('status', [
  z.object({ status: z.literal('executed'), result: z.record(z.string(), z.unknown()).optional() }),
  z.object({ status: z.literal('pending_approval'), approvalId: z.string() }),
  z.object({ status: z.literal('refused'), code: z.enum(['bad_request', 'forbidden', 'not_found', 'conflict', 'gone']), message: z.string() }),
]);
const StoredRecord = z.discriminatedUnion('state', [
  z.object({ state: z.literal('running'), request: z.string() }),
  z.object({ state: z.literal('done'), request: z.string(), outcome: StoredOutcome }),
  z.object({ state: z.literal('error'), request: z.string() }),
]);

/** How long a key's outcome is kept (DATA_MODEL.md, kv retention): well past any client or job retry. */
export const IDEMPOTENCY_RETENTION_MS = 7 * 86_400_000;
const WAIT_MS = 10_000;
const POLL_MS = 50;

export interface IdempotentCall {
  collaborationId: string;
  actor: Actor;
  key: string;
  name: string;
  params: unknown;
}

export async function idempotent(ctx: EngineContext, call: IdempotentCall, run: () => Promise<ActionOutcome>): Promise<ActionOutcome> {
  // Hashed so any client key (length, characters) makes a bounded, safe store key.
  const kvKey = `idem:${sha256Hex(`${call.collaborationId}\n${actorKey(call.actor)}\n${call.key}`)}`;
  const request = sha256Hex(canonicalJson({ name: call.name, params: call.params ?? null }));
  const keep = { expiresAt: ctx.now().getTime() + IDEMPOTENCY_RETENTION_MS };
  if (await ctx.store.kv.setIfAbsent(kvKey, JSON.stringify({ state: 'running', request } satisfies Record_), keep)) {
    try {
      const outcome = await run();
      await ctx.store.kv.set(kvKey, JSON.stringify({ state: 'done', request, outcome } satisfies Record_), keep);
      return outcome;
    } catch (err) {
      await ctx.store.kv.set(kvKey, JSON.stringify({ state: 'error', request } satisfies Record_), keep).catch(() => undefined);
      throw err;
    }
  }
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const rec = parse(await ctx.store.kv.get(kvKey));
    if (rec && rec.request !== request) return conflict('idempotency key was already used for a different request');
    if (rec?.state === 'done') return rec.outcome;
    if (rec?.state === 'error') return conflict('the first request with this idempotency key failed; retry with a new key');
    if (Date.now() >= deadline) return conflict('a request with this idempotency key is still in progress');
    await sleep(POLL_MS);
  }
}

/** Records read back are parsed, not trusted; an unreadable one reads as "still running". */
function parse(raw: string | null): Record_ | null {
  if (raw === null) return null;
  try {
    const parsed = StoredRecord.safeParse(JSON.parse(raw));
    // The schema matches ActionOutcome exactly; the cast only bridges optional-property typing.
    return parsed.success ? (parsed.data as Record_) : null;
  } catch {
    return null;
  }
}

function conflict(message: string): ActionOutcome {
  return { status: 'refused', code: 'conflict', message };
}
