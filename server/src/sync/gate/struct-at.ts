// The struct of one client's list (sorted by clock, contiguous or not) that covers a clock: Yjs's
// own findIndexSS assumes a contiguous list and throws outside it; updates being read are neither.
export function structAt<S extends { id: { clock: number }; length: number }>(list: readonly S[], clock: number): S | null {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid]!;
    if (clock < s.id.clock) hi = mid - 1;
    else if (clock >= s.id.clock + s.length) lo = mid + 1;
    else return s;
  }
  return null;
}
