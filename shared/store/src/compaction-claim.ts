// One process compacts a document at a time (DATA_MODEL.md [D31]): compaction writes and deletes up
// to a document's whole size, and every process that has it loaded would otherwise do the same work.
// The claim is a `kv` row `compaction:<id>` = "<owner> <until ms>" with that expiry: taken when absent
// or expired, given back when done. A takeover of an expired claim is set-then-verify (last writer
// wins), so two processes can rarely both compact — harmless, DocRepo.compact is atomic and ignores
// an older compaction — but never for long, and never while the holder is within its claim.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KeyValueRepo } from './types.ts';

/** Longer than any compaction takes (a 10 MiB document: seconds); a crashed holder blocks no longer. */
export const COMPACTION_CLAIM_MS = 5 * 60_000;

/** This process as a claim owner. The SQLite write thread loads its own copy of this module, so it
 *  is an owner of its own: still at most one compaction at a time. */
export const PROCESS_OWNER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

const key = (collaborationId: string) => `compaction:${collaborationId}`;

function parse(value: string | null): { owner: string; until: number } | null {
  if (value === null) return null;
  const i = value.lastIndexOf(' ');
  const until = Number(value.slice(i + 1));
  return i > 0 && Number.isFinite(until) ? { owner: value.slice(0, i), until } : null;
}

export async function claimCompaction(kv: KeyValueRepo, collaborationId: string, owner: string, now = Date.now(), ttlMs = COMPACTION_CLAIM_MS): Promise<boolean> {
  const until = now + ttlMs;
  const mine = `${owner} ${until}`;
  if (await kv.setIfAbsent(key(collaborationId), mine, { expiresAt: until })) return true;
  const current = parse(await kv.get(key(collaborationId)));
  if (current && current.owner !== owner && current.until > now) return false;
  await kv.set(key(collaborationId), mine, { expiresAt: until });
  return (await kv.get(key(collaborationId))) === mine;
}

/** Give the claim back (only if still ours): the next compaction need not wait for the expiry. */
export async function releaseCompaction(kv: KeyValueRepo, collaborationId: string, owner: string, now = Date.now()): Promise<void> {
  const current = parse(await kv.get(key(collaborationId)));
  if (current?.owner === owner) await kv.set(key(collaborationId), `${owner} ${now}`, { expiresAt: now });
}
