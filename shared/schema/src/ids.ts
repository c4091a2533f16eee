// The one id syntax every boundary accepts (no path tricks, no operators, bounded length) and the
// time-sortable ids the store hands out.
import { z } from 'zod';
import { randomBytes } from './random.ts';

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const idString = z.string().regex(ID_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 _ -');

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

let lastTime = 0;
let lastRandom: number[] = [];

/** Time-sortable id: 10 chars of milliseconds (base32) + 12 random chars, with a kind prefix.
 *  Monotonic within a process: ids made in the same millisecond increment the random part. */
export function newId(prefix: string, now = Date.now()): string {
  let rand: number[];
  if (now <= lastTime && lastRandom.length === 12) {
    now = lastTime;
    rand = [...lastRandom];
    for (let i = 11; i >= 0; i--) {
      rand[i] = (rand[i]! + 1) % 32;
      if (rand[i] !== 0) break;
    }
  } else {
    rand = [...randomBytes(12)].map((b) => b % 32);
  }
  lastTime = now;
  lastRandom = rand;
  let t = '';
  let n = now;
  for (let i = 0; i < 10; i++) {
    t = ALPHABET[n % 32]! + t;
    n = Math.floor(n / 32);
  }
  return `${prefix}_${t}${rand.map((r) => ALPHABET[r]!).join('')}`;
}
