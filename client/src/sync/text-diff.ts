// The textarea → Y.Text binding's pure core: one splice from the old to the new value (guided by the
// caret so repeated characters land where they were typed), and moving a caret through a remote delta.

export interface TextSplice {
  index: number;
  remove: number;
  insert: string;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The single splice turning `prev` into `next`, or null when they are equal.
 *  `caret` is the selection end in `next` after the edit, when known. */
export function diffText(prev: string, next: string, caret?: number): TextSplice | null {
  if (prev === next) return null;
  const minLen = Math.min(prev.length, next.length);
  let start = 0;
  while (start < minLen && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  if (caret !== undefined) {
    const grown = Math.max(0, next.length - prev.length);
    start = Math.min(start, Math.max(0, caret - grown));
  }
  // Never split a surrogate pair.
  if (start > 0 && isHigh(next.charCodeAt(start - 1)) && start < next.length && isLow(next.charCodeAt(start))) start--;
  let end = 0;
  while (end < minLen - start && prev.charCodeAt(prev.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
  if (end > 0 && isLow(next.charCodeAt(next.length - end)) && next.length - end - 1 >= start && isHigh(next.charCodeAt(next.length - end - 1))) end--;
  return { index: start, remove: prev.length - start - end, insert: next.slice(start, next.length - end) };
}

export type TextDelta = ReadonlyArray<{ retain?: number; insert?: unknown; delete?: number }>;

/** Where a caret at `index` ends up after a remote delta; remote inserts at the caret push it right. */
export function transformIndex(index: number, delta: TextDelta): number {
  let oldPos = 0; // position in the text before the delta
  let shift = 0;
  for (const op of delta) {
    if (oldPos > index) break;
    if (op.retain !== undefined) oldPos += op.retain;
    else if (op.insert !== undefined) shift += typeof op.insert === 'string' ? op.insert.length : 1;
    else if (op.delete !== undefined) {
      shift -= Math.min(op.delete, Math.max(0, index - oldPos));
      oldPos += op.delete;
    }
  }
  return Math.max(0, index + shift);
}
