// One collaboration as one line of the prompt's DATA block, kept within a budget of real Llama 3
// tokens (prompts/tokens.ts), measured after invisible characters were removed: they cannot push
// visible content out. Over budget, the notes are clipped, then list items dropped (the least useful
// lists first, oldest items first, counted under `omitted`), then the few fields that are never
// dropped are clipped harder, so the budget holds whatever people wrote.
import { clip, codePoints } from '../prompts/clean-text.ts';
import type { TokenCounter } from '../prompts/tokens.ts';
import type { CollabSummary } from './summary.ts';

export const SUMMARY_TOKEN_BUDGET = 300;

/** JSON with `<` and `>` escaped, so no user text can forge the DATA block's delimiters. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

type Lists = 'newMessages' | 'changedActivities' | 'overdue' | 'staleProposed' | 'pendingApprovals';
const DROP_ORDER: Lists[] = ['newMessages', 'changedActivities', 'staleProposed', 'pendingApprovals', 'overdue'];
/** Code points the notes keep before list items go, and what the kept fields are clipped to last. */
const NOTES_FIRST_CLIP = 80;
const LAST_RESORT_CLIP = 20;

export function renderSummary(s: CollabSummary, count: TokenCounter, budgetTokens = SUMMARY_TOKEN_BUDGET): string {
  const fits = (line: string) => count(line) <= budgetTokens;
  const { timeZone: _tz, stateVector: _sv, ...rest } = s;
  const view: Record<string, unknown> & { notes: string; title: string; unanswered: CollabSummary['unanswered'] } = { ...rest };
  const full = safeJson(compact(view, {}));
  if (fits(full)) return full;
  if (codePoints(view.notes) > NOTES_FIRST_CLIP) view.notes = clip(view.notes, NOTES_FIRST_CLIP);
  // Dropping the first k items in drop order; the line shrinks as k grows, so the fewest drops that
  // fit are found by bisection (a few encodes instead of one per item).
  const order = DROP_ORDER.flatMap((k) => s[k].map((_, i) => [k, i] as const));
  const render = (k: number) => {
    const omitted: Record<string, number> = {};
    const lists = { ...Object.fromEntries(DROP_ORDER.map((l) => [l, [...s[l]]])) } as Record<Lists, unknown[]>;
    for (const [list] of order.slice(0, k)) {
      lists[list].shift();
      omitted[list] = (omitted[list] ?? 0) + 1;
    }
    return safeJson(compact({ ...view, ...lists }, omitted));
  };
  let lo = 0;
  let hi = order.length;
  if (fits(render(0))) return render(0);
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    if (fits(render(mid))) hi = mid;
    else lo = mid;
  }
  let line = render(hi);
  if (fits(line)) return line;
  // Everything droppable is gone and it is still over: only hostile text gets here (e.g. emoji,
  // ~2.5 tokens each). Clip what is never dropped.
  view.notes = '';
  view.title = clip(view.title, LAST_RESORT_CLIP);
  if (view.unanswered?.text !== undefined) view.unanswered = { ...view.unanswered, text: clip(view.unanswered.text, LAST_RESORT_CLIP) };
  line = render(order.length);
  return line;
}

/** Drop empty lists and nulls: fewer tokens for quiet collaborations. */
function compact(view: Record<string, unknown>, omitted: Record<string, number>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(view)) {
    if (v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  if (Object.keys(omitted).length > 0) out.omitted = { ...omitted };
  return out;
}
