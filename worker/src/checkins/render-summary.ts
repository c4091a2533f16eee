// One collaboration as one line of the prompt's DATA block, kept within a token budget (code points / 4,
// measured after invisible characters were removed: they cannot push visible content out).
import { clip, codePoints } from '../prompts/clean-text.ts';
import type { CollabSummary } from './summary.ts';

export const SUMMARY_TOKEN_BUDGET = 300;

/** JSON with `<` and `>` escaped, so no user text can forge the DATA block's delimiters. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

type Lists = 'newMessages' | 'changedActivities' | 'overdue' | 'staleProposed' | 'pendingApprovals';
const DROP_ORDER: Lists[] = ['newMessages', 'changedActivities', 'staleProposed', 'pendingApprovals', 'overdue'];

export function renderSummary(s: CollabSummary, budgetTokens = SUMMARY_TOKEN_BUDGET): string {
  const budget = budgetTokens * 4;
  const { timeZone: _tz, stateVector: _sv, ...rest } = s;
  const lists: Record<Lists, unknown[]> = {
    newMessages: [...s.newMessages], changedActivities: [...s.changedActivities], overdue: [...s.overdue],
    staleProposed: [...s.staleProposed], pendingApprovals: [...s.pendingApprovals],
  };
  const view: Record<string, unknown> & { notes: string } = { ...rest, ...lists };
  const omitted: Record<string, number> = {};
  let line = safeJson(compact(view, omitted));
  if (codePoints(line) > budget && codePoints(view.notes) > 80) {
    view.notes = clip(view.notes, 80);
    line = safeJson(compact(view, omitted));
  }
  for (const k of DROP_ORDER) {
    // Oldest first: the newest items matter most for a daily digest.
    while (codePoints(line) > budget && lists[k].length > 0) {
      lists[k].shift();
      omitted[k] = (omitted[k] ?? 0) + 1;
      line = safeJson(compact(view, omitted));
    }
  }
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
