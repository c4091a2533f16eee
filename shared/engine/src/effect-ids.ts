// Ids of what an action creates (message, activity, approval). A run under an idempotency key derives
// them from the key and the time its record was first claimed, so a run taken over from a dead owner
// makes the same ids and finds what the first run already wrote instead of writing it twice.
import { createHash } from 'node:crypto';
import { newId } from '@trellis/schema';

/** Next id for a created record of this kind (`msg`, `act`, `apr`). */
export type EffectIds = (prefix: string) => string;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export const freshIds: EffectIds = (prefix) => newId(prefix);

/** Deterministic, time-sortable ids in the same shape as `newId`: `<prefix>_<10 time chars><12 chars>`. */
export function derivedIds(seed: string, atMs: number): EffectIds {
  const counts = new Map<string, number>();
  let time = '';
  for (let i = 0, n = atMs; i < 10; i++, n = Math.floor(n / 32)) time = ALPHABET[n % 32]! + time;
  return (prefix) => {
    const n = counts.get(prefix) ?? 0;
    counts.set(prefix, n + 1);
    const digest = createHash('sha256').update(`${seed}\n${prefix}\n${n}`).digest();
    let rand = '';
    for (let i = 0; i < 12; i++) rand += ALPHABET[digest[i]! % 32]!;
    return `${prefix}_${time}${rand}`;
  };
}

/** A deterministic id made from `seed`, with the time part of the id the seed starts with (so it
 *  sorts with it), or the current time when the seed holds none. */
export function idFromSeed(prefix: string, seed: string): string {
  const time = /^[a-z]+_([0-9a-z]{10})/.exec(seed)?.[1];
  const fallback = newId(prefix).slice(prefix.length + 1, prefix.length + 11);
  const digest = createHash('sha256').update(`${seed}\n${prefix}`).digest();
  let rand = '';
  for (let i = 0; i < 12; i++) rand += ALPHABET[digest[i]! % 32]!;
  return `${prefix}_${time ?? fallback}${rand}`;
}
