// Untrusted text on its way into a prompt: invisible characters are removed BEFORE the text is
// measured or clipped, so they can neither smuggle hidden instructions to the model (Unicode tags,
// zero-width and bidi controls) nor eat the budget that visible content needs. Clipping counts code
// points, so a surrogate pair is never cut in half.

// Cc controls except tab and newline; Cf format characters (zero-width space/joiners, LRM/RLM, bidi
// embeddings, overrides and isolates, word joiner, invisible operators, BOM, Unicode tags
// U+E0000–E007F, …); invisible fillers; variation selectors supplement (used to hide bytes).
const INVISIBLE = /[\p{Cc}\p{Cf}\u3164\uFFA0]|[\u{E0100}-\u{E01EF}]|\u115F|\u1160/gu;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

export function cleanText(s: string): string {
  return s.replace(INVISIBLE, (c) => (c === '\n' || c === '\t' ? c : '')).replace(LINE_SEPARATORS, '\n');
}

/** At most `n` code points of the cleaned text, with an ellipsis when cut. */
export function clip(s: string, n: number): string {
  const points = Array.from(cleanText(s));
  return points.length > n ? `${points.slice(0, Math.max(0, n - 1)).join('')}…` : points.join('');
}

/** Length in code points (what the budget counts). */
export function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
