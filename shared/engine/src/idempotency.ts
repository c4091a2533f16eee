// Idempotency keys: the same (collaboration, actor, key) runs once and every repeat gets the stored
// outcome. The claim is a store-level insert-if-absent, so it holds across processes too. A running
// record carries a short lease that its owner renews while the action runs (heartbeat); a record
// whose lease ran out belongs to a process that died (or failed) mid-action and is taken over with a
// compare-and-set. The taker re-runs with the same effect ids (effect-ids.ts), so an effect the dead
// owner already stored is found, not made twice.
import { z } from 'zod';
import { newId, parseStoredJson } from '@trellis/schema';
import type { Actor } from '@trellis/schema';
import { sleep } from '@trellis/runtime';
import { actorKey } from './actor-label.ts';
import { canonicalJson, sha256Hex } from './canonical-json.ts';
import type { EngineContext } from './context.ts';
import type { EffectIds } from './effect-ids.ts';
import { derivedIds } from './effect-ids.ts';
import type { ActionOutcome } from './types.ts';

interface Running { state: 'running'; request: string; owner?: string | undefined; until?: number | undefined; at?: number | undefined }
type Record_ = Running | { state: 'done'; request: string; outcome: ActionOutcome } | { state: 'error'; request: string };

const StoredOutcome = z.discriminatedUnion('status', [
  z.object({ status: z.literal('executed'), result: z.record(z.string(), z.unknown()).optional() }),
  z.object({ status: z.literal('pending_approval'), approvalId: z.string() }),
  z.object({ status: z.literal('refused'), code: z.enum(['bad_request', 'forbidden', 'not_found', 'conflict', 'gone']), message: z.string() }),
]);
const StoredRecord = z.discriminatedUnion('state', [
  // owner/until/at are absent on records written before leases existed: such a record is taken over.
  z.object({ state: z.literal('running'), request: z.string(), owner: z.string().optional(), until: z.number().optional(), at: z.number().optional() }),
  z.object({ state: z.literal('done'), request: z.string(), outcome: StoredOutcome }),
  z.object({ state: z.literal('error'), request: z.string() }),
]);

/** How long a key's outcome is kept (DATA_MODEL.md, kv retention): well past any client or job retry. */
export const IDEMPOTENCY_RETENTION_MS = 7 * 86_400_000;
/** Lease of a running record; its owner renews it every third of it. */
export const IDEMPOTENCY_LEASE_MS = 10_000;
const POLL_MS = 50;

export interface IdempotentCall {
  collaborationId: string;
  actor: Actor;
  key: string;
  name: string;
  params: unknown;
}

export async function idempotent(ctx: EngineContext, call: IdempotentCall, run: (ids: EffectIds) => Promise<ActionOutcome>): Promise<ActionOutcome> {
  // Hashed so any client key (length, characters) makes a bounded, safe store key.
  const kvKey = `idem:${sha256Hex(`${call.collaborationId}\n${actorKey(call.actor)}\n${call.key}`)}`;
  const request = sha256Hex(canonicalJson({ name: call.name, params: call.params ?? null }));
  const keep = { expiresAt: ctx.now().getTime() + IDEMPOTENCY_RETENTION_MS };
  const lease = ctx.idempotencyLeaseMs;
  const fresh = (at: number): Running => ({ state: 'running', request, owner: newId('own'), until: Date.now() + lease, at });

  const execute = async (rec: Running): Promise<ActionOutcome> => {
    const beat = heartbeat(ctx, kvKey, rec, keep);
    let outcome: ActionOutcome;
    try {
      outcome = await run(derivedIds(kvKey, rec.at ?? Date.now()));
    } catch (err) {
      await beat.stop();
      // Release the lease at once: a retry takes it over and resumes with the same effect ids.
      await ctx.store.kv.set(kvKey, JSON.stringify({ ...rec, until: 0 } satisfies Running), keep).catch(() => undefined);
      throw err;
    }
    await beat.stop();
    await ctx.store.kv.set(kvKey, JSON.stringify({ state: 'done', request, outcome } satisfies Record_), keep);
    return outcome;
  };

  const mine = fresh(Date.now());
  if (await ctx.store.kv.setIfAbsent(kvKey, JSON.stringify(mine), keep)) return execute(mine);
  // Waiting outlasts one lease, so a caller never gives up on a record whose owner is merely dead.
  const deadline = Date.now() + lease + 2_000;
  for (;;) {
    const raw = await ctx.store.kv.get(kvKey);
    const rec = parse(raw);
    if (rec && rec.request !== request) return conflict('idempotency key was already used for a different request');
    if (rec?.state === 'done') return rec.outcome;
    if (rec?.state === 'error') return conflict('the first request with this idempotency key failed; retry with a new key');
    if (raw === null) {
      // Pruned in between: claim it afresh.
      if (await ctx.store.kv.setIfAbsent(kvKey, JSON.stringify(mine), keep)) return execute(mine);
    } else if (rec?.state === 'running' && (rec.until ?? 0) <= Date.now()) {
      const taken: Running = { ...fresh(rec.at ?? Date.now()) };
      if (await ctx.store.kv.compareAndSet(kvKey, raw, JSON.stringify(taken), keep)) {
        ctx.logger.warn({ collaborationId: call.collaborationId, action: call.name, previousOwner: rec.owner ?? null }, 'took over an idempotency record whose owner stopped; resuming it');
        return execute(taken);
      }
      continue;
    }
    if (Date.now() >= deadline) return { status: 'refused', code: 'conflict', message: IN_PROGRESS, retryable: true };
    await sleep(POLL_MS);
  }
}

export const IN_PROGRESS = 'a request with this idempotency key is still in progress';

/** Renews the record's lease every third of it while the action runs; stops when it is lost. */
function heartbeat(ctx: EngineContext, key: string, rec: Running, keep: { expiresAt: number }): { stop(): Promise<void> } {
  let current = JSON.stringify(rec);
  let lost = false;
  let chain: Promise<void> = Promise.resolve();
  const beat = async () => {
    if (lost) return;
    const next = JSON.stringify({ ...(JSON.parse(current) as Running), until: Date.now() + ctx.idempotencyLeaseMs });
    try {
      if (await ctx.store.kv.compareAndSet(key, current, next, keep)) current = next;
      else lost = true;
    } catch (err) {
      ctx.logger.warn({ err }, 'renewing an idempotency lease failed');
    }
  };
  const timer = setInterval(() => {
    chain = chain.then(beat);
  }, Math.max(10, Math.floor(ctx.idempotencyLeaseMs / 3)));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await chain;
    },
  };
}

/** Records read back are parsed, not trusted; an unreadable one reads as "still running". */
function parse(raw: string | null): Record_ | null {
  // The schema matches ActionOutcome exactly; the cast only bridges optional-property typing.
  return parseStoredJson(StoredRecord, raw) as Record_ | null;
}

function conflict(message: string): ActionOutcome {
  return { status: 'refused', code: 'conflict', message };
}
